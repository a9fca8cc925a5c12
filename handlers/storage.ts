/**
 * The write side of the store: S3 objects and DynamoDB items. The only handler module that talks to AWS; it
 * decides nothing about what is stored, only how. Clients are passed in, so the same code writes to AWS from
 * Lambda and to the emulators from the local stack.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import type { AttributeValue, DynamoDBClient, WriteRequest } from "@aws-sdk/client-dynamodb";
import { marshall } from "@aws-sdk/util-dynamodb";
import { DEFAULT_TABLE_CONCURRENCY, backoffDelayMs, chunk, createLimiter, sleep } from "./concurrency";
import { LatestKey, historyAttributes, latestAttributes, latestKeyOf } from "./items";
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
     * as many sockets (`TABLE_CLIENT_SETTINGS` in concurrency.ts).
     */
    concurrency?: number;
    /** Attempts per batch while DynamoDB returns UnprocessedItems, or cancels a transaction for contention. */
    maxBatchAttempts?: number;
    /**
     * How latest entries are moved. `transactions` (the default; what the functions use in AWS): the entries of up
     * to {@link TRANSACTION_LIMIT} records in one TransactWriteItems call, each put under its own condition, and a
     * cancelled call sent again without the entries whose condition failed. `puts`: one conditional PutItem per
     * entry, for DynamoDB emulators without transactions (dynalite, which the local stack runs, has none).
     */
    latestWrites?: LatestWrites;
}

export type LatestWrites = "transactions" | "puts";

/** A record that moves its series' latest entry: its key, and its own attributes, marshalled once. */
interface LatestEntry {
    record: AlertRecord;
    key: LatestKey;
    attributes: Record<string, AttributeValue>;
}

/** DynamoDB accepts at most 25 put or delete requests in one BatchWriteItem call. */
export const BATCH_WRITE_LIMIT = 25;

/**
 * Latest entries per TransactWriteItems call: DynamoDB takes up to 100 actions of at most 4 MB together
 * (developer guide, "Amazon DynamoDB Transactions"); an element is at most MAX_ELEMENT_BYTES (16 KB,
 * records.ts), so 100 entries stay far below 4 MB. Fewer, larger calls are what saves the loader's CPU: the SDK
 * costs about a millisecond per request whatever it holds.
 */
export const TRANSACTION_LIMIT = 100;

/**
 * Why DynamoDB cancelled a transaction, per action (CancellationReasons, in the order of TransactItems): the
 * codes a later attempt may clear. "None" is an action that did not fail; "ConditionalCheckFailed" one whose
 * entry is already as late (done, as a refused single put is). Any other code is an error no retry mends.
 * (DynamoDB API Reference, TransactWriteItems, TransactionCanceledException.) An array, not a Set: Pulumi's
 * function serializer does not rebuild a captured Set.
 */
const TRANSIENT_CANCELLATIONS: readonly string[] = ["TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded", "RequestLimitExceeded"];

/**
 * Errors of a whole call that a later attempt may clear, once the SDK's own retries (3 attempts, which cover
 * throttling and TransactionInProgressException) are spent: throttling, a transaction still in progress, DynamoDB's
 * own failure.
 */
