/**
 * End to end: the local stack as `npm start` runs it (a child process on free ports in a temp dir), fed with
 * fetch and the `send` command, read back through S3 and DynamoDB clients and the `latest` command.
 */
import { strict as assert } from "assert";
import { ChildProcess, execFile, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { createTableReader } from "../../handlers/reads";
import { roundTo3 } from "../../handlers/numbers";
import { generateDelivery, seededRandom } from "../../local/generate";
import { localClients } from "../../local/emulators";
import { LocalOutputs, readOutputs } from "../../local/outputs";
import { NOT_FOUND_BODY } from "../../shared/limits";
import { fixture } from "../support/requests";
import { getBytes, listKeys, snapshot } from "../support/store";

const ROOT = path.resolve(__dirname, "..", "..");
const CLI = ["-r", "ts-node/register/transpile-only", path.join(ROOT, "local", "cli.ts")];
const run = promisify(execFile);

interface Started {
    child: ChildProcess;
    outputs: LocalOutputs;
    stdout: () => string;
    stderr: () => string;
}

function startStack(dataDir: string, env: Record<string, string> = {}): Promise<Started> {
    const child = spawn(process.execPath, [...CLI, "start", "--data-dir", dataDir, "--port", "0"], {
        cwd: ROOT,
        env: { ...process.env, ...env },
        stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (chunk) => (stdout += chunk));
    return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`local stack did not start:\n${stderr}`)), 20_000);
        child.once("exit", (code) => reject(new Error(`local stack exited with ${code}:\n${stderr}`)));
        child.stderr!.on("data", (chunk) => {
            stderr += chunk;
            if (stderr.includes("Ctrl-C stops it")) {
                clearTimeout(timer);
                resolve({ child, outputs: readOutputs(dataDir), stdout: () => stdout, stderr: () => stderr });
            }
        });
    });
}

function stop(child: ChildProcess): Promise<number | null> {
    return new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once("exit", (code) => resolve(code));
        child.kill("SIGTERM");
    });
}

/** Polls `check` until it answers true: the loader stores a delivery after the receiver answered. */
async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
        if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
    }
}

function post(url: string, body: Buffer | string, contentType = "application/json;charset=utf-8") {
    return fetch(url, { method: "POST", headers: { "content-type": contentType }, body });
}

