/**
 * A small client for SparkPost's Alerts API, on the global fetch. Facts from SparkPost's API reference for Alerts:
 * - hosts `https://api.sparkpost.com/api/v1` (US accounts) and `https://api.eu.sparkpost.com/api/v1` (EU accounts);
 * - the API key itself in the `Authorization` header, no scheme word; the key needs the Alerts read/write permission;
 * - `POST /alerts` answers `{"results": {"id": N}}`, `GET /alerts/{id}` the alert (with `last_triggered`),
 *   `PUT /alerts/{id}` takes any subset of the fields, `DELETE /alerts/{id}`;
 * - errors as `{"errors": [{"message", "description", "code"}]}`: 401 bad key, 403 key without the permission,
 *   404 unknown alert, 422 invalid field, 429 too many requests (retry after a pause), 5xx.
 *
 * It is serialized into Pulumi's dynamic provider with everything it uses, so it depends on nothing but Node's
 * globals and the files next to it.
 */
import {
    CallContext, Failure, SparkPostApiError, describeFailure, errorDetailsOf, failureKindOf, isSparkPostApiError, isTransient,
    mayHaveTakenEffect, sparkPostApiError,
} from "./errors";
import { HOOK_PATH_PREFIX } from "../shared/limits";
import { DEFAULT_RETRY_POLICY, RetryPolicy, backoffDelayMs, mayRetry, retryAfterMs } from "./retry";

/** The token segment of a webhook URL in text: up to the next character no token holds. */
const WEBHOOK_TOKEN_IN_URL = new RegExp(`${HOOK_PATH_PREFIX.replace(/\//g, "\\/")}[^\\s"'<>?#/]+`, "g");

export type { SparkPostApiError, SparkPostFailureKind } from "./errors";
export { isSparkPostApiError } from "./errors";

export const SPARKPOST_API_URLS = {
    us: "https://api.sparkpost.com/api/v1",
    eu: "https://api.eu.sparkpost.com/api/v1",
} as const;

export type SparkPostRegion = keyof typeof SPARKPOST_API_URLS;

export function isSparkPostRegion(value: string): value is SparkPostRegion {
    return Object.prototype.hasOwnProperty.call(SPARKPOST_API_URLS, value);
}

/**
 * Plain HTTP is for a local stand-in of the API only: the key must not cross a network in clear. (An array, not a
 * Set: Pulumi's closure serializer does not carry a Set's contents.)
 */
const LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "[::1]"];

/**
 * The API base URL without its trailing slash, or an error that names `apiBaseUrl`: an absolute https URL
 * (http only on the loopback interface), without credentials, query or fragment.
 */
export function checkApiBaseUrl(value: string): string {
    let url: URL;
    try {
        url = new URL(value);
    } catch {
        throw new Error(`apiBaseUrl must be an absolute URL such as ${SPARKPOST_API_URLS.us}, but it is "${value}".`);
    }
    if (url.username || url.password) throw new Error("apiBaseUrl must not hold a user name or password.");
    if (url.search || url.hash) throw new Error(`apiBaseUrl must not have a query or fragment: "${value}".`);
    const secure = url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK_HOSTS.includes(url.hostname));
    if (!secure) {
        throw new Error(`apiBaseUrl must use https (the API key travels with every request), but it is "${value}".`);
    }
    return url.href.replace(/\/+$/, "");
}

export interface ThresholdEvaluator {
    operator: "gt" | "lt";
    source: "raw" | "day_over_day" | "week_over_week";
    value: number;
}

export interface AlertFilter {
    filter_type: string;
    filter_values: string[];
}

/** At least one channel. */
export interface AlertChannels {
    emails?: string[];
    slack?: { target: string };
    webhook?: { target: string };
}

/** The body of `POST /alerts`: every field required, and exactly one of `any_subaccount` and `subaccounts`. */
export interface AlertDefinition {
    name: string;
    metric: string;
    muted: boolean;
    filters: AlertFilter[];
    threshold_evaluator: ThresholdEvaluator;
    channels: AlertChannels;
    any_subaccount?: boolean;
    subaccounts?: number[];
}

/** The body of `PUT /alerts/{id}`: only what changes. */
export type AlertChanges = Partial<AlertDefinition>;

/** An alert as `GET /alerts/{id}` answers it. */
export interface Alert extends AlertDefinition {
    id: number;
    last_triggered?: string | null;
}

export const HEALTH_SCORE_METRIC = "health_score";

/**
 * The alert that feeds this project: every subaccount's Health Score, every day (a Health Score is never below 0,
 * so "greater than 0, raw" fires on each day's score), to the webhook.
 */
export function healthScoreAlert(options: { name: string; target: string; muted?: boolean }): AlertDefinition {
    return {
        name: options.name,
        metric: HEALTH_SCORE_METRIC,
        muted: options.muted ?? false,
        any_subaccount: true,
        filters: [],
        threshold_evaluator: { operator: "gt", source: "raw", value: 0 },
        channels: { webhook: { target: options.target } },
    };
}

