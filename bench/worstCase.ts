/**
 * `npm run bench:worst`: the time and memory the receiver spends on the worst bodies an ingress lets through
 * (tests/support/worstBodies.ts), at 1 MB (the ALB's limit) and 6 MB (a Function URL's), against the targets of
 * the hardening issue: under 2 s and under 128 MB above the process's baseline, on the development machine.
 * `npm run bench:worst -- "empty objects"` measures one body.
 *
 * Each measurement runs in a child process of its own, from JavaScript compiled once into bin/ (so that no
 * TypeScript compiler sits in its memory): the child reads the body from a file, warms the receiver up on a small
 * delivery, collects garbage and notes its resident memory; then it receives the body once, while a worker thread
 * samples the process's resident memory every 2 ms (the main thread is busy). The peak is the highest
 * sample minus that baseline. The emulators run in this (parent) process, so their memory is not counted.
 *
 * Bodies of invalid elements go end to end through the receiver (archive, interpretation, rejected/ document,
 * answer). Bodies of valid alerts are measured up to the storage calls (interpretation, lake objects, answer):
 * storing tens of thousands of records is DynamoDB work that grows with the records, not amplification (see the
 * README's Performance section), and dynalite would take minutes over it.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

import { execFile, execFileSync } from "child_process";
import { promisify } from "util";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import { Worker } from "worker_threads";
import Table from "cli-table3";
import { createAlertStruct } from "../handlers/alert";
import { MAX_BODY_BYTES } from "../shared/limits";
import { silentLogger } from "../handlers/logger";
import { createLoader } from "../handlers/loader";
import { createReceiver } from "../handlers/receiver";
import { rawObjectKey } from "../shared/layout";
import { interpretDelivery, partitionRecords, toLakeNdjson } from "../handlers/records";
import { createAwsStorage } from "../handlers/storage";
import { EMULATOR_LATEST_WRITES, localClients, startEmulators } from "../local/emulators";
import { WORST_BODIES } from "../tests/support/worstBodies";

/** The hardening issue's bounds for any body the ingress lets through, on the development machine. */
export const WORST_CASE_TARGETS = { ms: 2_000, peakMb: 128 } as const;
const BUCKET = "healthscore-bench-worst";
const TOKEN = "bench-token-0123456789abcdef";

export interface Measurement {
    body: string;
    bytes: number;
    mode: "end to end" | "up to storage";
    status: number | string;
    ms: number;
    peakMb: number;
    answerBytes: number;
}

/** In the child: one body, measured. Prints one JSON line. */
async function child(file: string, name: string, endpoints: { s3Endpoint: string; dynamodbEndpoint: string }): Promise<void> {
    const body = fs.readFileSync(file);
    const worst = WORST_BODIES.find((b) => b.name === name)!;
    const { s3, dynamodb } = localClients(endpoints);
    const storage = createAwsStorage({ s3, dynamodb, bucketName: BUCKET, tableName: BUCKET, retentionDays: 30, latestWrites: EMULATOR_LATEST_WRITES });
    const receiver = createReceiver({ storage, token: TOKEN, logger: silentLogger });
    const load = createLoader({ storage, logger: silentLogger });
    // End to end: the receiver's archive and answer, then the loader's rejected/ document (it reads the body back).
    const receive = async (bytes: ReturnType<typeof request>) => {
        const response = await receiver(bytes);
        const deliveryId = (JSON.parse(response.body) as { delivery_id?: string }).delivery_id;
        if (deliveryId) await load(rawObjectKey(deliveryId));
        return response;
    };
    const request = (bytes: Buffer) => ({ source: "http-api" as const, method: "POST", path: `/hooks/${TOKEN}`, headers: { "content-type": "application/json" }, body: bytes });
    const struct = createAlertStruct();
    const context = { deliveryId: "00000000-0000-5000-8000-000000000000", receivedAt: new Date() };
    const upToStorage = (bytes: Buffer) => {
        const interpretation = interpretDelivery(bytes, struct, context);
        if (interpretation.kind !== "alerts") return { status: 400, answer: interpretation.message };
        for (const partition of partitionRecords(interpretation.records)) toLakeNdjson(partition.records);
        return { status: interpretation.records.length > 0 ? 200 : 422, answer: JSON.stringify({ accepted: interpretation.records.length, rejected: interpretation.rejectedCount }) };
    };

    // Warm up: modules, JIT, connections.
    const small = Buffer.from(`[{},${Date.now()}]`);
    if (worst.valid) upToStorage(small);
    else await receive(request(small));
    const sampler = await startRssSampler();
    (globalThis as { gc?: () => void }).gc?.();
    const baselineRss = process.memoryUsage.rss();

    const started = performance.now();
    const result = worst.valid ? upToStorage(body) : await receive(request(body)).then((r) => ({ status: r.statusCode, answer: r.body }));
    const ms = performance.now() - started;
    const peakRss = await sampler.stop();
    s3.destroy();
    dynamodb.destroy();
    process.stdout.write(`${JSON.stringify({ status: result.status, ms, peakMb: Math.max(0, peakRss - baselineRss) / 2 ** 20, answerBytes: Buffer.byteLength(result.answer) })}\n`);
}

