/**
 * A quick yes for alerts as SparkPost sends them. Superstruct is the validator of record: it judges every element
 * this does not accept, and writes every error message. Walking its schema costs about 20 µs an element, most of
 * a large delivery's time; this check of the same schema, in plain code, costs well under one.
 *
 * It may say "not sure" (false) of a valid element, never "valid" (true) of an element superstruct rejects: a
 * property test over generated and mutated elements holds it to `createAlertStruct` and `checkTriggeredAt`.
 */
import {
    Alert,
    EARLIEST_TRIGGERED_AT_MS,
    MAX_NAME_LENGTH,
    METRIC_NAME,
    OPERATORS,
    SOURCES,
    STRING_FILTERS,
    instantOfIsoUtc,
} from "./alert";

/**
 * True only when `createAlertStruct()` accepts `value` (with no coercion, so the alert it gives is `value`
 * itself) and its `triggered_at` lies from 2019 to `latestTriggeredAtMs`, as `checkTriggeredAt` requires.
 * `triggered_at` must be in the form `toISOString` writes (any other form is left to superstruct).
 */
export function isSurelyValidAlert(value: unknown, latestTriggeredAtMs: number): value is Alert {
    // superstruct's `type`: a non-array object, whose members are read as `value[key]`; other members are allowed.
    if (!isRecord(value)) return false;
    const { alert_id, incident_id, name, metric, triggered_value, triggered_at, threshold_evaluator, evaluator, filters } = value;
    if (!isIntegerFrom(alert_id, 1)) return false;
    if (incident_id !== undefined && !isIntegerFrom(incident_id, 1)) return false;
    if (typeof name !== "string" || name.length < 1 || name.length > MAX_NAME_LENGTH) return false;
    if (typeof metric !== "string" || !METRIC_NAME.test(metric)) return false;
    if (typeof triggered_value !== "number" || !Number.isFinite(triggered_value)) return false;
    if (typeof triggered_at !== "string") return false;
    const instant = instantOfIsoUtc(triggered_at);
    if (!(instant >= EARLIEST_TRIGGERED_AT_MS && instant <= latestTriggeredAtMs)) return false;
    if (threshold_evaluator !== undefined && !isEvaluator(threshold_evaluator)) return false;
    if (evaluator !== undefined && !isEvaluator(evaluator)) return false;
    if (!isFilters(filters)) return false;

    // The metric rules, on the evaluator they read: `threshold_evaluator` when present.
    const rulingEvaluator = (threshold_evaluator ?? evaluator) as Record<string, unknown> | undefined;
    if (rulingEvaluator === undefined || rulingEvaluator.source === undefined) {
        // isEvaluator leaves only complete and empty evaluators: without a source, it is empty.
        return metric === "blocklist";
    }
    if (metric !== "health_score") return true;
    return rulingEvaluator.source === "raw" ? triggered_value >= 0 && triggered_value <= 100 : triggered_value >= -100;
}

/** The evaluator's schema: operator, source and value each of its type, all three or none. */
function isEvaluator(value: unknown): boolean {
    if (!isRecord(value)) return false;
    const { operator, source, value: threshold } = value;
    let present = 0;
    if (operator !== undefined) {
        if (!(OPERATORS as readonly unknown[]).includes(operator)) return false;
        present++;
    }
    if (source !== undefined) {
        if (!(SOURCES as readonly unknown[]).includes(source)) return false;
        present++;
    }
    if (threshold !== undefined) {
        if (typeof threshold !== "number" || !Number.isFinite(threshold)) return false;
        present++;
    }
    return present === 0 || present === 3;
}

/** The filters' schema: `subaccount_id` an integer from 0, the other known filters strings; any others allowed. */
function isFilters(value: unknown): boolean {
    if (!isRecord(value)) return false;
    if (value.subaccount_id !== undefined && !isIntegerFrom(value.subaccount_id, 0)) return false;
    for (let i = 0; i < STRING_FILTERS.length; i++) {
        const facet = value[STRING_FILTERS[i]];
        if (facet !== undefined && typeof facet !== "string") return false;
    }
    return true;
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isIntegerFrom(value: unknown, least: number): boolean {
    return typeof value === "number" && Number.isInteger(value) && value >= least;
}
