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
import { Summary, median, summarize } from "../stats";
import type { LambdaArchive } from "./lambdaArchive";

/** The SDK v3 and the packages it depends on, which the runtime ships with it. */
const RUNTIME_PACKAGES = ["@aws-sdk", "@smithy", "@aws-crypto", "@aws", "tslib", "fast-xml-parser", "strnum", "bowser", "uuid"];

/**
 * Loads `__index.js` (argv[1]); first, if argv[2] lists modules, loads each of them alone, so that the time each
 * takes shows (the rest of `__index.js` then finds them loaded).
 */
const INIT_SCRIPT = `
const { performance } = require("perf_hooks");
const { createRequire } = require("module");
const index = process.argv[1];
const requireFromIndex = createRequire(index);
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
process.stdout.write(JSON.stringify({ initMs: end - start, modules, ok: typeof handler === "function" }));
`;

export interface ColdInit {
    runs: number;
    /** Loading `__index.js` and building the handler. */
    initMs: Summary;
    /** The whole process, from spawn to exit (node's own start-up included). */
    processMs: Summary;
    /** Median time of each module `__index.js` requires, loaded one by one before it, in extra runs; then the rest. */
    byModule: Array<{ module: string; ms: number }>;
}

/** The modules serialized code requires, in the order it requires them, Node's built-ins left out. */
export function requiredModules(indexJs: string): string[] {
    const names = [...indexJs.matchAll(/require\(["']([^"']+)["']\)/g)].map((match) => match[1]);
    return [...new Set(names)].filter((name) => !builtinModules.includes(name) && !name.startsWith("node:"));
}

/** Writes the archive to a directory as Lambda would unpack it (packages linked, not copied). */
function layOut(archive: LambdaArchive, projectRoot: string): { dir: string; runtimeModules: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `healthscore-archive-${archive.kind}-`));
    fs.writeFileSync(path.join(dir, "__index.js"), archive.indexJs);
    const linked: string[] = [];
    // Shortest first: a package nested in one already linked (node_modules/a/node_modules/b) comes with it.
    for (const name of [...archive.packages].sort((a, b) => a.length - b.length)) {
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
    processMs: number;
}

function initOnce(kind: string, dir: string, env: NodeJS.ProcessEnv, modules: string[]): InitRun {
    const started = performance.now();
    const child = spawnSync(process.execPath, ["-e", INIT_SCRIPT, path.join(dir, "__index.js"), JSON.stringify(modules)], { env, encoding: "utf8" });
    const processMs = performance.now() - started;
    if (child.status !== 0) throw new Error(`cold start of the ${kind} archive failed: ${child.stderr}`);
    const result = JSON.parse(child.stdout) as { initMs: number; modules: InitRun["modules"]; ok: boolean };
    if (!result.ok) throw new Error(`the ${kind} archive's __index.js exports no handler`);
    return { initMs: result.initMs, modules: result.modules, processMs };
}

/**
 * Cold initialisation of each archive, `runs` times, the archives taking turns so that neither gets the other's
 * warmer file cache; then as many runs again that load the required modules one by one, for the breakdown.
 */
export function measureColdInits(archives: readonly LambdaArchive[], projectRoot: string, runs: number): ColdInit[] {
    const laidOut = archives.map((archive) => ({ archive, ...layOut(archive, projectRoot) }));
    try {
        const envOf = (runtimeModules: string): NodeJS.ProcessEnv => ({
            PATH: process.env.PATH ?? "",
            NODE_PATH: runtimeModules,
            AWS_REGION: "us-east-1",
            // The receiver's variables (handlers/environment.ts readReceiverEnvironment, which the factory runs).
            [ENV.bucketName]: "bench-bucket",
            [ENV.fallbackQueueUrl]: "https://sqs.us-east-1.amazonaws.com/123456789012/bench-fallback",
            // The token itself is read from SSM on the first request, not at initialisation.
            [ENV.tokenParameter]: "/healthscore/bench/webhook-token",
            [ENV.stack]: "bench",
        });
        const plain: InitRun[][] = laidOut.map(() => []);
        const split: InitRun[][] = laidOut.map(() => []);
        // One discarded round first: the first process to read a file pays for the disk.
        for (let run = -1; run < runs; run++) {
            laidOut.forEach(({ archive, dir, runtimeModules }, i) => {
                const whole = initOnce(archive.kind, dir, envOf(runtimeModules), []);
                const parts = initOnce(archive.kind, dir, envOf(runtimeModules), requiredModules(archive.indexJs));
                if (run >= 0) {
                    plain[i].push(whole);
                    split[i].push(parts);
                }
            });
        }
        return laidOut.map((_, i) => ({
            runs,
            initMs: summarize(plain[i].map((r) => r.initMs)),
            processMs: summarize(plain[i].map((r) => r.processMs)),
            byModule: split[i][0].modules.map(({ module }, m) => ({ module, ms: median(split[i].map((r) => r.modules[m].ms)) })),
        }));
    } finally {
        for (const { dir } of laidOut) fs.rmSync(dir, { recursive: true, force: true });
    }
}
