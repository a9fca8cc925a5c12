/**
 * Runs a pipeline against the benchmark's cloud under a latency model, for each delivery size, and turns the
 * runs and the proxy's timeline into per-size summaries.
 */
import * as path from "path";
import { runChild } from "../child";
import { LatencySampler } from "../latency/model";
import type { TimelineEntry } from "../latency/proxy";
import { Summary, median, summarize } from "../stats";
import { CellSummary, analyzeDelivery, summarizeCell } from "./analysis";
import type { Cloud } from "./cloud";
import type { SizeTask, WorkerResult, WorkerTask } from "./worker";

const WORKER = path.join(__dirname, "worker.ts");
const DAY_MS = 86_400_000;
/** Deliveries are triggered on consecutive days from here, so that each is newer than every one before. */
const FIRST_DAY = Date.UTC(2026, 0, 1);

let daysUsed = 0;
function nextDays(count: number): Date {
    const first = new Date(FIRST_DAY + daysUsed * DAY_MS);
    daysUsed += count;
    return first;
}

export interface SizePlan {
    subaccounts: number;
    runs: number;
    profilePath?: string;
}

export interface MeasureOptions {
    cloud: Cloud;
    pipeline: string;
    sampler: LatencySampler;
    sizes: SizePlan[];
    timeoutMs?: number;
    progress: (text: string) => void;
}

/** How the emulators' own time compared with the latency the model drew, per operation. */
export interface ServiceTime {
    requests: number;
    /** Median time the emulator took to answer. */
    serviceMedianMs: number;
    /** Median latency drawn by the model (0 without a model). */
    modelMedianMs: number;
    /** Share of requests the emulator answered later than the model's draw. */
    overModelShare: number;
}

export interface SizeMeasurement extends CellSummary {
    subaccounts: number;
    bodyBytes: number;
    /** Peak resident memory each delivery added to its process. */
    addedMemoryBytes: Summary;
    memoryIsolated: boolean;
    /** The profile of one more delivery, if one was asked for. */
    profilePath?: string;
    serviceTimes: Record<string, ServiceTime>;
}

function serviceTimes(entries: readonly TimelineEntry[]): Record<string, ServiceTime> {
    const byOperation = new Map<string, TimelineEntry[]>();
    for (const entry of entries) {
        const list = byOperation.get(entry.operation) ?? [];
        list.push(entry);
        byOperation.set(entry.operation, list);
    }
    return Object.fromEntries([...byOperation.entries()].sort().map(([operation, list]) => [operation, {
        requests: list.length,
        serviceMedianMs: median(list.map((entry) => entry.serviceMs)),
        modelMedianMs: median(list.map((entry) => entry.modelMs ?? 0)),
        overModelShare: list.filter((entry) => entry.serviceMs > (entry.modelMs ?? 0)).length / list.length,
    }]));
}

export async function measurePipeline(options: MeasureOptions): Promise<SizeMeasurement[]> {
    const { cloud } = options;
    cloud.setSampler(options.sampler);
    const warmUpDay = nextDays(1).toISOString();
    const sizes: SizeTask[] = options.sizes.map((size, index) => ({
        subaccounts: size.subaccounts,
        runs: size.runs,
        firstDay: nextDays(size.runs + 1).toISOString(),
        seed: 1_000 * (index + 1),
        profilePath: size.profilePath,
    }));
    const task: WorkerTask = {
        pipeline: options.pipeline,
        proxied: cloud.proxied,
        direct: cloud.direct,
        store: cloud.store,
        baselineStore: cloud.baselineStore,
        warmUpDay,
        sizes,
        timeoutMs: options.timeoutMs,
    };
    const results = await runChild<WorkerTask, WorkerResult>(WORKER, task, { onProgress: options.progress });

    const timeline = cloud.timeline();
    return results.map((result, index) => {
        const analyses = result.runs.map((run) => analyzeDelivery(run, timeline));
        return {
            subaccounts: result.subaccounts,
            bodyBytes: result.bodyBytes,
            ...summarizeCell(result.runs, analyses),
            addedMemoryBytes: summarize(result.runs.map((run) => run.memory.addedBytes)),
            memoryIsolated: result.runs.every((run) => run.memory.isolated),
            profilePath: sizes[index].profilePath,
            serviceTimes: serviceTimes(timeline.filter((entry) => result.runs.some((run) => entry.start >= run.start && entry.end <= run.checkedAt))),
        };
    });
}
