/**
 * Faults, injected on the wire or at the emulators, never by mocking an SDK: the DynamoDB emulator stopped, S3
 * refusing writes under one prefix, the loader killed halfway through a delivery, a body that always fails. Each
 * test proves that once the fault is gone the store holds exactly what was sent, without a person (or, for the
 * body that always fails, with one `replay --dead-letters` after the fix).
 */
import { strict as assert } from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { buildLoaderHandler } from "../../../handlers/lambda";
import { EMULATOR_LATEST_WRITES } from "../../../local/clients";
import { objectCreatedEvent } from "../../../handlers/loaderEvents";
import { silentLogger } from "../../../handlers/logger";
import { createObjectStorage } from "../../../handlers/storage";
import { deliveryIdOf } from "../../../handlers/ids";
import { runReplay } from "../../../local/commands/replay";
import { rawObjectKey } from "../../../shared/layout";
import { TEST_BUCKET, TEST_TABLE, useEmulators } from "../../support/emulators";
import { delivery, eventually, storedDeliveries, useDurabilityStack } from "../../support/durability";

const ROOT = path.resolve(__dirname, "..", "..", "..");

/**
 * An HTTP proxy in front of the DynamoDB emulator that forwards requests until `limit` conditional PutItems have
 * gone through, then holds every request (as a process frozen mid-delivery would leave them): `holding` resolves then.
 */
