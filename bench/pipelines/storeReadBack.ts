/**
 * Reads back what the project's store holds for one delivery, to prove that every element was stored: the lake
 * object of its partition, each record's history item, and the latest entry of each subaccount. Any pipeline that
 * writes the project's layout (today's receiver, an asynchronous loader) can use it.
 */
import { GetObjectCommand, NoSuchKey } from "@aws-sdk/client-s3";
import { BatchGetItemCommand, BatchGetItemCommandOutput, KeysAndAttributes, QueryCommand } from "@aws-sdk/client-dynamodb";
import { historyPartitionKey, historySortKey, lakeObjectKey, latestPartitionKey, utcDay } from "../../shared/layout";
import type { AwsClients, ReadBack, StoreNames } from "./pipeline";

/** DynamoDB reads at most 100 keys in one BatchGetItem. */
const BATCH_GET_LIMIT = 100;

interface LakeRow {
    record_id: string;
    subaccount_id: number;
    triggered_at: string;
}

export async function readBackStore(clients: AwsClients, names: StoreNames, metric: string, deliveryId: string, triggeredAt: Date): Promise<ReadBack> {
    const rows = await readLakeRows(clients, names, lakeObjectKey(metric, utcDay(triggeredAt), deliveryId));
    const [inHistory, latest] = await Promise.all([countHistoryItems(clients, names, metric, rows), countLatestEntries(clients, names, metric, deliveryId)]);
    // Without the lake's rows, the history items cannot be named: count only what the latest entries show.
    const inTable = rows.length > 0 ? Math.min(inHistory, latest) : 0;
    return { inTable, inLake: rows.length };
}

async function readLakeRows(clients: AwsClients, names: StoreNames, key: string): Promise<LakeRow[]> {
    try {
        const object = await clients.s3.send(new GetObjectCommand({ Bucket: names.bucketName, Key: key }));
        const text = await object.Body!.transformToString("utf8");
        return text.split("\n").filter((line) => line !== "").map((line) => JSON.parse(line) as LakeRow);
    } catch (err) {
        if (err instanceof NoSuchKey || (err as { name?: string }).name === "NoSuchKey") return [];
        throw err;
    }
}

async function countHistoryItems(clients: AwsClients, names: StoreNames, metric: string, rows: readonly LakeRow[]): Promise<number> {
    let found = 0;
    for (let i = 0; i < rows.length; i += BATCH_GET_LIMIT) {
        let request: Record<string, KeysAndAttributes> | undefined = {
            [names.tableName]: {
                Keys: rows.slice(i, i + BATCH_GET_LIMIT).map((row) => ({
                    pk: { S: historyPartitionKey(metric, row.subaccount_id) },
                    sk: { S: historySortKey(row.triggered_at, row.record_id) },
                })),
                ProjectionExpression: "pk",
                ConsistentRead: true,
            },
        };
        while (request && Object.keys(request).length > 0) {
            const result: BatchGetItemCommandOutput = await clients.dynamodb.send(new BatchGetItemCommand({ RequestItems: request }));
            found += result.Responses?.[names.tableName]?.length ?? 0;
            request = result.UnprocessedKeys;
        }
    }
    return found;
}

async function countLatestEntries(clients: AwsClients, names: StoreNames, metric: string, deliveryId: string): Promise<number> {
    let count = 0;
    let startKey: Record<string, any> | undefined;
    do {
        const page = await clients.dynamodb.send(new QueryCommand({
            TableName: names.tableName,
            KeyConditionExpression: "pk = :pk",
            FilterExpression: "delivery_id = :delivery",
            ExpressionAttributeValues: { ":pk": { S: latestPartitionKey(metric) }, ":delivery": { S: deliveryId } },
            Select: "COUNT",
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
        }));
        count += page.Count ?? 0;
        startKey = page.LastEvaluatedKey;
    } while (startKey);
    return count;
}
