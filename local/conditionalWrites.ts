/**
 * S3 conditional writes for s3rver. S3 honours `If-None-Match: *` on PutObject (412 Precondition Failed when the
 * key exists); s3rver only honours it on GET and would overwrite. The receiver relies on it so that a redelivery
 * leaves the first copy of every object (and its arrival time, in its metadata), so the local stack must behave
 * the same, concurrent copies included.
 */

export interface KoaContext {
    method: string;
    path: string;
    querystring: string;
    headers: Record<string, string | string[] | undefined>;
    status: number;
    body: unknown;
    store: { existsObject(bucket: string, key: string): Promise<boolean> };
}

export type Middleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>;

export function conditionalPutMiddleware(): Middleware {
    // S3 decides atomically which of two conditional writes of one key comes first (the other gets 412, or 409
    // while the first is in flight). s3rver checks nothing, so conditional writes of one key take turns here:
    // the existence check and the write happen together, and the second copy finds the first.
    const inFlight = new Map<string, Promise<void>>();
    return async (ctx, next) => {
        // A PutObject, not a part upload, a copy or a sub-resource (the SDK adds `x-id=PutObject` to the query).
        const query = new URLSearchParams(ctx.querystring);
        const isPlainPut = ctx.method === "PUT" && !ctx.headers["x-amz-copy-source"] &&
            !["uploadId", "partNumber", "tagging", "acl"].some((name) => query.has(name));
        // Path-style requests: /<bucket>/<key>.
        const [, bucket, ...keyParts] = ctx.path.split("/");
        const key = decodeURIComponent(keyParts.join("/"));
        if (!isPlainPut || ctx.headers["if-none-match"] !== "*" || !bucket || !key) return next();

        const id = `${bucket}/${key}`;
        const previous = inFlight.get(id) ?? Promise.resolve();
        const turn = previous.then(async () => {
            if (await ctx.store.existsObject(bucket, key)) {
                ctx.status = 412;
                ctx.body = {
                    Error: {
                        Code: "PreconditionFailed",
                        Message: "At least one of the pre-conditions you specified did not hold",
                        Condition: "If-None-Match",
                    },
                };
                return;
            }
            await next();
        });
        const settled = turn.catch(() => undefined);
        inFlight.set(id, settled);
        try {
            await turn;
        } finally {
            if (inFlight.get(id) === settled) inFlight.delete(id);
        }
    };
}

/** Runs `middleware` just before s3rver's router, after its logging, XML encoding and virtual-host rewriting. */
export function installBeforeRouter(server: { middleware: unknown[] }, middleware: Middleware): void {
    server.middleware.splice(server.middleware.length - 1, 0, middleware);
}
