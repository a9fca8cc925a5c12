/**
 * The loader: one raw delivery in, the lake objects, the rejections and the table items out. S3 runs it for every
 * object created under raw/ (and `replay` for any it is given); it validates again, against the delivery's first
 * arrival as the raw object records it, because the archive may hold bodies the receiver never judged (a replay,
 * the fallback queue, an earlier version).
 *
 * Every write is idempotent (keys from content, objects written only if absent, items keyed by record id, the
 * latest entry moved only forward), so a load killed halfway and run again writes exactly what was missing. A load
 * that fails throws, after trying every write, so that Lambda retries it.
 */
import { describeError, firstAndCount } from "./errors";
import { createAlertStruct } from "./alert";
import { mapWithConcurrency } from "./concurrency";
import { Logger, jsonLogger } from "./logger";
import { AlertRecord, DeliveryContext, RejectedElement, interpretDelivery, metricsSeen, partitionRecords, toLakeNdjson } from "./records";
import { ScoreAggregates, scoreAggregates } from "./scoreAggregates";
import type { DeliveryStorage } from "./storage";
import { bucketPrefixes, lakeObjectKey, rejectedObjectKey } from "../shared/layout";

/**
 * S3 PutObject requests in flight at once for one delivery's lake partitions. A delivery usually holds one or two
 * (a metric and a day each), but a body may hold one per element (a metric name of its own each, or days since
 * 2019): 27,000 in 6 MB. Each is its own prefix, which S3 serves in parallel (3,500 PUTs a second per prefix), so
 * as many as the table's writes: at the latency model's p99 of 200 ms, 27,000 take about 85 s, not 11 minutes.
 */
const LAKE_WRITE_CONCURRENCY = 64;

/** How many failed writes a load failure names; the count says how many more (a log event holds 256 KB at most). */
const NAMED_FAILURES = 5;

const JSON_CONTENT_TYPE = "application/json";
const NDJSON_CONTENT_TYPE = "application/x-ndjson";

/** `raw/<delivery_id>.json`, and `raw/dt=<day>/<delivery_id>.json` as earlier versions archived. */
const RAW_KEY = new RegExp(`^${bucketPrefixes.raw}(?:dt=\\d{4}-\\d{2}-\\d{2}/)?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\\.json$`);

/** The delivery a raw key names, or undefined for any other key. */
export function deliveryIdOfRawKey(key: string): string | undefined {
    return RAW_KEY.exec(key)?.[1];
}

export interface LoadResult {
    rawKey: string;
    deliveryId: string;
    receivedAt: string;
    /** Records stored (identical elements count once). */
    accepted: number;
    rejected: number;
    /** Set when the body is not a delivery at all (not UTF-8, not JSON, not an array of objects). */
    notADelivery?: string;
    /** The lake objects the records went to (one per metric and day). */
    partitions: number;
    /** Records per SparkPost metric; a name SparkPost does not document counts under `other`. */
    metricsSeen: Record<string, number>;
    /** The delivery's band counts and account score, when it holds scores. */
    scores?: ScoreAggregates;
}

export class LoadError extends Error {
    constructor(message: string, options?: { cause?: unknown }) {
        super(message, options);
        // Set again: Pulumi's function serializer turns a class into a function whose super() call leaves these unset.
        this.message = message;
        this.cause = options?.cause;
        this.name = "LoadError";
    }
}

export interface LoaderOptions {
    storage: DeliveryStorage;
    logger?: Logger;
}

/** `attempt`: which attempt at the event this is, when the caller knows it (for the log line). */
export type Loader = (rawKey: string, options?: { attempt?: number }) => Promise<LoadResult>;

type Rejections = { error: string } | { rejected_count: number; rejected: RejectedElement[]; rejected_without_detail?: number };