async function holdingProxy(upstream: string, limit: number): Promise<{ url: string; holding: Promise<void>; close(): Promise<void> }> {
    const target = new URL(upstream);
    let puts = 0;
    let hold!: () => void;
    const holding = new Promise<void>((resolve) => { hold = resolve; });
    const server = http.createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on("data", (chunk: Buffer) => chunks.push(chunk));
        request.on("end", () => {
            if (puts >= limit) return hold();
            if (String(request.headers["x-amz-target"]).endsWith(".PutItem") && ++puts >= limit) hold();
            const forwarded = http.request({ host: target.hostname, port: target.port, method: request.method, path: request.url, headers: request.headers }, (upstreamResponse) => {
                response.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
                upstreamResponse.pipe(response);
            });
            forwarded.on("error", () => response.destroy());
            forwarded.end(Buffer.concat(chunks));
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    return {
        url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
        holding,
        close: async () => {
            server.closeAllConnections();
            await new Promise<void>((resolve) => server.close(() => resolve()));
        },
    };
}

/** Every delivery stored exactly once: each element a history item, a latest entry and one lake row. */
async function assertExactlyStored(stack: ReturnType<typeof useDurabilityStack>["stack"], expected: Map<string, number>): Promise<void> {
    const stored = await storedDeliveries(stack);
    for (const [id, elements] of expected) {
        assert.deepEqual(stored.get(id), { history: elements, latest: elements, lakeRows: elements, distinctLakeRecords: elements }, id);
    }
}

describe("durability: faults (local stack, in process)", function () {
    this.timeout(60_000);
    const env = useDurabilityStack();

    afterEach(() => env.s3Faults.allow());

    it("the DynamoDB emulator stopped for a while: deliveries are archived and answered 202, and Lambda's retries store them once it is back", async () => {
        const { stack } = env;
        const before = stack.loader.stats.failedInvocations;
        await env.stopDynamoDb();
        const sent = [delivery(20, "2026-11-01", 1, 1_000), delivery(20, "2026-11-01", 2, 2_000), delivery(20, "2026-11-01", 3, 3_000)];
        const answers = await Promise.all(sent.map((d) => env.post(d.body)));
        assert.deepEqual(answers.map((a) => a.status), [202, 202, 202]);
        // Each first load fails while the table is down; then the table comes back before the retries.
        await eventually(() => stack.loader.stats.failedInvocations - before >= sent.length, "every first load failed");
        await env.startDynamoDb();
        await stack.loader.idle();
        await assertExactlyStored(stack, new Map(answers.map((a, i) => [a.answer.delivery_id, sent[i].elements])));
        assert.equal(await env.queueDepth(stack.outputs.deadLetterQueueUrl), 0, "no dead letter");
    });

    it("S3 refusing alerts/ only: deliveries are archived and answered 202, and the retries write the lake (and the table) once S3 takes them", async () => {
        const { stack } = env;
        const before = stack.loader.stats.failedInvocations;
        env.s3Faults.refuse("alerts/");
        const sent = [delivery(15, "2026-11-02", 4, 4_000), delivery(15, "2026-11-03", 5, 5_000)];
        const answers = await Promise.all(sent.map((d) => env.post(d.body)));
        assert.deepEqual(answers.map((a) => [a.status, a.answer.queued]), [[202, undefined], [202, undefined]]);
        await eventually(() => stack.loader.stats.failedInvocations - before >= sent.length, "every first load failed");
        env.s3Faults.allow();
        await stack.loader.idle();
        await assertExactlyStored(stack, new Map(answers.map((a, i) => [a.answer.delivery_id, sent[i].elements])));
        assert.equal(await env.queueDepth(stack.outputs.deadLetterQueueUrl), 0);
    });

    it("S3 refusing raw/: the fallback queue takes the body (202, queued), and the loader archives and stores it when S3 is back", async () => {
        const { stack } = env;
        env.s3Faults.refuse("raw/");
        const refusedBefore = env.s3Faults.refused;
        const sent = delivery(10, "2026-11-04", 6, 6_000);
        const started = Date.now();
        const { status, answer } = await env.post(sent.body);
        assert.deepEqual([status, answer.queued, answer.accepted], [202, true, sent.elements]);
        assert.ok(Date.now() - started < 7_000, "answered within the archive and queue budgets");
        // The loader's event source mapping tries to archive it while S3 still refuses; it goes back to the queue.
        await eventually(() => env.s3Faults.refused - refusedBefore >= 4, "the loader tried the archive from the queue");
        env.s3Faults.allow();
        await eventually(async () => (await storedDeliveries(stack)).get(answer.delivery_id)?.history === sent.elements, "stored from the queue");
        await stack.loader.idle();
        await assertExactlyStored(stack, new Map([[answer.delivery_id, sent.elements]]));
        assert.equal(await env.queueDepth(stack.outputs.fallbackQueueUrl), 0, "the fallback message was deleted");
        assert.equal(await env.queueDepth(stack.outputs.deadLetterQueueUrl), 0);
    });

    it("S3 refusing raw/ and the queue unreachable: 503 at once, and the stack stays up", async () => {
        const { stack } = env;
        env.s3Faults.refuse("raw/");
        await stack.sqs.stop();
        const started = Date.now();
        const { status, answer } = await env.post(delivery(2, "2026-11-05", 7, 7_000).body);
        assert.deepEqual([status, answer.message], [503, "the delivery could not be stored; nothing was kept"]);
        assert.ok(Date.now() - started < 7_500, `answered in ${Date.now() - started} ms`);
        env.s3Faults.allow();
        assert.equal((await env.post(delivery(2, "2026-11-05", 8, 7_100).body)).status, 202, "the next delivery goes through");
    });
});

describe("durability: a body that always fails ends in the dead letters, and replay --dead-letters stores it after the fix", function () {
    this.timeout(60_000);
    const env = useDurabilityStack({ retryDelaysMs: [50, 100], fallbackVisibilitySeconds: 0.2 });

    it("a failed load (Lambda's destination record) and a fallback body never archived (the queue's redrive): both replayed, both removed", async () => {
        const { stack } = env;
        // A lake partition S3 refuses (as a bug would): this delivery's load fails every time.
        env.s3Faults.refuse("alerts/metric=health_score/dt=2026-10-01/");
        const poisoned = delivery(5, "2026-10-01", 9, 9_000);
        const first = await env.post(poisoned.body);
        assert.equal(first.status, 202);
        await eventually(async () => (await env.queueDepth(stack.outputs.deadLetterQueueUrl)) === 1, "the failed load is a dead letter");
        assert.ok(stack.loader.stats.failedInvocations >= 3, "the load and its two retries failed");

        // A body the fallback queue holds, which the loader cannot archive: after 5 receives, the redrive moves it.
        env.s3Faults.refuse("alerts/metric=health_score/dt=2026-10-01/", "raw/");
        const queued = delivery(4, "2026-10-02", 10, 10_000);
        const second = await env.post(queued.body);
        assert.deepEqual([second.status, second.answer.queued], [202, true]);
        await eventually(async () => (await env.queueDepth(stack.outputs.deadLetterQueueUrl)) === 2, "the fallback body is a dead letter");
        assert.equal(await env.queueDepth(stack.outputs.fallbackQueueUrl), 0);

        const io = { out: "", err: "" };
        const capture = { stdout: (t: string) => { io.out += t; }, stderr: (t: string) => { io.err += t; } };
        assert.equal(await runReplay({ dataDir: env.dataDir, deadLetters: true, list: true }, capture), 0);
        assert.match(io.out, new RegExp(`failed load of raw/${first.answer.delivery_id}\\.json`));
        assert.match(io.out, new RegExp(`fallback body of delivery ${second.answer.delivery_id}, never archived`));

        // Before the fix: replay fails, says why, and keeps both letters.
        io.out = io.err = "";
        assert.equal(await runReplay({ dataDir: env.dataDir, deadLetters: true }, capture), 1);
        assert.match(io.err, /2 dead letter deliveries: 0 stored, 2 failed/);
        assert.equal(await env.queueDepth(stack.outputs.deadLetterQueueUrl), 2);

        // The fix: S3 takes the writes again.
        env.s3Faults.allow();
        io.out = io.err = "";
        assert.equal(await runReplay({ dataDir: env.dataDir, deadLetters: true }, capture), 0, io.err);
        assert.match(io.err, /2 dead letter deliveries: 2 stored, 0 failed/);
        assert.equal(await env.queueDepth(stack.outputs.deadLetterQueueUrl), 0, "each letter removed once stored");
        await stack.loader.idle();
        const stored = await storedDeliveries(stack);
        for (const [answer, sent] of [[first.answer, poisoned], [second.answer, queued]] as const) {
            assert.deepEqual(stored.get(answer.delivery_id), { history: sent.elements, latest: sent.elements, lakeRows: sent.elements, distinctLakeRecords: sent.elements });
        }
        // Once more: nothing left, nothing changed.
        io.out = io.err = "";
        assert.equal(await runReplay({ dataDir: env.dataDir, deadLetters: true }, capture), 0);
        assert.match(io.err, /0 dead letter deliveries/);
        const again = await env.sqs.send(new ReceiveMessageCommand({ QueueUrl: stack.outputs.deadLetterQueueUrl }));
        assert.equal(again.Messages?.length ?? 0, 0);
    });
});

describe("durability: the loader killed halfway through a delivery, then retried", function () {
    this.timeout(90_000);
    const env = useEmulators();

    it("leaves no duplicate and nothing missing once the retry has run", async () => {
        const sent = delivery(400, "2026-11-06", 11, 20_000);
        const id = deliveryIdOf(sent.body);
        await createObjectStorage({ s3: env.emulators.s3, bucketName: TEST_BUCKET }).archiveRaw(rawObjectKey(id), sent.body, new Date("2026-11-06T09:00:01.000Z"));

        // The loader in a process of its own, as in Lambda, talking to DynamoDB through a proxy that holds every
        // request after the 150th conditional PutItem (latest entries come after the history): then it is killed.
        const proxy = await holdingProxy(env.emulators.dynamodbEndpoint, 150);
        const script = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "healthscore-kill-")), "load.ts");
        fs.writeFileSync(script, `
            process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
            const { buildLoaderHandler } = require(${JSON.stringify(path.join(ROOT, "handlers", "lambda"))});
            const { EMULATOR_LATEST_WRITES, localClients } = require(${JSON.stringify(path.join(ROOT, "local", "emulators"))});
            const { objectCreatedEvent } = require(${JSON.stringify(path.join(ROOT, "handlers", "loaderEvents"))});
            const { silentLogger } = require(${JSON.stringify(path.join(ROOT, "handlers", "logger"))});
            const clients = localClients(${JSON.stringify({ s3Endpoint: env.emulators.s3Endpoint, dynamodbEndpoint: proxy.url })});
            const handler = buildLoaderHandler({ bucketName: ${JSON.stringify(TEST_BUCKET)}, tableName: ${JSON.stringify(TEST_TABLE)}, retentionDays: 30 }, { ...clients, latestWrites: EMULATOR_LATEST_WRITES, logger: silentLogger });
            handler(objectCreatedEvent(${JSON.stringify(TEST_BUCKET)}, ${JSON.stringify(rawObjectKey(id))})).then(() => process.exit(0), () => process.exit(2));
        `);
        const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", script], { cwd: ROOT, stdio: "ignore" });
        const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
        await Promise.race([proxy.holding, exited.then((code) => assert.fail(`the loader exited (${code}) before the proxy held it`))]);
        child.kill("SIGKILL");
        assert.equal(await exited, null, "killed, not finished");
        await proxy.close();
        const stores = { emulators: env.emulators, outputs: { bucketName: TEST_BUCKET, tableName: TEST_TABLE } } as never;
        const partial = (await storedDeliveries(stores)).get(id)!;
        assert.ok(partial.latest > 0 && partial.latest < sent.elements, `killed halfway: ${JSON.stringify(partial)}`);

        // Lambda's retry: the same event, run again.
        const handler = buildLoaderHandler({ bucketName: TEST_BUCKET, tableName: TEST_TABLE, retentionDays: 30 }, { s3: env.emulators.s3, dynamodb: env.emulators.dynamodb, latestWrites: EMULATOR_LATEST_WRITES, logger: silentLogger });
        await handler(objectCreatedEvent(TEST_BUCKET, rawObjectKey(id)));

        const stored = (await storedDeliveries(stores)).get(id);
        assert.deepEqual(stored, { history: sent.elements, latest: sent.elements, lakeRows: sent.elements, distinctLakeRecords: sent.elements });
        fs.rmSync(path.dirname(script), { recursive: true, force: true });
    });
});
