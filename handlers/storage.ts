/**
 * The write side of the store: S3 objects and DynamoDB items. The only handler module that talks to AWS; it
 * decides nothing about what is stored, only how. Clients are passed in, so the same code writes to AWS from
 * Lambda and to the emulators from the local stack.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import type { DynamoDBClient, WriteRequest } from "@aws-sdk/client-dynamodb";
import { marshall } from "@aws-sdk/util-dynamodb";
import { DEFAULT_TABLE_CONCURRENCY, backoffDelayMs, chunk, createLimiter, sleep } from "./concurrency";
import { LatestItem, latestKeyOf, toHistoryItem, toLatestItem } from "./items";
import { LATEST_REPLACES, RECEIVED_AT_METADATA, isLater } from "../shared/layout";
import { Sender, dynamoDbSdk, s3Sdk } from "./sdk";
import { AlertRecord } from "./records";

/** Per call: an abort signal, so that a caller with a time budget can give each attempt a deadline. */
export interface CallOptions {
    signal?: AbortSignal;
}

/** What the receiver needs from storage: the raw archive. */
export interface RawArchive {
    /**
     * Archives a raw body under `key`, with its arrival time, unless a copy is there already, and answers when
     * the delivery first arrived: `receivedAt` for the first copy, the archived copy's own time for any later one.
     */
    archiveRaw(key: string, body: Uint8Array, receivedAt: Date, options?: CallOptions): Promise<Date>;
}

/** A raw object as the loader reads it: the bytes and when the delivery first arrived. */
export interface RawDelivery {
    body: Uint8Array;
    receivedAt: Date;
}

/** What the receiver and the loader need from storage. Implemented here for AWS; tests may wrap it to inject failures. */
export interface DeliveryStorage extends RawArchive {
    /** Reads a raw object and its first arrival (its metadata, else its LastModified). */
    readRaw(key: string): Promise<RawDelivery>;
    /** Writes an object unless one already exists at `key` (a redelivery leaves the first copy as it was). */
    putObject(key: string, body: Uint8Array | string, contentType: string): Promise<void>;
    /** Writes history items and moves each series' latest entry forward. Redelivery adds nothing. */
    writeRecords(records: readonly AlertRecord[]): Promise<void>;
}

export interface AwsStorageOptions extends ObjectStorageOptions {
    dynamodb: Sender<DynamoDBClient>;
    tableName: string;
    retentionDays: number;
    /**
     * DynamoDB requests (history batches and latest entries) in flight at once for one delivery; give the client
     * as many sockets (`TABLE_REQUEST_HANDLER` in concurrency.ts).
     */
    concurrency?: number;
    /** Attempts per batch while DynamoDB returns UnprocessedItems. */
    maxBatchAttempts?: number;
}

/** DynamoDB accepts at most 25 put or delete requests in one BatchWriteItem call. */
export const BATCH_WRITE_LIMIT = 25;

export class StorageError extends Error {
    constructor(message: string, options?: { cause?: unknown }) {
        super(message, options);
        // Set again: Pulumi's function serializer turns a class into a function whose super() call leaves these unset.
        this.message = message;
        this.cause = options?.cause;
        this.name = "StorageError";
    }
}

/**
 * A copy of the delivery is archived, but when it first arrived could not be read back: the body is safe, and
 * nothing else may be written with a made-up arrival time.
 */
export class ArrivalUnknownError extends StorageError {
    constructor(message: string, options?: { cause?: unknown }) {
        super(message, options);
        this.name = "ArrivalUnknownError";
    }
}

