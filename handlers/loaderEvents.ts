/**
 * The events that run the loader, and what it answers to each:
 *
 * - an S3 event notification (`s3:ObjectCreated:*` on raw/, invoked asynchronously): each record's object is
 *   loaded; if any fails, the handler throws, so that Lambda retries the event and, after its retries, sends it to
 *   the on-failure destination (the dead-letter queue). `replay` invokes it synchronously with the same shape.
 * - an SQS event from the fallback queue (the event source mapping): each message's body is archived in raw/ with
 *   its arrival, which creates the object and so notifies the loader again; failed messages are reported one by
 *   one (`ReportBatchItemFailures`) and go back to the queue, then to the dead-letter queue by its redrive policy.
 *
 * Shapes from AWS's documentation: "Event message structure" (S3) and "Using Lambda with Amazon SQS".
 */
import { describeError, firstAndCount } from "./errors";
import { readFallbackMessage } from "./fallbackQueue";
import type { LoadResult, Loader } from "./loader";
import { FunctionLogger, InvocationContext, Logger, functionLogger } from "./logger";
import { MetricValues, MetricsPublisher, addMetric, noMetrics } from "./metrics";
import { rawObjectKey } from "../shared/layout";
import { BAND_METRICS } from "../shared/observability";
import type { HealthBand } from "../shared/healthBands";
import type { RawArchive } from "./storage";

export interface S3EventRecord {
    eventSource: "aws:s3";
    eventName: string;
    s3: { bucket: { name: string; arn?: string; [field: string]: unknown }; object: { key: string; size?: number; eTag?: string; sequencer?: string }; [field: string]: unknown };
    [field: string]: unknown;
}

export interface SqsEventRecord {
    eventSource: "aws:sqs";
    messageId: string;
    body: string;
    messageAttributes?: Record<string, { stringValue?: string; dataType: string }>;
    attributes?: Record<string, string>;
    [field: string]: unknown;
}

export type LoaderEvent = { Records: Array<S3EventRecord | SqsEventRecord> };

/** What the loader answers an S3 event with (read by a synchronous invoke, such as `replay`'s). */
export interface S3EventResult {
    loaded: LoadResult[];
}

/** The answer Lambda's SQS event source mapping reads: only these messages go back to the queue. */
export interface SqsBatchResponse {
    batchItemFailures: Array<{ itemIdentifier: string }>;
}

/**
 * S3 writes the key of an event URL-encoded, a space as `+` ("red flower.jpg" becomes "red+flower.jpg"), so
 * `raw/dt=2026-11-27/...` arrives as `raw/dt%3D2026-11-27/...`.
 */
export function decodeS3EventKey(key: string): string {
    return decodeURIComponent(key.replace(/\+/g, " "));
}

export function encodeS3EventKey(key: string): string {
    return encodeURIComponent(key).replace(/%2F/g, "/").replace(/%20/g, "+");
}

/** An S3 ObjectCreated notification of one object, in the shape S3 sends (for the local stack and `replay`). */
export function objectCreatedEvent(bucket: string, key: string, options: { region?: string; size?: number; eTag?: string; eventTime?: Date } = {}): { Records: S3EventRecord[] } {
    const eventTime = options.eventTime ?? new Date();
    return {
        Records: [{
            eventVersion: "2.1",
            eventSource: "aws:s3",
            awsRegion: options.region ?? "us-east-1",
            eventTime: eventTime.toISOString(),
            eventName: "ObjectCreated:Put",
            userIdentity: { principalId: "AWS:healthscore" },
            requestParameters: { sourceIPAddress: "127.0.0.1" },
            responseElements: { "x-amz-request-id": "0", "x-amz-id-2": "0" },
            s3: {
                s3SchemaVersion: "1.0",
                configurationId: "raw-deliveries",
                bucket: { name: bucket, ownerIdentity: { principalId: "healthscore" }, arn: `arn:aws:s3:::${bucket}` },
                object: {
                    key: encodeS3EventKey(key),
                    ...(options.size !== undefined ? { size: options.size } : {}),
                    ...(options.eTag !== undefined ? { eTag: options.eTag } : {}),
                    sequencer: eventTime.getTime().toString(16).toUpperCase().padStart(16, "0"),
                },
            },
        }],
    };
}

/** The string attributes of an SQS event record, as `readFallbackMessage` takes them. */
function stringAttributes(record: SqsEventRecord): Record<string, string | undefined> {
    return Object.fromEntries(Object.entries(record.messageAttributes ?? {}).map(([name, value]) => [name, value.stringValue]));
}

