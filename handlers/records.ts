/**
 * The pure core of a delivery: request bytes in, records and rejections out. No I/O, no clock, no environment:
 * the receiver passes the delivery id and the time it first arrived.
 */
import { Alert, AlertStruct, ElementError, METRICS, OPERATORS, SOURCES, checkTriggeredAt, elementPath, isoUtcOf, latestTriggeredAtMs, truncate, validateAlert } from "./alert";
import { isSurelyValidAlert } from "./alertFastPath";
import { MAX_JSON_DEPTH, decodeUtf8 } from "./body";
import { canonicalJson } from "../shared/canonicalJson";
import { uuidV5, HEALTHSCORE_NAMESPACE } from "./ids";
import { JsonKind, ScannedElement, scanJson } from "./jsonScan";
import { facetsOf, utcDay } from "../shared/layout";
import { roundTo3 } from "./numbers";

/**
 * `subaccount_id` of an alert about the account overall (`filters: {}`): no subaccount has it (0 is the primary
 * account), and a number rather than null keeps the account's series in the same keys, columns and queries.
 */
export const ACCOUNT_OVERALL = -1;

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
 * holds what must not be stored (prototype keys, numbers the parser alters, duplicate keys, lone surrogates) or is
 * oversized: the raw archive keeps the exact bytes. `more_errors` counts its errors past the first
 * {@link MAX_ERRORS_PER_ELEMENT}.
 */
export interface RejectedElement {
    index: number;
    element?: unknown;
    errors: ElementError[];
    more_errors?: number;
}

/**
 * What a body holds. `rejected` details the first rejected elements only (see {@link MAX_DETAILED_REJECTIONS});
 * `rejectedCount` counts them all, `errorCount` counts every error of the detailed ones, and `undetailed` the
 * rejected elements past the detail limits, whose verdict was worked out but not their errors. `duplicates` counts
 * valid elements that are the same alert as an earlier element of the body (same record id: they differ only in
 * what does not identify an alert, such as `name`), kept once; so accepted + rejected + duplicates = elements.
 */
export type Interpretation =
    | { kind: "alerts"; records: AlertRecord[]; rejected: RejectedElement[]; rejectedCount: number; errorCount: number; undetailed: number; duplicates: number }
    | { kind: "not-alerts"; message: string };

/**
 * The identity of an alert: everything that says what happened, nothing about when it reached us. The evaluator
 * counts once, whichever key it came under.
 */
export function recordIdOf(alert: Alert): string {
    return uuidV5(identityJson(alert, isoUtcOf(alert.triggered_at)), HEALTHSCORE_NAMESPACE);
}

/**
 * The text a record id is the UUID of: the canonical JSON of
 * `{alert_id, incident_id, metric, filters, evaluator, triggered_at, triggered_value}` (`incident_id` null when
 * absent, the evaluator whichever key it came under, `{}` when none, `triggered_at` normalised). It runs for every
 * record, so it is written in its sorted key order directly, and the usual evaluator and filters (`{}`,
 * `{subaccount_id}`, `{operator, source, value}`) without sorting; anything else goes through `canonicalJson`. A
 * property test holds it to `canonicalJson` of that object, for any content: ids never change.
 */
export function identityJson(alert: Alert, triggeredAt: string): string {
    const evaluator = alert.threshold_evaluator ?? alert.evaluator ?? {};
    return `{"alert_id":${numberJson(alert.alert_id)},"evaluator":${evaluatorJson(evaluator)},"filters":${filtersJson(alert.filters)},` +
        `"incident_id":${numberJson(alert.incident_id ?? null)},"metric":${canonicalJson(alert.metric)},` +
        `"triggered_at":${canonicalJson(triggeredAt)},"triggered_value":${numberJson(alert.triggered_value)}}`;
}

/** A finite number as JSON writes it (`String` does the same, -0 included); anything else canonically. */
function numberJson(value: unknown): string {
    return typeof value === "number" && Number.isFinite(value) ? `${value}` : canonicalJson(value);
}

