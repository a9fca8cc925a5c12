/**
 * CPU only, in a fresh process: parse + validate + transform (`interpretDelivery` from the request's bytes, with the
 * schema `createAlertStruct` builds: strict UTF-8, the one-pass text scan, JSON.parse, validation, records) of real-shape deliveries, against `JSON.parse` of the same bytes, and then a
 * CPU profile of the largest.
 */
import * as fs from "fs";
import { performance } from "perf_hooks";
import { createAlertStruct } from "../../handlers/alert";
import { interpretDelivery, recordIdOf } from "../../handlers/records";
import { generateDelivery, seededRandom } from "../../local/generate";
import { serveChild } from "../child";
import { Summary, summarize } from "../stats";
import { startProfiler } from "./profiler";

export interface CpuTask {
    sizes: number[];
    /** Time to spend measuring each size (alternating the reference and the pipeline). */
    budgetMs: number;
    /** How long to profile the largest size, and where to write the profile. */
    profileMs: number;
    profilePath: string;
}

export interface CpuSize {
    subaccounts: number;
    elements: number;
    bodyBytes: number;
    iterations: number;
    /** Per delivery, in ms. */
    jsonParseMs: Summary;
    totalMs: Summary;
    /** Median of parse + validate + transform over median of JSON.parse. */
    ratio: number;
    /** `recordIdOf` alone, per 1,000 elements. */
    recordIdsPer1000Ms: number;
}

export interface CpuResult {
    sizes: CpuSize[];
    profilePath: string;
    profiledDeliveries: number;
}

const context = { deliveryId: "00000000-0000-5000-8000-000000000000", receivedAt: new Date("2026-11-27T09:00:05.000Z") };
const TRIGGERED_AT = new Date("2026-11-27T09:00:00.000Z");

function bodyOf(subaccounts: number): Buffer {
    return Buffer.from(JSON.stringify(generateDelivery({ subaccounts, triggeredAt: TRIGGERED_AT, random: seededRandom(subaccounts) })));
}

function time(work: () => unknown): number {
    const start = performance.now();
    work();
    return performance.now() - start;
}

async function run(task: CpuTask, progress: (text: string) => void): Promise<CpuResult> {
    const struct = createAlertStruct();
    const pipeline = (body: Buffer) => interpretDelivery(body, struct, context);
    const sizes: CpuSize[] = [];
    for (const subaccounts of task.sizes) {
        const body = bodyOf(subaccounts);
        const check = pipeline(body);
        if (check.kind !== "alerts" || check.records.length !== subaccounts + 1) throw new Error(`unexpected interpretation of ${subaccounts} subaccounts`);
        // Warm-up, so that the JIT has compiled the hot functions: 20 deliveries, or a third of the budget.
        const warmUntil = performance.now() + task.budgetMs / 3;
        for (let i = 0; i < 20 && (i < 3 || performance.now() < warmUntil); i++) pipeline(body);

        const jsonParse: number[] = [];
        const total: number[] = [];
        const until = performance.now() + task.budgetMs;
        while (performance.now() < until || jsonParse.length < 5) {
            jsonParse.push(time(() => JSON.parse(body.toString("utf8"))));
            total.push(time(() => pipeline(body)));
        }
        const alerts = JSON.parse(body.toString("utf8"));
        // recordIdOf alone is called nowhere in the pipeline: warm it up as the pipeline was, then time enough
        // passes (at least 9, and at least 100 ms of them) that a collection in one of them does not decide.
        for (let i = 0; i < 3; i++) alerts.forEach(recordIdOf);
        const ids: number[] = [];
        const idsUntil = performance.now() + 100;
        while (ids.length < 9 || performance.now() < idsUntil) ids.push(time(() => alerts.forEach(recordIdOf)));
        const size: CpuSize = {
            subaccounts,
            elements: subaccounts + 1,
            bodyBytes: body.byteLength,
            iterations: total.length,
            jsonParseMs: summarize(jsonParse),
            totalMs: summarize(total),
            ratio: summarize(total).median / summarize(jsonParse).median,
            recordIdsPer1000Ms: (summarize(ids).median / alerts.length) * 1000,
        };
        sizes.push(size);
        progress(`${subaccounts} subaccounts: ${size.totalMs.median.toFixed(2)} ms, ${size.ratio.toFixed(1)}× JSON.parse`);
    }

    const largest = bodyOf(Math.max(...task.sizes));
    const stop = await startProfiler();
    let profiledDeliveries = 0;
    const until = performance.now() + task.profileMs;
    while (performance.now() < until) {
        pipeline(largest);
        profiledDeliveries += 1;
    }
    fs.writeFileSync(task.profilePath, JSON.stringify(await stop()));
    return { sizes, profilePath: task.profilePath, profiledDeliveries };
}

serveChild(run);
