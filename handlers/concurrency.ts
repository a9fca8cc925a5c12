/** Small, pure helpers for batched writes: chunking, bounded concurrency and retry delays. */

/**
 * DynamoDB requests in flight at once per delivery, unless set (storage.ts `AwsStorageOptions.concurrency`). The
 * table itself serves any number at once; what bounds it is the function: each request in flight holds a socket
 * (Lambda allows 1,024 file descriptors per execution environment, Lambda quotas), and each new socket costs a
 * TLS handshake, which a small function's share of a vCPU pays for on its first delivery.
 */
export const DEFAULT_TABLE_CONCURRENCY = 64;

/**
 * The DynamoDB client's request-handler settings that let {@link DEFAULT_TABLE_CONCURRENCY} requests be in flight:
 * the SDK's default agent keeps at most 50 sockets per host (@smithy/node-http-handler), and queues the rest.
 */
export const TABLE_REQUEST_HANDLER = {
    httpAgent: { maxSockets: DEFAULT_TABLE_CONCURRENCY },
    httpsAgent: { maxSockets: DEFAULT_TABLE_CONCURRENCY },
};

/**
 * The settings every DynamoDB client of the loader's shares (in Lambda, locally and in the benchmark): the request
 * handler above, and the middleware stack resolved once per command class instead of on every `send`
 * (`cacheMiddleware`, @aws-sdk since 3.649; nodejs22.x ships a later one). Rebuilding it was about a tenth of the
 * loader's CPU per request; the cache holds as long as nothing changes the client's middleware after its first
 * request, and `send` is called without per-call options.
 */
export const TABLE_CLIENT_SETTINGS = {
    requestHandler: TABLE_REQUEST_HANDLER,
    cacheMiddleware: true,
};

export function chunk<T>(items: readonly T[], size: number): T[][] {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`chunk size must be a positive integer, got ${size}`);
    const chunks: T[][] = [];
    for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
    return chunks;
}

/**
 * Runs `task` over `items` with at most `limit` in flight, and resolves with the results in input order.
 * The first failure rejects the whole run (tasks already started are left to finish).
 */
export async function mapWithConcurrency<T, R>(
    items: readonly T[],
    limit: number,
    task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`concurrency limit must be a positive integer, got ${limit}`);
    const results: R[] = new Array(items.length);
    let next = 0;
    let failed = false;
    const worker = async (): Promise<void> => {
        // After a failure no new task starts: the run is already rejected, and its caller may retry the items.
        while (!failed && next < items.length) {
            const index = next++;
            try {
                results[index] = await task(items[index], index);
            } catch (err) {
                failed = true;
                throw err;
            }
        }
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
    return results;
}

/** Runs a task when fewer than the limiter's limit are running, else once an earlier one ends (first come, first served). */
export type Limiter = <R>(task: () => Promise<R>) => Promise<R>;

/**
 * A limit on tasks in flight, shared by tasks of different kinds queued at different times (for example a batch
 * of writes, then the writes its success allows), which {@link mapWithConcurrency} cannot share.
 */
export function createLimiter(limit: number): Limiter {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`concurrency limit must be a positive integer, got ${limit}`);
    let running = 0;
    const waiting: Array<() => void> = [];
    // A task that ends hands its slot straight to the first one waiting, so that no newcomer can take it between.
    const release = (): void => {
        const next = waiting.shift();
        if (next) next();
        else running--;
    };
    return async (task) => {
        if (running < limit) running++;
        else await new Promise<void>((resolve) => waiting.push(resolve));
        try {
            return await task();
        } finally {
            release();
        }
    };
}

/**
 * Exponential backoff with full jitter (a random delay between 0 and min(cap, base * 2^attempt)), the
 * strategy AWS recommends for retrying throttled batch writes.
 */
export function backoffDelayMs(attempt: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
    return Math.floor(random() * Math.min(capMs, baseMs * 2 ** attempt));
}

export function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}
