/**
 * When to try a SparkPost API call again, and after how long: pure functions of the attempt, the clock and the
 * server's `Retry-After`, so that the client's loop stays small and the policy is tested without sleeping.
 */

export interface RetryPolicy {
    /** Tries in all, the first included. */
    maxAttempts: number;
    /** The pause before the second try; it doubles with each further try, up to `maxDelayMs`. */
    baseDelayMs: number;
    maxDelayMs: number;
    /** No try starts later than this after the first: a `pulumi up` is never held for long by a sick API. */
    maxTotalMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
    maxAttempts: 5,
    baseDelayMs: 1_000,
    maxDelayMs: 20_000,
    maxTotalMs: 60_000,
};

/**
 * The pause after failed try number `attempt` (1-based): exponential backoff with "equal jitter" (half the
 * exponential step, plus a random share of the other half), so that clients rate-limited together do not come
 * back together, yet none comes back at once.
 */
export function backoffDelayMs(policy: RetryPolicy, attempt: number, random: () => number): number {
    const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(step / 2 + random() * (step / 2));
}

/**
 * The pause a `Retry-After` header asks for: delay-seconds or an HTTP date (RFC 9110, 10.2.3). Undefined when
 * the header is absent or unreadable (the caller then backs off on its own); never negative.
 */
export function retryAfterMs(header: string | null | undefined, nowMs: number): number | undefined {
    if (header === null || header === undefined) return undefined;
    const value = header.trim();
    if (/^\d+$/.test(value)) return Number(value) * 1_000;
    // HTTP dates are in GMT ("Fri, 27 Nov 2026 09:00:30 GMT"); Date.parse alone would take "-5" for a year.
    if (!/ GMT$/.test(value)) return undefined;
    const date = Date.parse(value);
    if (Number.isNaN(date)) return undefined;
    return Math.max(0, date - nowMs);
}

/**
 * Whether another try fits the policy: attempts left, and the pause ending within the total time allowed.
 */
export function mayRetry(policy: RetryPolicy, attempt: number, elapsedMs: number, delayMs: number): boolean {
    return attempt < policy.maxAttempts && elapsedMs + delayMs <= policy.maxTotalMs;
}
