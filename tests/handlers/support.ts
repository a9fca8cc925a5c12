/**
 * Shared by the handlers' tests: fixture loading (a fresh clone per call, so a test can change one field) and
 * fast-check arbitraries of valid SparkPost alert elements in both shapes.
 */
import { readFileSync } from "fs";
import type { AlertRecord } from "../../handlers/records";
import { join } from "path";
import fc from "fast-check";
import { METRICS, OPERATORS, SOURCES, STRING_FILTERS } from "../../handlers/alert";
import { generateDelivery, seededRandom } from "../../local/generate";

export const FIXTURES = join(__dirname, "..", "fixtures");

/** A fresh, mutable copy of a JSON fixture (`real-delivery.json`, `events/alb.json`, ...). */
export function fixture<T = any>(relativePath: string): T {
    return JSON.parse(readFileSync(join(FIXTURES, relativePath), "utf8")) as T;
}

/** The token in the path of every event fixture. */
export const FIXTURE_TOKEN = "fixture-token-0123456789abcdef";

/** fast-check settings for the handlers' properties: enough runs to find edge cases, fast enough for CI. */
export const RUNS = { numRuns: 200 } as const;

/** A generated alert element together with the values a record of it must show. */
export interface GeneratedAlert {
    element: Record<string, unknown>;
    /** Every record field but those the delivery gives (ids, arrival). */
    expected: Omit<AlertRecord, "record_id" | "received_at" | "delivery_id">;
}

/** Finite numbers that survive JSON and the safety checks: no -0, no integer beyond ±2^53, none below 1e-130. */
const jsonNumber = (min: number, max: number) =>
    fc.oneof(fc.integer({ min: Math.ceil(min), max: Math.floor(max) }), fc.double({ min, max, noNaN: true }))
        .map((n) => n + 0)
        .filter((n) => n === 0 || Math.abs(n) >= 1e-130);

const evaluatorArb = fc.oneof(
    { weight: 4, arbitrary: fc.record({
        operator: fc.constantFrom("gt", "lt"),
        source: fc.constantFrom("raw", "day_over_day", "week_over_week"),
        value: jsonNumber(-1e6, 1e6),
    }) },
    { weight: 1, arbitrary: fc.constant({}) },
);

const facet = fc.string({ minLength: 1, maxLength: 12 });

const filtersArb = fc.record(
    {
        subaccount_id: fc.integer({ min: 0, max: 1_000_000 }),
        ip_pool: facet,
        mailbox_provider: facet,
        sending_domain: facet,
        // A filter SparkPost may add one day: kept as it came.
        campaign_id: facet,
    },
    { requiredKeys: [], noNullPrototype: true },
);

/**
 * The latest instant generated: before every arrival the tests use (their deliveries arrive from 2026-11-27
 * 09:00:04.500Z on), so that no generated alert is from the future.
 */
export const LATEST_GENERATED_TRIGGER = Date.UTC(2026, 10, 27, 9, 0, 0);

/**
 * An instant in the Health Score's lifetime (from 2019) and a way of writing it: UTC, or with an offset, with or
 * without millis.
 */
