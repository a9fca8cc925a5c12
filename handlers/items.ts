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

/** Epoch seconds after which DynamoDB's TTL may delete a history item: `retentionDays` after the alert. */
export function expiresAt(triggeredAt: string, retentionDays: number): number {
    return Math.floor(Date.parse(triggeredAt) / 1000) + retentionDays * 86_400;
}

export function toHistoryItem(record: AlertRecord, retentionDays: number): HistoryItem {
    return {
        pk: historyPartitionKey(record.metric, record.subaccount_id),
        sk: historySortKey(record.triggered_at, record.record_id),
        kind: "history",
        ...record,
        [tableSchema.ttlAttribute]: expiresAt(record.triggered_at, retentionDays),
    } as HistoryItem;
}

/** The key of a record's series' latest entry: one per metric, subaccount, score or change, and filters. */
export function latestKeyOf(record: AlertRecord): { pk: string; sk: string } {
    return { pk: latestPartitionKey(record.metric), sk: latestSortKey(record.subaccount_id, record.filters, record.source) };
}

/** The latest entry has no TTL: a subaccount that stops sending keeps its last known score. */
export function toLatestItem(record: AlertRecord): LatestItem {
    return { ...latestKeyOf(record), kind: "latest", ...record };
}

/** The record fields of an item, without the table's keys and bookkeeping. */
export function recordOfItem(item: Record<string, unknown>): AlertRecord {
    const { pk: _pk, sk: _sk, kind: _kind, [tableSchema.ttlAttribute]: _ttl, ...record } = item;
    return record as unknown as AlertRecord;
}
