/**
 * Where things live: S3 key prefixes and the DynamoDB table's keys, indexes and TTL attribute.
 *
 * This is the single definition that the receiver, the local stack and the Pulumi components share,
 * so that what the handler writes is what the infrastructure provisions and the data lake reads.
 * Everything here is plain data or a pure function: the Lambda serializer captures it freely.
 */

import { createHash } from "crypto";
import { canonicalJson } from "./canonicalJson";

/** Top-level prefixes of the bucket. IAM grants `s3:PutObject` on exactly these. */
export const bucketPrefixes = {
    /** Every request body byte for byte, written before anything else can fail. */
    raw: "raw/",
    /** Valid records as newline-delimited JSON, Hive-partitioned by metric and day for the Glue crawler. */
    alerts: "alerts/",
    /** Rejected elements and unparseable bodies, with the errors that rejected them. */
    rejected: "rejected/",
} as const;

/** The Hive partition columns of the alerts/ prefix, in key order. The Glue table and DuckDB read these. */
export const lakePartitionKeys = ["metric", "dt"] as const;

/** `YYYY-MM-DD` of an instant, in UTC. */
export function utcDay(isoOrDate: string | Date): string {
    const iso = typeof isoOrDate === "string" ? isoOrDate : isoOrDate.toISOString();
    return iso.slice(0, 10);
}

/**
 * The raw body of a delivery. The key depends on the body alone (the delivery id is a UUID of its bytes), so
 * every copy of a delivery, whenever it arrives, names one object: the first copy written is the archive.
 */
export function rawObjectKey(deliveryId: string): string {
    return `${bucketPrefixes.raw}${deliveryId}.json`;
}

/**
 * S3 user metadata of a raw object (`x-amz-meta-received-at`): when its delivery first arrived, ISO-8601 UTC.
 * Every copy of a delivery takes its `received_at` from here, so the lake, the history and the latest entries
 * agree; readers of raw/ (a loader, a replay by date) find the arrival here too.
 */
export const RECEIVED_AT_METADATA = "received-at";

export function lakeObjectKey(metric: string, day: string, deliveryId: string): string {
    return `${bucketPrefixes.alerts}metric=${metric}/dt=${day}/${deliveryId}.ndjson`;
}

/** What a delivery's elements were rejected for; like its raw object, one key per body. */
export function rejectedObjectKey(deliveryId: string): string {
    return `${bucketPrefixes.rejected}${deliveryId}.json`;
}

/**
 * The DynamoDB table. One table, two kinds of item:
 *
 * - history: `pk = HISTORY#<metric>#<subaccount_id>`, `sk = <triggered_at>#<record_id>`, with `expires_at`
 *   for TTL. One subaccount's history over a date range is one Query with `sk BETWEEN`.
 * - latest: `pk = LATEST#<metric>`, `sk = SUBACCOUNT#<subaccount_id>[@<change source>][#<other filters as canonical
 *   JSON>]`, no TTL, replaced only by a newer `triggered_at`. The latest record of every subaccount for a metric is one Query on `pk`.
 *
 * Both carry `record_id`, indexed by {@link recordIdIndex}, so a record is found by id with one Query.
 */
export const tableSchema = {
    hashKey: "pk",
    rangeKey: "sk",
    ttlAttribute: "expires_at",
    attributes: [
        { name: "pk", type: "S" },
        { name: "sk", type: "S" },
        { name: "record_id", type: "S" },
    ],
    globalSecondaryIndexes: [
        { name: "record_id-index", hashKey: "record_id", projectionType: "ALL" },
    ],
} as const;

export const recordIdIndex = tableSchema.globalSecondaryIndexes[0].name;

export function historyPartitionKey(metric: string, subaccountId: number): string {
    return `HISTORY#${metric}#${subaccountId}`;
}

/** Sort keys of history items start with the ISO timestamp, so string order is time order. */
export function historySortKey(triggeredAt: string, recordId: string): string {
    return `${triggeredAt}#${recordId}`;
}

export function latestPartitionKey(metric: string): string {
    return `LATEST#${metric}`;
}

/**
 * Longest facets text, in UTF-8 bytes, kept readable in a latest sort key; DynamoDB allows 1,024 bytes for the
 * whole key, and `SUBACCOUNT#<id>#` takes at most 28.
 */
