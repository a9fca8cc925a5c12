/**
 * The local stack: the pipeline of the AWS deployment in one process, without AWS. S3 and DynamoDB emulators
 * keep their data under the data dir, and an HTTP server plays the load balancer: it applies the ALB's limits
 * and listener rule, builds the ALB's event and invokes the same handler assembly that Lambda runs.
 */
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import type { AddressInfo } from "net";
import { ENV } from "../handlers/environment";
import { LambdaHandler, buildLambdaHandler } from "../handlers/lambda";
import { Logger, jsonLogger } from "../handlers/logger";
import { AlbResult } from "../handlers/http";
import { assertValidToken, generateToken } from "../handlers/token";
import { staticTokens } from "../handlers/tokenSource";
import { DEFAULT_RETENTION_DAYS, MAX_BODY_BYTES, NOT_FOUND } from "../shared/limits";
import { matchesListenerRule, splitUrl, toAlbEvent } from "./albEvent";
import { DataDirLock, LockHolder, lockDataDir } from "./dataDirLock";
import { Emulators, startEmulators } from "./emulators";
import { LocalOutputs, writeOutputs } from "./outputs";

export const LOCAL_BUCKET = "healthscore-local";
export const LOCAL_TABLE = "healthscore-local";

export interface LocalStackOptions {
    dataDir: string;
    /** @default 8080; 0 picks a free port. */
    port?: number;
    /** @default generated once and kept in `<dataDir>/webhook-token`. */
    token?: string;
    previousToken?: string;
    retentionDays?: number;
    logger?: Logger;
}

export interface LocalStack {
    outputs: LocalOutputs;
    emulators: Emulators;
    /** The lock of a stack that died without releasing it, taken over at start. */
    staleLockHolder?: LockHolder;
    stop(): Promise<void>;
}

/**
 * Starts the stack, holding the data dir (local/dataDirLock.ts) until `stop`. A start that fails leaves nothing
 * running and no lock behind, and removes the data dir if it made it.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
    const madeDataDir = !fs.existsSync(options.dataDir);
    fs.mkdirSync(options.dataDir, { recursive: true });
    let lock: DataDirLock | undefined;
    const abandon = (err: unknown): never => {
        lock?.release();
        if (madeDataDir) fs.rmSync(options.dataDir, { recursive: true, force: true });
        throw err;
    };
    let token: string;
    let emulators: Emulators;
    try {
        lock = lockDataDir(options.dataDir);
        token = options.token ?? loadOrCreateToken(options.dataDir);
        assertValidToken(token, ENV.token);
        if (options.previousToken) assertValidToken(options.previousToken, ENV.previousToken);
        emulators = await startEmulators({ dataDir: options.dataDir, bucketName: LOCAL_BUCKET, tableName: LOCAL_TABLE });
    } catch (err) {
        return abandon(err);
    }
    const logger = options.logger ?? jsonLogger();
    let server: http.Server;
    try {
        // The tokens directly (no SSM here), through the same assembly as Lambda's.
        const handler = buildLambdaHandler(
            { bucketName: LOCAL_BUCKET, tableName: LOCAL_TABLE, retentionDays: options.retentionDays ?? DEFAULT_RETENTION_DAYS },
            { s3: emulators.s3, dynamodb: emulators.dynamodb, tokens: staticTokens({ token, previousToken: options.previousToken }), logger },
        );
        const tokens = [token, ...(options.previousToken ? [options.previousToken] : [])];
        server = await startLoadBalancer(options.port ?? 8080, tokens, handler, logger);
    } catch (err) {
        // A port in use, say: stop the emulators, or they would keep the process alive.
        await emulators.stop();
        return abandon(err);
    }

    const outputs: LocalOutputs = {
        endpointUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/${token}`,
        bucketName: LOCAL_BUCKET,
        tableName: LOCAL_TABLE,
        s3Endpoint: emulators.s3Endpoint,
        dynamodbEndpoint: emulators.dynamodbEndpoint,
        bucketDir: path.resolve(emulators.bucketDir),
    };
    writeOutputs(options.dataDir, outputs);

    return {
        outputs,
        emulators,
        staleLockHolder: lock.staleHolder,
        async stop() {
            await new Promise<void>((resolve) => server.close(() => resolve()));
            server.closeAllConnections();
            await emulators.stop();
            lock?.release();
        },
    };
}

/**
 * The load balancer's part: the body limit, the listener rule (else the default action, a fixed 404), the ALB
 * event, and the target's result turned back into HTTP.
 */
async function startLoadBalancer(port: number, tokens: string[], handler: LambdaHandler, logger: Logger): Promise<http.Server> {
    const server = http.createServer((request, response) => {
        const forward = async () => {
            const body = await readBody(request, MAX_BODY_BYTES.alb);
            if (body === undefined) {
                return send(response, 413, "Request Entity Too Large", { message: `the load balancer accepts at most ${MAX_BODY_BYTES.alb} bytes` });
            }
            const method = request.method ?? "GET";
            const url = request.url ?? "/";
            // No rule matched: the listener's default action, the same fixed 404 as the ALB's.
            if (!matchesListenerRule(method, splitUrl(url).path, tokens)) return send(response, 404, "Not Found", NOT_FOUND);
            const result = (await handler(toAlbEvent({ method, url, headers: request.headers, body }))) as AlbResult;
            response.writeHead(result.statusCode, result.statusDescription.replace(/^\d+ /, ""), result.headers ?? {});
            response.end(result.body);
        };
        forward().catch((err: Error) => {
            // What the load balancer answers when its target fails.
            logger.error("handler failed", { error: `${err.name}: ${err.message}` });
            if (!response.headersSent) send(response, 502, "Bad Gateway", { message: "Bad Gateway" });
        });
    });
    await new Promise<void>((resolve, reject) => {
        server.once("error", (err: NodeJS.ErrnoException) => reject(err.code === "EADDRINUSE"
            ? new Error(`port ${port} on 127.0.0.1 is in use (another local stack, or another server): start with --port <n> (or PORT=<n>), `
                + "or --port 0 for any free port")
            : err));
        server.listen(port, "127.0.0.1", () => resolve());
    });
    return server;
}

/** The token of this data dir: kept in a file readable only by its owner, so restarts keep the same URL. */
export function loadOrCreateToken(dataDir: string): string {
    const file = path.join(dataDir, "webhook-token");
    if (fs.existsSync(file)) return fs.readFileSync(file, "utf8").trim();
    const token = generateToken();
    fs.writeFileSync(file, token + "\n", { mode: 0o600 });
    return token;
}

/** Reads the whole body, or resolves undefined as soon as it passes `limit` bytes. */
function readBody(request: http.IncomingMessage, limit: number): Promise<Buffer | undefined> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        let size = 0;
        request.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size > limit) {
                resolve(undefined);
                request.resume();
                return;
            }
            chunks.push(chunk);
        });
        request.on("end", () => resolve(size > limit ? undefined : Buffer.concat(chunks)));
        request.on("error", reject);
    });
}

function send(response: http.ServerResponse, status: number, reason: string, body: unknown): void {
    response.writeHead(status, reason, { "content-type": "application/json; charset=utf-8" });
    response.end(JSON.stringify(body));
}
