/**
 * The local stack: the pipeline of the AWS deployment in one process, without AWS. S3, DynamoDB and SQS emulators
 * keep their data under the data dir, and an HTTP server plays the load balancer: it applies the ALB's limits
 * and listener rule, builds the ALB's event and invokes the same receiver assembly that Lambda runs. An object
 * created under raw/ runs the same loader assembly as the deployed loader, with Lambda's retries and dead-letter
 * queue played by local/localLoader.ts; so does a body in the fallback queue.
 */
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import type { AddressInfo } from "net";
import { SQSClient } from "@aws-sdk/client-sqs";
import { ENV } from "../handlers/environment";
import { LambdaHandler, buildLambdaHandler, buildLoaderHandler } from "../handlers/lambda";
import { Logger, jsonLogger } from "../handlers/logger";
import { AlbResult } from "../handlers/http";
import { assertValidToken, generateToken } from "../handlers/token";
import { staticTokens } from "../handlers/tokenSource";
import { DEFAULT_RETENTION_DAYS, MAX_BODY_BYTES, NOT_FOUND } from "../shared/limits";
import { matchesListenerRule, splitUrl, toAlbEvent } from "./albEvent";
import { DataDirLock, LockHolder, lockDataDir } from "./dataDirLock";
import { EMULATOR_LATEST_WRITES, Emulators, localClients, localSqsClient, startEmulators } from "./emulators";
import type { Middleware } from "./conditionalWrites";
import { LocalLoader, startLocalLoader } from "./localLoader";
import { LocalOutputs, writeOutputs } from "./outputs";
import { localScorePage, sendPage } from "./page/serve";
import { SqsEmulator, startSqsEmulator } from "./sqsEmulator";

export const LOCAL_BUCKET = "healthscore-local";
export const LOCAL_TABLE = "healthscore-local";
export const LOCAL_FALLBACK_QUEUE = "healthscore-local-fallback";
export const LOCAL_DEAD_LETTER_QUEUE = "healthscore-local-dead-letters";
/** As deployed (components/healthScoreLoader.ts FALLBACK_MAX_RECEIVE_COUNT). */
const FALLBACK_MAX_RECEIVE_COUNT = 5;

export interface LocalStackOptions {
    dataDir: string;
    /** @default 8080; 0 picks a free port. */
    port?: number;
    /** @default generated once and kept in `<dataDir>/webhook-token`. */
    token?: string;
    previousToken?: string;
    retentionDays?: number;
    logger?: Logger;
    /** Waits before each retry of a failed load (Lambda: about 1 and 2 minutes). @default [1000, 2000] */
    retryDelaysMs?: number[];
    /** How long a fallback message stays hidden while the loader archives it, in seconds. @default 5 */
    fallbackVisibilitySeconds?: number;
    /** For tests: s3rver middleware that injects faults (see startEmulators). */
    s3Middleware?: Middleware[];
}

export interface LocalStack {
    outputs: LocalOutputs;
    emulators: Emulators;
    sqs: SqsEmulator;
    /** Lambda's side of the asynchronous flow: its counts, and a way to wait until it is idle. */
    loader: LocalLoader;
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
    let queues: SqsEmulator;
    try {
        lock = lockDataDir(options.dataDir);
        token = options.token ?? loadOrCreateToken(options.dataDir);
        assertValidToken(token, ENV.token);
        if (options.previousToken) assertValidToken(options.previousToken, ENV.previousToken);
        emulators = await startEmulators({ dataDir: options.dataDir, bucketName: LOCAL_BUCKET, tableName: LOCAL_TABLE, s3Middleware: options.s3Middleware });
    } catch (err) {
        return abandon(err);
    }
    try {
        queues = await startSqsEmulator({
            dataDir: options.dataDir,
            queues: [
                { name: LOCAL_DEAD_LETTER_QUEUE },
                { name: LOCAL_FALLBACK_QUEUE, redrive: { deadLetterQueue: LOCAL_DEAD_LETTER_QUEUE, maxReceiveCount: FALLBACK_MAX_RECEIVE_COUNT } },
            ],
        });
    } catch (err) {
        await emulators.stop();
        return abandon(err);
    }
    const logger = options.logger ?? jsonLogger();
    const retentionDays = options.retentionDays ?? DEFAULT_RETENTION_DAYS;
    const sqs = localSqsClient(queues.endpoint);
    const fallbackQueueUrl = queues.queueUrl(LOCAL_FALLBACK_QUEUE);
    const deadLetterQueueUrl = queues.queueUrl(LOCAL_DEAD_LETTER_QUEUE);
    const loader = startLocalLoader({
        handler: buildLoaderHandler({ bucketName: LOCAL_BUCKET, tableName: LOCAL_TABLE, retentionDays }, { s3: emulators.s3, dynamodb: emulators.dynamodb, latestWrites: EMULATOR_LATEST_WRITES, logger }),
        sqs,
        fallbackQueueUrl,
        deadLetterQueueUrl,
        retryDelaysMs: options.retryDelaysMs,
        fallbackVisibilitySeconds: options.fallbackVisibilitySeconds,
        logger,
    });
    emulators.onObjectCreated((object) => loader.objectCreated(object.bucket, object.key, { size: object.size, eTag: object.eTag }));
    const stopBackends = async () => {
        await loader.stop();
        sqs.destroy();
        await queues.stop();
        await emulators.stop();
    };

