/**
 * The webhook receiver: one HTTP request in, one HTTP response out. It checks the request, keeps the body (the raw
 * archive, else the fallback queue), judges the elements against the delivery's first arrival for the answer, and
 * answers 202: the loader, run by S3 for the new raw object, stores the records.
 *
 * The same function serves Lambda (behind the ALB, an HTTP API or a Function URL) and the local stack; only the
 * clients differ.
 */
import { createAlertStruct } from "./alert";
import { MAX_BODY_BYTES, NOT_FOUND } from "../shared/limits";
import { checkSize } from "./body";
import { KeepDelivery, createDurableArchive } from "./durableArchive";
import type { RetryBudget } from "./deadline";
import type { FallbackQueue } from "./fallbackQueue";
import { deliveryIdOf } from "./ids";
import { HttpRequest, HttpResponse, LambdaHttpEvent, LambdaHttpResult, jsonResponse, toHttpRequest, toLambdaResult } from "./http";
import { rawObjectKey } from "../shared/layout";
import { Logger, jsonLogger } from "./logger";
import { MetricsPublisher, noMetrics } from "./metrics";
import { interpretDelivery, metricsSeen } from "./records";
import type { RawArchive } from "./storage";
import { Route, createTokenMatcher } from "./token";

export interface ReceiverOptions {
    /** The raw archive (S3). */
    storage: RawArchive;
    /** Where a body goes when the archive does not take it in time. Absent: such a delivery is answered 503. */
    fallback?: FallbackQueue;
    /** The secret path segment of `POST /hooks/<token>`, and the one it replaces while a rotation is under way. */
    token: string;
    previousToken?: string;
    now?: () => Date;
    logger?: Logger;
    /** Where each delivery's metrics go (Deliveries, FallbackQueued). @default none */
    metrics?: MetricsPublisher;
    /** How long the archive and the queue are tried (durableArchive.ts has the defaults and why). */
    archiveBudget?: RetryBudget;
    fallbackBudget?: RetryBudget;
}

/** How many element errors a response lists; the loader keeps more under rejected/. */
export const MAX_ERRORS_IN_RESPONSE = 50;

const JSON_CONTENT_TYPE = "application/json";
const KNOWN_METHODS: readonly string[] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

export type Receiver = (request: HttpRequest) => Promise<HttpResponse>;

/** The answers to a valid-token POST that keep nothing (400 and 422 keep the raw body). */
const NOT_KEPT_STATUSES: readonly number[] = [413, 415, 503];

/** What the request's log line says about the delivery, once the hook took it: counts, never content. */
interface DeliveryOutcome {
    delivery_id?: string;
    accepted?: number;
    rejected?: number;
    /** Elements that repeat an earlier element's alert, kept once. */
    duplicates?: number;
    /** Accepted records per SparkPost metric (records.ts metricsSeen). */
    metrics?: Record<string, number>;
    /** The fallback queue took the body, because the raw archive did not. */
    queued?: boolean;
}

