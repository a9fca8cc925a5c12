/**
 * The read side of the table: the three reads its keys were designed for, each one Query, never a Scan.
 * Used by the CLI and tests; the Lambda only writes.
 */
import { DynamoDBClient, QueryCommand, QueryCommandInput } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { recordOfItem } from "./items";
import { historyPartitionKey, isLater, latestPartitionKey, latestSortKey, recordIdIndex, tableSchema } from "../shared/layout";
import { AlertRecord } from "./records";

export interface TableReader {
    /** The latest record of every series (subaccount, and facet) of `metric`. */
    latest(metric: string): Promise<AlertRecord[]>;
    /** One subaccount's records of `metric` with `triggered_at` between two days, inclusive, oldest first. */
    history(metric: string, subaccountId: number, fromDay: string, toDay: string): Promise<AlertRecord[]>;
    record(recordId: string): Promise<AlertRecord | undefined>;
}

export interface TableReaderOptions {
    dynamodb: DynamoDBClient;
    tableName: string;
    /** For the expiry filter. */
    now?: () => Date;
}

export function createTableReader(options: TableReaderOptions): TableReader {
    const now = options.now ?? (() => new Date());

    async function queryAll(input: Omit<QueryCommandInput, "TableName">): Promise<Record<string, unknown>[]> {
        const items: Record<string, unknown>[] = [];
        let startKey: QueryCommandInput["ExclusiveStartKey"];
        do {
            const page = await options.dynamodb.send(new QueryCommand({ ...input, TableName: options.tableName, ExclusiveStartKey: startKey }));
            items.push(...(page.Items ?? []).map((item) => unmarshall(item)));
            startKey = page.LastEvaluatedKey;
        } while (startKey);
        return items;
    }

    return {
        async latest(metric) {
            const items = await queryAll({
                KeyConditionExpression: "pk = :pk",
                ExpressionAttributeValues: { ":pk": { S: latestPartitionKey(metric) } },
            });
            return newestPerSeries(items.map(recordOfItem));
        },

        async history(metric, subaccountId, fromDay, toDay) {
            // TTL deletes within days of expiry, not at it (and emulators not at all): filter as AWS advises.
            const items = await queryAll({
                KeyConditionExpression: "pk = :pk AND sk BETWEEN :from AND :to",
                FilterExpression: "#expires > :now",
                ExpressionAttributeNames: { "#expires": tableSchema.ttlAttribute },
                ExpressionAttributeValues: {
                    ":pk": { S: historyPartitionKey(metric, subaccountId) },
                    ":from": { S: fromDay },
                    // Sort keys are `<ISO timestamp>#<id>`; every key of the last day sorts below `<day>T~`.
                    ":to": { S: `${toDay}T~` },
                    ":now": { N: String(Math.floor(now().getTime() / 1000)) },
                },
            });
            return items.map(recordOfItem);
        },

        async record(recordId) {
            // Both the history item and (while it is the newest) the latest entry carry the id.
            const items = await queryAll({
                IndexName: recordIdIndex,
                KeyConditionExpression: "record_id = :id",
                FilterExpression: "attribute_not_exists(#expires) OR #expires > :now",
                ExpressionAttributeNames: { "#expires": tableSchema.ttlAttribute },
                ExpressionAttributeValues: { ":id": { S: recordId }, ":now": { N: String(Math.floor(now().getTime() / 1000)) } },
            });
            return items.length > 0 ? recordOfItem(items[0]) : undefined;
        },
    };
}

/**
 * One record per series, the newest. Entries written before series keys were canonical JSON (facets as
 * `ip_pool="default"`) stay under their old key; a newer alert of the same series lands under the new one, and
 * this keeps whichever is newer, so old entries never need migrating.
 */
function newestPerSeries(records: AlertRecord[]): AlertRecord[] {
    const newest = new Map<string, AlertRecord>();
    for (const record of records) {
        const series = latestSortKey(record.subaccount_id, record.filters, record.source);
        const current = newest.get(series);
        if (!current || isLater(record, current)) newest.set(series, record);
    }
    return [...newest.values()];
}
