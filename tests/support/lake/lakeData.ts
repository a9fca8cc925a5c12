/**
 * A realistic lake for the query tests: deliveries in SparkPost's real shape, posted through the receiver into
 * the emulators, and the facts a test needs to compute expected rows on its own (without SQL).
 */
import { receiveAndLoad } from "../pipeline";
import { silentLogger } from "../../../handlers/logger";
import type { DeliveryStorage } from "../../../handlers/storage";
import { seededRandom } from "../../../local/generate";

export const TOKEN = "lake-test-token-0123456789";

export interface Element {
    alert_id: number;
    name: string;
    metric: string;
    triggered_value: number;
    triggered_at: string;
    evaluator: { operator: "gt" | "lt"; source: "raw" | "day_over_day"; value: number };
    filters: { subaccount_id?: number; ip_pool?: string };
}

export interface Delivery {
    receivedAt: Date;
    elements: Element[];
}

/** What the lake should hold for one element, computed here, not read back. */
export interface Expected {
    subaccount_id: number;
    metric: string;
    source: string;
    /** Whether the alert is about a facet of the subaccount (an ip_pool) rather than the subaccount itself. */
    facet: boolean;
    /** Rounded half away from zero to 3 decimals, as the receiver stores it. */
    score: number;
    triggered_at: string;
    dt: string;
}

export const SUBACCOUNTS = [-1, 0, 17, 42, 108] as const;
export const FIRST_DAY = "2026-10-01";
export const DAYS = 58; // to 2026-11-27: longer than the trend's 30 days

export function dayAt(offset: number): string {
    return new Date(Date.parse(`${FIRST_DAY}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Every day at 09:00 the daily raw score of each subaccount (108 misses about a day in four, so some day-over-day
 * pairs are not consecutive), plus what the named queries must leave out or reduce: day_over_day alerts (a change,
 * not a score), a raw score of one of 42's IP pools (a facet, not the subaccount), later than its own and far
 * lower, a second raw score later in the day for subaccount 42, and another metric.
 */
export function generateDeliveries(seed = 20261127): Delivery[] {
    const random = seededRandom(seed);
    const score = () => 30 + random() * 70 + 1e-9;
    const element = (metric: string, source: "raw" | "day_over_day", subaccount: number, at: string, value: number): Element => ({
        alert_id: source === "raw" ? 1 : 2,
        name: source === "raw" ? "Daily health score" : "Health score falling",
        metric,
        triggered_value: value,
        triggered_at: at,
        evaluator: source === "raw" ? { operator: "gt", source, value: 0 } : { operator: "lt", source, value: -5 },
        filters: subaccount === -1 ? {} : { subaccount_id: subaccount },
    });

    const deliveries: Delivery[] = [];
    for (let offset = 0; offset < DAYS; offset++) {
        const day = dayAt(offset);
        const morning = `${day}T09:00:03.123Z`;
        const elements = SUBACCOUNTS
            .filter((subaccount) => subaccount !== 108 || random() > 0.25)
            .map((subaccount) => element("health_score", "raw", subaccount, morning, score()));
        if (offset % 3 === 0) elements.push(element("health_score", "day_over_day", 17, morning, -(5 + random() * 30)));
        if (offset % 5 === 0) elements.push(element("block_bounce_rate", "raw", 17, morning, random() * 10));
        if (offset % 2 === 0) elements.push({ ...element("health_score", "raw", 42, `${day}T09:00:04.000Z`, 5 + random() * 10), filters: { subaccount_id: 42, ip_pool: "shared" } });
        deliveries.push({ receivedAt: new Date(Date.parse(morning) + 1500), elements });
        if (offset % 4 === 1) {
            const afternoon = `${day}T15:30:00.000Z`;
            deliveries.push({ receivedAt: new Date(Date.parse(afternoon) + 800), elements: [element("health_score", "raw", 42, afternoon, score())] });
        }
    }
    return deliveries;
}

/** Half away from zero on the shortest decimal form, written independently of handlers/records.ts. */
export function round3(value: number): number {
    const sign = value < 0 ? -1 : 1;
    const text = Math.abs(value).toFixed(10);
    const [integer, fraction] = text.split(".");
    const thousandths = Number(integer) * 1000 + Number(fraction.slice(0, 3)) + (Number(fraction[3]) >= 5 ? 1 : 0);
    return (sign * thousandths) / 1000;
}

export function expectedRows(deliveries: readonly Delivery[]): Expected[] {
    return deliveries.flatMap((delivery) => delivery.elements.map((element) => ({
        subaccount_id: element.filters.subaccount_id ?? -1,
        metric: element.metric,
        source: element.evaluator.source,
        facet: element.filters.ip_pool !== undefined,
        score: round3(element.triggered_value),
        triggered_at: element.triggered_at,
        dt: element.triggered_at.slice(0, 10),
    })));
}

/** Posts each delivery to the receiver as the ALB would, at its own arrival time. */
export async function postDeliveries(storage: DeliveryStorage, deliveries: readonly Delivery[]): Promise<void> {
    for (const delivery of deliveries) {
        const receive = receiveAndLoad({ storage, token: TOKEN, now: () => delivery.receivedAt, logger: silentLogger });
        const response = await receive({
            source: "alb",
            method: "POST",
            path: `/hooks/${TOKEN}`,
            headers: { "content-type": "application/json" },
            body: Buffer.from(JSON.stringify(delivery.elements)),
        });
        if (response.statusCode !== 202) throw new Error(`delivery of ${delivery.receivedAt.toISOString()} answered ${response.statusCode}: ${response.body}`);
    }
}
