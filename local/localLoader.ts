/**
 * Lambda's part of the asynchronous flow, in the local stack's process: what AWS does around the loader function.
 *
 * - An object created under raw/ invokes the loader asynchronously with the S3 notification (the real shape, the
 *   key URL-encoded). A failed invocation is retried after each of `retryDelaysMs` (Lambda: 2 retries, about 1 and
 *   2 minutes apart; shorter here), then its destination record goes to the dead-letter queue, as Lambda's
 *   on-failure destination sends it.
 * - An event source mapping drains the fallback queue: it receives messages, invokes the loader with the SQS
 *   event, and deletes the ones not reported in `batchItemFailures`; the others come back after their visibility
 *   timeout, and the queue's redrive policy moves them to the dead-letter queue after `maxReceiveCount` receives.
 */
import { randomUUID } from "crypto";
import { DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient, SendMessageCommand } from "@aws-sdk/client-sqs";
import { describeError } from "../handlers/errors";
import { LoaderEvent, LoaderEventHandler, SqsBatchResponse, SqsEventRecord, objectCreatedEvent } from "../handlers/loaderEvents";
import { Logger } from "../handlers/logger";
import { bucketPrefixes } from "../shared/layout";
import { sleep } from "../handlers/concurrency";

export interface LocalLoaderOptions {
    handler: LoaderEventHandler;
    sqs: SQSClient;
    fallbackQueueUrl: string;
    deadLetterQueueUrl: string;
    /** Waits before each retry of a failed asynchronous invocation. @default [1000, 2000] */
    retryDelaysMs?: number[];
    /** How long a fallback message stays hidden while it is handled, in seconds. @default 5 */
    fallbackVisibilitySeconds?: number;
    /** Messages per loader invocation. @default 5 */
    batchSize?: number;
    /**
     * Asynchronous invocations run at once; the others wait their turn, as events wait in Lambda's own queue for
     * concurrency. In one process they share one event loop and the emulators: unbounded, 200 loads at once would
     * starve the receiver. @default 4
     */
    concurrency?: number;
    functionArn?: string;
    logger: Logger;
}

/** Counts, so that a caller (a test) can see what the flow has done. */
export interface LocalLoaderStats {
    invocations: number;
    failedInvocations: number;
    deadLettered: number;
}

export interface LocalLoader {
    /** What S3 does for a created object: notify the loader if it is under raw/. */
    objectCreated(bucket: string, key: string, details?: { size?: number; eTag?: string }): void;
    readonly stats: LocalLoaderStats;
    /** Resolves once no asynchronous invocation is in flight or waiting for a retry, and the fallback queue is empty. */
    idle(): Promise<void>;
    stop(): Promise<void>;
}

/** What Lambda's on-failure destination sends for an asynchronous invocation whose retries are spent. */
export interface DestinationRecord {
    version: "1.0";
    timestamp: string;
    requestContext: { requestId: string; functionArn: string; condition: "RetriesExhausted" | "EventAgeExceeded"; approximateInvokeCount: number };
    requestPayload: LoaderEvent;
    responseContext: { statusCode: number; executedVersion: string; functionError: string };
    responsePayload: { errorType: string; errorMessage: string };
}

