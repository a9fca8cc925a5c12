/**
 * The end-to-end suites: this project under the AWS latency model, the original approach under the same model
 * (and the comparison of the two), and this project on the bare emulators.
 */
import * as path from "path";
import { seededRandom } from "../../local/generate";
import { ORIGINAL_TIMEOUT_MS } from "../baseline";
import { summarizeProfile, ProfileSummary } from "../cpu/profileSummary";
import { AWS_LATENCY } from "../latency/awsLatency";
import { NO_LATENCY, createSampler } from "../latency/model";
import { SIZES } from "../settings";
import type { Suite } from "../suite";
import { SizeMeasurement, measurePipeline } from "./measure";
import * as fs from "fs";

export interface ModelResult {
    pipeline: string;
    sizes: SizeMeasurement[];
    /** Where the process's CPU time went in one more delivery of the largest size (not under --quick). */
    profile?: ProfileSummary;
}

export interface Comparison {
    subaccounts: number;
    currentRecordsPerSecond: number;
    baselineRecordsPerSecond: number;
    /** This project's records per second over the original's, both at the model's latency. */
    ratio: number;
    /** How long the original needs for the whole delivery at its measured rate. */
    baselineFullMs: number;
    /** Whether that was measured (the delivery finished within the budget) or extrapolated from the rate. */
    baselineFullMeasured: boolean;
    exceedsTimeout: boolean;
    /** Elements the original loses to its 10 s timeout. */
    lostToTimeout: number;
}

export interface BaselineResult {
    pipeline: string;
    budgetMs: number;
    timeoutMs: number;
    sizes: SizeMeasurement[];
    comparison: Comparison[];
}

export interface EmulatorResult {
    pipeline: string;
    sizes: SizeMeasurement[];
}

export const modelSuite: Suite<ModelResult> = {
    id: "model",
    title: "End to end under the AWS latency model",
    async run(context) {
        const largest = Math.max(...SIZES);
        const profilePath = context.settings.profileEndToEnd ? path.join(context.workDir, "e2e-largest.cpuprofile") : undefined;
        const sizes = await measurePipeline({
            cloud: await context.cloud(),
            pipeline: "asynchronous",
            sampler: createSampler(AWS_LATENCY, seededRandom(12)),
            sizes: SIZES.filter((subaccounts) => context.settings.modelRuns[subaccounts] > 0)
                .map((subaccounts) => ({ subaccounts, runs: context.settings.modelRuns[subaccounts], profilePath: subaccounts === largest ? profilePath : undefined })),
            progress: context.progress,
        });
        const profile = profilePath ? summarizeProfile(JSON.parse(fs.readFileSync(profilePath, "utf8")), context.projectRoot) : undefined;
        return { pipeline: "asynchronous", sizes, profile };
    },
};

export const baselineSuite: Suite<BaselineResult> = {
    id: "baseline",
    title: "The original approach under the same model",
    needs: ["model"],
    async run(context) {
        const budgetMs = Math.min(context.settings.baselineBudgetMs, ORIGINAL_TIMEOUT_MS);
        const sizes = await measurePipeline({
            cloud: await context.cloud(),
            pipeline: "baseline",
            sampler: createSampler(AWS_LATENCY, seededRandom(13)),
            sizes: context.settings.baselineSizes.map((subaccounts) => ({ subaccounts, runs: context.settings.baselineRuns })),
            timeoutMs: budgetMs,
            progress: context.progress,
        });
        const model = context.results.model as ModelResult;
        return { pipeline: "baseline", budgetMs, timeoutMs: ORIGINAL_TIMEOUT_MS, sizes, comparison: compare(model.sizes, sizes) };
    },
};

export const emulatorSuite: Suite<EmulatorResult> = {
    id: "emulators",
    title: "On the bare emulators (no latency model), for reference",
    async run(context) {
        const sizes = await measurePipeline({
            cloud: await context.cloud(),
            pipeline: "asynchronous",
            sampler: NO_LATENCY,
            sizes: context.settings.emulatorSizes.map((subaccounts) => ({ subaccounts, runs: context.settings.emulatorRuns })),
            progress: context.progress,
        });
        return { pipeline: "asynchronous", sizes };
    },
};

export function compare(current: readonly SizeMeasurement[], baseline: readonly SizeMeasurement[]): Comparison[] {
    return baseline.flatMap((original) => {
        const ours = current.find((size) => size.subaccounts === original.subaccounts);
        if (!ours) return [];
        const baselineRate = original.atModelRecordsPerSecond.median;
        const measured = original.completeRuns === original.runs;
        const baselineFullMs = measured ? original.atModelMs.median : (original.elements / baselineRate) * 1000;
        const storedByTimeout = Math.min(original.elements, Math.floor((baselineRate * ORIGINAL_TIMEOUT_MS) / 1000));
        return [{
            subaccounts: original.subaccounts,
            currentRecordsPerSecond: ours.atModelRecordsPerSecond.median,
            baselineRecordsPerSecond: baselineRate,
            ratio: ours.atModelRecordsPerSecond.median / baselineRate,
            baselineFullMs,
            baselineFullMeasured: measured,
            exceedsTimeout: baselineFullMs > ORIGINAL_TIMEOUT_MS,
            lostToTimeout: baselineFullMs > ORIGINAL_TIMEOUT_MS ? original.elements - storedByTimeout : 0,
        }];
    });
}
