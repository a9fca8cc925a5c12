/**
 * `replay`'s work, apart from its command line: find raw deliveries (by first arrival, or by id), run the loader
 * over them, and work through the dead-letter queue. The loader is a {@link ReplayTarget}: the local stack's, run
 * in this process against the emulators, or a deployed stack's function, invoked synchronously with the same
 * events S3 and SQS send it. Every load is idempotent, so any number of replays gives the same store.
 */
import { HeadObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { ChangeMessageVisibilityCommand, DeleteMessageCommand, Message, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { mapWithConcurrency } from "../handlers/concurrency";
import { describeError } from "../handlers/errors";
import { FALLBACK_ATTRIBUTES, readFallbackMessage } from "../handlers/fallbackQueue";
import { deliveryIdOfRawKey, type LoadResult } from "../handlers/loader";
import { LoaderEvent, S3EventResult, SqsBatchResponse, SqsEventRecord, decodeS3EventKey, objectCreatedEvent } from "../handlers/loaderEvents";
import { arrivalOf } from "../handlers/storage";
import { bucketPrefixes, rawObjectKey, utcDay } from "../shared/layout";

/** Where replay runs the loader, and the stores it reads. */
export interface ReplayTarget {
    /** For messages: "the local stack at .data", "function healthscore-loader-... in eu-west-1". */
    name: string;
    s3: S3Client;
    bucketName: string;
    sqs: SQSClient;
    deadLetterQueueUrl: string;
    /** Runs the loader with an event and answers what it returned; throws with the function's error. */
    invoke(event: LoaderEvent): Promise<unknown>;
    close(): void;
}

/** What happened to one delivery (or one dead letter that names none). */
export interface ReplayOutcome {
    key: string;
    ok: boolean;
    line: string;
}

export interface KeySelection {
    /** First arrival from this day, inclusive (YYYY-MM-DD, UTC). */
    from?: string;
    /** First arrival up to this day, inclusive. */
    to?: string;
    deliveries?: string[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** HeadObject requests in flight at once when a range is read. */
const HEAD_CONCURRENCY = 8;

/**
 * The raw keys to replay: the deliveries named, then every raw object whose delivery first arrived in the range
 * (its `received-at` metadata, else its LastModified), sorted and without duplicates.
 */
export async function selectKeys(target: Pick<ReplayTarget, "s3" | "bucketName">, selection: KeySelection): Promise<string[]> {
    const keys = new Set<string>();
    for (const id of selection.deliveries ?? []) {
        if (!UUID.test(id)) throw new Error(`--delivery ${JSON.stringify(id)} is not a delivery id (a UUID, as in an answer's delivery_id)`);
        keys.add(rawObjectKey(id));
    }
    if (selection.from !== undefined || selection.to !== undefined) {
        const from = selection.from ?? "0000-00-00";
        const to = selection.to ?? "9999-99-99";
        if (from > to) throw new Error(`--from ${from} is after --to ${to}`);
        const raw = (await listKeys(target.s3, target.bucketName, bucketPrefixes.raw)).filter((key) => deliveryIdOfRawKey(key) !== undefined);
        const arrivals = await mapWithConcurrency(raw, HEAD_CONCURRENCY, async (key) => {
            const head = await target.s3.send(new HeadObjectCommand({ Bucket: target.bucketName, Key: key }));
            return utcDay(arrivalOf(head.Metadata, head.LastModified));
        });
        raw.forEach((key, i) => {
            if (arrivals[i] >= from && arrivals[i] <= to) keys.add(key);
        });
    }
    return [...keys].sort();
}

/** Every key under `prefix`, page after page, sorted. */
export async function listKeys(s3: S3Client, bucket: string, prefix = ""): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
        const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
        keys.push(...(page.Contents ?? []).map((object) => object.Key!));
        token = page.NextContinuationToken;
    } while (token);
    return keys.sort();
}

/** Runs the loader over one raw key, as S3's notification would; never throws. */
export async function replayKey(target: ReplayTarget, key: string): Promise<ReplayOutcome> {
    try {
        const result = (await target.invoke(objectCreatedEvent(target.bucketName, key))) as S3EventResult;
        const loaded = result?.loaded?.[0];
        return { key, ok: true, line: `${key}: loaded${loaded ? ` (${describeLoad(loaded)})` : ""}` };
    } catch (err) {
        return { key, ok: false, line: `${key}: failed: ${describeError(err)}` };
    }
}

function describeLoad(loaded: LoadResult): string {
    if (loaded.notADelivery) return `not a delivery: ${loaded.notADelivery}; first arrival ${loaded.receivedAt}`;
    return `${loaded.accepted} accepted, ${loaded.rejected} rejected; first arrival ${loaded.receivedAt}`;
}

/** A message of the dead-letter queue, read. */
export type DeadLetter =
    /** Lambda's on-failure destination record: the S3 notification whose loads failed. */
    | { kind: "failed-load"; keys: string[]; error: string }
    /** A fallback message the loader could not archive (moved here by the fallback queue's redrive policy). */
    | { kind: "fallback"; deliveryId: string; record: SqsEventRecord }
    | { kind: "unknown"; problem: string };

export function readDeadLetter(message: Message): DeadLetter {
    const attributes = Object.fromEntries(Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [name, value.StringValue]));
    if (attributes[FALLBACK_ATTRIBUTES.deliveryId] !== undefined) {
        return {
            kind: "fallback",
            deliveryId: attributes[FALLBACK_ATTRIBUTES.deliveryId]!,
            record: {
                eventSource: "aws:sqs",
                messageId: message.MessageId ?? "dead-letter",
                body: message.Body ?? "",
                messageAttributes: Object.fromEntries(Object.entries(attributes).map(([name, value]) => [name, { stringValue: value, dataType: "String" }])),
            },
        };
    }
    try {
        const record = JSON.parse(message.Body ?? "");
        const records = record?.requestPayload?.Records;
        if (!Array.isArray(records)) return { kind: "unknown", problem: "neither a failed load (Lambda destination record) nor a fallback message" };
        const keys = records.filter((r: any) => typeof r?.s3?.object?.key === "string").map((r: any) => decodeS3EventKey(r.s3.object.key));
        return { kind: "failed-load", keys, error: String(record?.responsePayload?.errorMessage ?? "") };
    } catch {
        return { kind: "unknown", problem: "its body is not JSON" };
    }
}

/** Lists the dead letters without loading or removing any. */
export async function listDeadLetters(target: ReplayTarget): Promise<string[]> {
    const lines: string[] = [];
    await eachDeadLetter(target, async (letter, message) => {
        const sent = message.Attributes?.SentTimestamp ? new Date(Number(message.Attributes.SentTimestamp)).toISOString() : "?";
        lines.push(letter.kind === "failed-load" ? `failed load of ${letter.keys.join(", ")} (dead-lettered ${sent}): ${letter.error}`
            : letter.kind === "fallback" ? `fallback body of delivery ${letter.deliveryId}, never archived (dead-lettered ${sent})`
                : `message ${message.MessageId}: ${letter.problem}`);
        return false;
    });
    return lines;
}

/**
 * Loads what each dead letter names and removes the letter once everything it names is stored: a failed load is
 * run again; a fallback body is archived (the loader's SQS path, which checks its bytes against its id), then
 * loaded. A letter that fails stays in the queue.
 */
export async function replayDeadLetters(target: ReplayTarget, onOutcome: (outcome: ReplayOutcome) => void): Promise<ReplayOutcome[]> {
    const outcomes: ReplayOutcome[] = [];
    const report = (outcome: ReplayOutcome) => {
        outcomes.push(outcome);
        onOutcome(outcome);
    };
    await eachDeadLetter(target, async (letter, message) => {
        if (letter.kind === "unknown") {
            report({ key: message.MessageId ?? "?", ok: false, line: `dead letter ${message.MessageId}: left in the queue: ${letter.problem}` });
            return false;
        }
        let keys: string[];
        if (letter.kind === "fallback") {
            try {
                readFallbackMessage(letter.record.body, Object.fromEntries(Object.entries(letter.record.messageAttributes ?? {}).map(([n, v]) => [n, v.stringValue])));
                const response = (await target.invoke({ Records: [letter.record] })) as SqsBatchResponse;
                if (response?.batchItemFailures?.length) throw new Error("the loader could not archive it (see its log)");
            } catch (err) {
                report({ key: rawObjectKey(letter.deliveryId), ok: false, line: `${rawObjectKey(letter.deliveryId)}: failed: the fallback body was not archived: ${describeError(err)}` });
                return false;
            }
            keys = [rawObjectKey(letter.deliveryId)];
        } else {
            keys = letter.keys;
        }
        let allStored = true;
        for (const key of keys) {
            const outcome = await replayKey(target, key);
            report(outcome);
            allStored &&= outcome.ok;
        }
        return allStored;
    });
    return outcomes;
}

/**
 * Receives every dead letter once: each stays hidden while it is handled, is deleted when `handle` answers true,
 * and is made visible again at the end otherwise (so a later run sees it).
 */
async function eachDeadLetter(target: ReplayTarget, handle: (letter: DeadLetter, message: Message) => Promise<boolean>): Promise<void> {
    const kept: Message[] = [];
    const seen = new Set<string>();
    try {
        for (;;) {
            const { Messages: messages = [] } = await target.sqs.send(new ReceiveMessageCommand({
                QueueUrl: target.deadLetterQueueUrl,
                MaxNumberOfMessages: 10,
                // Long enough to handle a batch of ten before any comes back to this same run.
                VisibilityTimeout: 900,
                WaitTimeSeconds: 0,
                MessageAttributeNames: ["All"],
                MessageSystemAttributeNames: ["SentTimestamp", "ApproximateReceiveCount"],
            }));
            const fresh = messages.filter((message) => !seen.has(message.MessageId!));
            if (fresh.length === 0) {
                kept.push(...messages);
                break;
            }
            for (const message of fresh) {
                seen.add(message.MessageId!);
                if (await handle(readDeadLetter(message), message)) {
                    await target.sqs.send(new DeleteMessageCommand({ QueueUrl: target.deadLetterQueueUrl, ReceiptHandle: message.ReceiptHandle! }));
                } else {
                    kept.push(message);
                }
            }
        }
    } finally {
        for (const message of kept) {
            await target.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: target.deadLetterQueueUrl, ReceiptHandle: message.ReceiptHandle!, VisibilityTimeout: 0 }))
                .catch(() => undefined);
        }
    }
}
