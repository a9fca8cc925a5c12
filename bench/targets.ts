/**
 * Issue 12's targets: what each one measures, its limit, and its verdict on a run's results. They are targets
 * for the code; the benchmark reports them, and fails on a miss only with `--check`.
 */
import type { ArchiveResult } from "./archive/suite";
import type { CpuSuiteResult } from "./cpu/suite";
import type { BaselineResult, ModelResult } from "./e2e/suites";
import { bytes, ms, ratio } from "./format";

export type Verdict = "PASS" | "MISS" | "NOT MEASURED";

export interface TargetResult {
    id: string;
    description: string;
    limit: string;
    measured?: number;
    shown: string;
    verdict: Verdict;
}

interface Target {
    id: string;
    description: string;
    limit: string;
    /** The measured value, or undefined when its suite did not run. */
    measure(results: Record<string, unknown>): number | undefined;
    passes(value: number): boolean;
    show(value: number): string;
}

const largest = <T extends { subaccounts: number }>(sizes: readonly T[]) => sizes.find((size) => size.subaccounts === 4_500);

export const TARGETS: readonly Target[] = [
    {
        id: "speedup-1000",
        description: "records per second at 1,000 subaccounts, over the original approach's (both under the latency model)",
        limit: "≥ 50×",
        measure: (r) => (r.baseline as BaselineResult | undefined)?.comparison.find((row) => row.subaccounts === 1_000)?.ratio,
        passes: (v) => v >= 50,
        show: ratio,
    },
    {
        id: "stored-4500",
        description: "a 4,500-subaccount delivery fully stored (median, under the latency model)",
        limit: "< 1.5 s",
        measure: (r) => largest((r.model as ModelResult | undefined)?.sizes ?? [])?.atModelMs.median,
        passes: (v) => v < 1_500,
        show: ms,
    },
    {
        id: "cpu-ratio",
        description: "parse + validate + transform of the 1 MB delivery (4,500 subaccounts), over JSON.parse of it",
        limit: "≤ 10×",
        measure: (r) => largest((r.cpu as CpuSuiteResult | undefined)?.sizes ?? [])?.ratio,
        passes: (v) => v <= 10,
        show: ratio,
    },
    {
        id: "archive-size",
        description: "each function's Lambda archive as Pulumi ships it, unzipped (the larger of the receiver's and the loader's)",
        limit: "≤ 250 KB",
        measure: (r) => {
            const archive = r.archive as ArchiveResult | undefined;
            return archive && Math.max(archive.shipped.unzippedBytes, archive.loader?.unzippedBytes ?? 0);
        },
        passes: (v) => v <= 250 * 1024,
        show: bytes,
    },
    {
        id: "cold-init",
        description: "the receiver's cold initialisation: load __index.js and build the handler in a fresh process (median)",
        limit: "≤ 50 ms",
        measure: (r) => (r.archive as ArchiveResult | undefined)?.shipped.coldInit.initMs.median,
        passes: (v) => v <= 50,
        show: ms,
    },
    {
        id: "memory-1mb",
        description: "peak memory a 1 MB delivery (4,500 subaccounts) adds to the process that receives and loads it (worst run)",
        limit: "≤ 64 MB",
        measure: (r) => largest((r.model as ModelResult | undefined)?.sizes ?? [])?.addedMemoryBytes.max,
        passes: (v) => v <= 64 * 1024 * 1024,
        show: bytes,
    },
];

export function evaluateTargets(results: Record<string, unknown>): TargetResult[] {
    return TARGETS.map((target) => {
        const measured = target.measure(results);
        if (measured === undefined || !Number.isFinite(measured)) {
            return { id: target.id, description: target.description, limit: target.limit, shown: "–", verdict: "NOT MEASURED" };
        }
        return {
            id: target.id,
            description: target.description,
            limit: target.limit,
            measured,
            shown: target.show(measured),
            verdict: target.passes(measured) ? "PASS" : "MISS",
        };
    });
}
