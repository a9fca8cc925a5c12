/**
 * Peak memory of this process around a piece of work. On Linux the kernel's high-water mark of resident memory
 * (VmHWM) can be reset (`5` written to /proc/self/clear_refs), so the peak of one delivery is measured on its own;
 * elsewhere the process's lifetime peak stands in, which can only overstate.
 */
import * as fs from "fs";

const STATUS = "/proc/self/status";
const CLEAR_REFS = "/proc/self/clear_refs";

function canResetPeak(): boolean {
    try {
        fs.writeFileSync(CLEAR_REFS, "5");
        return /VmHWM:/.test(fs.readFileSync(STATUS, "utf8"));
    } catch {
        return false;
    }
}

const resettable = canResetPeak();

function peakRssBytes(): number {
    if (resettable) {
        const match = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(STATUS, "utf8"));
        if (match) return Number(match[1]) * 1024;
    }
    return process.resourceUsage().maxRSS * 1024;
}

export interface PeakMeasurement {
    /** Resident memory when the work began, after a full garbage collection if `--expose-gc` was given. */
    rssBeforeBytes: number;
    peakRssBytes: number;
    /** Peak minus the resident memory before: what the work added. */
    addedBytes: number;
    /** Whether the peak is this work's own (Linux), not the process's lifetime peak. */
    isolated: boolean;
}

/** Call before the work: collects garbage, resets the peak, and returns a function to call after it. */
export function startPeakMeasurement(): () => PeakMeasurement {
    (globalThis as { gc?: () => void }).gc?.();
    if (resettable) fs.writeFileSync(CLEAR_REFS, "5");
    const rssBeforeBytes = process.memoryUsage().rss;
    return () => {
        const peak = Math.max(peakRssBytes(), process.memoryUsage().rss);
        return { rssBeforeBytes, peakRssBytes: peak, addedBytes: peak - rssBeforeBytes, isolated: resettable };
    };
}