export interface LoaderEventHandlerOptions {
    load: Loader;
    archive: RawArchive;
    logger: Logger | FunctionLogger;
    /** Where each invocation's metrics go. @default none */
    metrics?: MetricsPublisher;
}

/** Lambda's context as the second argument; the local stack adds the attempt, which Lambda does not give. */
export type LoaderEventHandler = (event: LoaderEvent, context?: InvocationContext) => Promise<S3EventResult | SqsBatchResponse>;

export function createLoaderEventHandler(options: LoaderEventHandlerOptions): LoaderEventHandler {
    const { load, archive } = options;
    const logger = functionLogger(options.logger);
    const metrics = options.metrics ?? noMetrics;

    async function onS3(records: S3EventRecord[], values: MetricValues, attempt: number | undefined): Promise<S3EventResult> {
        const loaded: LoadResult[] = [];
        const failures: string[] = [];
        for (const record of records) {
            const key = decodeS3EventKey(record.s3.object.key);
            try {
                const result = await load(key, { attempt });
                loaded.push(result);
                addLoadMetrics(values, result);
            } catch (err) {
                logger.error("load failed", { raw_key: key, error: describeError(err), ...(attempt !== undefined ? { attempt } : {}) });
                failures.push(`${key}: ${describeError(err)}`);
                addMetric(values, "LoadFailures", 1);
            }
        }
        // Thrown, so that Lambda retries the event (the loads that succeeded change nothing the second time).
        if (failures.length > 0) throw new Error(`${failures.length} of ${records.length} loads failed: ${firstAndCount(failures, 3, "; ")}`);
        return { loaded };
    }

    async function onSqs(records: SqsEventRecord[], values: MetricValues): Promise<SqsBatchResponse> {
        const batchItemFailures: SqsBatchResponse["batchItemFailures"] = [];
        for (const record of records) {
            try {
                const queued = readFallbackMessage(record.body, stringAttributes(record));
                // A conditional create: the first copy stays; creating it notifies the loader, which loads it.
                const receivedAt = await archive.archiveRaw(rawObjectKey(queued.deliveryId), queued.bytes, queued.receivedAt);
                logger.info("fallback message archived", { delivery_id: queued.deliveryId, received_at: receivedAt.toISOString() });
            } catch (err) {
                logger.error("fallback message not archived; it goes back to the queue", {
                    message_id: record.messageId,
                    error: describeError(err),
                    // SQS counts the receives: the attempt at this message.
                    ...(record.attributes?.ApproximateReceiveCount ? { attempt: Number(record.attributes.ApproximateReceiveCount) } : {}),
                });
                batchItemFailures.push({ itemIdentifier: record.messageId });
                addMetric(values, "LoadFailures", 1);
            }
        }
        return { batchItemFailures };
    }

    async function handle(event: LoaderEvent, values: MetricValues, attempt: number | undefined): Promise<S3EventResult | SqsBatchResponse> {
        const records = event?.Records;
        if (!Array.isArray(records) || records.length === 0) throw new Error("the loader takes S3 notifications or SQS messages: the event has no Records");
        const sources = new Set(records.map((record) => record.eventSource));
        if (sources.size === 1 && sources.has("aws:s3")) return onS3(records as S3EventRecord[], values, attempt);
        if (sources.size === 1 && sources.has("aws:sqs")) return onSqs(records as SqsEventRecord[], values);
        throw new Error(`the loader takes S3 notifications or SQS messages, not ${[...sources].join(", ")}`);
    }

    return async (event, context) => {
        logger.startInvocation(context);
        // One EMF line per invocation, whether it succeeds or throws for Lambda to retry.
        const values: MetricValues = {};
        try {
            return await handle(event, values, context?.attempt);
        } finally {
            metrics.publish(values);
        }
    };
}

/** A load's data points: its record counts, and the delivery's band counts and account score when it holds scores. */
export function addLoadMetrics(values: MetricValues, result: LoadResult): void {
    addMetric(values, "RecordsAccepted", result.accepted);
    // A body that is no delivery at all is something SparkPost sent that could not be stored: it counts as one.
    addMetric(values, "RecordsRejected", result.notADelivery ? 1 : result.rejected);
    if (!result.scores) return;
    for (const [band, count] of Object.entries(result.scores.bands) as Array<[HealthBand, number]>) addMetric(values, BAND_METRICS[band], count);
    if (result.scores.accountScore !== undefined) addMetric(values, "AccountHealthScore", result.scores.accountScore);
}
