/**
 * `replay` on the local stack, in process: over everything by first arrival, twice, the store does not change; by
 * delivery, a delivery whose load never ran is stored. Deliveries of every kind are in the store: valid, with
 * rejected elements (rejected/ documents), and a body that is no delivery at all.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import { DeleteObjectCommand } from "@aws-sdk/client-s3";
import { buildLoaderHandler } from "../../../handlers/lambda";
import { EMULATOR_LATEST_WRITES } from "../../../local/clients";
import { silentLogger } from "../../../handlers/logger";
import { runReplay } from "../../../local/commands/replay";
import { delivery, storeFingerprint, storedDeliveries, useDurabilityStack } from "../../support/durability";
import { listKeys } from "../../support/store";

describe("durability: replay (local stack, in process)", function () {
    this.timeout(60_000);
    const env = useDurabilityStack();
    const quiet = { stdout: () => undefined, stderr: () => undefined };
    let ids: string[];

    before(async function () {
        this.timeout(60_000);
        const bodies = [
            ...Array.from({ length: 20 }, (_, i) => delivery(10, `2026-08-${String(10 + (i % 5)).padStart(2, "0")}`, 300 + i, 300_000 + i * 10).body),
            Buffer.from(JSON.stringify([{ alert_id: 1 }, JSON.parse(delivery(1, "2026-08-15", 9, 9_999).body.toString())[0]])),
            Buffer.from("{not json"),
        ];
        const answers = await Promise.all(bodies.map((body) => env.post(body)));
        assert.deepEqual(answers.map((a) => a.status), [...Array(21).fill(202), 400]);
        ids = answers.map((a) => a.answer.delivery_id);
        await env.stack.loader.idle();
    });

    it("replaying everything twice (`replay --from --to`) leaves the table and the lake unchanged", async () => {
        const before = await storeFingerprint(env.stack);
        assert.ok(before.objects.some((o) => o.startsWith("rejected/")) && before.objects.filter((o) => o.startsWith("raw/")).length === 22);
        for (let run = 0; run < 2; run++) {
            const out: string[] = [];
            assert.equal(await runReplay({ dataDir: env.dataDir, from: "2000-01-01", to: "2999-12-31" }, { stdout: (t) => out.push(t), stderr: () => undefined }), 0);
            assert.equal(out.join("").trim().split("\n").length, 22, "every delivery replayed");
            await env.stack.loader.idle();
            assert.deepEqual(await storeFingerprint(env.stack), before, `run ${run + 1}`);
        }
    });

    it("`replay --delivery` writes exactly what was missing: a lake object deleted, written again the same", async () => {
        const before = await storeFingerprint(env.stack);
        const [lakeKey] = (await listKeys(env.stack.emulators.s3, env.stack.outputs.bucketName, "alerts/")).filter((key) => key.includes(ids[0]));
        await env.stack.emulators.s3.send(new DeleteObjectCommand({ Bucket: env.stack.outputs.bucketName, Key: lakeKey }));
        assert.equal((await storedDeliveries(env.stack)).get(ids[0])?.lakeRows, 0);
        assert.equal(await runReplay({ dataDir: env.dataDir, delivery: [ids[0]] }, quiet), 0);
        assert.deepEqual(await storeFingerprint(env.stack), before);
    });

    it("`replay --from --to` takes the first arrival's day (received-at), not the alerts' day", async () => {
        const today = new Date().toISOString().slice(0, 10);
        const listed: string[] = [];
        assert.equal(await runReplay({ dataDir: env.dataDir, from: today, to: today, list: true }, { stdout: (t) => listed.push(t), stderr: () => undefined }), 0);
        assert.equal(listed.join("").trim().split("\n").length, 22, "all arrived today, whatever day their alerts are of");
        const none: string[] = [];
        assert.equal(await runReplay({ dataDir: env.dataDir, from: "2026-08-10", to: "2026-08-15", list: true }, { stdout: (t) => none.push(t), stderr: () => undefined }), 0);
        assert.equal(none.join("").trim(), "");
    });

    it("`replay --delivery` goes on past a failing delivery, reports every one's outcome, and answers 1", async () => {
        const missing = "00000000-0000-5000-8000-000000000000";
        const out: string[] = [];
        const err: string[] = [];
        const code = await runReplay({ dataDir: env.dataDir, delivery: [missing, ids[1]] }, { stdout: (t) => out.push(t), stderr: (t) => err.push(t) });
        assert.equal(code, 1);
        assert.match(out.join(""), new RegExp(`^raw/${ids[1]}\\.json: loaded \\(10 accepted, 0 rejected; first arrival `, "m"));
        assert.match(err.join(""), new RegExp(`^raw/${missing}\\.json: failed: .*could not read s3://healthscore-local/raw/${missing}\\.json: NoSuchKey`, "m"));
        assert.match(err.join(""), /^2 deliveries: 1 stored, 1 failed$/m);
    });

    it("says what is wrong with its arguments: not a delivery id, nothing to replay, no Region for a deployed stack", async () => {
        const said = async (options: Parameters<typeof runReplay>[0]) => {
            const err: string[] = [];
            assert.equal(await runReplay(options, { stdout: () => undefined, stderr: (t) => err.push(t) }), 1);
            return err.join("");
        };
        assert.match(await said({ dataDir: env.dataDir, delivery: ["not-a-uuid"] }), /--delivery "not-a-uuid" is not a delivery id/);
        assert.match(await said({ dataDir: env.dataDir }), /say what to replay: --from\/--to, --delivery ID, or --dead-letters/);
        assert.match(await said({ dataDir: env.dataDir, deadLetters: true, from: "2026-01-01" }), /say what to replay/);
        const outputs = path.join(env.dataDir, "stack.json");
        fs.writeFileSync(outputs, JSON.stringify({ bucketName: "b", loaderFunctionName: "f", deadLetterQueueUrl: "https://sqs.eu-west-1.amazonaws.com/1/d" }));
        const saved = { AWS_REGION: process.env.AWS_REGION, AWS_DEFAULT_REGION: process.env.AWS_DEFAULT_REGION };
        delete process.env.AWS_REGION;
        delete process.env.AWS_DEFAULT_REGION;
        try {
            assert.match(await said({ dataDir: env.dataDir, deadLetters: true, outputs }), /needs its AWS Region: pass --region \(e\.g\. --region us-east-1\) or set AWS_REGION/);
        } finally {
            Object.assign(process.env, Object.fromEntries(Object.entries(saved).filter(([, v]) => v !== undefined)));
        }
        fs.writeFileSync(outputs, JSON.stringify({ bucketName: "b" }));
        assert.match(await said({ dataDir: env.dataDir, deadLetters: true, outputs, region: "eu-west-1" }), /stack\.json lacks loaderFunctionName, deadLetterQueueUrl/);
    });

    it("lists no dead letter when there is none", async () => {
        const err: string[] = [];
        assert.equal(await runReplay({ dataDir: env.dataDir, deadLetters: true, list: true }, { stdout: () => undefined, stderr: (t) => err.push(t) }), 0);
        assert.match(err.join(""), /^0 dead letter\(s\) in the local stack at /m);
    });

    it("on a deployed stack (--outputs, --region): invokes the loader function synchronously and reads the bucket and the dead letters, with the SDK's credentials", async () => {
        // Lambda's Invoke API on the wire (POST /2015-03-31/functions/<name>/invocations), running the local loader.
        const handler = buildLoaderHandler({ bucketName: env.stack.outputs.bucketName, tableName: env.stack.outputs.tableName, retentionDays: 30 }, { s3: env.stack.emulators.s3, dynamodb: env.stack.emulators.dynamodb, latestWrites: EMULATOR_LATEST_WRITES, logger: silentLogger });
        const invoked: string[] = [];
        const lambda = http.createServer((request, response) => {
            const chunks: Buffer[] = [];
            request.on("data", (chunk: Buffer) => chunks.push(chunk));
            request.on("end", async () => {
                invoked.push(`${request.method} ${decodeURIComponent(request.url ?? "")} ${request.headers["x-amz-invocation-type"]}`);
                try {
                    const result = await handler(JSON.parse(Buffer.concat(chunks).toString("utf8")));
                    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(result));
                } catch (err) {
                    response.writeHead(200, { "content-type": "application/json", "x-amz-function-error": "Unhandled" })
                        .end(JSON.stringify({ errorType: "Error", errorMessage: (err as Error).message }));
                }
            });
        });
        await new Promise<void>((resolve) => lambda.listen(0, "127.0.0.1", () => resolve()));
        const outputs = path.join(env.dataDir, "deployed.json");
        fs.writeFileSync(outputs, JSON.stringify({ bucketName: env.stack.outputs.bucketName, loaderFunctionName: "healthscore-loader-function-abc1234", deadLetterQueueUrl: env.stack.outputs.deadLetterQueueUrl }));
        const variables = {
            AWS_ENDPOINT_URL_LAMBDA: `http://127.0.0.1:${(lambda.address() as { port: number }).port}`,
            AWS_ENDPOINT_URL_S3: env.stack.outputs.s3Endpoint,
            AWS_ENDPOINT_URL_SQS: env.stack.outputs.sqsEndpoint,
            AWS_ACCESS_KEY_ID: "S3RVER",
            AWS_SECRET_ACCESS_KEY: "S3RVER",
            AWS_REQUEST_CHECKSUM_CALCULATION: "WHEN_REQUIRED",
            AWS_RESPONSE_CHECKSUM_VALIDATION: "WHEN_REQUIRED",
        };
        const saved = Object.fromEntries(Object.keys(variables).map((name) => [name, process.env[name]]));
        Object.assign(process.env, variables);
        try {
            const before = await storeFingerprint(env.stack);
            const out: string[] = [];
            const err: string[] = [];
            const code = await runReplay({ dataDir: "unused", outputs, region: "us-east-1", delivery: [ids[2], "00000000-0000-5000-8000-000000000001"] }, { stdout: (t) => out.push(t), stderr: (t) => err.push(t) });
            assert.equal(code, 1, err.join(""));
            assert.match(out.join(""), new RegExp(`^raw/${ids[2]}\\.json: loaded \\(10 accepted`, "m"));
            assert.match(err.join(""), /raw\/00000000-0000-5000-8000-000000000001\.json: failed: Error: the loader failed: 1 of 1 loads failed: .*NoSuchKey/);
            assert.deepEqual(invoked, [
                `POST /2015-03-31/functions/healthscore-loader-function-abc1234/invocations RequestResponse`,
                `POST /2015-03-31/functions/healthscore-loader-function-abc1234/invocations RequestResponse`,
            ]);
            assert.match(err.join(""), /^2 deliveries: 1 stored, 1 failed$/m);
            assert.deepEqual(await storeFingerprint(env.stack), before);
            const listed: string[] = [];
            assert.equal(await runReplay({ dataDir: "unused", outputs, region: "us-east-1", deadLetters: true, list: true }, { stdout: () => undefined, stderr: (t) => listed.push(t) }), 0);
            assert.match(listed.join(""), /^0 dead letter\(s\) in function healthscore-loader-function-abc1234 in us-east-1$/m);
        } finally {
            for (const [name, value] of Object.entries(saved)) {
                if (value === undefined) delete process.env[name];
                else process.env[name] = value;
            }
            lambda.closeAllConnections();
            await new Promise<void>((resolve) => lambda.close(() => resolve()));
        }
    });
});
