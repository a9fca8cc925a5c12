/** What a benchmark suite is, and what it gets to run. */
import type { Cloud } from "./e2e/cloud";
import type { Progress } from "./progress";
import type { Settings } from "./settings";

export interface SuiteContext {
    settings: Settings;
    projectRoot: string;
    /** Where suites write what is not a result (CPU profiles): `.bench/`, ignored by git. */
    workDir: string;
    progress: Progress;
    /** The emulators and latency proxies, started on first use and shared by the suites. */
    cloud(): Promise<Cloud>;
    /** Results of the suites that ran before this one (a suite names the ones it needs). */
    results: Record<string, unknown>;
}

export interface Suite<R = unknown> {
    id: string;
    title: string;
    /** Suites whose results this one reads; they run first. */
    needs?: string[];
    run(context: SuiteContext): Promise<R>;
}
