/** Progress lines on stderr, each with the time since the benchmark began, so that stdout keeps only the results. */
import { performance } from "perf_hooks";

export type Progress = (text: string) => void;

export function createProgress(write: (line: string) => void = (line) => process.stderr.write(line)): (scope: string) => Progress {
    const began = performance.now();
    return (scope) => (text) => write(`[${((performance.now() - began) / 1000).toFixed(1).padStart(6)} s] ${scope}: ${text}\n`);
}
