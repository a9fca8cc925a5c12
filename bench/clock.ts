/**
 * Wall-clock time in milliseconds with sub-millisecond resolution, comparable across the benchmark's processes on
 * one machine (each process's monotonic clock, anchored at its start to the system clock).
 */
import { performance } from "perf_hooks";

export function wallClockMs(): number {
    return performance.timeOrigin + performance.now();
}
