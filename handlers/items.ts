/**
 * Records as DynamoDB items (plain objects, before marshalling), and back. Pure: the retention is passed in.
 */
import {
    historyPartitionKey,
    historySortKey,
    latestPartitionKey,
    latestSortKey,
    tableSchema,
} from "../shared/layout";
import { AlertRecord } from "./records";

export type HistoryItem = AlertRecord & { pk: string; sk: string; kind: "history"; expires_at: number };
export type LatestItem = AlertRecord & { pk: string; sk: string; kind: "latest" };

/** A series' key in the table: where its latest entry is. */
export type LatestKey = Pick<LatestItem, "pk" | "sk">;

/** Epoch seconds after which DynamoDB's TTL may delete a history item: `retentionDays` after the alert. */
export function expiresAt(triggeredAt: string, retentionDays: number): number {
    return Math.floor(Date.parse(triggeredAt) / 1000) + retentionDays * 86_400;
}

/** What a history item adds to its record: the table's keys, its kind and when TTL may delete it. */
export function historyAttributes(record: AlertRecord, retentionDays: number): Omit<HistoryItem, keyof AlertRecord> {
    return {
        pk: historyPartitionKey(record.metric, record.subaccount_id),
        sk: historySortKey(record.triggered_at, record.record_id),
        kind: "history",
        [tableSchema.ttlAttribute]: expiresAt(record.triggered_at, retentionDays),
    } as Omit<HistoryItem, keyof AlertRecord>;
}

export function toHistoryItem(record: AlertRecord, retentionDays: number): HistoryItem {
    return { ...record, ...historyAttributes(record, retentionDays) };
}

/** The key of a record's series' latest entry: one per metric, subaccount, score or change, and filters. */
export function latestKeyOf(record: AlertRecord): LatestKey {
    return { pk: latestPartitionKey(record.metric), sk: latestSortKey(record.subaccount_id, record.filters, record.source) };
}

/** What a latest entry adds to its record: its series' key and its kind. No TTL: a subaccount that stops sending keeps its last known score. */
export function latestAttributes(key: LatestKey): Omit<LatestItem, keyof AlertRecord> {
    return { pk: key.pk, sk: key.sk, kind: "latest" };
}

export function toLatestItem(record: AlertRecord, key: LatestKey = latestKeyOf(record)): LatestItem {
    return { ...record, ...latestAttributes(key) };
}

/** The record fields of an item, without the table's keys and bookkeeping. */
export function recordOfItem(item: Record<string, unknown>): AlertRecord {
    const { pk: _pk, sk: _sk, kind: _kind, [tableSchema.ttlAttribute]: _ttl, ...record } = item;
    return record as unknown as AlertRecord;
}