export function startLocalLoader(options: LocalLoaderOptions): LocalLoader {
    const retryDelaysMs = options.retryDelaysMs ?? [1_000, 2_000];
    const functionArn = options.functionArn ?? "arn:aws:lambda:us-east-1:000000000000:function:healthscore-local-loader";
    const { sqs, logger } = options;
    const stats: LocalLoaderStats = { invocations: 0, failedInvocations: 0, deadLettered: 0 };
    const inFlight = new Set<Promise<void>>();
    let running = true;
    const slots = createSlots(options.concurrency ?? 4);

    async function invokeAsync(event: LoaderEvent): Promise<void> {
        let lastError: unknown;
        for (let attempt = 0; attempt <= retryDelaysMs.length; attempt++) {
            if (attempt > 0) await sleep(retryDelaysMs[attempt - 1]);
            stats.invocations++;
            try {
                await slots.run(() => options.handler(event));
                return;
            } catch (err) {
                stats.failedInvocations++;
                lastError = err;
            }
        }
        const record: DestinationRecord = {
            version: "1.0",
            timestamp: new Date().toISOString(),
            requestContext: { requestId: randomUUID(), functionArn: `${functionArn}:$LATEST`, condition: "RetriesExhausted", approximateInvokeCount: retryDelaysMs.length + 1 },
            requestPayload: event,
            responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
            responsePayload: { errorType: lastError instanceof Error ? lastError.name : "Error", errorMessage: describeError(lastError) },
        };
        try {
            await sqs.send(new SendMessageCommand({ QueueUrl: options.deadLetterQueueUrl, MessageBody: JSON.stringify(record) }));
            stats.deadLettered++;
            logger.error("load failed after its retries; sent to the dead-letter queue", { error: describeError(lastError) });
        } catch (err) {
            logger.error("load failed after its retries, and the dead-letter queue did not take it", { error: describeError(err) });
        }
    }

    function track(work: Promise<void>): void {
        inFlight.add(work);
        void work.finally(() => inFlight.delete(work));
    }

    /** The event source mapping: receive, invoke, delete what succeeded. */
    async function drain(): Promise<void> {
        while (running) {
            try {
                const { Messages: messages = [] } = await sqs.send(new ReceiveMessageCommand({
                    QueueUrl: options.fallbackQueueUrl,
                    MaxNumberOfMessages: options.batchSize ?? 5,
                    WaitTimeSeconds: 1,
                    VisibilityTimeout: options.fallbackVisibilitySeconds ?? 5,
                    MessageAttributeNames: ["All"],
                    MessageSystemAttributeNames: ["ApproximateReceiveCount", "SentTimestamp"],
                }));
                if (messages.length === 0) continue;
                const records: SqsEventRecord[] = messages.map((message) => ({
                    eventSource: "aws:sqs",
                    eventSourceARN: "arn:aws:sqs:us-east-1:000000000000:fallback",
                    awsRegion: "us-east-1",
                    messageId: message.MessageId!,
                    receiptHandle: message.ReceiptHandle!,
                    body: message.Body ?? "",
                    md5OfBody: message.MD5OfBody,
                    attributes: message.Attributes ?? {},
                    messageAttributes: Object.fromEntries(Object.entries(message.MessageAttributes ?? {}).map(([name, value]) =>
                        [name, { stringValue: value.StringValue, dataType: value.DataType ?? "String", stringListValues: [], binaryListValues: [] }])),
                }));
                let failed: Set<string>;
                try {
                    stats.invocations++;
                    const response = (await options.handler({ Records: records })) as SqsBatchResponse;
                    failed = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier));
                } catch (err) {
                    // A thrown error returns the whole batch to the queue.
                    stats.failedInvocations++;
                    failed = new Set(records.map((record) => record.messageId));
                }
                for (const message of messages) {
                    if (failed.has(message.MessageId!)) continue;
                    await sqs.send(new DeleteMessageCommand({ QueueUrl: options.fallbackQueueUrl, ReceiptHandle: message.ReceiptHandle! }));
                }
            } catch (err) {
                if (!running) return;
                logger.warn("the local event source mapping could not poll the fallback queue", { error: describeError(err) });
                await sleep(500);
            }
        }
    }
    const draining = drain();

    async function queueIsEmpty(): Promise<boolean> {
        const { Attributes: attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: options.fallbackQueueUrl, AttributeNames: ["All"] }));
        return Number(attributes.ApproximateNumberOfMessages ?? 0) + Number(attributes.ApproximateNumberOfMessagesNotVisible ?? 0) === 0;
    }

    return {
        stats,
        objectCreated(bucket, key, details = {}) {
            if (!key.startsWith(bucketPrefixes.raw) || !running) return;
            track(invokeAsync(objectCreatedEvent(bucket, key, details)));
        },
        async idle() {
            for (;;) {
                while (inFlight.size > 0) await Promise.all([...inFlight]);
                if (await queueIsEmpty() && inFlight.size === 0) return;
                await sleep(25);
            }
        },
        async stop() {
            running = false;
            await draining;
            await Promise.all([...inFlight]);
        },
    };
}

/** At most `size` tasks at once; the others wait in the order they came. */
function createSlots(size: number): { run<T>(task: () => Promise<T>): Promise<T> } {
    let busy = 0;
    const waiting: Array<() => void> = [];
    return {
        async run(task) {
            if (busy >= size) await new Promise<void>((resolve) => waiting.push(resolve));
            busy++;
            try {
                return await task();
            } finally {
                busy--;
                waiting.shift()?.();
            }
        },
    };
}
