/**
 * The pure core of a delivery: parsed JSON in, records and rejections out. No I/O, no clock, no environment:
 * the receiver passes the delivery id and the time of arrival.
 */
import { Alert, AlertStruct, ElementError, elementPath, validateAlert } from "./alert";
import { findUnsafeValues } from "./body";
import { canonicalJson, uuidV5, HEALTHSCORE_NAMESPACE } from "./ids";
import { utcDay } from "../shared/layout";

/**
 * `subaccount_id` of an alert about the account overall (`filters: {}`): no subaccount has it (0 is the primary
 * account), and a number rather than null keeps the account's series in the same keys, columns and queries.
 */
export const ACCOUNT_OVERALL = -1;

/**
 * One stored alert. These field names are the public contract of the store: the data lake's `alerts` table,
 * the CLI and downstream users read them.
 */
export interface AlertRecord {
    /** Name-based UUID of the alert's content: the same element delivered again has the same id. */
    record_id: string;
    alert_id: number;
    incident_id: number | null;
    name: string;
    metric: string;
    /** -1 for the account overall, 0 for the primary account, else the subaccount. */
    subaccount_id: number;
    filters: Record<string, unknown>;
    operator: string | null;
    source: string | null;
    threshold: number | null;
    /** Rounded half away from zero to 3 decimals. */
    triggered_value: number;
    /** ISO-8601, UTC, millisecond precision. */
    triggered_at: string;
    received_at: string;
    /** The delivery the record came in: names the raw body under raw/. */
    delivery_id: string;
}

export interface DeliveryContext {
    deliveryId: string;
    receivedAt: Date;
}

/**
 * An element that was not stored as a record, with why. `element` is the element as parsed, left out when it
 * holds what must not be stored (prototype keys, numbers JSON.parse altered) or is oversized: the raw archive
 * keeps the exact bytes.
 */
export interface RejectedElement {
    index: number;
    element?: unknown;
    errors: ElementError[];
}

export type Interpretation =
    | { kind: "alerts"; records: AlertRecord[]; rejected: RejectedElement[] }
    | { kind: "not-alerts"; message: string };

/**
 * Rounds to 3 decimals, half away from zero, on the number's shortest decimal form: 78.2725 becomes 78.273,
 * as a reader of the JSON expects, where `Math.round(x * 1000) / 1000` would give 78.272.
 */
export function roundTo3(value: number): number {
    // An integer is already rounded; from 1e21 up its decimal form is exponential and the string steps below fail.
    if (Number.isInteger(value)) return value === 0 ? 0 : value;
    const [mantissa, exponent = "0"] = String(Math.abs(value)).split("e");
    const shifted = Math.round(Number(`${mantissa}e${Number(exponent) + 3}`));
    const rounded = Number(`${shifted}e-3`);
    return value < 0 && rounded !== 0 ? -rounded : rounded;
}

/**
 * The identity of an alert: everything that says what happened, nothing about when it reached us. The evaluator
 * counts once, whichever key it came under.
 */
export function recordIdOf(alert: Alert): string {
    const evaluator = alert.threshold_evaluator ?? alert.evaluator ?? {};
    return uuidV5(
        canonicalJson({
            alert_id: alert.alert_id,
            incident_id: alert.incident_id ?? null,
            metric: alert.metric,
            filters: alert.filters,
            evaluator,
            triggered_at: new Date(alert.triggered_at).toISOString(),
            triggered_value: alert.triggered_value,
        }),
        HEALTHSCORE_NAMESPACE,
    );
}

export function toRecord(alert: Alert, context: DeliveryContext): AlertRecord {
    const evaluator = alert.threshold_evaluator ?? alert.evaluator ?? {};
    return {
        record_id: recordIdOf(alert),
        alert_id: alert.alert_id,
        incident_id: alert.incident_id ?? null,
        name: alert.name,
        metric: alert.metric,
        subaccount_id: alert.filters.subaccount_id ?? ACCOUNT_OVERALL,
        filters: alert.filters,
        operator: evaluator.operator ?? null,
        source: evaluator.source ?? null,
        threshold: evaluator.value ?? null,
        triggered_value: roundTo3(alert.triggered_value),
        triggered_at: new Date(alert.triggered_at).toISOString(),
        received_at: context.receivedAt.toISOString(),
        delivery_id: context.deliveryId,
    };
}

