/**
 * Cold initialisation of a Lambda archive: in a fresh `node` process, the time to load `__index.js`, which
 * builds the handler (CallbackFunction's factory runs at load). The archive's packages are laid out as Lambda
 * unpacks them, and the runtime's own AWS SDK is on NODE_PATH, as the nodejs22.x runtime provides it.
 */
import { spawnSync } from "child_process";
import { builtinModules } from "module";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import { ENV } from "../../handlers/environment";
import { toAlbEvent } from "../../local/albEvent";
import { generateDelivery, seededRandom } from "../../local/generate";
import { HOOK_PATH_PREFIX } from "../../shared/limits";
import { Summary, median, summarize } from "../stats";
import type { LambdaArchive } from "./lambdaArchive";

/** The SDK v3 and the packages it depends on, which the runtime ships with it. */
const RUNTIME_PACKAGES = ["@aws-sdk", "@smithy", "@aws-crypto", "@aws", "tslib", "fast-xml-parser", "strnum", "bowser", "uuid"];

/**
 * Loads `__index.js` (argv[1]); first, if argv[2] lists modules, loads each of them alone, so that the time each
 * takes shows (the rest of `__index.js` then finds them loaded). If argv[3] holds an event, then invokes the
 * handler with it twice, against a stand-in for SSM and S3 served by this process (GetParameter answers the
 * token in BENCH_TOKEN; any PUT is stored), and times both: the first invocation loads what initialisation left
 * for first use.
 */
const RESULT_MARKER = "@@cold-init-result@@";

const INIT_SCRIPT = `
const RESULT_MARKER = ${JSON.stringify(RESULT_MARKER)};
const { performance } = require("perf_hooks");
const { createRequire } = require("module");
const http = require("http");
const index = process.argv[1];
const event = process.argv[3] ? JSON.parse(process.argv[3]) : undefined;
const requireFromIndex = createRequire(index);
function standIn() {
    const server = http.createServer((request, response) => {
        const chunks = [];
        request.on("data", (chunk) => chunks.push(chunk));
        request.on("end", () => {
            if (String(request.headers["x-amz-target"]).endsWith("GetParameter")) {
                const name = JSON.parse(Buffer.concat(chunks).toString()).Name;
                response.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
                response.end(JSON.stringify({ Parameter: { Name: name, Type: "SecureString", Value: process.env.BENCH_TOKEN, Version: 1 } }));
            } else {
                response.writeHead(200, { etag: '"0"' });
                response.end();
            }
        });
    });
    return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}
(async () => {
    const server = event ? await standIn() : undefined;
    if (server) {
        const endpoint = "http://127.0.0.1:" + server.address().port;
        Object.assign(process.env, { AWS_ENDPOINT_URL_SSM: endpoint, AWS_ENDPOINT_URL_S3: endpoint });
    }
    const modules = [];
    const start = performance.now();
    for (const name of JSON.parse(process.argv[2] || "[]")) {
        const before = performance.now();
        requireFromIndex(name);
        modules.push({ module: name, ms: performance.now() - before });
    }
    const before = performance.now();
    const handler = require(index).handler;
    const end = performance.now();
    modules.push({ module: "__index.js", ms: end - before });
    const invocations = [];
    if (event) {
        for (let i = 0; i < 2; i++) {
            const started = performance.now();
            const result = await handler(event);
            if (result.statusCode !== 202) throw new Error("the stand-in delivery was answered " + result.statusCode + ": " + result.body);
            invocations.push(performance.now() - started);
        }
        server.close();
    }
    // After a marker: the handler writes its own log lines to stdout.
    process.stdout.write("\\n" + RESULT_MARKER + JSON.stringify({ initMs: end - start, modules, invocations, ok: typeof handler === "function" }));
})().catch((err) => {
    console.error(err);
    process.exit(1);
});
`;

export interface ColdInit {
    runs: number;
    /** Loading `__index.js` and building the handler. */
    initMs: Summary;
    /** The whole process, from spawn to exit (node's own start-up included). */
    processMs: Summary;
    /** Median time of each module `__index.js` requires, loaded one by one before it, in extra runs; then the rest. */
    byModule: Array<{ module: string; ms: number }>;
    /**
     * When an event was given: the handler's first invocation after initialisation (it loads what was left for first
     * use), and its second, against a stand-in for SSM and S3 on this machine.
     */
    firstInvocationMs?: Summary;
    secondInvocationMs?: Summary;
}

/**
 * The modules serialized code requires when it loads, in that order, Node's built-ins left out: those of
 * `const x = require("...")` at the top level. A `require` inside a function runs on first use (handlers/sdk.ts).
 */
export function requiredModules(indexJs: string): string[] {
    const names = [...indexJs.matchAll(/^(?:const|let|var) [\w$]+ = require\(["']([^"']+)["']\);?$/gm)].map((match) => match[1]);
    return [...new Set(names)].filter((name) => !builtinModules.includes(name) && !name.startsWith("node:"));
}

