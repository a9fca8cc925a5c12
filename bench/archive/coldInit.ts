/**
 * Cold initialisation of a Lambda archive: in a fresh `node` process, the time to load `__index.js`, which
 * builds the handler (CallbackFunction's factory runs at load). The archive's packages are laid out as Lambda
 * unpacks them, and the runtime's own AWS SDK is on NODE_PATH, as the nodejs22.x runtime provides it.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import { ENV } from "../../handlers/environment";
import { Summary, summarize } from "../stats";
import type { LambdaArchive } from "./lambdaArchive";

/** The SDK v3 and the packages it depends on, which the runtime ships with it. */
const RUNTIME_PACKAGES = ["@aws-sdk", "@smithy", "@aws-crypto", "@aws", "tslib", "fast-xml-parser", "strnum", "bowser", "uuid"];

const INIT_SCRIPT = `
const { performance } = require("perf_hooks");
const start = performance.now();
const handler = require(process.argv[1]).handler;
const end = performance.now();
process.stdout.write(JSON.stringify({ initMs: end - start, ok: typeof handler === "function" }));
`;

export interface ColdInit {
    runs: number;
    /** Loading `__index.js` and building the handler. */
    initMs: Summary;
    /** The whole process, from spawn to exit (node's own start-up included). */
    processMs: Summary;
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

export function measureColdInit(archive: LambdaArchive, projectRoot: string, runs: number): ColdInit {
    const { dir, runtimeModules } = layOut(archive, projectRoot);
    try {
        const env = {
            PATH: process.env.PATH ?? "",
            NODE_PATH: runtimeModules,
            AWS_REGION: "us-east-1",
            [ENV.bucketName]: "bench-bucket",
            [ENV.tableName]: "bench-table",
            [ENV.retentionDays]: "30",
            [ENV.token]: "bench-token_0123456789abcdef",
        };
        const init: number[] = [];
        const whole: number[] = [];
        for (let run = 0; run < runs; run++) {
            const started = performance.now();
            const child = spawnSync(process.execPath, ["-e", INIT_SCRIPT, path.join(dir, "__index.js")], { env, encoding: "utf8" });
            whole.push(performance.now() - started);
            if (child.status !== 0) throw new Error(`cold start of the ${archive.kind} archive failed: ${child.stderr}`);
            const result = JSON.parse(child.stdout) as { initMs: number; ok: boolean };
            if (!result.ok) throw new Error(`the ${archive.kind} archive's __index.js exports no handler`);
            init.push(result.initMs);
        }
        return { runs, initMs: summarize(init), processMs: summarize(whole) };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}
