/**
 * For the durability suites: the local stack in this process (receiver, S3 notifications, loader with short
 * retries, fallback and dead-letter queues), with faults injected on the wire: an s3rver middleware that refuses
 * writes under a prefix, and the DynamoDB emulator's server stopped and started again. No SDK is mocked.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { ScanCommand } from "@aws-sdk/client-dynamodb";
import { silentLogger } from "../../handlers/logger";
import type { KoaContext, Middleware } from "../../local/conditionalWrites";
import { localSqsClient } from "../../local/emulators";
import { generateDelivery, seededRandom } from "../../local/generate";
import { LocalStack, LocalStackOptions, startLocalStack } from "../../local/stack";
import { getText, listKeys } from "./store";

/** Refuses S3 PUTs under the prefixes it is told, as S3 does in an outage: 500 InternalError (the SDK retries it). */
export interface S3Refusal {
    middleware: Middleware;
    refuse(...prefixes: string[]): void;
    allow(): void;
    /** PUTs refused so far. */
    readonly refused: number;
}

export function s3Refusal(): S3Refusal {
    let prefixes: string[] = [];
    let refused = 0;
    const middleware: Middleware = async (ctx: KoaContext, next) => {
        const [, , ...keyParts] = ctx.path.split("/");
        const key = decodeURIComponent(keyParts.join("/"));
        if (ctx.method === "PUT" && prefixes.some((prefix) => key.startsWith(prefix))) {
            refused++;
            ctx.status = 500;
            ctx.body = { Error: { Code: "InternalError", Message: "We encountered an internal error. Please try again." } };
            return;
        }
        await next();
    };
    return {
        middleware,
        refuse: (...given) => { prefixes = given; },
        allow: () => { prefixes = []; },
        get refused() { return refused; },
    };
}

export interface DurabilityStack {
    stack: LocalStack;
    s3Faults: S3Refusal;
    sqs: SQSClient;
    dataDir: string;
    post(body: Buffer | string): Promise<{ status: number; answer: any }>;
    /** Stops the DynamoDB emulator's server (connections refused) until {@link startDynamoDb}. */
    stopDynamoDb(): Promise<void>;
    startDynamoDb(): Promise<void>;
    /** Messages waiting in a queue, visible or in flight. */
    queueDepth(url: string): Promise<number>;
}

/** Starts the stack in a temp dir before the suite, and stops it after. */
export function useDurabilityStack(options: Partial<LocalStackOptions> = {}): DurabilityStack {
    const context = { s3Faults: s3Refusal() } as DurabilityStack;
    let dynamodbPort = 0;
    before(async function () {
        this.timeout(30_000);
        context.dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "healthscore-durability-"));
        context.stack = await startLocalStack({
            dataDir: context.dataDir,
            port: 0,
            logger: silentLogger,
            retryDelaysMs: [200, 1_000],
            fallbackVisibilitySeconds: 0.5,
            s3Middleware: [context.s3Faults.middleware],
            ...options,
        });
        context.sqs = localSqsClient(context.stack.outputs.sqsEndpoint);
        dynamodbPort = (context.stack.emulators.dynamodbServer.address() as { port: number }).port;
    });
    after(async () => {
        context.sqs?.destroy();
        await context.stack?.stop();
        if (context.dataDir) fs.rmSync(context.dataDir, { recursive: true, force: true });
    });
    context.post = async (body) => {
        const response = await fetch(context.stack.outputs.endpointUrl, { method: "POST", headers: { "content-type": "application/json;charset=utf-8" }, body });
        return { status: response.status, answer: await response.json() };
    };
    context.stopDynamoDb = async () => {
        const server = context.stack.emulators.dynamodbServer;
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await closed;
    };
    context.startDynamoDb = () => new Promise<void>((resolve, reject) => {
        const server = context.stack.emulators.dynamodbServer;
        server.once("error", reject);
        server.listen(dynamodbPort, "127.0.0.1", () => resolve());
    });
    context.queueDepth = async (url) => {
        const { Attributes: a = {} } = await context.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["All"] }));
        return Number(a.ApproximateNumberOfMessages) + Number(a.ApproximateNumberOfMessagesNotVisible);
    };
    return context;
}

/**
 * A delivery of `subaccounts` subaccounts (ids from `firstId`), triggered on `day`, without the account-overall
 * element: so that deliveries of one day share no series, and each element is its own latest entry.
 */
export function delivery(subaccounts: number, day: string, seed: number, firstId = 0): { body: Buffer; elements: number } {
    const elements = generateDelivery({ subaccounts, triggeredAt: new Date(`${day}T09:00:00.000Z`), random: seededRandom(seed) })
        .filter((element) => element.filters.subaccount_id !== undefined)
        .map((element) => ({ ...element, filters: { subaccount_id: element.filters.subaccount_id! + firstId } }));
    return { body: Buffer.from(JSON.stringify(elements)), elements: elements.length };
}

/** Polls until `check` holds; fails naming `what` after `timeoutMs`. */
export async function eventually(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
        if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
}

/** What the store holds per delivery: history items, latest entries and lake rows (with their record ids). */
export interface StoredDelivery {
    history: number;
    latest: number;
    lakeRows: number;
    distinctLakeRecords: number;
}

export async function storedDeliveries(stack: LocalStack): Promise<Map<string, StoredDelivery>> {
    const { s3, dynamodb } = stack.emulators;
    const { bucketName, tableName } = stack.outputs;
    const byDelivery = new Map<string, StoredDelivery>();
    const of = (id: string) => {
        if (!byDelivery.has(id)) byDelivery.set(id, { history: 0, latest: 0, lakeRows: 0, distinctLakeRecords: 0 });
        return byDelivery.get(id)!;
    };
    let startKey: Record<string, any> | undefined;
    do {
        const page = await dynamodb.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: startKey, ProjectionExpression: "delivery_id, kind" }));
        for (const item of page.Items ?? []) of(item.delivery_id.S!)[item.kind.S === "history" ? "history" : "latest"]++;
        startKey = page.LastEvaluatedKey;
    } while (startKey);
    for (const key of await listKeys(s3, bucketName, "alerts/")) {
        const id = path.basename(key, ".ndjson");
        const rows = (await getText(s3, bucketName, key)).split("\n").filter((line) => line !== "").map((line) => JSON.parse(line).record_id as string);
        of(id).lakeRows += rows.length;
        of(id).distinctLakeRecords += new Set(rows).size;
    }
    return byDelivery;
}

/** Everything stored, as sorted text: to prove that a replay changed nothing. */
export async function storeFingerprint(stack: LocalStack): Promise<{ objects: string[]; items: string[] }> {
    const { s3, dynamodb } = stack.emulators;
    const { bucketName, tableName } = stack.outputs;
    const objects: string[] = [];
    for (const key of await listKeys(s3, bucketName)) objects.push(`${key}\n${await getText(s3, bucketName, key)}`);
    const items: string[] = [];
    let startKey: Record<string, any> | undefined;
    do {
        const page = await dynamodb.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: startKey }));
        items.push(...(page.Items ?? []).map((item) => JSON.stringify(Object.keys(item).sort().map((k) => [k, item[k]]))));
        startKey = page.LastEvaluatedKey;
    } while (startKey);
    return { objects: objects.sort(), items: items.sort() };
}

export function readJson(file: string): unknown {
    return JSON.parse(fs.readFileSync(file, "utf8"));
}