export interface AlertsClientOptions {
    /** Sent as the `Authorization` header; never written into an error. */
    apiKey: string;
    /** @default the US host */
    apiBaseUrl?: string;
    /** Per try, the answer's body included. @default 15000 */
    timeoutMs?: number;
    retry?: Partial<RetryPolicy>;
    /** For tests: a stand-in for the global fetch, sleep, randomness and clock. */
    fetch?: typeof fetch;
    sleep?: (ms: number) => Promise<void>;
    random?: () => number;
    now?: () => number;
}

type Method = "GET" | "POST" | "PUT" | "DELETE";

interface Call {
    operation: string;
    method: Method;
    path: string;
    body?: unknown;
    /**
     * For a call that must not be repeated blindly (POST): after a failure that may have taken effect, finds what
     * the failed try did, so that the loop returns that instead of trying again.
     */
    recover?: (startedAt: number) => Promise<unknown | undefined>;
}

type Outcome = { ok: true; body: unknown } | { ok: false; failure: Failure };

/** A printable ASCII token, as API keys are: anything else would be refused by fetch in a message that quotes it. */
export function isUsableApiKey(value: unknown): value is string {
    return typeof value === "string" && /^[\x21-\x7e]+$/.test(value);
}

export class SparkPostAlertsClient {
    private readonly apiKey: string;
    private readonly apiBaseUrl: string;
    private readonly host: string;
    private readonly timeoutMs: number;
    private readonly retry: RetryPolicy;
    private readonly fetch: typeof fetch;
    private readonly sleep: (ms: number) => Promise<void>;
    private readonly random: () => number;
    private readonly now: () => number;

    constructor(options: AlertsClientOptions) {
        if (!isUsableApiKey(options.apiKey)) {
            throw new Error("The SparkPost API key is empty, or holds spaces or characters other than printable ASCII.");
        }
        this.apiKey = options.apiKey;
        this.apiBaseUrl = checkApiBaseUrl(options.apiBaseUrl ?? SPARKPOST_API_URLS.us);
        this.host = new URL(this.apiBaseUrl).origin;
        this.timeoutMs = options.timeoutMs ?? 15_000;
        this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
        this.fetch = options.fetch ?? ((input, init) => fetch(input, init));
        this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
        this.random = options.random ?? Math.random;
        this.now = options.now ?? Date.now;
    }

    /**
     * Creates the alert and answers its id. An alert of the same name, metric and webhook target that already
     * exists is adopted instead: a create whose answer was lost (a timeout, a 5xx, a crash of the deployment) has
     * left one, and a second would deliver every score twice. The target holds the endpoint's secret token, so
     * such an alert points at this very endpoint.
     */
    async createAlert(definition: AlertDefinition): Promise<number> {
        const startedAt = this.now();
        const existing = await this.findAlike(definition, startedAt);
        if (existing !== undefined) return existing;
        const body = await this.call({
            operation: "creating the alert",
            method: "POST",
            path: "/alerts",
            body: definition,
            recover: (start) => this.findAlike(definition, start),
        }, startedAt);
        if (typeof body === "number") return body; // recovered: the id of the alert the failed POST created
        const id = (body as { results?: { id?: unknown } } | undefined)?.results?.id;
        return this.alertId(id, "creating the alert");
    }

    /** `startedAt`: when the operation this read is part of began; the retries' total time counts from there. */
    async getAlert(id: number, startedAt = this.now()): Promise<Alert> {
        const operation = `reading alert ${id}`;
        const body = await this.call({ operation, method: "GET", path: `/alerts/${id}` }, startedAt);
        const results = (body as { results?: unknown } | undefined)?.results;
        if (typeof results !== "object" || results === null || Array.isArray(results)) {
            throw this.unexpected(operation, "no alert under results");
        }
        return { ...(results as Alert), id: this.alertId((results as { id?: unknown }).id ?? id, operation) };
    }

    async listAlerts(startedAt = this.now()): Promise<Array<Pick<Alert, "id" | "name" | "metric">>> {
        const operation = "listing the alerts";
        const body = await this.call({ operation, method: "GET", path: "/alerts" }, startedAt);
        const results = (body as { results?: unknown } | undefined)?.results;
        if (!Array.isArray(results)) throw this.unexpected(operation, "no list under results");
        return results.filter((alert) => typeof alert === "object" && alert !== null);
    }

    /** Sends only the fields given; SparkPost keeps the others. */
    async updateAlert(id: number, changes: AlertChanges): Promise<void> {
        await this.call({ operation: `updating alert ${id}`, method: "PUT", path: `/alerts/${id}`, body: changes });
    }

    /** A SparkPostApiError of kind "not_found" when there is no such alert. */
    async deleteAlert(id: number): Promise<void> {
        await this.call({ operation: `deleting alert ${id}`, method: "DELETE", path: `/alerts/${id}` });
    }