function evaluatorJson(evaluator: unknown): string {
    if (evaluator === null || typeof evaluator !== "object" || Array.isArray(evaluator)) return canonicalJson(evaluator);
    const keys = Object.keys(evaluator);
    if (keys.length === 0) return "{}";
    const { operator, source, value } = evaluator as Record<string, unknown>;
    if (
        keys.length === 3 && keys.includes("operator") && keys.includes("source") && keys.includes("value") &&
        (OPERATORS as readonly unknown[]).includes(operator) && (SOURCES as readonly unknown[]).includes(source)
    ) {
        // Operators and sources are plain lowercase words: nothing to escape.
        return `{"operator":"${operator}","source":"${source}","value":${numberJson(value)}}`;
    }
    return canonicalJson(evaluator);
}

function filtersJson(filters: unknown): string {
    if (filters === null || typeof filters !== "object" || Array.isArray(filters)) return canonicalJson(filters);
    const keys = Object.keys(filters);
    if (keys.length === 0) return "{}";
    if (keys.length === 1 && keys[0] === "subaccount_id") return `{"subaccount_id":${numberJson((filters as { subaccount_id: unknown }).subaccount_id)}}`;
    return canonicalJson(filters);
}

export function toRecord(alert: Alert, context: DeliveryContext): AlertRecord {
    return recordOf(alert, context.deliveryId, context.receivedAt.toISOString());
}

/** The record of an alert, `triggered_at` normalised once for both the record and its id. */
function recordOf(alert: Alert, deliveryId: string, receivedAt: string): AlertRecord {
    const evaluator = alert.threshold_evaluator ?? alert.evaluator;
    const triggeredAt = isoUtcOf(alert.triggered_at);
    return {
        record_id: uuidV5(identityJson(alert, triggeredAt), HEALTHSCORE_NAMESPACE),
        alert_id: alert.alert_id,
        incident_id: alert.incident_id ?? null,
        name: alert.name,
        metric: alert.metric,
        subaccount_id: alert.filters.subaccount_id ?? ACCOUNT_OVERALL,
        filters: alert.filters,
        operator: evaluator?.operator ?? null,
        source: evaluator?.source ?? null,
        threshold: evaluator?.value ?? null,
        triggered_value: roundTo3(alert.triggered_value),
        triggered_at: triggeredAt,
        received_at: receivedAt,
        delivery_id: deliveryId,
    };
}

/**
 * A SparkPost alert is a few hundred bytes; far larger ones could not be stored as one DynamoDB item (400 KB) and
 * would fail the whole batch they are in, so they are rejected here, alone. Counted on the element's JSON text.
 */
export const MAX_ELEMENT_BYTES = 16 * 1024;

/** Errors kept per rejected element; the others are counted (`more_errors`). */
export const MAX_ERRORS_PER_ELEMENT = 10;

/**
 * How many rejected elements, and how many bytes of them, the rejection detail (the rejected/ document) holds.
 * A 1 MB body of `{}` is 350,000 rejected elements: detailing each made a 222 MB document and used 1.9 GB. Past
 * these limits a rejected element is counted, not detailed; the raw object keeps its bytes.
 */
export const MAX_DETAILED_REJECTIONS = 1_000;
export const MAX_REJECTION_DETAIL_BYTES = 1024 * 1024;

/**
 * Reads a body as a delivery. A body that is not UTF-8 or not JSON, too deep, not an array, or an array with no
 * object in it, is not a delivery at all; otherwise each element stands alone: a bad one is rejected with its
 * errors and does not stop its siblings, and identical elements give one record.
 *
 * The work is bounded whatever the body holds: one pass over the text finds what the parser would alter and
 * where each element is; an element that cannot be an alert (a member missing, or of the wrong JSON type) is
 * rejected without being parsed once the detail limit is reached; an alert as SparkPost sends it is recognised by
 * a quick check of the same schema (`isSurelyValidAlert`); superstruct judges every other element, and explains
 * the first rejections.
 */