export function createLoader(options: LoaderOptions): Loader {
    const struct = createAlertStruct();
    const logger = options.logger ?? jsonLogger();
    const { storage } = options;

    return async function load(rawKey: string, options: { attempt?: number } = {}): Promise<LoadResult> {
        const started = Date.now();
        const deliveryId = deliveryIdOfRawKey(rawKey);
        if (!deliveryId) throw new LoadError(`${rawKey} is not a raw delivery (${bucketPrefixes.raw}<delivery_id>.json)`);
        const raw = await storage.readRaw(rawKey);
        const context: DeliveryContext = { deliveryId, receivedAt: raw.receivedAt };
        const interpretation = interpretDelivery(raw.body, struct, context);
        const base = { rawKey, deliveryId, receivedAt: raw.receivedAt.toISOString() };

        let result: LoadResult;
        if (interpretation.kind === "not-alerts") {
            await store(context, rawKey, [], { error: interpretation.message });
            result = { ...base, accepted: 0, rejected: 0, notADelivery: interpretation.message, partitions: 0, metricsSeen: {} };
        } else {
            const { records, rejected, rejectedCount, undetailed } = interpretation;
            const partitions = await store(context, rawKey, records, rejectedCount === 0 ? undefined : {
                rejected_count: rejectedCount,
                rejected,
                ...(undetailed > 0 ? { rejected_without_detail: undetailed } : {}),
            });
            const scores = scoreAggregates(records);
            result = { ...base, accepted: records.length, rejected: rejectedCount, partitions, metricsSeen: metricsSeen(records), ...(scores ? { scores } : {}) };
        }
        // Counts only: never an element's content (a metric name SparkPost does not document is counted as `other`).
        logger.info("load", {
            delivery_id: deliveryId,
            accepted: result.accepted,
            rejected: result.rejected,
            ...(result.notADelivery ? { not_a_delivery: true } : {}),
            metrics: result.metricsSeen,
            partitions: result.partitions,
            duration_ms: Date.now() - started,
            ...(options.attempt !== undefined ? { attempt: options.attempt } : {}),
        });
        return result;
    };

    /**
     * Two independent lines of writes run side by side: S3 (the lake objects, then the rejections, in the order
     * the store is documented) and DynamoDB (the records). A failure does not stop the other writes; once all
     * were tried, the failures are thrown together.
     */
    async function store(context: DeliveryContext, rawKey: string, records: AlertRecord[], rejections: Rejections | undefined): Promise<number> {
        const failed: Array<[target: string, error: unknown]> = [];
        const attempt = async (target: string, write: () => Promise<void>): Promise<void> => {
            try {
                await write();
            } catch (err) {
                failed.push([target, err]);
            }
        };

        const partitions = partitionRecords(records);
        const writeObjects = async () => {
            await mapWithConcurrency(partitions, LAKE_WRITE_CONCURRENCY, (partition) =>
                attempt(`lake partition metric=${partition.metric}/dt=${partition.day}`, () =>
                    storage.putObject(lakeObjectKey(partition.metric, partition.day, context.deliveryId), toLakeNdjson(partition.records), NDJSON_CONTENT_TYPE)));
            if (rejections) {
                const document = { delivery_id: context.deliveryId, received_at: context.receivedAt.toISOString(), raw_key: rawKey, ...rejections };
                await attempt("rejections", () =>
                    storage.putObject(rejectedObjectKey(context.deliveryId), JSON.stringify(document), JSON_CONTENT_TYPE));
            }
        };
        const writeItems = async () => {
            if (records.length > 0) await attempt("table", () => storage.writeRecords(records));
        };
        await Promise.all([writeObjects(), writeItems()]);

        if (failed.length === 0) return partitions.length;
        for (const [target, err] of failed) {
            logger.error("write failed; the load is retried", { delivery_id: context.deliveryId, raw_key: rawKey, target, error: describeError(err) });
        }
        const [target, first] = failed[0];
        throw new LoadError(`${rawKey}: ${firstAndCount(failed.map(([t]) => t), NAMED_FAILURES)} not written; the first failure (${target}): ${describeError(first)}`, { cause: first });
    }
}