/**
 * Reads a parsed body as a delivery. A body that is not an array, or an array with no object in it, is not a
 * delivery at all; otherwise each element stands alone: a bad one is rejected with its errors and does not
 * stop its siblings, and identical elements give one record.
 */
export function interpretDelivery(body: unknown, struct: AlertStruct, context: DeliveryContext): Interpretation {
    if (!Array.isArray(body)) {
        return { kind: "not-alerts", message: `expected a JSON array of alerts, but received ${jsonType(body)}` };
    }
    if (body.length > 0 && !body.some(isPlainObject)) {
        return { kind: "not-alerts", message: "expected a JSON array of alert objects, but no element is an object" };
    }

    const records = new Map<string, AlertRecord>();
    const rejected: RejectedElement[] = [];
    body.forEach((element, index) => {
        const errors = checkElement(element, index);
        if (errors.length > 0) {
            // What could not be stored faithfully is not copied into the rejection either: the raw archive has it.
            rejected.push(isPlainObject(element) ? { index, errors } : { index, element, errors });
            return;
        }
        const validated = validateAlert(struct, element, index);
        if (!validated.ok) {
            rejected.push({ index, element, errors: validated.errors });
            return;
        }
        const record = toRecord(validated.alert, context);
        if (!records.has(record.record_id)) records.set(record.record_id, record);
    });
    return { kind: "alerts", records: [...records.values()], rejected };
}

/**
 * A SparkPost alert is a few hundred bytes; far larger ones could not be stored as one DynamoDB item (400 KB) and
 * would fail the whole batch they are in, so they are rejected here, alone.
 */
export const MAX_ELEMENT_BYTES = 16 * 1024;

/** What JSON.parse lets through but the schema cannot see: unsafe numbers, prototype keys and sheer size. */
function checkElement(element: unknown, index: number): ElementError[] {
    if (!isPlainObject(element)) {
        return [{ index, path: elementPath(index, []), message: `Expected an alert object, but received ${jsonType(element)}` }];
    }
    const bytes = Buffer.byteLength(JSON.stringify(element));
    if (bytes > MAX_ELEMENT_BYTES) {
        return [{ index, path: elementPath(index, []), message: `alert is ${bytes} bytes; the limit is ${MAX_ELEMENT_BYTES}` }];
    }
    return findUnsafeValues(element).map(({ path, message }) => ({
        index,
        path: elementPath(index, path === "" ? [] : [path]),
        message,
    }));
}

/** Records grouped by their lake partition (metric, day of `triggered_at`), in a stable order. */
export function partitionRecords(records: readonly AlertRecord[]): Array<{ metric: string; day: string; records: AlertRecord[] }> {
    const partitions = new Map<string, { metric: string; day: string; records: AlertRecord[] }>();
    for (const record of records) {
        const day = utcDay(record.triggered_at);
        const key = `${record.metric}/${day}`;
        const partition = partitions.get(key) ?? { metric: record.metric, day, records: [] };
        partition.records.push(record);
        partitions.set(key, partition);
    }
    return [...partitions.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, partition]) => partition);
}

/** A record as one line of a lake object. */
export type LakeRow = Omit<AlertRecord, "metric">;

/**
 * A lake object's body: one JSON line per record. `metric` is left out of the lines because it is the
 * `metric=` partition of the key: Glue and Athena refuse a table whose partition column is also a data column.
 */
export function toLakeNdjson(records: readonly AlertRecord[]): string {
    return records.map(({ metric: _metric, ...row }: AlertRecord) => `${JSON.stringify(row as LakeRow)}\n`).join("");
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
    return value !== null && typeof value === "object" && !Array.isArray(value);
}

function jsonType(value: unknown): string {
    if (value === null) return "null";
    if (Array.isArray(value)) return "an array";
    return typeof value === "object" ? "an object" : `a ${typeof value}`;
}