export function interpretDelivery(body: Uint8Array | string, struct: AlertStruct, context: DeliveryContext): Interpretation {
    let text: string;
    if (typeof body === "string") {
        text = body;
    } else {
        const decoded = decodeUtf8(body);
        if (!decoded.ok) return { kind: "not-alerts", message: decoded.problem.message };
        text = decoded.value;
    }

    const { deliveryId, receivedAt } = context;
    let receivedAtIso: string | undefined;
    const latestTriggeredAt = latestTriggeredAtMs(receivedAt);
    const records = new Map<string, AlertRecord>();
    const rejected: RejectedElement[] = [];
    let rejectedCount = 0;
    let errorCount = 0;
    let detailBytes = 0;
    let duplicates = 0;
    let sawObject = false;

    const canDetail = () => rejected.length < MAX_DETAILED_REJECTIONS && detailBytes < MAX_REJECTION_DETAIL_BYTES;
    /** Rejects an element: detailed (its first errors, and a copy when it is safe) while the limits allow. */
    const reject = (index: number, errors: ElementError[], total = errors.length, copy?: { value: unknown }): void => {
        rejectedCount++;
        if (!canDetail()) return;
        const entry: RejectedElement = { index, ...(copy ? { element: copy.value } : {}), errors: [] };
        entry.errors = errors.slice(0, MAX_ERRORS_PER_ELEMENT).map((error) => ({ ...error, path: truncate(error.path) }));
        if (total > entry.errors.length) entry.more_errors = total - entry.errors.length;
        errorCount += total;
        detailBytes += JSON.stringify(entry).length;
        rejected.push(entry);
    };
    const keep = (alert: Alert): void => {
        const record = recordOf(alert, deliveryId, (receivedAtIso ??= receivedAt.toISOString()));
        if (records.has(record.record_id)) duplicates++;
        else records.set(record.record_id, record);
    };

    const visit = (scanned: ScannedElement): void => {
        const { index } = scanned;
        if (scanned.kind === "object") sawObject = true;

        const bytes = elementBytes(text, scanned);
        if (bytes > MAX_ELEMENT_BYTES) {
            return reject(index, [{ index, path: elementPath(index, []), message: `alert is ${bytes} bytes; the limit is ${MAX_ELEMENT_BYTES}` }]);
        }
        if (scanned.kind !== "object") {
            const errors = [{ index, path: elementPath(index, []), message: `Expected an alert object, but received ${describeKind(scanned.kind)}` }];
            return reject(index, errors, 1, canDetail() ? { value: JSON.parse(text.slice(scanned.start, scanned.end)) } : undefined);
        }
        if (scanned.problemCount > 0) {
            // What could not be stored faithfully is not copied into the rejection either: the raw archive has it.
            return reject(index, scanned.problems.map(({ path, message }) => ({ index, path, message })), scanned.problemCount);
        }
        const detailed = canDetail();
        // Past the detail limit only the verdict matters: what cannot be an alert is not even parsed.
        if (!detailed && !couldBeAlert(scanned)) return reject(index, []);
        const element: unknown = JSON.parse(text.slice(scanned.start, scanned.end));
        // Alerts as SparkPost sends them are recognised without superstruct; it judges (and explains) the rest.
        if (isSurelyValidAlert(element, latestTriggeredAt)) return keep(element);
        if (!detailed) {
            // Superstruct's first failure decides.
            const [failure, alert] = struct.validate(element);
            if (failure || checkTriggeredAt(alert!, index, receivedAt)) return reject(index, []);
            return keep(alert!);
        }
        const validated = validateAlert(struct, element, index);
        if (!validated.ok) return reject(index, validated.errors, validated.errors.length, { value: element });
        const outOfWindow = checkTriggeredAt(validated.alert, index, receivedAt);
        if (outOfWindow) return reject(index, [outOfWindow], 1, { value: element });
        keep(validated.alert);
    };

    const scan = scanJson(text, visit, { maxDepth: MAX_JSON_DEPTH, maxProblemsPerElement: MAX_ERRORS_PER_ELEMENT, maxTrackedChars: MAX_ELEMENT_BYTES });
    if (!scan.ok) return { kind: "not-alerts", message: scan.message };
    if (scan.rootKind !== "array") {
        return { kind: "not-alerts", message: `expected a JSON array of alerts, but received ${describeKind(scan.rootKind)}` };
    }
    if (scan.elementCount > 0 && !sawObject) {
        return { kind: "not-alerts", message: "expected a JSON array of alert objects, but no element is an object" };
    }
    return { kind: "alerts", records: [...records.values()], rejected, rejectedCount, errorCount, undetailed: rejectedCount - rejected.length, duplicates };
}

