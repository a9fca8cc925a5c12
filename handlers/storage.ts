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
    PutItemCommand,
    WriteRequest,
} from "@aws-sdk/client-dynamodb";
import { marshall } from "@aws-sdk/util-dynamodb";
import { backoffDelayMs, chunk, mapWithConcurrency, sleep } from "./concurrency";
import { HistoryItem, LatestItem, toHistoryItem, toLatestItem } from "./items";
import { AlertRecord } from "./records";

/** What the receiver needs from storage. Implemented here for AWS; tests may wrap it to inject failures. */
export interface DeliveryStorage {
    /** Writes an object unless one already exists at `key` (a redelivery leaves the first copy as it was). */
    putObject(key: string, body: Uint8Array | string, contentType: string): Promise<void>;
    /** Writes history items and moves each series' latest entry forward. Redelivery adds nothing. */
    writeRecords(records: readonly AlertRecord[]): Promise<void>;
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

    async function putObject(key: string, body: Uint8Array | string, contentType: string): Promise<void> {
        try {
            await options.s3.send(new PutObjectCommand({
                Bucket: options.bucketName,
                Key: key,
                Body: body,
                ContentType: contentType,
                // Keys are derived from content: if the object exists, it holds these bytes already.
                IfNoneMatch: "*",
            }));
        } catch (err) {
            if (err instanceof S3ServiceException && err.$metadata.httpStatusCode === 412) return;
            throw new StorageError(`could not write s3://${options.bucketName}/${key}`, { cause: err });
        }
    }

    async function writeHistory(items: HistoryItem[]): Promise<void> {
        const batches = chunk(items.map((item): WriteRequest => ({ PutRequest: { Item: marshall(item) } })), BATCH_WRITE_LIMIT);
        await mapWithConcurrency(batches, concurrency, async (requests) => {
            let pending = requests;
            for (let attempt = 0; pending.length > 0; attempt++) {
                if (attempt >= maxBatchAttempts) {
                    throw new StorageError(`${pending.length} items still unprocessed by DynamoDB after ${maxBatchAttempts} attempts`);
                }
                if (attempt > 0) await sleep(backoffDelayMs(attempt, retryBaseMs, retryCapMs));
                const result = await options.dynamodb.send(new BatchWriteItemCommand({
                    RequestItems: { [options.tableName]: pending },
                }));
                pending = result.UnprocessedItems?.[options.tableName] ?? [];
            }
        });
    }

    async function moveLatest(items: LatestItem[]): Promise<void> {
        await mapWithConcurrency(items, concurrency, async (item) => {
            try {
                await options.dynamodb.send(new PutItemCommand({
                    TableName: options.tableName,
                    Item: marshall(item),
                    // Only a newer alert replaces the latest entry; a redelivery or a late, older one does not.
                    ConditionExpression: "attribute_not_exists(pk) OR triggered_at < :triggered_at",
                    ExpressionAttributeValues: { ":triggered_at": { S: item.triggered_at } },
                }));
            } catch (err) {
                if (!(err instanceof ConditionalCheckFailedException)) throw err;
            }
        });
    }

    async function writeRecords(records: readonly AlertRecord[]): Promise<void> {
        try {
            await writeHistory(records.map((record) => toHistoryItem(record, options.retentionDays)));
            await moveLatest(newestPerSeries(records.map(toLatestItem)));
        } catch (err) {
            if (err instanceof StorageError) throw err;
            throw new StorageError(`could not write ${records.length} records to table ${options.tableName}`, { cause: err });
        }
    }

    return { putObject, writeRecords };
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