describe("local stack (npm start), end to end", function () {
    this.timeout(60_000);
    let dataDir: string;
    let stack: Started;

    before(async () => {
        dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "healthscore-e2e-"));
        stack = await startStack(dataDir);
    });

    after(async () => {
        if (stack) await stop(stack.child);
        fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it("writes outputs.json with the stack's keys and a token kept in the data dir", () => {
        const { outputs } = stack;
        const token = fs.readFileSync(path.join(dataDir, "webhook-token"), "utf8").trim();
        assert.match(token, /^[A-Za-z0-9_-]{43}$/);
        assert.equal(outputs.endpointUrl, `${new URL(outputs.endpointUrl).origin}/hooks/${token}`);
        assert.match(outputs.s3Endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
        assert.match(outputs.dynamodbEndpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
        assert.equal(outputs.bucketName, "healthscore-local");
        assert.equal(outputs.tableName, "healthscore-local");
        assert.equal(fs.statSync(path.join(dataDir, "webhook-token")).mode & 0o077, 0, "token file is private");
    });

    it("writes the queues' endpoint and the dead-letter queue's URL for replay", () => {
        assert.match(stack.outputs.sqsEndpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
        assert.equal(stack.outputs.deadLetterQueueUrl, `${stack.outputs.sqsEndpoint}/000000000000/healthscore-local-dead-letters`);
    });

    it("archives a delivery POSTed to the endpoint, answers 202, and its loader stores it, readable through S3 and DynamoDB", async () => {
        const delivery = fixture("real-delivery.json");
        const response = await post(stack.outputs.endpointUrl, delivery);
        assert.equal(response.status, 202);
        const summary = (await response.json()) as { accepted: number; delivery_id: string };
        assert.equal(summary.accepted, 3);

        const { s3, dynamodb } = localClients(stack.outputs);
        const keys = await listKeys(s3, stack.outputs.bucketName);
        const rawKey = keys.find((key) => key.startsWith("raw/") && key.endsWith(`${summary.delivery_id}.json`))!;
        assert.deepEqual(await getBytes(s3, stack.outputs.bucketName, rawKey), delivery);
        const reader = createTableReader({ dynamodb, tableName: stack.outputs.tableName });
        const stored = async () => (await reader.latest("health_score")).filter((r) => r.delivery_id === summary.delivery_id).map((r) => r.triggered_value).sort();
        await eventually(async () => (await stored()).length === 3, "the loader stored the 3 records");
        assert.deepEqual(await stored(), [55, 78.273, 91]);
        s3.destroy();
        dynamodb.destroy();
    });

    it("answers like the load balancer: 404 off the rule (whatever the size), 413 over 1 MB on it, 400 for bytes that are not UTF-8", async () => {
        const { endpointUrl } = stack.outputs;
        const origin = new URL(endpointUrl).origin;
        const refused = await fetch(endpointUrl);
        assert.equal(refused.status, 404, "GET");
        assert.equal(await refused.text(), NOT_FOUND_BODY, "the same bytes as the ALB's and the receiver's 404");
        assert.equal((await post(`${origin}/hooks/not-the-token-at-all`, "[]")).status, 404, "wrong token");
        assert.equal((await post(`${endpointUrl}/extra`, "[]")).status, 404, "longer path");
        assert.equal((await post(`${endpointUrl}?x=1`, fixture("real-delivery.json"))).status, 202, "the query string is not part of the path rule");
        assert.equal((await post(endpointUrl, Buffer.alloc(1024 * 1024 + 1, 0x20))).status, 413);
        assert.equal((await post(`${origin}/hooks/not-the-token-at-all`, Buffer.alloc(1024 * 1024 + 1, 0x20))).status, 404,
            "off the rule, the size does not matter: the ALB's limit is its Lambda target's");
        const invalid = await post(endpointUrl, Buffer.from([0x5b, 0xff, 0x5d]));
        assert.equal(invalid.status, 400);
        assert.match(((await invalid.json()) as { message: string }).message, /UTF-8/);
        assert.equal((await post(endpointUrl, "[]", "text/plain")).status, 415);
    });

    it("serves the score page at GET / (the page itself is tested in a browser: tests/local/page/)", async () => {
        const origin = new URL(stack.outputs.endpointUrl).origin;
        assert.match(stack.stderr(), new RegExp(`page +${origin}/ `));
        const page = await fetch(`${origin}/`);
        assert.equal(page.status, 200);
        assert.equal(page.headers.get("content-type"), "text/html; charset=utf-8");
        assert.match(await page.text(), /<h1>Health scores<\/h1>/);
    });

    it("`send` posts a generated delivery and `latest` shows its scores", async () => {
        const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" };
        const sent = await run(process.execPath, [...CLI, "send", "--data-dir", dataDir, "--subaccounts", "4", "--date", "2026-11-28", "--seed", "7"], { cwd: ROOT, env });
        assert.match(sent.stdout, /^202 Accepted/);

        const expected = generateDelivery({ subaccounts: 4, triggeredAt: new Date("2026-11-28T09:00:00.000Z"), random: seededRandom(7) });
        const { dynamodb } = localClients(stack.outputs);
        const reader = createTableReader({ dynamodb, tableName: stack.outputs.tableName });
        await eventually(async () => (await reader.latest("health_score")).filter((r) => r.triggered_at === "2026-11-28T09:00:00.000Z").length >= expected.length, "the loader stored the sent delivery");
        dynamodb.destroy();
        const { stdout } = await run(process.execPath, [...CLI, "latest", "--data-dir", dataDir, "--json"], { cwd: ROOT, env });
        const latest: Array<{ subaccount_id: number; triggered_value: number; triggered_at: string }> = JSON.parse(stdout);
        for (const element of expected) {
            const subaccount = element.filters.subaccount_id ?? -1;
            const record = latest.find((r) => r.subaccount_id === subaccount && r.triggered_at === element.triggered_at);
            assert.ok(record, `subaccount ${subaccount} is in latest`);
            assert.equal(record.triggered_value, roundTo3(element.triggered_value));
        }

        const table = await run(process.execPath, [...CLI, "latest", "--data-dir", dataDir], { cwd: ROOT, env });
        assert.match(table.stdout, /account overall/);
        assert.ok(!table.stdout.includes("\u001b["), "no colour codes when piped");
    });

    it("`replay --from --to` runs the loader again over every delivery that first arrived in the range, each outcome printed, changing nothing", async () => {
        const { s3, dynamodb } = localClients(stack.outputs);
        const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" };
        const before = await snapshot(s3, dynamodb, stack.outputs.bucketName, stack.outputs.tableName);
        const rawKeys = before.keys.filter((key) => key.startsWith("raw/"));
        assert.ok(rawKeys.length >= 2);

        const replayed = await run(process.execPath, [...CLI, "replay", "--data-dir", dataDir, "--from", "2000-01-01", "--to", "2999-12-31"], { cwd: ROOT, env });
        assert.deepEqual(replayed.stdout.trim().split("\n").map((line) => line.split(": ")[0]), rawKeys);
        assert.ok(replayed.stdout.trim().split("\n").every((line) => / loaded \((\d+ accepted, \d+ rejected|not a delivery: .*); first arrival /.test(line)), replayed.stdout);
        assert.match(replayed.stderr, new RegExp(`^${rawKeys.length} deliveries: ${rawKeys.length} stored, 0 failed$`, "m"));
        assert.deepEqual(await snapshot(s3, dynamodb, stack.outputs.bucketName, stack.outputs.tableName), before);
        s3.destroy();
        dynamodb.destroy();
    });

    it("stops cleanly on SIGTERM and keeps data and token across a restart", async () => {
        const before = stack.outputs;
        assert.equal(await stop(stack.child), 0);
        // As a process killed in mid-write by an earlier version left it: a lake object cut short, no checksum.
        const torn = path.join(before.bucketDir, "alerts", "metric=health_score", "dt=2026-11-27", "11111111-2222-5333-8444-555555555555.ndjson._S3rver_object");
        fs.writeFileSync(torn, '{"record_id":"');
        stack = await startStack(dataDir);
        assert.match(stack.stderr(), /warning: 1 torn S3 object\(s\) moved to .*quarantine: alerts\/metric=health_score\/dt=2026-11-27\/11111111-2222-5333-8444-555555555555\.ndjson/);
        assert.match(stack.stderr(), /npm run replay -- --delivery 11111111-2222-5333-8444-555555555555/);
        assert.ok(!fs.existsSync(torn));
        assert.equal(new URL(stack.outputs.endpointUrl).pathname, new URL(before.endpointUrl).pathname, "same token");
        const { dynamodb } = localClients(stack.outputs);
        const latest = await createTableReader({ dynamodb, tableName: stack.outputs.tableName }).latest("health_score");
        assert.ok(latest.length >= 5, "data kept");
        dynamodb.destroy();
    });

    it("stops cleanly on Ctrl-C (SIGINT)", async () => {
        const exited = new Promise<number | null>((resolve) => stack.child.once("exit", (code) => resolve(code)));
        stack.child.kill("SIGINT");
        assert.equal(await exited, 0);
        stack = await startStack(dataDir);
    });

    it("exits with the reason when its port is in use, suggesting --port, and leaves no half-made data dir behind", async () => {
        const busyPort = String(new URL(stack.outputs.endpointUrl).port);
        const parent = fs.mkdtempSync(path.join(os.tmpdir(), "healthscore-e2e-busy-"));
        const newDir = path.join(parent, "data");
        try {
            await assert.rejects(
                run(process.execPath, [...CLI, "start", "--data-dir", newDir, "--port", busyPort], { cwd: ROOT, timeout: 30_000 }),
                (err: { code?: number; stderr?: string; killed?: boolean }) => {
                    assert.equal(err.killed, false, "exited by itself");
                    assert.equal(err.code, 1);
                    assert.match(err.stderr ?? "", new RegExp(`error: port ${busyPort} on 127\\.0\\.0\\.1 is in use .*start with --port <n> \\(or PORT=<n>\\), or --port 0`));
                    return true;
                },
            );
            assert.ok(!fs.existsSync(newDir), "the data dir it made is gone");
        } finally {
            fs.rmSync(parent, { recursive: true, force: true });
        }
    });

    it("refuses a second stack on a data dir in use, naming the process that holds it", async () => {
        await assert.rejects(
            run(process.execPath, [...CLI, "start", "--data-dir", dataDir, "--port", "0"], { cwd: ROOT, timeout: 30_000 }),
            (err: { code?: number; stderr?: string }) => {
                assert.equal(err.code, 1);
                assert.match(err.stderr ?? "", new RegExp(`error: the data dir .* is in use by another local stack, process ${stack.child.pid} .*\`kill ${stack.child.pid}\``));
                return true;
            },
        );
        assert.equal(JSON.parse(fs.readFileSync(path.join(dataDir, "stack.lock"), "utf8")).pid, stack.child.pid, "the running stack keeps its lock");
        assert.equal((await post(stack.outputs.endpointUrl, fixture("real-delivery.json"))).status, 202, "and keeps serving");
    });

    it("takes the token from HEALTHSCORE_WEBHOOK_TOKEN when set", async () => {
        await stop(stack.child);
        const token = "from-the-environment-0123456789";
        stack = await startStack(dataDir, { HEALTHSCORE_WEBHOOK_TOKEN: token });
        assert.equal(new URL(stack.outputs.endpointUrl).pathname, `/hooks/${token}`);
        assert.equal((await post(stack.outputs.endpointUrl, fixture("real-delivery.json"))).status, 202);
        assert.equal((await post(`${stack.outputs.endpointUrl}x`, "[]")).status, 404);
        assert.equal((await post(stack.outputs.endpointUrl, "[1]")).status, 400);
        assert.ok(stack.stdout().includes('"route":"hook"'), "requests are logged by route");
        assert.ok(!stack.stdout().includes(token), "the token is not in the request log");
    });
});

describe("local stack: the first hour's frictions", function () {
    this.timeout(90_000);
    let dataDir: string;
    const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" };

    beforeEach(() => {
        dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "healthscore-frictions-"));
    });
    afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

    /** Resolves once `pid` no longer exists; rejects after `ms`. */
    async function gone(pid: number, ms: number): Promise<void> {
        const deadline = Date.now() + ms;
        for (;;) {
            try {
                process.kill(pid, 0);
            } catch {
                return;
            }
            if (Date.now() > deadline) throw new Error(`process ${pid} still runs after ${ms} ms`);
            await new Promise((resolve) => setTimeout(resolve, 100));
        }
    }

    it("`kill <pid of npm start>` stops the server too: it exits, frees the data dir, and a new stack can start there", async () => {
        // As a person runs it: npm, which runs the script through a shell, which runs node.
        const npm = spawn("npm", ["start", "--", "--data-dir", dataDir, "--port", "0"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
        let stderr = "";
        npm.stderr!.on("data", (chunk) => (stderr += chunk));
        npm.stdout!.resume();
        await new Promise<void>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`npm start did not start:\n${stderr}`)), 60_000);
            npm.stderr!.on("data", () => {
                if (stderr.includes("Ctrl-C stops it")) {
                    clearTimeout(timer);
                    resolve();
                }
            });
        });
        const serverPid: number = JSON.parse(fs.readFileSync(path.join(dataDir, "stack.lock"), "utf8")).pid;
        const { endpointUrl } = readOutputs(dataDir);
        assert.notEqual(serverPid, npm.pid, "the server is a process of its own, under npm");

        process.kill(npm.pid!, "SIGTERM");
        await gone(serverPid, 10_000);
        assert.ok(!fs.existsSync(path.join(dataDir, "stack.lock")), "the data dir is free");
        await assert.rejects(fetch(endpointUrl), /fetch failed/, "nothing serves the endpoint any more");

        const again = await startStack(dataDir);
        assert.equal((await post(again.outputs.endpointUrl, fixture("real-delivery.json"))).status, 202);
        assert.equal(await stop(again.child), 0);
    });

    it("takes over the lock of a stack that died without releasing it (SIGKILL), and says so", async () => {
        const first = await startStack(dataDir);
        const deadPid = first.child.pid!;
        const exited = new Promise((resolve) => first.child.once("exit", resolve));
        first.child.kill("SIGKILL");
        await exited;
        assert.ok(fs.existsSync(path.join(dataDir, "stack.lock")), "a killed process leaves its lock");
        const second = await startStack(dataDir);
        assert.match(second.stderr(), new RegExp(`note: took over the data dir from process ${deadPid}, which is no longer running`));
        assert.equal(JSON.parse(fs.readFileSync(path.join(dataDir, "stack.lock"), "utf8")).pid, second.child.pid);
        assert.equal(await stop(second.child), 0);
    });

    it("`send`, `latest` and `replay` with no stack running say so and how to start one (not fetch failed or ECONNREFUSED)", async () => {
        // A stack ran here and stopped: its outputs.json is still there, its endpoints answer nothing.
        const stopped = await startStack(dataDir);
        assert.equal(await stop(stopped.child), 0);
        for (const command of [["send", "--documented"], ["latest"], ["replay", "--dead-letters", "--list"]]) {
            await assert.rejects(run(process.execPath, [...CLI, ...command, "--data-dir", dataDir], { cwd: ROOT, env }), (err: { code?: number; stderr?: string }) => {
                assert.equal(err.code, 1, command[0]);
                assert.equal(err.stderr, `error: no local stack is running at ${dataDir}: start one with \`npm start -- --data-dir ${dataDir}\` (in another terminal), then try again\n`);
                return true;
            });
        }
        const never = path.join(dataDir, "never-started");
        await assert.rejects(run(process.execPath, [...CLI, "latest", "--data-dir", never], { cwd: ROOT, env }), /no local stack is running at .*never-started/);
    });

    it("`send --metric` generates alerts of another metric, which `latest --metric` shows; its hint for a metric with none names that command", async () => {
        const started = await startStack(dataDir);
        try {
            const sent = await run(process.execPath, [...CLI, "send", "--data-dir", dataDir, "--subaccounts", "2", "--metric", "block_bounce_rate"], { cwd: ROOT, env });
            assert.match(sent.stdout, /^202 Accepted/);
            assert.match(sent.stdout, /"accepted": 3/);
            const { dynamodb } = localClients(started.outputs);
            const reader = createTableReader({ dynamodb, tableName: started.outputs.tableName });
            await eventually(async () => (await reader.latest("block_bounce_rate")).length === 3, "the loader stored the sent delivery");
            dynamodb.destroy();
            const latest = await run(process.execPath, [...CLI, "latest", "--data-dir", dataDir, "--metric", "block_bounce_rate", "--json"], { cwd: ROOT, env });
            const records: Array<{ metric: string; subaccount_id: number }> = JSON.parse(latest.stdout);
            assert.deepEqual(records.map((r) => [r.metric, r.subaccount_id]).sort(), [["block_bounce_rate", -1], ["block_bounce_rate", 0], ["block_bounce_rate", 1]]);
            const none = await run(process.execPath, [...CLI, "latest", "--data-dir", dataDir, "--metric", "hard_bounce_rate"], { cwd: ROOT, env });
            assert.equal(none.stdout, "No hard_bounce_rate alerts stored yet. Send one with `npm run send -- --metric hard_bounce_rate`.\n");
        } finally {
            await stop(started.child);
        }
    });
});