/**
 * The members every alert has, and the JSON type superstruct requires of each (and of the optional ones, when
 * present). An element without them is rejected by superstruct whatever else it holds. A property test holds
 * this to superstruct.
 */
const REQUIRED_MEMBERS: ReadonlyArray<readonly [string, JsonKind]> = [
    ["alert_id", "number"], ["name", "string"], ["metric", "string"], ["triggered_value", "number"], ["triggered_at", "string"], ["filters", "object"],
];
const OPTIONAL_MEMBERS: ReadonlyArray<readonly [string, JsonKind]> = [["incident_id", "number"], ["evaluator", "object"], ["threshold_evaluator", "object"]];

/** False only for an element that superstruct certainly rejects: a member missing, or of the wrong JSON type. */
export function couldBeAlert(scanned: Pick<ScannedElement, "kind" | "keys" | "kinds">): boolean {
    if (scanned.kind !== "object") return false;
    const kindOf = (key: string) => {
        const at = scanned.keys.indexOf(key);
        return at < 0 ? undefined : scanned.kinds[at];
    };
    return REQUIRED_MEMBERS.every(([key, kind]) => kindOf(key) === kind) &&
        OPTIONAL_MEMBERS.every(([key, kind]) => kindOf(key) === undefined || kindOf(key) === kind);
}

/** UTF-8 bytes of an element's text; a short one needs no counting (a character is at most 3 bytes). */
function elementBytes(text: string, scanned: ScannedElement): number {
    const chars = scanned.end - scanned.start;
    return chars * 3 <= MAX_ELEMENT_BYTES ? chars : Buffer.byteLength(text.slice(scanned.start, scanned.end));
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

/** A record as one line of a lake object, with its facets (see facetsOf) as a column the named queries filter on. */
export type LakeRow = Omit<AlertRecord, "metric"> & { facets: string };

/**
 * A lake object's body: one JSON line per record. `metric` is left out of the lines because it is the
 * `metric=` partition of the key: Glue and Athena refuse a table whose partition column is also a data column.
 */
export function toLakeNdjson(records: readonly AlertRecord[]): string {
    return records.map(({ metric: _metric, ...record }: AlertRecord) => {
        const row: LakeRow = { ...record, facets: facetsOf(record.filters) };
        return `${JSON.stringify(row)}\n`;
    }).join("");
}

function describeKind(kind: JsonKind): string {
    return kind === "null" ? "null" : kind === "object" || kind === "array" ? `an ${kind}` : `a ${kind}`;
}

/**
 * Records per metric, for a log line: under the metric's name when SparkPost documents it, else under `other` (an
 * undocumented name is the sender's text, which a log line never holds).
 */
export function metricsSeen(records: readonly AlertRecord[]): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const record of records) {
        const name = (METRICS as readonly string[]).includes(record.metric) ? record.metric : "other";
        counts[name] = (counts[name] ?? 0) + 1;
    }
    return counts;
}