    private async findAlike(definition: AlertDefinition, startedAt: number): Promise<number | undefined> {
        const target = definition.channels.webhook?.target;
        if (target === undefined) return undefined;
        const candidates = (await this.listAlerts(startedAt))
            .filter((alert) => alert.name === definition.name && alert.metric === definition.metric);
        for (const candidate of candidates) {
            let alert: Alert;
            try {
                alert = await this.getAlert(candidate.id, startedAt);
            } catch (err) {
                if (isSparkPostApiError(err, "not_found")) continue;
                throw err;
            }
            if (alert.channels?.webhook?.target === target) return alert.id;
        }
        return undefined;
    }

    /** One call with its retries; `startedAt` bounds the total time across a create and its look-ups. */
    private async call(call: Call, startedAt = this.now()): Promise<unknown> {
        for (let attempt = 1; ; attempt++) {
            const outcome = await this.tryOnce(call);
            if (outcome.ok) return outcome.body;
            const failure = outcome.failure;
            const elapsedMs = this.now() - startedAt;
            const delayMs = failure.retryAfterMs ?? backoffDelayMs(this.retry, attempt, this.random);
            if (!isTransient(failure) || !mayRetry(this.retry, attempt, elapsedMs, delayMs)) {
                throw this.error(failure, call.operation, attempt, elapsedMs);
            }
            await this.sleep(delayMs);
            if (call.recover && mayHaveTakenEffect(failure)) {
                const recovered = await call.recover(startedAt);
                if (recovered !== undefined) return recovered;
            }
        }
    }

    private async tryOnce(call: Call): Promise<Outcome> {
        let response: Response;
        let text: string;
        try {
            response = await this.fetch(`${this.apiBaseUrl}${call.path}`, {
                method: call.method,
                headers: {
                    Authorization: this.apiKey,
                    "Content-Type": "application/json",
                    Accept: "application/json",
                },
                ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
                // A redirect would carry the key elsewhere; the API does not redirect.
                redirect: "manual",
                signal: AbortSignal.timeout(this.timeoutMs),
            });
            text = await response.text();
        } catch (err) {
            return { ok: false, failure: transportFailure(err) };
        }
        if (response.status >= 200 && response.status < 300) {
            if (text.trim() === "") return { ok: true, body: undefined };
            try {
                return { ok: true, body: JSON.parse(text) };
            } catch {
                return { ok: false, failure: { kind: "unexpected", status: response.status, details: [], causeMessage: "the answer is not JSON" } };
            }
        }
        if (response.status >= 300 && response.status < 400) {
            const location = response.headers.get("location");
            return {
                ok: false,
                failure: { kind: "unexpected", status: response.status, details: [], causeMessage: `it redirects${location ? ` to ${location}` : ""}` },
            };
        }
        return {
            ok: false,
            failure: {
                kind: failureKindOf(response.status),
                status: response.status,
                details: errorDetailsOf(text),
                retryAfterMs: retryAfterMs(response.headers.get("retry-after"), this.now()),
            },
        };
    }

    private alertId(value: unknown, operation: string): number {
        const id = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
        if (typeof id !== "number" || !Number.isSafeInteger(id) || id <= 0) {
            throw this.unexpected(operation, "no alert id in the answer");
        }
        return id;
    }

    private unexpected(operation: string, what: string): SparkPostApiError {
        return this.error({ kind: "unexpected", status: 200, details: [], causeMessage: what }, operation, 1, 0);
    }

    private error(failure: Failure, operation: string, attempts: number, elapsedMs: number): SparkPostApiError {
        const context: CallContext = { operation, host: this.host, attempts, elapsedMs, timeoutMs: this.timeoutMs };
        const redacted: Failure = {
            ...failure,
            details: failure.details.map((detail) => ({
                ...detail,
                message: this.redact(detail.message),
                ...(detail.description === undefined ? {} : { description: this.redact(detail.description) }),
            })),
            ...(failure.causeMessage === undefined ? {} : { causeMessage: this.redact(failure.causeMessage) }),
        };
        return sparkPostApiError(this.redact(describeFailure(redacted, context)), redacted, attempts);
    }

    /**
     * Whatever the server or the network library wrote, the key is cut out of it, and so is the token of any webhook
     * URL it quotes (an alert's target is `.../hooks/<token>`, and a validation error may echo it).
     */
    private redact(text: string): string {
        return text.split(this.apiKey).join("[redacted]").replace(WEBHOOK_TOKEN_IN_URL, `${HOOK_PATH_PREFIX}[redacted]`);
    }
}

function transportFailure(err: unknown): Failure {
    const error = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
    if (error?.name === "TimeoutError") return { kind: "timeout", details: [] };
    const cause = error?.cause?.code ?? error?.cause?.message;
    return { kind: "network", details: [], causeMessage: `${error?.message ?? String(err)}${cause ? ` (${cause})` : ""}` };
}
