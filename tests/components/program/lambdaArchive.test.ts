/**
 * The receiver's deployment archive, as the mocks receive it: what is in it, and that it works. Its
 * `__index.js` is run against the S3 and DynamoDB emulators, with its token read from a fake SSM endpoint under
 * the parameter name the component gives the function, and only the runtime-provided SDK beside it.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { builtinModules } from "module";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { ScanCommand } from "@aws-sdk/client-dynamodb";
import { Deployment } from "../../support/mocks";
import { TEST_BUCKET, TEST_TABLE, useEmulators } from "../../support/emulators";
import { ENV } from "../../../handlers/environment";
import { emulatorEnvironment } from "../../support/serializedHandler";
import { FakeSsm, startFakeSsm } from "../../support/fakeSsm";
import { T } from "./types";
import { deployed } from "./variants";

const PROJECT = path.join(__dirname, "..", "..", "..");
const PACKAGE_JSON = JSON.parse(fs.readFileSync(path.join(PROJECT, "package.json"), "utf8"));
const MAX_ARCHIVE_BYTES = 2 * 1024 * 1024;
const TOKEN = "archive-test-token_0123456789";
let tokenParameter: string;

interface Archive {
    /** Archive path -> the text of a string asset, or the local path of a file archive. */
    text: Map<string, string>;
    files: Map<string, string>;
}

async function readArchive(deployment: Deployment): Promise<Archive> {
    const code = deployment.only(T.function).inputs.code;
    assert.ok(code?.__pulumiArchive, "code is not an asset archive");
    const assets: Record<string, any> = await code.assets;
    const archive: Archive = { text: new Map(), files: new Map() };
    for (const [name, asset] of Object.entries(assets)) {
        if (asset.__pulumiAsset && asset.text !== undefined) archive.text.set(name, await asset.text);
        else if (asset.path !== undefined) archive.files.set(name, await asset.path);
        else assert.fail(`unexpected asset ${name}`);
    }
    return archive;
}

/** The package an archive path holds: node_modules/@scope/name/... -> @scope/name. */
function packageOf(archivePath: string): string {
    const parts = archivePath.split("/");
    assert.strictEqual(parts[0], "node_modules", archivePath);
    return parts[1].startsWith("@") ? `${parts[1]}/${parts[2]}` : parts[1];
}

function sizeOf(localPath: string): number {
    const stat = fs.statSync(localPath);
    if (!stat.isDirectory()) return stat.size;
    return fs.readdirSync(localPath).reduce((sum, entry) => sum + sizeOf(path.join(localPath, entry)), 0);
}

/** Bare module names the serialized closure requires: `@aws-sdk/client-s3/dist-cjs/index.js` -> `@aws-sdk/client-s3`. */
function requiredPackages(text: string): string[] {
    const specifiers = [...text.matchAll(/require\(["']([^"']+)["']\)/g)].map((match) => match[1]);
    return [...new Set(specifiers.map((s) => (s.startsWith("@") ? s.split("/").slice(0, 2).join("/") : s.split("/")[0])))].sort();
}

