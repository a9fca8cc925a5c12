/**
 * What went wrong with a SparkPost API call, said for the person running `pulumi up`. SparkPost answers errors as
 * `{"errors": [{"message", "description", "code"}]}` with the HTTP status; the messages name the field at fault,
 * so they are kept (cut short: they are untrusted text).
 */

export type SparkPostFailureKind =
    | "unauthorized"
    | "forbidden"
    | "not_found"
    | "invalid"
    | "rate_limited"
    | "server"
    | "network"
    | "timeout"
    | "unexpected";

/** One element of SparkPost's `errors` array. */
export interface SparkPostErrorDetail {
    message: string;
    description?: string;
    code?: string;
}

/** One failed try, before it is known whether it will be the last. */
export interface Failure {
    kind: SparkPostFailureKind;
    status?: number;
    details: SparkPostErrorDetail[];
    /** The network or parsing error behind it, for the message only: never kept on the thrown error. */
    causeMessage?: string;
    /** What the answer's `Retry-After` asked for, if anything. */
    retryAfterMs?: number;
}

export interface CallContext {
    /** What was being done, as a phrase: "creating the alert", "deleting alert 42". */
    operation: string;
    /** The API's host: the URL without its path, never with credentials (they are refused in base URLs). */
    host: string;
    attempts: number;
    elapsedMs: number;
    timeoutMs: number;
}

const MAX_DETAILS = 5;
const MAX_DETAIL_LENGTH = 200;

/**
 * A failed SparkPost API call. An Error with these fields rather than a subclass of Error: Pulumi's closure
 * serializer turns a class into a function that calls `Error.call(this, message)`, which sets nothing on `this`,
 * so in the dynamic provider's process a subclass would lose its message (and `instanceof Error`).
 */
export interface SparkPostApiError extends Error {
    name: "SparkPostApiError";
    /** The HTTP status of the last answer; undefined when none came (network error, timeout). */
    status: number | undefined;
    kind: SparkPostFailureKind;
    /** SparkPost's own `errors[].message` (with its description when there is one), cut short. */
    apiMessages: string[];
    /** Tries made, the first included. */
    attempts: number;
}

export function sparkPostApiError(message: string, failure: Failure, attempts: number): SparkPostApiError {
    return Object.assign(new Error(message), {
        name: "SparkPostApiError" as const,
        status: failure.status,
        kind: failure.kind,
        apiMessages: failure.details.slice(0, MAX_DETAILS).map(detailText),
        attempts,
    });
}

export function isSparkPostApiError(err: unknown, kind?: SparkPostFailureKind): err is SparkPostApiError {
    return err instanceof Error && err.name === "SparkPostApiError" && (kind === undefined || (err as SparkPostApiError).kind === kind);
}

export function failureKindOf(status: number): SparkPostFailureKind {
    if (status === 401) return "unauthorized";
    if (status === 403) return "forbidden";
    if (status === 404) return "not_found";
    if (status === 400 || status === 422) return "invalid";
    if (status === 429) return "rate_limited";
    if (status >= 500) return "server";
    return "unexpected";
}

/** Worth trying again: the request was refused for now, or its fate is unknown. */
export function isTransient(failure: Failure): boolean {
    return ["rate_limited", "server", "network", "timeout"].includes(failure.kind);
}

/**
 * Whether the request may have taken effect although it failed: the server erred or the answer was lost. A POST
 * that failed so must not simply be sent again (it would create a second alert).
 */
export function mayHaveTakenEffect(failure: Failure): boolean {
    return ["server", "network", "timeout"].includes(failure.kind);
}

/** SparkPost's `errors` array from an answer's body; empty when the body is not the documented shape. */
export function errorDetailsOf(body: string): SparkPostErrorDetail[] {
    let parsed: unknown;
    try {
        parsed = JSON.parse(body);
    } catch {
        return [];
    }
    const errors = (parsed as { errors?: unknown } | null)?.errors;
    if (!Array.isArray(errors)) return [];
    return errors
        .filter((error): error is Record<string, unknown> => typeof error === "object" && error !== null)
        .map((error) => ({
            message: typeof error.message === "string" ? error.message : "",
            ...(typeof error.description === "string" ? { description: error.description } : {}),
            ...(error.code !== undefined && error.code !== null ? { code: String(error.code) } : {}),
        }))
        .filter((detail) => detail.message !== "" || detail.description !== undefined);
}

function detailText(detail: SparkPostErrorDetail): string {
    const text = detail.description && detail.description !== detail.message
        ? `${detail.message}${detail.message ? ": " : ""}${detail.description}`
        : detail.message;
    return text.length > MAX_DETAIL_LENGTH ? `${text.slice(0, MAX_DETAIL_LENGTH)}...` : text;
}

function seconds(ms: number): string {
    return `${Math.round(ms / 100) / 10} s`;
}

/**
 * The message for the person running the deployment: what failed, what SparkPost said, and what to do. The API
 * key never appears (the caller redacts it from anything the server or the network library wrote, too).
 */
export function describeFailure(failure: Failure, context: CallContext): string {
    const said = failure.details.length > 0
        ? ` SparkPost said: ${failure.details.slice(0, MAX_DETAILS).map(detailText).join("; ")}.`
        : "";
    const tries = context.attempts > 1 ? ` (${context.attempts} attempts in ${seconds(context.elapsedMs)})` : "";
    const where = `${context.operation} at ${context.host}`;
    switch (failure.kind) {
        case "unauthorized":
            return `SparkPost rejected the API key (401 Unauthorized) while ${where}. Check the key, and that it `
                + `belongs to an account of this region: US accounts use https://api.sparkpost.com/api/v1, EU accounts `
                + `https://api.eu.sparkpost.com/api/v1.${said}`;
        case "forbidden":
            return `The SparkPost API key may not manage alerts (403 Forbidden) while ${where}: give the key the `
                + `"Alerts: Read/Write" permission in SparkPost, or use a key that has it.${said}`;
        case "not_found":
            return `SparkPost found nothing (404 Not Found) while ${where}: the alert no longer exists, or the API `
                + `base URL is wrong.${said}`;
        case "invalid":
            return `SparkPost refused the request (${failure.status}) while ${where}.${said || " It gave no reason."}`;
        case "rate_limited":
            return `SparkPost kept answering 429 Too Many Requests while ${where}${tries}`
                + `${failure.retryAfterMs !== undefined ? `, asking to wait ${seconds(failure.retryAfterMs)}` : ""}; `
                + `try again in a few minutes.${said}`;
        case "server":
            return `SparkPost answered ${failure.status} while ${where}${tries}: its API is failing; try again later.${said}`;
        case "network":
            return `Could not reach SparkPost while ${where}${tries}: ${failure.causeMessage ?? "network error"}. `
                + `Check the API base URL and the network.`;
        case "timeout":
            return `SparkPost did not answer within ${seconds(context.timeoutMs)} while ${where}${tries}; try again later.`;
        case "unexpected":
            return `SparkPost gave an unexpected answer${failure.status ? ` (${failure.status})` : ""} while ${where}`
                + `${failure.causeMessage ? `: ${failure.causeMessage}` : ""}. Check the API base URL.${said}`;
    }
}
