/**
 * The write side of the store: S3 objects and DynamoDB items. The only handler module that talks to AWS; it
 * decides nothing about what is stored, only how. Clients are passed in, so the same code writes to AWS from
 * Lambda and to the emulators from the local stack.
 */
import { S3Client, PutObjectCommand, S3ServiceException } from "@aws-sdk/client-s3";
import {
    BatchWriteItemCommand,
    ConditionalCheckFailedException,
    DynamoDBClient,
    GetItemCommand,
    PutItemCommand,
    WriteRequest,
} from "@aws-sdk/client-dynamodb";
import { marshall } from "@aws-sdk/util-dynamodb";
import { backoffDelayMs, chunk, mapWithConcurrency, sleep } from "./concurrency";
import { LatestItem, expiresAt, toHistoryItem, toLatestItem } from "./items";
import { DELIVERY_SORT_KEY, deliveryPartitionKey, tableSchema } from "../shared/layout";
import { AlertRecord } from "./records";

/** What the receiver needs from storage. Implemented here for AWS; tests may wrap it to inject failures. */
export interface DeliveryStorage {
    /** Writes an object unless one already exists at `key` (a redelivery leaves the first copy as it was). */
    putObject(key: string, body: Uint8Array | string, contentType: string): Promise<void>;
    /** Writes history items and moves each series' latest entry forward. Redelivery adds nothing. */
    writeRecords(records: readonly AlertRecord[]): Promise<void>;
    /** When a delivery was first stored, if it was (and its delivery item has not expired). */
    firstReceivedAt(deliveryId: string): Promise<Date | undefined>;
    /** Remembers when a delivery was first stored; a later call for the same delivery changes nothing. */
    rememberDelivery(deliveryId: string, receivedAt: Date, rawKey: string): Promise<void>;
}

export interface AwsStorageOptions {
    s3: S3Client;
    dynamodb: DynamoDBClient;
    bucketName: string;
    tableName: string;
    retentionDays: number;
    /** BatchWriteItem requests in flight at once. */
    concurrency?: number;
    /** Attempts per batch while DynamoDB returns UnprocessedItems. */
    maxBatchAttempts?: number;
    retryBaseMs?: number;
    retryCapMs?: number;
}

/** DynamoDB accepts at most 25 put or delete requests in one BatchWriteItem call. */
export const BATCH_WRITE_LIMIT = 25;

export class StorageError extends Error {
    constructor(message: string, options?: { cause?: unknown }) {
        super(message, options);
        this.name = "StorageError";
    }
}

