/**
 * One pipeline, one delivery size, in a process of its own (as a Lambda function would have): builds the
 * pipeline with clients pointed at the latency proxy, warms it up on a small delivery, then times each delivery
 * from the moment it is sent to its answer and reads it back until every element is stored. Memory is measured
 * per delivery; on request, one more delivery is CPU-profiled (not counted in the timings).
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

import * as fs from "fs";
import * as http from "http";
import { generateDelivery, seededRandom } from "../../local/generate";
import { serveChild } from "../child";
import type { DeliveryTimes } from "./analysis";
import { wallClockMs } from "../clock";
import { EVENT_PATH_PREFIX } from "../latency/classify";
import { startPeakMeasurement } from "../memory";
import { startProfiler } from "../cpu/profiler";
import { clientsFor, destroyClients } from "../pipelines/clients";
import { pipelineById } from "../pipelines";
import type { Delivery, Endpoints, MeasuredPipeline, PipelineContext, ReadBack, StoreNames } from "../pipelines/pipeline";

export interface SizeTask {
    subaccounts: number;
    runs: number;
    /** Run i is triggered on the day i after this one: each delivery is new, and newer than any before it. */
    firstDay: string;
    seed: number;
    /** Where to write the CPU profile of one more delivery of this size (not counted in the timings). */
    profilePath?: string;
}

export interface WorkerTask {
    pipeline: string;
    proxied: Endpoints;
    direct: Endpoints;
    store: StoreNames;
    baselineStore: StoreNames;
    /** Smallest first: they run in this order, after one warm-up delivery. */
    sizes: SizeTask[];
    /** The warm-up delivery's day: before every size's first day. */
    warmUpDay: string;
    timeoutMs?: number;
}

export interface RunRecord extends DeliveryTimes {
    memory: { addedBytes: number; peakRssBytes: number; isolated: boolean };
}

export interface SizeResult {
    subaccounts: number;
    bodyBytes: number;
    runs: RunRecord[];
}

export type WorkerResult = SizeResult[];

const DAY_MS = 86_400_000;

function makeDelivery(subaccounts: number, day: Date, seed: number): Delivery {
    const triggeredAt = new Date(day.getTime() + 9 * 3_600_000);
    const body = Buffer.from(JSON.stringify(generateDelivery({ subaccounts, triggeredAt, random: seededRandom(seed) })));
    return { body, elements: subaccounts + 1, subaccounts, triggeredAt };
}

function eventSender(proxyUrl: string): (operation: string) => Promise<void> {
    const agent = new http.Agent({ keepAlive: true });
    return (operation) => new Promise((resolve, reject) => {
        const request = http.request(`${proxyUrl}${EVENT_PATH_PREFIX}${encodeURIComponent(operation)}`, { method: "POST", agent }, (response) => {
            response.resume();
            response.on("end", () => resolve());
        });
        request.on("error", reject);
        request.end();
    });
}

const isComplete = (found: ReadBack, elements: number) => found.inTable >= elements && found.inLake >= elements;

async function deliverAndCheck(pipeline: MeasuredPipeline, delivery: Delivery, settleMs: number, onSettled?: () => Promise<void>): Promise<RunRecord> {
    const measure = startPeakMeasurement();
    const cpuBefore = process.cpuUsage();
    const start = wallClockMs();
    const answer = await pipeline.deliver(delivery);
    const answeredAt = wallClockMs();
    const cpu = process.cpuUsage(cpuBefore);
    // After the pipeline's own work (an asynchronous loader's too), before the read-back, whose allocations are not
    // the pipeline's. Waiting here moves no clock: a delivery counts as stored when its last write ended.
    await pipeline.settled?.();
    const settledCpu = process.cpuUsage(cpuBefore);
    await onSettled?.();
    const memory = measure();
    const giveUpAt = answeredAt + settleMs;
    let found = await pipeline.readBack(delivery, answer);
    while (!isComplete(found, delivery.elements) && wallClockMs() < giveUpAt) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        found = await pipeline.readBack(delivery, answer);
    }
    return {
        start,
        answeredAt,
        checkedAt: wallClockMs(),
        status: answer.status,
        elements: delivery.elements,
        stored: Math.min(found.inTable, found.inLake),
        complete: isComplete(found, delivery.elements),
        cpuMs: (cpu.user + cpu.system) / 1000,
        settledCpuMs: (settledCpu.user + settledCpu.system) / 1000,
        memory: { addedBytes: memory.addedBytes, peakRssBytes: memory.peakRssBytes, isolated: memory.isolated },
    };
}

async function run(task: WorkerTask, progress: (text: string) => void): Promise<WorkerResult> {
    const proxied = clientsFor(task.proxied);
    const direct = clientsFor(task.direct);
    const context: PipelineContext = {
        proxied,
        proxiedEndpoints: task.proxied,
        direct,
        store: task.store,
        baselineStore: task.baselineStore,
        event: eventSender(task.proxied.s3),
        timeoutMs: task.timeoutMs,
    };
    const definition = pipelineById(task.pipeline);
    const pipeline = await definition.create(context);
    try {
        await deliverAndCheck(pipeline, makeDelivery(10, new Date(task.warmUpDay), 0), definition.settleMs);
        const results: SizeResult[] = [];
        for (const size of task.sizes) {
            // Bodies are made before anything is measured; each is a new delivery (another day, other scores).
            const firstDay = new Date(size.firstDay);
            const deliveries = Array.from({ length: size.runs + (size.profilePath ? 1 : 0) }, (_, i) =>
                makeDelivery(size.subaccounts, new Date(firstDay.getTime() + i * DAY_MS), size.seed + i));
            const runs: RunRecord[] = [];
            for (let i = 0; i < size.runs; i++) {
                const record = await deliverAndCheck(pipeline, deliveries[i], definition.settleMs);
                runs.push(record);
                progress(`${size.subaccounts} subaccounts, run ${i + 1}/${size.runs}: answered ${record.status} after ${(record.answeredAt - record.start).toFixed(0)} ms, ${record.stored}/${record.elements} stored`);
            }
            if (size.profilePath) {
                // Until the pipeline's own work has ended (the loader's too), before the read-back.
                const stop = await startProfiler();
                const profilePath = size.profilePath;
                await deliverAndCheck(pipeline, deliveries[size.runs], definition.settleMs, async () => fs.writeFileSync(profilePath, JSON.stringify(await stop())));
            }
            results.push({ subaccounts: size.subaccounts, bodyBytes: deliveries[0].body.byteLength, runs });
        }
        return results;
    } finally {
        await pipeline.close();
        destroyClients(proxied);
        destroyClients(direct);
    }
}

serveChild(run);