    let server: http.Server;
    try {
        // The receiver's clients make one attempt per call, as in Lambda: it retries within its own budget.
        const clients = localClientsWithOneAttempt(emulators, queues.endpoint);
        // The tokens directly (no SSM here), through the same assembly as Lambda's.
        const handler = buildLambdaHandler(
            { bucketName: LOCAL_BUCKET, fallbackQueueUrl },
            { ...clients, tokens: staticTokens({ token, previousToken: options.previousToken }), logger },
        );
        const tokens = [token, ...(options.previousToken ? [options.previousToken] : [])];
        const page = localScorePage({ dynamodb: emulators.dynamodb, tableName: LOCAL_TABLE, bucketDir: emulators.bucketDir, dataDir: options.dataDir });
        server = await startLoadBalancer(options.port ?? 8080, tokens, handler, logger, page);
    } catch (err) {
        // A port in use, say: stop the emulators, or they would keep the process alive.
        await stopBackends();
        return abandon(err);
    }

    const outputs: LocalOutputs = {
        endpointUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/${token}`,
        bucketName: LOCAL_BUCKET,
        tableName: LOCAL_TABLE,
        deadLetterQueueUrl,
        s3Endpoint: emulators.s3Endpoint,
        dynamodbEndpoint: emulators.dynamodbEndpoint,
        sqsEndpoint: queues.endpoint,
        fallbackQueueUrl,
        retentionDays,
        bucketDir: path.resolve(emulators.bucketDir),
    };
    writeOutputs(options.dataDir, outputs);

    return {
        outputs,
        emulators,
        sqs: queues,
        loader,
        staleLockHolder: lock.staleHolder,
        async stop() {
            await new Promise<void>((resolve) => server.close(() => resolve()));
            server.closeAllConnections();
            await stopBackends();
            lock?.release();
        },
    };
}

function localClientsWithOneAttempt(emulators: Emulators, sqsEndpoint: string): { s3: Emulators["s3"]; sqs: SQSClient } {
    return { s3: localClients(emulators, { maxAttempts: 1 }).s3, sqs: localSqsClient(sqsEndpoint, { maxAttempts: 1 }) };
}

/**
 * The load balancer's part: the body limit, the listener rule (else the default action, a fixed 404), the ALB
 * event, and the target's result turned back into HTTP; and, locally only, the score page at `/`.
 */
async function startLoadBalancer(port: number, tokens: string[], handler: LambdaHandler, logger: Logger, page: () => Promise<string>): Promise<http.Server> {
    const server = http.createServer((request, response) => {
        const forward = async () => {
            const method = request.method ?? "GET";
            const url = request.url ?? "/";
            // The rule first, as the ALB: its 1 MB limit is "the maximum size of the request body that you can send
            // to a Lambda function" (ALB guide, lambda-functions, Limits), not a limit of its fixed 404.
            // Not the ALB's: the local stack also serves the score page at `/` (GET only).
            if (method === "GET" && splitUrl(url).path === "/") return drainThen(request, async () => sendPage(response, await page()));
            // No rule matched: the listener's default action, the same fixed 404 as the ALB's.
            if (!matchesListenerRule(method, splitUrl(url).path, tokens)) return drainThen(request, () => send(response, 404, "Not Found", NOT_FOUND));
            const body = await readBody(request, MAX_BODY_BYTES.alb);
            if (body === undefined) {
                return send(response, 413, "Request Entity Too Large", { message: `the load balancer accepts at most ${MAX_BODY_BYTES.alb} bytes` });
            }
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

/** Answers without reading a body it does not need, which is thrown away as it comes. */
async function drainThen(request: http.IncomingMessage, answer: () => unknown): Promise<void> {
    request.resume();
    await answer();
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