export function createReceiver(options: ReceiverOptions): Receiver {
    const struct = createAlertStruct();
    const tokens = createTokenMatcher(options.token, options.previousToken);
    const now = options.now ?? (() => new Date());
    const logger = options.logger ?? jsonLogger();
    const metrics = options.metrics ?? noMetrics;
    const keep: KeepDelivery = createDurableArchive({
        archive: options.storage,
        fallback: options.fallback,
        archiveBudget: options.archiveBudget,
        fallbackBudget: options.fallbackBudget,
    });

    return async function receive(request: HttpRequest): Promise<HttpResponse> {
        const started = Date.now();
        const route = tokens.routeOf(request.path);
        const outcome: DeliveryOutcome = {};
        const response = await handle(request, route, outcome);
        // One line per request. Never the path, nor a method we do not know: both are the sender's text and may
        // hold a token (`/hooks%2F<token>`, `/<token>`, a method named like one). The route and the length say
        // enough; of the body, only its size and what was counted in it.
        logger.info("request", {
            method: KNOWN_METHODS.includes(request.method) ? request.method : "other",
            route,
            path_length: request.path.length,
            status: response.statusCode,
            bytes: request.body.byteLength,
            duration_ms: Date.now() - started,
            ...outcome,
        });
        if (isDelivery(request, route)) {
            metrics.publish({
                Deliveries: [1],
                ...(outcome.queued ? { FallbackQueued: [1] } : {}),
                ...(NOT_KEPT_STATUSES.includes(response.statusCode) ? { DeliveriesNotKept: [1] } : {}),
            });
        }
        return response;
    };

    async function handle(request: HttpRequest, route: Route, outcome: DeliveryOutcome): Promise<HttpResponse> {
        // Anything but the hook path with a valid token looks the same from outside: nothing to probe.
        if (!isDelivery(request, route)) return jsonResponse(404, NOT_FOUND);

        const contentTypeProblem = checkContentType(request.headers["content-type"]);
        if (contentTypeProblem) return jsonResponse(415, { message: contentTypeProblem });
        const sizeProblem = checkSize(request.body, request.source === "http-api" ? MAX_BODY_BYTES["function-url"] : MAX_BODY_BYTES.alb);
        if (sizeProblem) return jsonResponse(sizeProblem.status, { message: sizeProblem.message });

        const deliveryId = deliveryIdOf(request.body);
        const rawKey = rawObjectKey(deliveryId);
        outcome.delivery_id = deliveryId;

        // SparkPost never retries: keep the bytes before anything else. The first copy archived fixes the
        // delivery's arrival; every later copy (a concurrent one, a replay) takes that time, so all of them are
        // judged alike, here and by the loader.
        const kept = await keep(deliveryId, rawKey, request.body, now());
        if (kept.kind === "lost") {
            logger.error("neither the raw archive nor the fallback queue took the delivery; it is lost unless SparkPost is asked to resend it", {
                delivery_id: deliveryId,
                archive_error: kept.archiveError,
                queue_error: kept.queueError,
            });
            return jsonResponse(503, { delivery_id: deliveryId, message: "the delivery could not be stored; nothing was kept" });
        }
        const queued = kept.kind === "queued";
        outcome.queued = queued;
        if (queued) {
            logger.warn("raw archive failed; the body went to the fallback queue", { delivery_id: deliveryId, archive_error: kept.archiveError });
        }
        const arrivalUnread = kept.kind === "archived" ? kept.arrivalUnread : undefined;
        if (arrivalUnread) {
            logger.warn("archived, but the first copy's arrival could not be read; judged against this arrival", { delivery_id: deliveryId, error: arrivalUnread });
        }
        // Said in the answer when the body waits in the queue (stored, but not yet in raw/), or when the counts may
        // differ from the loader's (which judges the archived copy against its own arrival).
        const keptNote = queued
            ? { queued: true, note: "the archive did not answer in time: the body is kept in the fallback queue and stored from there once the archive is back" }
            : arrivalUnread
                ? { note: `the delivery is archived at ${rawKey}; when its first copy arrived could not be read, so it was judged against this request's arrival (the loader judges the archived copy against its own)` }
                : {};

        const interpretation = interpretDelivery(request.body, struct, { deliveryId, receivedAt: kept.receivedAt });
        if (interpretation.kind === "not-alerts") {
            return jsonResponse(400, { delivery_id: deliveryId, message: interpretation.message, ...keptNote });
        }

        const { records, rejected, rejectedCount, errorCount, undetailed, duplicates } = interpretation;
        const errors = rejected.flatMap((element) => element.errors).slice(0, MAX_ERRORS_IN_RESPONSE);
        Object.assign(outcome, { accepted: records.length, rejected: rejectedCount, duplicates, metrics: metricsSeen(records) });
        const message = records.length > 0 ? undefined
            : rejectedCount === 0 ? "the delivery holds no alerts" : "no alert in the delivery is valid";
        return jsonResponse(records.length > 0 ? 202 : 422, {
            delivery_id: deliveryId,
            ...(message ? { message } : {}),
            accepted: records.length,
            rejected: rejectedCount,
            errors,
            // What the answer leaves out, counted: errors found but not listed, and rejected elements past the
            // detail limits, whose errors were not worked out (the raw object has them; a replay gives them).
            ...(errorCount > errors.length ? { errors_truncated: errorCount - errors.length } : {}),
            ...(undetailed > 0 ? { rejected_without_detail: undetailed } : {}),
            // Elements that repeat an earlier one's alert (same record id), kept once: nothing was lost.
            ...(duplicates > 0 ? { duplicates } : {}),
            ...keptNote,
        });
    }
}

/** A POST on the hook with a valid token: a delivery, whatever else is wrong with it (and what the heartbeat counts). */
function isDelivery(request: HttpRequest, route: Route): boolean {
    return request.method === "POST" && route !== "other";
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
    // Every charset parameter, not the first: a reader of the header that takes the last would see another one.
    const charsets = parameters.filter((parameter) => parameter.startsWith("charset=")).map((parameter) => parameter.slice("charset=".length).replace(/"/g, ""));
    const other = charsets.find((charset) => charset !== "utf-8" && charset !== "utf8");
    return other === undefined ? undefined : `charset ${JSON.stringify(other)} is not supported; send UTF-8`;
}
