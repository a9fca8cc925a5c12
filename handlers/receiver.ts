/**
 * The webhook receiver: one HTTP request in, one HTTP response out, the delivery stored in between.
 *
 * The same function serves Lambda (behind the ALB, an HTTP API or a Function URL) and the local stack; only the
 * storage's clients differ.
 */
import { createAlertStruct } from "./alert";
import { MAX_BODY_BYTES, NOT_FOUND } from "../shared/limits";
import { checkSize } from "./body";
import { mapWithConcurrency } from "./concurrency";
import { deliveryIdOf } from "./ids";
import { HttpRequest, HttpResponse, LambdaHttpEvent, LambdaHttpResult, jsonResponse, toHttpRequest, toLambdaResult } from "./http";
import { lakeObjectKey, rawObjectKey, rejectedObjectKey } from "../shared/layout";
import { Logger, jsonLogger } from "./logger";
import { AlertRecord, DeliveryContext, RejectedElement, interpretDelivery, partitionRecords, toLakeNdjson } from "./records";
import { ArrivalUnknownError, type DeliveryStorage } from "./storage";
import { createTokenMatcher } from "./token";

export interface ReceiverOptions {
    storage: DeliveryStorage;
    /** The secret path segment of `POST /hooks/<token>`, and the one it replaces while a rotation is under way. */
    token: string;
    previousToken?: string;
    now?: () => Date;
    logger?: Logger;
}

/** How many element errors a response lists; all of them are kept under rejected/. */
export const MAX_ERRORS_IN_RESPONSE = 50;

/** S3 PutObject requests in flight at once for one delivery's lake partitions. */
const LAKE_WRITE_CONCURRENCY = 8;

const JSON_CONTENT_TYPE = "application/json";
const NDJSON_CONTENT_TYPE = "application/x-ndjson";
const KNOWN_METHODS: readonly string[] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

export type Receiver = (request: HttpRequest) => Promise<HttpResponse>;