const TRANSIENT_ERRORS: readonly string[] = [
    "ThrottlingException", "ProvisionedThroughputExceededException", "RequestLimitExceeded", "TransactionInProgressException", "InternalServerError",
];

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
    const latestWrites = options.latestWrites ?? "transactions";

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

    /** A put that replaces the latest entry only with a later alert: a redelivery or a late, older one changes nothing. */
    const latestPut = (entry: LatestEntry) => ({
        TableName: tableName,
        Item: { ...entry.attributes, ...marshall(latestAttributes(entry.key)) },
        ConditionExpression: LATEST_REPLACES.condition,
        ExpressionAttributeValues: LATEST_REPLACES.values(entry.record),
    });

    async function moveLatest(item: LatestEntry): Promise<void> {
        try {
            await dynamodb.send(new (dynamoDbSdk().PutItemCommand)(latestPut(item)));
        } catch (err) {
            if (!(err instanceof dynamoDbSdk().ConditionalCheckFailedException)) throw err;
        }
    }

    /**
     * Up to {@link TRANSACTION_LIMIT} latest entries (of distinct series) in one transaction. DynamoDB cancels the
     * whole call when any entry fails, and says why for each: an entry whose condition failed is done (a later
     * record holds its series), one DynamoDB refuses for itself (an invalid or too large item) is reported at the
     * end, and the others are sent again, at once, or after a backoff when there was contention (another writer on
     * an item, throttling of an item or of the whole call). Only contended rounds count against the attempts.
     */
    async function moveLatestTogether(entries: readonly LatestEntry[]): Promise<void> {
        let pending = entries;
        const refused: string[] = [];
        for (let contentions = 0; pending.length > 0;) {
            let contended: boolean;
            try {
                await dynamodb.send(new (dynamoDbSdk().TransactWriteItemsCommand)({ TransactItems: pending.map((entry) => ({ Put: latestPut(entry) })) }));
                break;
            } catch (err) {
                if (!(err instanceof dynamoDbSdk().TransactionCanceledException)) {
                    if (!TRANSIENT_ERRORS.includes((err as Error).name)) throw err;
                    contended = true;
                } else {
                    const codes = err.CancellationReasons?.map((reason) => reason.Code ?? "None");
                    if (codes?.length !== pending.length) {
                        throw new StorageError(`DynamoDB cancelled a transaction of ${pending.length} latest entries without a reason for each: ${err.message}`, { cause: err });
                    }
                    const retried = (code: string) => code === "None" || TRANSIENT_CANCELLATIONS.includes(code);
                    refused.push(...codes.filter((code) => code !== "ConditionalCheckFailed" && !retried(code)));
                    // No reason but "None" would be DynamoDB's own fault: retried as contention, so that it is bounded.
                    contended = codes.some((code) => TRANSIENT_CANCELLATIONS.includes(code)) || codes.every((code) => code === "None");
                    pending = pending.filter((_, i) => retried(codes[i]));
                }
            }
            if (contended && pending.length > 0) {
                if (++contentions >= maxBatchAttempts) {
                    throw new StorageError(`${pending.length} latest entries still not written after ${maxBatchAttempts} contended transactions`);
                }
                await sleep(backoffDelayMs(contentions, retryBaseMs, retryCapMs));
            }
        }
        if (refused.length > 0) {
            throw new StorageError(`DynamoDB refused ${refused.length} of ${entries.length} latest entries in a transaction (${[...new Set(refused)].join(", ")}); the others were written`);
        }
    }

    /**
     * Each record's history first, then its series' latest entry: records go in groups (of {@link TRANSACTION_LIMIT}
     * with transactions, else of one batch), and as soon as a group's history batches are written, the latest
     * entries of its records are moved, while the other groups are still in flight. All of a
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
        // Each record's own attributes are marshalled once, for its history item and its latest entry alike.
        const marshalled = new Map<AlertRecord, Record<string, AttributeValue>>();
        const attributesOf = (record: AlertRecord) => {
            let attributes = marshalled.get(record);
            if (!attributes) marshalled.set(record, (attributes = marshall(record)));
            return attributes;
        };

        const groupSize = latestWrites === "transactions" ? TRANSACTION_LIMIT : BATCH_WRITE_LIMIT;
        await Promise.all(chunk([...records], groupSize).map(async (group) => {
            const written = await Promise.all(chunk(group, BATCH_WRITE_LIMIT).map(async (batch) => {
                const ok = await limited(() => settle(() =>
                    writeBatch(batch.map((record) => ({ PutRequest: { Item: { ...attributesOf(record), ...marshall(historyAttributes(record, options.retentionDays)) } } })))));
                return ok ? batch : [];
            }));
            const latest = written.flat().flatMap((record): LatestEntry[] => {
                const key = newest.get(record);
                return key ? [{ record, key, attributes: attributesOf(record) }] : [];
            });
            if (latest.length === 0) return;
            if (latestWrites === "transactions") await limited(() => settle(() => moveLatestTogether(latest)));
            else await Promise.all(latest.map((item) => limited(() => settle(() => moveLatest(item)))));
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
 * on equal times, the greater record id). Answers the records that may, with their series' key.
 */
function newestPerSeries(records: readonly AlertRecord[]): Map<AlertRecord, LatestKey> {
    const newest = new Map<string, { record: AlertRecord; key: LatestKey }>();
    for (const record of records) {
        const key = latestKeyOf(record);
        const series = `${key.pk}\u0000${key.sk}`;
        const current = newest.get(series);
        if (!current || isLater(record, current.record)) newest.set(series, { record, key });
    }
    return new Map([...newest.values()].map(({ record, key }) => [record, key]));
}