export function createAwsStorage(options: AwsStorageOptions): DeliveryStorage {
    const concurrency = options.concurrency ?? DEFAULT_TABLE_CONCURRENCY;
    const maxBatchAttempts = options.maxBatchAttempts ?? 8;
    const retryBaseMs = options.retryBaseMs ?? 50;
    const retryCapMs = options.retryCapMs ?? 2_000;
    const { dynamodb, tableName } = options;

    /** Writes one batch, retrying what DynamoDB hands back unprocessed. */
    async function writeBatch(requests: WriteRequest[]): Promise<void> {
        let pending = requests;
        for (let attempt = 0; pending.length > 0; attempt++) {
            if (attempt >= maxBatchAttempts) {
                throw new StorageError(`${pending.length} items still unprocessed by DynamoDB after ${maxBatchAttempts} attempts`);
            }
            if (attempt > 0) await sleep(backoffDelayMs(attempt, retryBaseMs, retryCapMs));
            const result = await dynamodb.send(new (dynamoDbSdk().BatchWriteItemCommand)({ RequestItems: { [tableName]: pending } }));
            pending = result.UnprocessedItems?.[tableName] ?? [];
        }
    }

    async function moveLatest(item: LatestItem): Promise<void> {
        try {
            await dynamodb.send(new (dynamoDbSdk().PutItemCommand)({
                TableName: tableName,
                Item: marshall(item),
                // Only a later alert replaces the latest entry; a redelivery or a late, older one does not.
                ConditionExpression: LATEST_REPLACES.condition,
                ExpressionAttributeValues: LATEST_REPLACES.values(item),
            }));
        } catch (err) {
            if (!(err instanceof dynamoDbSdk().ConditionalCheckFailedException)) throw err;
        }
    }

    /**
     * Each record's history first, then its series' latest entry: as soon as a batch of history items is written,
     * the latest entries of its records are moved, while the other batches are still in flight. All of a
     * delivery's DynamoDB requests share one limit, so the table sees a steady `concurrency` requests at once. A
     * failed batch does not stop the others (its records' latest entries wait for the retry): every write is
     * attempted, and the failures are reported together at the end.
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
        const limited = createLimiter(concurrency);
        const newest = newestPerSeries(records);

        await Promise.all(chunk([...records], BATCH_WRITE_LIMIT).map(async (batch) => {
            const written = await limited(() => settle(() =>
                writeBatch(batch.map((record) => ({ PutRequest: { Item: marshall(toHistoryItem(record, options.retentionDays)) } })))));
            if (!written) return;
            await Promise.all(batch.filter((record) => newest.has(record)).map((record) =>
                limited(() => settle(() => moveLatest(toLatestItem(record))))));
        }));

        if (failures.length > 0) {
            const first = failures[0];
            throw new StorageError(
                `${failures.length} of the writes of ${records.length} records to table ${tableName} failed` +
                    (first instanceof Error ? `; the first: ${first.message}` : ""),
                { cause: first },
            );
        }
    }

    return { ...createObjectStorage(options), writeRecords };
}

export interface ObjectStorageOptions {
    s3: Sender<S3Client>;
    bucketName: string;
    retryBaseMs?: number;
    retryCapMs?: number;
}

/** The bucket's side of the store: the raw archive and the other objects, written only if absent. */
export function createObjectStorage(options: ObjectStorageOptions): Omit<DeliveryStorage, "writeRecords"> {
    const retryBaseMs = options.retryBaseMs ?? 50;
    const retryCapMs = options.retryCapMs ?? 2_000;

    /**
     * S3 is the arbiter of the first copy: `If-None-Match: *` writes only when no object is at the key, and
     * answers 412 otherwise (AWS, "Conditional writes": 409 ConditionalRequestConflict while another conditional
     * write of the key is in flight; once it lands, a retry gets 412). Keys are derived from content: if the
     * object exists, it holds these bytes already.
     */
    async function putIfAbsent(
        key: string,
        body: Uint8Array | string,
        contentType: string,
        metadata?: Record<string, string>,
        call: CallOptions = {},
    ): Promise<"created" | "exists"> {
        for (let attempt = 0; ; attempt++) {
            try {
                await options.s3.send(new (s3Sdk().PutObjectCommand)({
                    Bucket: options.bucketName,
                    Key: key,
                    Body: body,
                    ContentType: contentType,
                    Metadata: metadata,
                    IfNoneMatch: "*",
                }), { abortSignal: call.signal });
                return "created";
            } catch (err) {
                const status = err instanceof s3Sdk().S3ServiceException ? err.$metadata.httpStatusCode : undefined;
                if (status === 412) return "exists";
                if (status === 409 && attempt < 3 && !call.signal?.aborted) {
                    await sleep(backoffDelayMs(attempt + 1, retryBaseMs, retryCapMs));
                    continue;
                }
                throw new StorageError(`could not write s3://${options.bucketName}/${key}`, { cause: err });
            }
        }
    }

    async function putObject(key: string, body: Uint8Array | string, contentType: string): Promise<void> {
        await putIfAbsent(key, body, contentType);
    }

    async function archiveRaw(key: string, body: Uint8Array, receivedAt: Date, call: CallOptions = {}): Promise<Date> {
        const written = await putIfAbsent(key, body, "application/json", { [RECEIVED_AT_METADATA]: receivedAt.toISOString() }, call);
        return written === "created" ? receivedAt : firstArrival(key, call);
    }

    async function readRaw(key: string): Promise<RawDelivery> {
        let object;
        try {
            object = await options.s3.send(new (s3Sdk().GetObjectCommand)({ Bucket: options.bucketName, Key: key }));
        } catch (err) {
            throw new StorageError(`could not read s3://${options.bucketName}/${key}`, { cause: err });
        }
        const body = await object.Body!.transformToByteArray();
        return { body, receivedAt: arrivalOf(object.Metadata, object.LastModified) };
    }

    /**
     * The arrival time the first copy of a raw object carries (HeadObject needs s3:GetObject). An object archived
     * without it (by hand, or by a tool) counts as having arrived when S3 stored it: its LastModified.
     */
    async function firstArrival(key: string, call: CallOptions = {}): Promise<Date> {
        for (let attempt = 0; ; attempt++) {
            try {
                const head = await options.s3.send(new (s3Sdk().HeadObjectCommand)({ Bucket: options.bucketName, Key: key }), { abortSignal: call.signal });
                return arrivalOf(head.Metadata, head.LastModified);
            } catch (err) {
                if (attempt < 2 && !call.signal?.aborted) {
                    await sleep(backoffDelayMs(attempt + 1, retryBaseMs, retryCapMs));
                    continue;
                }
                throw new ArrivalUnknownError(`s3://${options.bucketName}/${key} exists, but when it first arrived could not be read`, { cause: err });
            }
        }
    }

    return { archiveRaw, readRaw, putObject };
}

/**
 * When a raw object's delivery first arrived: its `received-at` metadata; an object archived without it (by hand,
 * or by a tool) counts as having arrived when S3 stored it, its LastModified.
 */
export function arrivalOf(metadata: Record<string, string> | undefined, lastModified: Date | undefined): Date {
    const stored = metadata?.[RECEIVED_AT_METADATA];
    const arrival = stored !== undefined && !Number.isNaN(Date.parse(stored)) ? new Date(stored) : lastModified;
    if (arrival === undefined) throw new Error("the object has neither received-at metadata nor a LastModified date");
    return arrival;
}

/**
 * Two alerts of one series in one delivery would race for the latest entry: only the later moves it (isLater:
 * on equal times, the greater record id). Answers the records that may.
 */
function newestPerSeries(records: readonly AlertRecord[]): Set<AlertRecord> {
    const newest = new Map<string, AlertRecord>();
    for (const record of records) {
        const { pk, sk } = latestKeyOf(record);
        const key = `${pk}\u0000${sk}`;
        const current = newest.get(key);
        if (!current || isLater(record, current)) newest.set(key, record);
    }
    return new Set(newest.values());
}