export function createReceiver(options: ReceiverOptions): Receiver {
    const struct = createAlertStruct();
    const tokens = createTokenMatcher(options.token, options.previousToken);
    const now = options.now ?? (() => new Date());
    const logger = options.logger ?? jsonLogger();
    const { storage } = options;

    return async function receive(request: HttpRequest): Promise<HttpResponse> {
        const started = Date.now();
        const response = await handle(request);
        // Never the path, nor a method we do not know: both are the sender's text and may hold a token
        // (`/hooks%2F<token>`, `/<token>`, a method named like one). The route and the length say enough.
        logger.info("request", {
            method: KNOWN_METHODS.includes(request.method) ? request.method : "other",
            route: tokens.routeOf(request.path),
            path_length: request.path.length,
            status: response.statusCode,
            bytes: request.body.byteLength,
            duration_ms: Date.now() - started,
        });
        return response;
    };

    async function handle(request: HttpRequest): Promise<HttpResponse> {
        // Anything but the hook path with a valid token looks the same from outside: nothing to probe.
        if (request.method !== "POST" || !tokens.matchesPath(request.path)) return jsonResponse(404, NOT_FOUND);

        const contentTypeProblem = checkContentType(request.headers["content-type"]);
        if (contentTypeProblem) return jsonResponse(415, { message: contentTypeProblem });
        const sizeProblem = checkSize(request.body, request.source === "http-api" ? MAX_BODY_BYTES["function-url"] : MAX_BODY_BYTES.alb);
        if (sizeProblem) return jsonResponse(sizeProblem.status, { message: sizeProblem.message });

        const deliveryId = deliveryIdOf(request.body);
        const rawKey = rawObjectKey(deliveryId);

        // SparkPost never retries: archive the bytes before anything else can fail. The first copy archived fixes
        // the delivery's arrival; every later copy (a concurrent one, a replay) takes that time, so all of them
        // write the same keys, records and items.
        let receivedAt: Date;
        try {
            receivedAt = await storage.archiveRaw(rawKey, request.body, now());
        } catch (err) {
            if (err instanceof ArrivalUnknownError) {
                logger.error("archived before, but its first arrival could not be read; nothing else written", {
                    delivery_id: deliveryId,
                    raw_key: rawKey,
                    error: describeError(err),
                });
                return jsonResponse(503, {
                    delivery_id: deliveryId,
                    message: `the delivery is archived at ${rawKey}, but when it first arrived could not be read, so nothing else was written; replay it`,
                });
            }
            logger.error("raw archive failed; the delivery is lost unless SparkPost is asked to resend it", {
                delivery_id: deliveryId,
                error: describeError(err),
            });
            return jsonResponse(503, { delivery_id: deliveryId, message: "the delivery could not be stored; nothing was kept" });
        }

        const context = { deliveryId, receivedAt };
        const interpretation = interpretDelivery(request.body, struct, context);

        if (interpretation.kind === "not-alerts") {
            const warnings = await store(context, rawKey, [], { error: interpretation.message });
            return jsonResponse(400, {
                delivery_id: deliveryId,
                message: interpretation.message,
                ...(warnings.length > 0 ? { warnings } : {}),
            });
        }

        const { records, rejected, rejectedCount, errorCount, undetailed } = interpretation;
        const rejections = rejectedCount === 0 ? undefined : {
            rejected_count: rejectedCount,
            rejected,
            ...(undetailed > 0 ? { rejected_without_detail: undetailed } : {}),
        };
        const warnings = await store(context, rawKey, records, rejections);
        const errors = rejected.flatMap((element) => element.errors).slice(0, MAX_ERRORS_IN_RESPONSE);
        logger.info("delivery stored", {
            delivery_id: deliveryId,
            accepted: records.length,
            rejected: rejectedCount,
            ...(warnings.length > 0 ? { warnings } : {}),
        });
        const message = records.length > 0 ? undefined
            : rejectedCount === 0 ? "the delivery holds no alerts" : "no alert in the delivery is valid";
        return jsonResponse(records.length > 0 ? 200 : 422, {
            delivery_id: deliveryId,
            ...(message ? { message } : {}),
            accepted: records.length,
            rejected: rejectedCount,
            errors,
            // What the answer leaves out, counted: errors found but not listed, and rejected elements past the
            // detail limits, whose errors were not worked out (the raw object has them; a replay gives them).
            ...(errorCount > errors.length ? { errors_truncated: errorCount - errors.length } : {}),
            ...(undetailed > 0 ? { rejected_without_detail: undetailed } : {}),
            ...(warnings.length > 0 ? { warnings } : {}),
        });
    }

    /**
     * After the raw archive, two independent lines of writes run side by side: S3 (the lake objects, then the
     * rejections, in the order the store is documented) and DynamoDB (the records). The raw body is already safe,
     * so a failure here is reported, not fatal: the delivery can be replayed from raw/.
     */
    async function store(
        context: DeliveryContext,
        rawKey: string,
        records: AlertRecord[],
        rejections: { error: string } | { rejected_count: number; rejected: RejectedElement[]; rejected_without_detail?: number } | undefined,
    ): Promise<string[]> {
        const failed: Array<[target: string, error: unknown]> = [];
        const attempt = async (target: string, write: () => Promise<void>): Promise<void> => {
            try {
                await write();
            } catch (err) {
                failed.push([target, err]);
            }
        };

        const writeObjects = async () => {
            await mapWithConcurrency(partitionRecords(records), LAKE_WRITE_CONCURRENCY, (partition) =>
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

        return failed.map(([target, err]) => {
            logger.error("write failed after the raw archive; replay the delivery from it", {
                delivery_id: context.deliveryId,
                raw_key: rawKey,
                target,
                error: describeError(err),
            });
            return `${target} not written; the delivery is archived at ${rawKey} for replay`;
        });
    }
}

/** Adapts a receiver to Lambda: event in the shape of its source, result in the matching shape. */
export function toLambdaHandler(receive: Receiver): (event: LambdaHttpEvent) => Promise<LambdaHttpResult> {
    return async (event) => {
        const request = toHttpRequest(event);
        return toLambdaResult(request.source, await receive(request));
    };
}

/**
 * SparkPost sends `application/json;charset=utf-8`. Other JSON charsets do not exist (RFC 8259 requires UTF-8),
 * so a different charset is a different content.
 */
export function checkContentType(header: string | undefined): string | undefined {
    if (!header) return "content-type is missing; send application/json";
    const [mediaType, ...parameters] = header.split(";").map((part) => part.trim().toLowerCase());
    if (mediaType !== JSON_CONTENT_TYPE) return `content-type ${JSON.stringify(mediaType)} is not supported; send application/json`;
    const charset = parameters.find((parameter) => parameter.startsWith("charset="))?.slice("charset=".length).replace(/"/g, "");
    if (charset !== undefined && charset !== "utf-8" && charset !== "utf8") {
        return `charset ${JSON.stringify(charset)} is not supported; send UTF-8`;
    }
    return undefined;
}

function describeError(err: unknown): string {
    if (!(err instanceof Error)) return String(err);
    const cause = err.cause instanceof Error ? `: ${err.cause.name}: ${err.cause.message}` : "";
    return `${err.name}: ${err.message}${cause}`;
}
