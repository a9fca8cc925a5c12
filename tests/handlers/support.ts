/**
 * Shared by the handlers' tests: fixture loading (a fresh clone per call, so a test can change one field) and
 * fast-check arbitraries of valid SparkPost alert elements in both shapes.
 */
import { readFileSync } from "fs";
import type { AlertRecord } from "../../handlers/records";
import { join } from "path";
import fc from "fast-check";
import { METRICS } from "../../handlers/alert";

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

function pad(n: number): string {
    return String(n).padStart(2, "0");
}