const timestampArb = fc
    .record({
        epochMs: fc.integer({ min: Date.UTC(2019, 0, 1), max: LATEST_GENERATED_TRIGGER }),
        offsetMinutes: fc.integer({ min: -48, max: 56 }).map((quarters) => quarters * 15),
        withMillis: fc.boolean(),
    })
    .map(({ epochMs, offsetMinutes, withMillis }) => {
        const instant = withMillis ? epochMs : epochMs - (epochMs % 1000);
        const local = new Date(instant + offsetMinutes * 60_000).toISOString().slice(0, withMillis ? 23 : 19);
        const sign = offsetMinutes < 0 ? "-" : "+";
        const abs = Math.abs(offsetMinutes);
        const zone = offsetMinutes === 0 ? "Z" : `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
        return { text: `${local}${zone}`, iso: new Date(instant).toISOString() };
    });

/** A valid element, documented shape (`threshold_evaluator`, `incident_id`) or real shape (`evaluator`). */
export function validAlertArb(shape: "documented" | "real" | "any" = "any"): fc.Arbitrary<GeneratedAlert> {
    const shapeArb = shape === "any" ? fc.constantFrom("documented" as const, "real" as const) : fc.constant(shape);
    return fc
        .record({
            shape: shapeArb,
            alert_id: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
            incident_id: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
            name: fc.string({ minLength: 1, maxLength: 40, unit: "grapheme" }),
            metric: fc.oneof(fc.constantFrom(...METRICS), fc.stringMatching(/^[a-z][a-z0-9_]{0,20}$/)),
            evaluator: evaluatorArb,
            filters: filtersArb,
            time: timestampArb,
            anyValue: jsonNumber(-1e9, 1e9),
            score: jsonNumber(0, 100),
        })
        .map(({ shape: s, alert_id, incident_id, name, metric, evaluator, filters, time, anyValue, score }) => {
            // SparkPost sends an evaluator with every metric but blocklist; a health score's change is -100 or more.
            const e = (metric === "blocklist" || "source" in evaluator ? evaluator : { operator: "gt", source: "raw", value: 0 }) as
                { operator?: string; source?: string; value?: number };
            const triggered_value = metric !== "health_score" ? anyValue : e.source === "raw" ? score : Math.max(-100, anyValue);
            const element: Record<string, unknown> = {
                alert_id,
                ...(s === "documented" ? { incident_id } : {}),
                name,
                metric,
                triggered_value,
                triggered_at: time.text,
                [s === "documented" ? "threshold_evaluator" : "evaluator"]: e,
                filters,
            };
            return {
                element,
                expected: {
                    alert_id,
                    incident_id: s === "documented" ? incident_id : null,
                    name,
                    metric,
                    subaccount_id: (filters as { subaccount_id?: number }).subaccount_id ?? -1,
                    filters,
                    operator: e.operator ?? null,
                    source: e.source ?? null,
                    threshold: e.value ?? null,
                    triggered_value,
                    triggered_at: time.iso,
                },
            };
        });
}

/** The same JSON value with the keys of every object in another order, picked by `seed`. */
export function reorderKeys(value: unknown, seed: number): unknown {
    if (Array.isArray(value)) return value.map((item, i) => reorderKeys(item, seed + i + 1));
    if (value === null || typeof value !== "object") return value;
    const entries = Object.entries(value);
    // A deterministic shuffle (rotation, then optional reversal), enough to change the order of any 2+ keys.
    const rotated = entries.map((_, i) => entries[(i + seed) % entries.length]);
    const ordered = seed % 2 === 0 ? rotated.reverse() : rotated;
    const result: Record<string, unknown> = {};
    for (const [key, child] of ordered) {
        // defineProperty: a key named `__proto__` stays an own key, as JSON.parse makes it.
        Object.defineProperty(result, key, { value: reorderKeys(child, seed * 31 + key.length), enumerable: true, writable: true, configurable: true });
    }
    return result;
}


/**
 * Timestamp texts of every form the schema's pattern lets through, and near misses: fields out of range (month 13,
 * February 30th, hour 24), years 0000 to 9999, offsets with and without a colon, no seconds, 1 to 9 decimals,
 * a character changed anywhere. For the properties that hold the fast timestamp reading to the general one.
 */
export const timestampTextArb: fc.Arbitrary<string> = fc.oneof(
    fc.record({
        year: fc.oneof(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 2018, max: 2027 }), fc.constantFrom(100, 1600, 1700, 1900, 2000, 2100, 2400, 9900)),
        month: fc.integer({ min: 0, max: 13 }),
        day: fc.oneof(fc.integer({ min: 0, max: 32 }), fc.integer({ min: 28, max: 31 })),
        hour: fc.integer({ min: 0, max: 25 }),
        minute: fc.integer({ min: 0, max: 60 }),
        second: fc.integer({ min: 0, max: 60 }),
        fraction: fc.oneof(fc.constant(".000"), fc.integer({ min: 0, max: 999 }).map((ms) => `.${String(ms).padStart(3, "0")}`), fc.stringMatching(/^(\.[0-9]{1,9})?$/)),
        withSeconds: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
        zone: fc.oneof({ weight: 4, arbitrary: fc.constant("Z") }, { weight: 1, arbitrary: fc.stringMatching(/^[+-]([01][0-9]|2[0-4]|99):?[0-5][0-9]$/) }),
    }).map(({ year, month, day, hour, minute, second, fraction, withSeconds, zone }) =>
        `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}${withSeconds ? `:${pad(second)}${fraction}` : ""}${zone}`),
    // Instants around the window's edges and real ones, written as toISOString writes them.
    fc.integer({ min: Date.UTC(2018, 11, 31, 23), max: Date.UTC(2027, 0, 1) }).map((ms) => new Date(ms).toISOString()),
    fc.constantFrom(Date.UTC(2019, 0, 1) - 1, Date.UTC(2019, 0, 1), Date.UTC(2026, 10, 27, 10), Date.UTC(2026, 10, 27, 10) + 1).map((ms) => new Date(ms).toISOString()),
    fc.string({ maxLength: 30 }),
).chain((text) =>
    // Sometimes one character replaced by a digit, a separator or anything.
    fc.oneof(
        { weight: 4, arbitrary: fc.constant(text) },
        { weight: 1, arbitrary: fc.tuple(fc.nat(), fc.oneof(fc.constantFrom("0", "9", "-", ":", ".", "T", "Z", "z", " ", "+", "/"), fc.string({ minLength: 1, maxLength: 1 })))
            .map(([at, replacement]) => (text.length === 0 ? replacement : text.slice(0, at % text.length) + replacement + text.slice((at % text.length) + 1))) },
    ),
);

function pad(n: number, width = 2): string {
    return String(n).padStart(width, "0");
}

/** Values a hostile sender (or a careless one) puts in a member: boundaries, wrong types, look-alikes. */
const oddValue: fc.Arbitrary<unknown> = fc.oneof(
    fc.constantFrom<unknown>(
        undefined, null, true, false, 0, -0, 1, -1, 0.5, 1.5, 99.999, 100, 100.0001, -100, -100.0001, -0.0001, 1e21, 2 ** 53, -(2 ** 53),
        Number.MAX_SAFE_INTEGER, NaN, Infinity, -Infinity, "", " ", "x", "1", "0", "NaN", "Infinity", "1e400", "gt", "lt", "GT", "eq", "raw", "day_over_day",
        "week_over_week", "month_over_month", "health_score", "blocklist", "Health_Score", "health-score", "a".repeat(64), "a".repeat(65),
        "n".repeat(1024), "n".repeat(1025), "😀".repeat(512), "😀".repeat(513), "__proto__", [], [1], {}, { operator: "gt" },
        { operator: "gt", source: "raw", value: 0 }, { operator: "lt", source: "day_over_day", value: -5 }, { operator: "gt", source: "raw" },
        { subaccount_id: 3 }, { subaccount_id: -1 }, { subaccount_id: 1.5 }, { ip_pool: 3 }, { ip_pool: "p", campaign: [1] },
        new Date(0), Object.create(null), [{ operator: "gt", source: "raw", value: 0 }],
    ),
    timestampTextArb,
    fc.double(),
    fc.integer(),
    fc.string({ maxLength: 12 }),
    fc.anything({ maxDepth: 2 }),
);

/** Numbers at every boundary the schema draws (integers from 0 or 1, scores 0 to 100, changes from -100), and around. */
export const boundaryNumber = fc.oneof(
    fc.constantFrom(-101, -100.5, -100.0001, -100, -99.5, -1, -0.5, -0.0001, -0, 0, 0.0001, 0.5, 1, 1.5, 2, 99.9999, 100, 100.0001, 100.5, 101,
        2 ** 53, -(2 ** 53), 1e21, NaN, Infinity, -Infinity, Number.MIN_VALUE),
    fc.double({ min: -200, max: 200 }),
    fc.integer({ min: -3, max: 3 }),
);

/** Every member the schema reads (top level, in either evaluator, in filters), and keys that are none of them. */
const memberPath = fc.constantFrom(
    ...["alert_id", "incident_id", "name", "metric", "triggered_value", "triggered_at", "evaluator", "threshold_evaluator", "filters"].map((key) => [key]),
    ...["evaluator", "threshold_evaluator"].flatMap((evaluator) => ["operator", "source", "value", "extra"].map((key) => [evaluator, key])),
    ...["subaccount_id", ...STRING_FILTERS, "campaign_id", "__proto__", "constructor"].map((key) => ["filters", key]),
    ...["__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "valueOf", "extra"].map((key) => [key]),
);

/** An edit: a member set to an odd value (as an own property, even `__proto__`), or deleted. */
export type AlertEdit = [string[], unknown];

export const alertEditArb: fc.Arbitrary<AlertEdit> = fc.tuple(memberPath, fc.oneof(boundaryNumber, oddValue, fc.constant("(delete)")));

export function applyEdit(element: Record<string, unknown>, [path, value]: AlertEdit): Record<string, unknown> {
    const copy = { ...element };
    let target = copy;
    for (const key of path.slice(0, -1)) {
        const inner = target[key];
        const innerCopy = inner !== null && typeof inner === "object" && !Array.isArray(inner) ? { ...(inner as object) } : {};
        Object.defineProperty(target, key, { value: innerCopy, enumerable: true, writable: true, configurable: true });
        target = innerCopy as Record<string, unknown>;
    }
    const last = path[path.length - 1];
    if (value === "(delete)") delete target[last];
    else Object.defineProperty(target, last, { value, enumerable: true, writable: true, configurable: true });
    return copy;
}

/**
 * Valid elements (for deliveries that arrive from 2026-11-27T09:00:04.500Z on, as the tests' do), mostly with
 * `triggered_at` as SparkPost writes it, the form the fast path reads.
 */
export const validElementArb: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
    fc.nat(5_000).map((seed) => generateDelivery({ subaccounts: 1, triggeredAt: new Date("2026-11-27T09:00:00.000Z"), random: seededRandom(seed) })[1] as unknown as Record<string, unknown>),
    // Every metric under every kind of evaluator, under either key, so that one edit can cross each metric rule.
    fc.record({
        metric: fc.constantFrom(...METRICS, "spam_trap_rate"),
        key: fc.constantFrom("evaluator", "threshold_evaluator"),
        evaluator: fc.oneof(fc.constant({}), fc.record({ operator: fc.constantFrom(...OPERATORS), source: fc.constantFrom(...SOURCES), value: boundaryNumber.filter(Number.isFinite) })),
        triggered_value: fc.constantFrom(-100, -50, 0, 50, 100),
    }).map(({ metric, key, evaluator, triggered_value }) => ({
        alert_id: 9, name: "n", metric, triggered_value, triggered_at: "2026-11-27T09:00:00.000Z", [key]: evaluator, filters: {},
    }) as Record<string, unknown>),
    validAlertArb().map(({ element, expected }) => ({ ...element, triggered_at: expected.triggered_at })),
    fc.constantFrom(...fixture<Array<Record<string, unknown>>>("real-delivery.json"), ...fixture<Array<Record<string, unknown>>>("documented-delivery.json"))
        .map((element) => ({ ...element, triggered_at: "2026-11-27T09:00:03.123Z" })),
    validAlertArb().map(({ element }) => element),
);
