/**
 * Monthly cost at 10, 1,000 and 10,000 subaccounts, per design, with the Lambda durations this run measured
 * under the latency model (extrapolated linearly in the elements beyond the largest measured size).
 */
import { createAlertStruct } from "../../handlers/alert";
import { toHistoryItem } from "../../handlers/items";
import { DEFAULT_RETENTION_DAYS } from "../../shared/limits";
import { interpretDelivery, toLakeNdjson } from "../../handlers/records";
import { generateDelivery, seededRandom } from "../../local/generate";
import type { BaselineResult, ModelResult } from "../e2e/suites";
import { AWS_LATENCY } from "../latency/awsLatency";
import type { Suite } from "../suite";
import { CostAssumptions, DEFAULT_ASSUMPTIONS, Design, MonthlyCost, durationAt, monthlyCost } from "./model";
import { PRICES, PRICES_DATE, PRICES_REGION, PriceTable } from "./prices";

export const COST_SIZES = [10, 1_000, 10_000];
const DESIGNS: Design[] = ["function-url", "alb", "original"];

export interface CostResult {
    pricesDate: string;
    region: string;
    prices: PriceTable;
    assumptions: CostAssumptions;
    /** Bytes of one history item as stored (JSON of its attributes, an upper bound of DynamoDB's size). */
    historyItemBytes: number;
    rows: Array<MonthlyCost & { durationMs: number; loaderDurationMs?: number; durationExtrapolated: boolean }>;
}

/** The sizes a real-shape delivery of `subaccounts` has: its body and its lake rows. */
function shapeOf(subaccounts: number): { bodyBytes: number; lakeBytes: number; historyItemBytes: number } {
    const triggeredAt = new Date("2026-11-27T09:00:00.000Z");
    const alerts = generateDelivery({ subaccounts, triggeredAt, random: seededRandom(subaccounts) });
    const interpretation = interpretDelivery(JSON.stringify(alerts), createAlertStruct(), { deliveryId: "00000000-0000-5000-8000-000000000000", receivedAt: triggeredAt });
    if (interpretation.kind !== "alerts") throw new Error("a generated delivery did not interpret as alerts");
    return {
        bodyBytes: Buffer.byteLength(JSON.stringify(alerts)),
        lakeBytes: Buffer.byteLength(toLakeNdjson(interpretation.records)),
        historyItemBytes: Buffer.byteLength(JSON.stringify(toHistoryItem(interpretation.records[1], DEFAULT_RETENTION_DAYS))),
    };
}

export const costSuite: Suite<CostResult> = {
    id: "cost",
    title: "Monthly cost",
    needs: ["model", "baseline"],
    async run(context) {
        const model = context.results.model as ModelResult;
        const baseline = context.results.baseline as BaselineResult;
        // The receiver runs until it answers; the loader from the notification until the delivery is stored.
        const notificationMs = AWS_LATENCY["s3:EventNotification"].p50Ms;
        const receiver = model.sizes.map((size) => ({ subaccounts: size.subaccounts, ms: size.answerMs.median }));
        const loader = model.sizes.map((size) => ({ subaccounts: size.subaccounts, ms: Math.max(0, size.atModelMs.median - size.answerMs.median - notificationMs) }));
        const original = baseline.comparison.map((row) => ({ subaccounts: row.subaccounts, ms: row.baselineFullMs }));
        const historyItemBytes = shapeOf(1).historyItemBytes;
        // Each element writes its history item and its index copy: the table keeps both for the retention.
        const assumptions: CostAssumptions = { ...DEFAULT_ASSUMPTIONS, tableBytesPerElement: 2 * historyItemBytes };
        const rows = COST_SIZES.flatMap((subaccounts) => {
            const shape = shapeOf(subaccounts);
            return DESIGNS.map((design) => {
                const duration = durationAt(subaccounts, design === "original" ? original : receiver);
                const loaderDuration = design === "original" ? undefined : durationAt(subaccounts, loader);
                const cost = monthlyCost(design, { subaccounts, ...shape, durationMs: duration.ms, loaderDurationMs: loaderDuration?.ms }, PRICES, assumptions);
                return { ...cost, durationMs: duration.ms, loaderDurationMs: loaderDuration?.ms, durationExtrapolated: duration.extrapolated || !!loaderDuration?.extrapolated };
            });
        });
        context.progress(rows.map((row) => `${row.design} ${row.subaccounts}: $${row.usd.toFixed(2)}`).join(", "));
        return { pricesDate: PRICES_DATE, region: PRICES_REGION, prices: PRICES, assumptions, historyItemBytes, rows };
    },
};