/** A worker thread that samples the process's resident memory until stopped, and answers the highest sample. */
async function startRssSampler(): Promise<{ stop(): Promise<number> }> {
    const worker = new Worker(`
        const { parentPort } = require("worker_threads");
        let highest = 0;
        let running = true;
        parentPort.on("message", () => { running = false; parentPort.postMessage(highest); });
        const sample = () => {
            highest = Math.max(highest, process.memoryUsage.rss());
            if (running) setTimeout(sample, 2);
        };
        sample();
        parentPort.postMessage("started");
    `, { eval: true });
    await new Promise((resolve) => worker.once("message", resolve));
    return {
        async stop() {
            const highest = new Promise<number>((resolve) => worker.once("message", resolve));
            worker.postMessage("stop");
            const value = await highest;
            await worker.terminate();
            return value;
        },
    };
}

/** The project compiled to JavaScript, once, for the children. */
function compile(progress: (line: string) => void): string {
    const outDir = path.join(__dirname, "..", "bin", "bench-worst");
    progress("compiling the project for the measured processes...");
    execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(__dirname, "..", "tsconfig.json"), "--outDir", outDir, "--noEmit", "false"], { stdio: ["ignore", 2, 2] });
    return path.join(outDir, "bench", "worstCase.js");
}

export interface WorstCaseOptions {
    /** Body sizes to build each body at. @default both ingress limits, 1 MB and 6 MB */
    sizes?: readonly number[];
    /** Body names to measure (all when empty). */
    only?: readonly string[];
    progress?: (line: string) => void;
}

/**
 * Every worst body at each size, each in a child process of its own (see the top of this file), against emulators
 * started for the run. Compiles the project once for the children.
 */
export async function measureWorstBodies(options: WorstCaseOptions = {}): Promise<Measurement[]> {
    const sizes = options.sizes ?? [MAX_BODY_BYTES.alb, MAX_BODY_BYTES["function-url"]];
    const only = options.only ?? [];
    const progress = options.progress ?? ((line: string) => process.stderr.write(`${line}\n`));
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "healthscore-bench-worst-"));
    const emulators = await startEmulators({ dataDir, bucketName: BUCKET, tableName: BUCKET });
    const measurements: Measurement[] = [];
    try {
        const compiled = compile(progress);
        for (const bytes of sizes) {
            for (const worst of WORST_BODIES) {
                if (only.length > 0 && !only.includes(worst.name)) continue;
                const file = path.join(dataDir, "body.json");
                const body = worst.build(bytes);
                fs.writeFileSync(file, body);
                // Asynchronously: the emulators answer the child from this process's event loop.
                const { stdout: output } = await promisify(execFile)(process.execPath, [
                    "--expose-gc", compiled, "--child", file, worst.name,
                    JSON.stringify({ s3Endpoint: emulators.s3Endpoint, dynamodbEndpoint: emulators.dynamodbEndpoint }),
                ], { cwd: path.join(__dirname, ".."), encoding: "utf8", maxBuffer: 1 << 20 });
                const measured = JSON.parse(output.trim().split("\n").pop()!);
                measurements.push({ body: worst.name, bytes: body.byteLength, mode: worst.valid ? "up to storage" : "end to end", ...measured });
                progress(`${worst.name}, ${body.byteLength} bytes: ${measured.ms.toFixed(0)} ms, ${measured.peakMb.toFixed(0)} MB`);
            }
        }
    } finally {
        await emulators.stop();
        fs.rmSync(dataDir, { recursive: true, force: true });
    }
    return measurements;
}

/** Whether a measurement meets the hardening issue's bounds. */
export function withinWorstCaseTargets(m: Pick<Measurement, "ms" | "peakMb">): boolean {
    return m.ms <= WORST_CASE_TARGETS.ms && m.peakMb <= WORST_CASE_TARGETS.peakMb;
}

async function main(): Promise<void> {
    const only = process.argv.slice(2).filter((arg) => !arg.startsWith("--"));
    const measurements = await measureWorstBodies({ only });
    const table = new Table({ head: ["body", "bytes", "measured", "status", "ms", "peak MB", "answer bytes", ""], style: { head: [], border: [] } });
    for (const m of measurements) {
        table.push([m.body, m.bytes, m.mode, m.status, m.ms.toFixed(0), m.peakMb.toFixed(0), m.answerBytes, withinWorstCaseTargets(m) ? "ok" : "MISSED"]);
    }
    process.stdout.write(`${table.toString()}\ntargets: ${WORST_CASE_TARGETS.ms} ms and ${WORST_CASE_TARGETS.peakMb} MB above the baseline; ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}, Node.js ${process.version}\n`);
    if (measurements.some((m) => !withinWorstCaseTargets(m))) process.exitCode = 1;
}

// Run as a script (`npm run bench:worst`, or a measured child); imported by the benchmark, it only exports.
if (require.main === module) {
    const childAt = process.argv.indexOf("--child");
    const run = childAt >= 0
        ? child(process.argv[childAt + 1], process.argv[childAt + 2], JSON.parse(process.argv[childAt + 3]))
        : main();
    run.catch((err) => {
        process.stderr.write(`${err.stack ?? err}\n`);
        process.exitCode = 1;
    });
}
