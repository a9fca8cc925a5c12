/**
 * Retrying within a time budget, each attempt with its own deadline. The receiver has one chance per delivery
 * (SparkPost never retries) and a Lambda timeout: it cannot rely on the SDK's retry defaults, which differ between
 * the SDK installed here and the one the Lambda runtime bundles (base delays of 50 or 100 ms, throttling bases of
 * 500 or 1,000 ms), nor wait on a request that hangs. So its clients make one attempt per call
 * (`maxAttempts: 1`), and this decides how many there are and how long each may take.
 */
import { describeError } from "./errors";
import { backoffDelayMs, sleep } from "./concurrency";

export interface RetryBudget {
    /** The most attempts. */
    attempts: number;
    /** Each attempt is aborted after this long. */
    attemptTimeoutMs: number;
    /** No attempt starts after this long from the first one's start; the last one is cut to end by then. */
    budgetMs: number;
    /** Exponential backoff with full jitter between attempts, from this base. */
    backoffBaseMs: number;
}

export class BudgetExhaustedError extends Error {
    constructor(readonly attempts: number, readonly elapsedMs: number, readonly lastError: unknown) {
        const message = `${attempts} attempt(s) in ${elapsedMs} ms all failed; the last: ${describeError(lastError)}`;
        super(message, { cause: lastError });
        // Set again: Pulumi's function serializer turns a class into a function whose super() call leaves these unset.
        this.message = message;
        this.cause = lastError;
        this.name = "BudgetExhaustedError";
    }
}

/**
 * Runs `attempt` until it succeeds, `isFinal` says an error will not go away, or the budget is spent: then it
 * throws a {@link BudgetExhaustedError} (or the final error itself). Worst case: `budgetMs` plus nothing, since the
 * last attempt's deadline is cut to the budget's end.
 */
export async function retryWithinBudget<T>(
    budget: RetryBudget,
    attempt: (signal: AbortSignal, attemptNumber: number) => Promise<T>,
    isFinal: (err: unknown) => boolean = () => false,
    now: () => number = Date.now,
): Promise<T> {
    const started = now();
    const deadline = started + budget.budgetMs;
    let lastError: unknown;
    let made = 0;
    for (let n = 0; n < budget.attempts; n++) {
        if (n > 0) {
            const pause = backoffDelayMs(n, budget.backoffBaseMs, budget.attemptTimeoutMs);
            if (now() + pause >= deadline) break;
            await sleep(pause);
        }
        const remaining = deadline - now();
        if (remaining <= 0) break;
        made++;
        try {
            return await attempt(AbortSignal.timeout(Math.min(budget.attemptTimeoutMs, remaining)), n + 1);
        } catch (err) {
            if (isFinal(err)) throw err;
            lastError = err;
        }
    }
    throw new BudgetExhaustedError(made, now() - started, lastError);
}