/** Writes the archive to a directory as Lambda would unpack it (packages linked, not copied). */
function layOut(archive: LambdaArchive, projectRoot: string): { dir: string; runtimeModules: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `healthscore-archive-${archive.kind}-`));
    fs.writeFileSync(path.join(dir, "__index.js"), archive.indexJs);
    const linked: string[] = [];
    // Shortest first: a path nested in one already linked (node_modules/a/node_modules/b) comes with it.
    for (const name of [...archive.paths].sort((a, b) => a.length - b.length)) {
        if (linked.some((parent) => name.startsWith(`${parent}/`))) continue;
        linked.push(name);
        const target = path.join(dir, name);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.symlinkSync(path.join(projectRoot, name), target);
    }
    const runtimeModules = path.join(dir, "runtime", "node_modules");
    fs.mkdirSync(runtimeModules, { recursive: true });
    for (const name of RUNTIME_PACKAGES) {
        const source = path.join(projectRoot, "node_modules", name);
        if (fs.existsSync(source)) fs.symlinkSync(source, path.join(runtimeModules, name));
    }
    return { dir, runtimeModules };
}

interface InitRun {
    initMs: number;
    modules: Array<{ module: string; ms: number }>;
    invocations: number[];
    processMs: number;
}

function initOnce(kind: string, dir: string, env: NodeJS.ProcessEnv, modules: string[], event?: unknown): InitRun {
    const started = performance.now();
    const args = ["-e", INIT_SCRIPT, path.join(dir, "__index.js"), JSON.stringify(modules), ...(event ? [JSON.stringify(event)] : [])];
    const child = spawnSync(process.execPath, args, { env, encoding: "utf8" });
    const processMs = performance.now() - started;
    if (child.status !== 0) throw new Error(`cold start of the ${kind} archive failed: ${child.stderr}`);
    const result = JSON.parse(child.stdout.slice(child.stdout.lastIndexOf(RESULT_MARKER) + RESULT_MARKER.length)) as { initMs: number; modules: InitRun["modules"]; invocations: number[]; ok: boolean };
    if (!result.ok) throw new Error(`the ${kind} archive's __index.js exports no handler`);
    return { initMs: result.initMs, modules: result.modules, invocations: result.invocations, processMs };
}

const BENCH_TOKEN = "bench-token_0123456789abcdef";

/** A small delivery as the ALB hands it to the receiver. */
function receiverEvent(): unknown {
    const body = Buffer.from(JSON.stringify(generateDelivery({ subaccounts: 10, triggeredAt: new Date("2026-12-01T09:00:00Z"), random: seededRandom(1) })));
    return toAlbEvent({ method: "POST", url: `${HOOK_PATH_PREFIX}${BENCH_TOKEN}`, headers: { "content-type": "application/json;charset=utf-8" }, body });
}

/**
 * Cold initialisation of each archive, `runs` times, the archives taking turns so that neither gets the other's
 * warmer file cache; then as many runs again that load the required modules one by one, for the breakdown, and
 * (for the receiver's archives) invoke the handler twice.
 */
export function measureColdInits(archives: readonly LambdaArchive[], projectRoot: string, runs: number): ColdInit[] {
    const laidOut = archives.map((archive) => ({ archive, ...layOut(archive, projectRoot) }));
    try {
        const envOf = (runtimeModules: string): NodeJS.ProcessEnv => ({
            PATH: process.env.PATH ?? "",
            NODE_PATH: runtimeModules,
            AWS_REGION: "us-east-1",
            AWS_ACCESS_KEY_ID: "AKIDBENCH",
            AWS_SECRET_ACCESS_KEY: "bench",
            AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
            BENCH_TOKEN,
            // The functions' variables (handlers/environment.ts, which the factories read).
            [ENV.bucketName]: "bench-bucket",
            [ENV.tableName]: "bench-table",
            [ENV.fallbackQueueUrl]: "https://sqs.us-east-1.amazonaws.com/123456789012/bench-fallback",
            // The token itself is read from SSM on the first request, not at initialisation.
            [ENV.tokenParameter]: "/healthscore/bench/webhook-token",
            [ENV.stack]: "bench",
        });
        const event = receiverEvent();
        const plain: InitRun[][] = laidOut.map(() => []);
        const split: InitRun[][] = laidOut.map(() => []);
        // One discarded round first: the first process to read a file pays for the disk.
        for (let run = -1; run < runs; run++) {
            laidOut.forEach(({ archive, dir, runtimeModules }, i) => {
                const whole = initOnce(archive.kind, dir, envOf(runtimeModules), []);
                const parts = initOnce(archive.kind, dir, envOf(runtimeModules), requiredModules(archive.indexJs), archive.kind === "loader" ? undefined : event);
                if (run >= 0) {
                    plain[i].push(whole);
                    split[i].push(parts);
                }
            });
        }
        return laidOut.map(({ archive }, i) => ({
            runs,
            initMs: summarize(plain[i].map((r) => r.initMs)),
            processMs: summarize(plain[i].map((r) => r.processMs)),
            byModule: split[i][0].modules.map(({ module }, m) => ({ module, ms: median(split[i].map((r) => r.modules[m].ms)) })),
            ...(archive.kind === "loader" ? {} : {
                firstInvocationMs: summarize(split[i].map((r) => r.invocations[0])),
                secondInvocationMs: summarize(split[i].map((r) => r.invocations[1])),
            }),
        }));
    } finally {
        for (const { dir } of laidOut) fs.rmSync(dir, { recursive: true, force: true });
    }
}
