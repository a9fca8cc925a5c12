/**
 * The benchmark's stand-in for AWS: the project's emulators (local/emulators.ts, with the stack's bucket and
 * table) and the original design's bucket and table beside them, in a process of their own, and in this process
 * a latency proxy in front of each emulator.
 */
import { fork } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LARGE_OBJECT_BYTES } from "../latency/awsLatency";
import { LatencySampler, NO_LATENCY } from "../latency/model";
import { LatencyProxy, TimelineEntry, startLatencyProxy } from "../latency/proxy";
import type { Endpoints, StoreNames } from "../pipelines/pipeline";
import type { EmulatorMessage, EmulatorRequest } from "./emulatorProcess";

export interface Cloud {
    direct: Endpoints;
    proxied: Endpoints;
    store: StoreNames;
    baselineStore: StoreNames;
    /** Every request through the proxies so far. */
    timeline(): TimelineEntry[];
    setSampler(sampler: LatencySampler): void;
    stop(): Promise<void>;
}

const STORE: StoreNames = { bucketName: "healthscore-bench", tableName: "healthscore-bench" };
const BASELINE_STORE: StoreNames = { bucketName: "original-bench", tableName: "original-bench" };

/** Emulator data on a memory-backed file system when there is one: the disk is not what is measured. */
function dataRoot(): string {
    return fs.existsSync("/dev/shm") ? "/dev/shm" : os.tmpdir();
}

export async function startCloud(): Promise<Cloud> {
    const child = fork(path.join(__dirname, "emulatorProcess.ts"), [], {
        execArgv: ["-r", "ts-node/register/transpile-only"],
        stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    const request: EmulatorRequest = { dataDir: fs.mkdtempSync(path.join(dataRoot(), "healthscore-bench-")), store: STORE, baselineStore: BASELINE_STORE };
    const direct = await new Promise<Endpoints>((resolve, reject) => {
        child.once("message", (message: EmulatorMessage) => (message.type === "ready" ? resolve(message.endpoints) : reject(new Error(message.message))));
        child.once("exit", (code) => reject(new Error(`the emulators exited (code ${code}) before they were ready`)));
        child.send(request);
    });
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

    const proxies: LatencyProxy[] = [
        await startLatencyProxy({ service: "s3", upstream: direct.s3, sampler: NO_LATENCY, largeObjectBytes: LARGE_OBJECT_BYTES }),
        await startLatencyProxy({ service: "dynamodb", upstream: direct.dynamodb, sampler: NO_LATENCY, largeObjectBytes: LARGE_OBJECT_BYTES }),
    ];
    return {
        direct,
        proxied: { s3: proxies[0].url, dynamodb: proxies[1].url },
        store: STORE,
        baselineStore: BASELINE_STORE,
        timeline: () => proxies.flatMap((proxy) => proxy.timeline),
        setSampler(sampler) {
            for (const proxy of proxies) proxy.setSampler(sampler);
        },
        async stop() {
            for (const proxy of proxies) await proxy.close();
            child.send("stop");
            await exited;
        },
    };
}