describe("receiver deployment archive (mocks)", () => {
    let archive: Archive;
    let packages: string[];

    before(async function () {
        this.timeout(60_000);
        const https = await deployed("https");
        archive = await readArchive(https);
        tokenParameter = https.only(T.function).inputs.environment.variables[ENV.tokenParameter];
        packages = [...archive.files.keys()].map(packageOf);
    });

    it("holds the serialized handler, __index.js, as its entry point", () => {
        assert.ok((archive.text.get("__index.js") ?? "").includes("exports.handler"));
        assert.deepStrictEqual([...archive.text.keys()], ["__index.js"]);
    });

    it("bundles superstruct, which the runtime lacks", () => {
        assert.ok(packages.includes("superstruct"), packages.join(", "));
    });

    it("leaves out @aws-sdk/* (nodejs22.x provides SDK v3) and @pulumi/*", () => {
        assert.deepStrictEqual(packages.filter((p) => p.startsWith("@aws-sdk/") || p.startsWith("@pulumi/") || p.startsWith("@smithy/")), []);
    });

    it("leaves out devDependencies and the deploy-time and local-only dependencies", () => {
        const devDependencies = Object.keys(PACKAGE_JSON.devDependencies ?? {});
        assert.deepStrictEqual(packages.filter((p) => devDependencies.includes(p)), []);
        for (const localOnly of ["s3rver", "dynalite", "@duckdb/node-api", "commander", "cli-table3"]) assert.ok(!packages.includes(localOnly), localOnly);
    });

    it("is small: under 2 MB", () => {
        const bytes = [...archive.text.values()].reduce((sum, text) => sum + Buffer.byteLength(text), 0)
            + [...archive.files.values()].reduce((sum, local) => sum + sizeOf(path.resolve(local)), 0);
        assert.ok(bytes > 10_000 && bytes < MAX_ARCHIVE_BYTES, `${bytes} bytes`);
    });

    it("requires only Node built-ins, the runtime's @aws-sdk/* and packages in the archive", () => {
        const required = requiredPackages(archive.text.get("__index.js")!);
        const missing = required.filter((p) => !builtinModules.includes(p) && !p.startsWith("@aws-sdk/") && !packages.includes(p));
        assert.deepStrictEqual(missing, []);
        assert.ok(required.includes("@aws-sdk/client-s3") && required.includes("superstruct"), required.join(", "));
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
            dir = fs.mkdtempSync(path.join(os.tmpdir(), "healthscore-archive-"));
            fs.writeFileSync(path.join(dir, "__index.js"), archive.text.get("__index.js")!);
            // node_modules as Lambda would see it: the runtime's SDK, and the archive's packages, nothing else.
            const modules = path.join(dir, "node_modules");
            fs.mkdirSync(modules);
            fs.symlinkSync(path.join(PROJECT, "node_modules", "@aws-sdk"), path.join(modules, "@aws-sdk"));
            for (const dependency of ["@smithy", "@aws-crypto", "@aws", "tslib", "fast-xml-parser", "strnum", "bowser", "uuid"]) {
                // The SDK's own dependencies, which the runtime ships with it.
                const source = path.join(PROJECT, "node_modules", dependency);
                if (fs.existsSync(source)) fs.symlinkSync(source, path.join(modules, dependency));
            }
            for (const [archivePath, local] of archive.files) {
                fs.mkdirSync(path.dirname(path.join(dir, archivePath)), { recursive: true });
                fs.symlinkSync(path.resolve(PROJECT, local), path.join(dir, archivePath));
            }
            ssm = await startFakeSsm({ [tokenParameter]: TOKEN });
            setEnv({
                ...emulatorEnvironment(context.emulators, { bucketName: TEST_BUCKET, tableName: TEST_TABLE, tokenParameter, ssmEndpoint: ssm.endpoint }),
                [ENV.retentionDays]: "30",
            });
            // The endpoint is an IP address, so the SDK addresses the bucket path-style (no bucket.127.0.0.1 host).
            const handler = require(path.join(dir, "__index.js")).handler;
            const log = console.log;
            console.log = (...args: unknown[]) => { logged.push(args.join(" ")); };
            try {
                result = await handler({
                    requestContext: { elb: { targetGroupArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/hooks/73e2d6bc24d8a067" } },
                    httpMethod: "POST",
                    path: `/hooks/${TOKEN}`,
                    queryStringParameters: {},
                    headers: { "content-type": "application/json;charset=utf-8", "user-agent": "SparkPost" },
                    body: fs.readFileSync(path.join(PROJECT, "tests", "fixtures", "real-delivery.json"), "utf8"),
                    isBase64Encoded: false,
                });
            } finally {
                console.log = log;
            }
        });

        after(async () => {
            await ssm?.close();
            for (const [name, value] of Object.entries(saved)) {
                if (value === undefined) delete process.env[name];
                else process.env[name] = value;
            }
            if (dir) fs.rmSync(dir, { recursive: true, force: true });
        });

        it("answers an ALB event with 200 \"200 OK\" and accepts the 3 elements", () => {
            assert.strictEqual(result.statusCode, 200, JSON.stringify(result));
            assert.strictEqual(result.statusDescription, "200 OK");
            assert.strictEqual(JSON.parse(result.body).accepted, 3);
        });

        it("read its token from the SSM parameter the component named, decrypted, once", () => {
            assert.match(tokenParameter, /^\/healthscore\/test\/healthscore-ingest-receiver\/webhook-token$/);
            assert.deepStrictEqual(ssm.requests.map((r) => [r.target, r.body]), [["AmazonSSM.GetParameter", { Name: tokenParameter, WithDecryption: true }]]);
        });

        it("logged the request without the token", () => {
            assert.ok(logged.length > 0);
            assert.deepStrictEqual(logged.filter((line) => line.includes(TOKEN)), []);
        });

        it("stored the raw body and the lake object in the bucket", async () => {
            const listed = await context.emulators.s3.send(new ListObjectsV2Command({ Bucket: TEST_BUCKET }));
            const keys = (listed.Contents ?? []).map((o) => o.Key!);
            assert.strictEqual(keys.filter((k) => k.startsWith("raw/")).length, 1, keys.join(", "));
            assert.ok(keys.some((k) => k.startsWith("alerts/metric=health_score/dt=2026-11-27/")), keys.join(", "));
        });

        it("wrote history and latest items to the table", async () => {
            const scanned = await context.emulators.dynamodb.send(new ScanCommand({ TableName: TEST_TABLE }));
            // One history and one latest item per element (the receiver may keep bookkeeping items beside them).
            const kinds = (scanned.Items ?? []).map((item) => item.kind?.S).filter((kind) => kind === "history" || kind === "latest").sort();
            assert.deepStrictEqual(kinds, ["history", "history", "history", "latest", "latest", "latest"]);
        });
    });
});
