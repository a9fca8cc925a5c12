/**
 * The receiver's deployment archive, as the mocks receive it: what is in it, and that it works. Its
 * `__index.js` is run against the S3 and DynamoDB emulators, with its token read from a fake SSM endpoint under
 * the parameter name the component gives the function, and only the runtime-provided SDK beside it: the bundle
 * must carry everything else.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { builtinModules } from "module";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { ScanCommand } from "@aws-sdk/client-dynamodb";
import { TEST_BUCKET, TEST_TABLE, useEmulators } from "../../support/emulators";
import { ENV } from "../../../handlers/environment";
import { emulatorEnvironment } from "../../support/serializedHandler";
import { FakeSsm, startFakeSsm } from "../../support/fakeSsm";
import { captureStdout } from "../../support/stdout";
import { MAX_ARCHIVE_BYTES, PROJECT, readArchive, layOutArchive, requiredPackages, type Archive } from "./archive";
import { bundleHandler } from "../../../packaging/handlerArchive";
import { createLambdaHandler } from "../../../handlers/lambda";
import { RECEIVER_FUNCTION, T } from "./types";
import { deployed } from "./variants";

const TOKEN = "archive-test-token_0123456789";
let tokenParameter: string;

describe("receiver deployment archive (mocks)", () => {
    let archive: Archive;

    before(async function () {
        this.timeout(60_000);
        const https = await deployed("https");
        archive = await readArchive(https);
        tokenParameter = https.get(T.function, RECEIVER_FUNCTION).inputs.environment.variables[ENV.tokenParameter];
    });

    it("holds one file, __index.js, the entry point: the bundle handlerArchive.ts builds from createLambdaHandler", async () => {
        assert.deepStrictEqual([...archive.text.keys()], ["__index.js"]);
        assert.deepStrictEqual([...archive.files.keys()], []);
        assert.strictEqual(archive.text.get("__index.js"), (await bundleHandler(createLambdaHandler)).text);
    });

    it("is small: under 250 KB unzipped", () => {
        const bytes = Buffer.byteLength(archive.text.get("__index.js")!);
        assert.ok(bytes > 10_000 && bytes < MAX_ARCHIVE_BYTES, `${bytes} bytes`);
    });

    it("requires only Node built-ins and the runtime's @aws-sdk/* (superstruct and Powertools' Logger are bundled)", () => {
        const required = requiredPackages(archive.text.get("__index.js")!);
        assert.deepStrictEqual(required.filter((p) => !builtinModules.includes(p.replace(/^node:/, "")) && !p.startsWith("@aws-sdk/")), []);
        assert.ok(required.includes("@aws-sdk/client-s3"), required.join(", "));
    });

    describe("run against the emulators", () => {
        const context = useEmulators();
        const saved: Record<string, string | undefined> = {};
        let dir: string;
        let result: any;
        const logged: string[] = [];
        let ssm: FakeSsm;

        function setEnv(values: Record<string, string>): void {
            for (const [name, value] of Object.entries(values)) {
                if (!(name in saved)) saved[name] = process.env[name];
                process.env[name] = value;
            }
        }

        before(async function () {
            this.timeout(30_000);
            dir = layOutArchive(archive);
            ssm = await startFakeSsm({ [tokenParameter]: TOKEN });
            setEnv({
                ...emulatorEnvironment(context.emulators, { bucketName: TEST_BUCKET, tableName: TEST_TABLE, tokenParameter, ssmEndpoint: ssm.endpoint }),
                [ENV.retentionDays]: "30",
            });
            // The endpoint is an IP address, so the SDK addresses the bucket path-style (no bucket.127.0.0.1 host).
            const handler = require(path.join(dir, "__index.js")).handler;
            logged.push(...await captureStdout(async () => {
                result = await handler({
                    requestContext: { elb: { targetGroupArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/hooks/73e2d6bc24d8a067" } },
                    httpMethod: "POST",
                    path: `/hooks/${TOKEN}`,
                    queryStringParameters: {},
                    headers: { "content-type": "application/json;charset=utf-8", "user-agent": "SparkPost" },
                    body: fs.readFileSync(path.join(PROJECT, "tests", "fixtures", "real-delivery.json"), "utf8"),
                    isBase64Encoded: false,
                });
            }));
        });

        after(async () => {
            await ssm?.close();
            for (const [name, value] of Object.entries(saved)) {
                if (value === undefined) delete process.env[name];
                else process.env[name] = value;
            }
            if (dir) fs.rmSync(dir, { recursive: true, force: true });
        });

        it("answers an ALB event with 202 \"202 Accepted\" and accepts the 3 elements", () => {
            assert.strictEqual(result.statusCode, 202, JSON.stringify(result));
            assert.strictEqual(result.statusDescription, "202 Accepted");
            assert.strictEqual(JSON.parse(result.body).accepted, 3);
        });

        it("read its token from the SSM parameter the component named, decrypted, once", () => {
            assert.match(tokenParameter, /^\/healthscore\/test\/healthscore-ingest-receiver\/webhook-token$/);
            assert.deepStrictEqual(ssm.requests.map((r) => [r.target, r.body]), [["AmazonSSM.GetParameter", { Name: tokenParameter, WithDecryption: true }]]);
        });

        it("logged the request, through the archive's Powertools Logger, without the token", () => {
            assert.ok(logged.some((line) => JSON.parse(line).message === "request" && JSON.parse(line).service === "healthscore"), logged.join("\n"));
            assert.deepStrictEqual(logged.filter((line) => line.includes(TOKEN)), []);
        });

        it("archived the raw body, and only it: the lake object is the loader's", async () => {
            const listed = await context.emulators.s3.send(new ListObjectsV2Command({ Bucket: TEST_BUCKET }));
            const keys = (listed.Contents ?? []).map((o) => o.Key!);
            assert.deepStrictEqual(keys.map((k) => k.split("/")[0]), ["raw"], keys.join(", "));
        });

        it("wrote nothing to the table: the loader does", async () => {
            const scanned = await context.emulators.dynamodb.send(new ScanCommand({ TableName: TEST_TABLE }));
            assert.deepStrictEqual(scanned.Items, []);
        });
    });
});