export function createAwsStorage(options: AwsStorageOptions): DeliveryStorage {
    const concurrency = options.concurrency ?? 8;
    const maxBatchAttempts = options.maxBatchAttempts ?? 8;
    const retryBaseMs = options.retryBaseMs ?? 50;
    const retryCapMs = options.retryCapMs ?? 2_000;
    const { dynamodb, tableName } = options;

    async function putObject(key: string, body: Uint8Array | string, contentType: string): Promise<void> {
        for (let attempt = 0; ; attempt++) {
            try {
                await options.s3.send(new PutObjectCommand({
                    Bucket: options.bucketName,
                    Key: key,
                    Body: body,
                    ContentType: contentType,
                    // Keys are derived from content: if the object exists, it holds these bytes already.
                    IfNoneMatch: "*",
                }));
                return;
            } catch (err) {
                const status = err instanceof S3ServiceException ? err.$metadata.httpStatusCode : undefined;
                if (status === 412) return;
                // 409: an identical delivery is being written at this moment; once it lands, the retry gets 412.
                if (status === 409 && attempt < 3) {
                    await sleep(backoffDelayMs(attempt + 1, retryBaseMs, retryCapMs));
                    continue;
                }
                throw new StorageError(`could not write s3://${options.bucketName}/${key}`, { cause: err });
            }
        }
    }

    /** Writes one batch, retrying what DynamoDB hands back unprocessed. */
    async function writeBatch(requests: WriteRequest[]): Promise<void> {
        let pending = requests;
        for (let attempt = 0; pending.length > 0; attempt++) {
            if (attempt >= maxBatchAttempts) {
                throw new StorageError(`${pending.length} items still unprocessed by DynamoDB after ${maxBatchAttempts} attempts`);
            }
            if (attempt > 0) await sleep(backoffDelayMs(attempt, retryBaseMs, retryCapMs));
            const result = await dynamodb.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: pending } }));
            pending = result.UnprocessedItems?.[tableName] ?? [];
        }
    }

    async function moveLatest(item: LatestItem): Promise<void> {
        try {
            await dynamodb.send(new PutItemCommand({
                TableName: tableName,
                Item: marshall(item),
                // Only a newer alert replaces the latest entry; a redelivery or a late, older one does not.
                ConditionExpression: "attribute_not_exists(pk) OR triggered_at < :triggered_at",
                ExpressionAttributeValues: { ":triggered_at": { S: item.triggered_at } },
            }));
        } catch (err) {
            if (!(err instanceof ConditionalCheckFailedException)) throw err;
        }
    }

    /**
     * History first, then the latest entries of the records whose history was written. A failed batch does not
     * stop the others: every write is attempted, and the failures are reported together at the end.
     */
    async function writeRecords(records: readonly AlertRecord[]): Promise<void> {
        const failures: unknown[] = [];
        const settle = async (write: () => Promise<void>): Promise<boolean> => {
            try {
                await write();
                return true;
            } catch (err) {
                failures.push(err);
                return false;
            }
        };

        const batches = chunk([...records], BATCH_WRITE_LIMIT);
        const written = await mapWithConcurrency(batches, concurrency, (batch) =>
            settle(() => writeBatch(batch.map((record) => ({ PutRequest: { Item: marshall(toHistoryItem(record, options.retentionDays)) } })))));
        const inHistory = batches.filter((_, i) => written[i]).flat();
        await mapWithConcurrency(newestPerSeries(inHistory.map(toLatestItem)), concurrency, (item) => settle(() => moveLatest(item)));

        if (failures.length > 0) {
            const first = failures[0];
            throw new StorageError(
                `${failures.length} of the writes of ${records.length} records to table ${tableName} failed` +
                    (first instanceof Error ? `; the first: ${first.message}` : ""),
                { cause: first },
            );
        }
    }

    async function firstReceivedAt(deliveryId: string): Promise<Date | undefined> {
        const result = await dynamodb.send(new GetItemCommand({
            TableName: tableName,
            Key: { [tableSchema.hashKey]: { S: deliveryPartitionKey(deliveryId) }, [tableSchema.rangeKey]: { S: DELIVERY_SORT_KEY } },
            ProjectionExpression: "received_at",
            ConsistentRead: true,
        }));
        const receivedAt = result.Item?.received_at?.S;
        return receivedAt ? new Date(receivedAt) : undefined;
    }

    async function rememberDelivery(deliveryId: string, receivedAt: Date, rawKey: string): Promise<void> {
        try {
            await dynamodb.send(new PutItemCommand({
                TableName: tableName,
                Item: marshall({
                    [tableSchema.hashKey]: deliveryPartitionKey(deliveryId),
                    [tableSchema.rangeKey]: DELIVERY_SORT_KEY,
                    kind: "delivery",
                    delivery_id: deliveryId,
                    received_at: receivedAt.toISOString(),
                    raw_key: rawKey,
                    [tableSchema.ttlAttribute]: expiresAt(receivedAt.toISOString(), options.retentionDays),
                }),
                ConditionExpression: "attribute_not_exists(pk)",
            }));
        } catch (err) {
            if (err instanceof ConditionalCheckFailedException) return;
            throw new StorageError(`could not remember delivery ${deliveryId} in table ${tableName}`, { cause: err });
        }
    }

    return { putObject, writeRecords, firstReceivedAt, rememberDelivery };
}

/** Two alerts of one series in one delivery would race for the latest entry: keep only the newer. */
function newestPerSeries(items: LatestItem[]): LatestItem[] {
    const newest = new Map<string, LatestItem>();
    for (const item of items) {
        const key = `${item.pk}\u0000${item.sk}`;
        const current = newest.get(key);
        if (!current || current.triggered_at < item.triggered_at) newest.set(key, item);
    }
    return [...newest.values()];
}