const MAX_READABLE_FACETS_BYTES = 512;

/**
 * Whether an alert's evaluator source makes its value a change (day over day, week over week) rather than a
 * score: `raw`, or no evaluator at all, is a score.
 */
export function isChange(source: string | null): boolean {
    return source !== null && source !== "raw";
}

/**
 * A subaccount's own Health Score: a raw `health_score` alert (not a change) of the subaccount itself, not of one
 * of its facets (an `ip_pool` filter, say). The lake's named queries say the same in SQL (lakeQueries.ts).
 */
export function isOwnScore(record: { metric: string; source: string | null; filters: Record<string, unknown> }): boolean {
    return record.metric === "health_score" && record.source === "raw" && Object.keys(record.filters).every((key) => key === "subaccount_id");
}

/** The facets of a subaccount's own alert: none. */
export const NO_FACETS = "{}";

/**
 * What narrows an alert below its subaccount (ip_pool, sending_domain, ...): the filters other than
 * `subaccount_id`, as canonical JSON (keys sorted at every level), {@link NO_FACETS} for the subaccount itself. Part
 * of the latest entry's key, and a column of the lake, where it tells a subaccount's own score from a facet's.
 */
export function facetsOf(filters: Record<string, unknown>): string {
    const { subaccount_id: _subaccount, ...facets } = filters;
    return Object.keys(facets).length === 0 ? NO_FACETS : canonicalJson(facets);
}

/**
 * Which of two records of a series is the latest: the later `triggered_at`, and on a tie the greater `record_id`,
 * so that every store names the same one whatever the order of arrival: the table's conditional put
 * ({@link LATEST_REPLACES}), the readers, and the lake's named queries (`ORDER BY triggered_at DESC, record_id DESC`).
 */
export function isLater(a: { triggered_at: string; record_id: string }, b: { triggered_at: string; record_id: string }): boolean {
    return a.triggered_at > b.triggered_at || (a.triggered_at === b.triggered_at && a.record_id > b.record_id);
}

/**
 * {@link isLater} as the condition of the put that replaces a latest entry: no entry yet, or the new record is
 * later. A redelivery of the same record (same time, same id) writes nothing.
 */
export const LATEST_REPLACES = {
    condition: "attribute_not_exists(pk) OR triggered_at < :triggered_at OR (triggered_at = :triggered_at AND record_id < :record_id)",
    values: (record: { triggered_at: string; record_id: string }) => ({ ":triggered_at": { S: record.triggered_at }, ":record_id": { S: record.record_id } }),
} as const;

/**
 * One latest entry per series: the subaccount, what the value is (a score, or a day-over-day or week-over-week
 * change: `@day_over_day`, so that a change of -35 does not overwrite the score), plus any other filters (ip_pool,
 * sending_domain, ...) so that a facet's alert does not overwrite the subaccount's own score. The other filters are written as their canonical
 * JSON (keys sorted at every level), which no two different filter objects share: `{"a":"x","b":"y"}` and
 * `{"a=\"x\"#b":"y"}` are two series. Facets longer than {@link MAX_READABLE_FACETS_BYTES} become
 * `sha256:<hex>` of that JSON (a JSON object starts with `{`, so the two forms cannot meet); the item's `filters`
 * attribute keeps the readable form. A subaccount's own score stays `SUBACCOUNT#<id>` (a `raw` source, or none), as
 * it always was; changes were keyed like scores before, and such an old entry is sorted out by the readers, which
 * group by the record's own fields.
 */
export function latestSortKey(subaccountId: number, filters: Record<string, unknown>, source: string | null): string {
    // The sources are plain lowercase words (the schema's list), and `@` never follows a number in the other forms.
    const subject = isChange(source) ? `SUBACCOUNT#${subaccountId}@${source}` : `SUBACCOUNT#${subaccountId}`;
    const json = facetsOf(filters);
    if (json === NO_FACETS) return subject;
    const series = Buffer.byteLength(json) <= MAX_READABLE_FACETS_BYTES ? json : `sha256:${createHash("sha256").update(json).digest("hex")}`;
    return `${subject}#${series}`;
}
