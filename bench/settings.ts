/** How much each suite measures, in a full run and with `--quick` (under a minute on the 2-core machine). */

/** Delivery sizes, in subaccounts (each delivery has one more element, for the account overall). */
export const SIZES = [10, 100, 1_000, 4_500] as const;

export interface Settings {
    quick: boolean;
    /** Deliveries per size through the latency model (a size without runs is skipped). */
    modelRuns: Record<number, number>;
    /** Profile one more delivery of the largest size through the model (it takes as long as a run). */
    profileEndToEnd: boolean;
    baselineSizes: number[];
    baselineRuns: number;
    /**
     * How long a baseline delivery may run: the original's 10 s Lambda timeout in a full run. A shorter budget
     * (--quick) measures the same steady per-element rate sooner; what the timeout would cut is then extrapolated.
     */
    baselineBudgetMs: number;
    emulatorSizes: number[];
    emulatorRuns: number;
    /** Time spent timing each size of the CPU suite, and profiling the largest. */
    cpuBudgetMs: number;
    cpuProfileMs: number;
    coldInitRuns: number;
    /** Compress the naive archive (hundreds of MB) to give its zipped size too. */
    zipNaiveArchive: boolean;
}

export function settingsFor(quick: boolean): Settings {
    return quick
        ? {
            quick,
            modelRuns: { 10: 1, 100: 0, 1_000: 1, 4_500: 1 },
            profileEndToEnd: false,
            // Its per-element rate does not depend on the size: one small and one large delivery show it.
            baselineSizes: [10, 1_000],
            baselineRuns: 1,
            baselineBudgetMs: 1_500,
            emulatorSizes: [100],
            emulatorRuns: 1,
            cpuBudgetMs: 200,
            cpuProfileMs: 500,
            coldInitRuns: 3,
            zipNaiveArchive: false,
        }
        : {
            quick,
            modelRuns: { 10: 9, 100: 9, 1_000: 7, 4_500: 5 },
            profileEndToEnd: true,
            baselineSizes: [...SIZES],
            baselineRuns: 3,
            baselineBudgetMs: 10_000,
            emulatorSizes: [...SIZES],
            emulatorRuns: 3,
            cpuBudgetMs: 2_000,
            cpuProfileMs: 3_000,
            coldInitRuns: 15,
            zipNaiveArchive: true,
        };
}
