/**
 * The critical path of a delivery through the proxy's request timeline. Pure.
 *
 * Definition: walk back from the last request that ended by the time the delivery counts as stored; each step
 * goes to the request whose response arrived last before the current one was sent (the response that, as far
 * as the timeline can tell, released it: the previous request of the same sequence, or a slot freed in a
 * concurrency pool). The chain stops when no request ended before the current one began. Every request on the
 * chain started after the previous one ended, so its length is a number of round trips that had to happen one
 * after another. The time between the links (and before the first, after the last) is the client's own work:
 * parsing, validating, marshalling, waiting for its event loop.
 */

export interface Span {
    operation: string;
    start: number;
    end: number;
    /** The latency the model drew for this request, if any. */
    modelMs?: number;
}

export interface OperationShare {
    count: number;
    ms: number;
}

export interface CriticalPath<S extends Span = Span> {
    /** The chain, first request first. */
    spans: S[];
    roundTrips: number;
    totalMs: number;
    /** Time inside requests on the chain. */
    inRequestsMs: number;
    /** Time on the chain outside any request: the client's CPU and event-loop time. */
    outsideRequestsMs: number;
    /**
     * Time on the chain by which requests took longer than the model drew (the emulator was slower than AWS is
     * modelled to be). Subtracting it estimates the critical path at the model's latency.
     */
    excessOverModelMs: number;
    byOperation: Record<string, OperationShare>;
}

/**
 * The critical path of the requests in the window from `start` to `end` (the delivery's send time and the time
 * it counts as stored). Requests outside the window are ignored.
 */
export function criticalPath<S extends Span>(spans: readonly S[], start: number, end: number): CriticalPath<S> {
    const inWindow = spans.filter((span) => span.start >= start && span.end <= end).sort((a, b) => a.end - b.end || a.start - b.start);
    const chain: S[] = [];
    // Each step moves to an earlier index, so the walk ends even on zero-length requests.
    for (let index = inWindow.length - 1; index >= 0;) {
        const current = inWindow[index];
        chain.push(current);
        // The latest response that arrived no later than the current request was sent.
        index = lastIndexEndingBy(inWindow, current.start, index - 1);
    }
    chain.reverse();

    const byOperation: Record<string, OperationShare> = {};
    let inRequestsMs = 0;
    let excessOverModelMs = 0;
    for (const span of chain) {
        const ms = span.end - span.start;
        inRequestsMs += ms;
        if (span.modelMs !== undefined) excessOverModelMs += Math.max(0, ms - span.modelMs);
        const share = (byOperation[span.operation] ??= { count: 0, ms: 0 });
        share.count += 1;
        share.ms += ms;
    }
    const totalMs = end - start;
    return { spans: chain, roundTrips: chain.length, totalMs, inRequestsMs, outsideRequestsMs: totalMs - inRequestsMs, excessOverModelMs, byOperation };
}

/** Index of the last span (sorted by end, up to index `last`) whose end is at most `time`, or -1. */
function lastIndexEndingBy(sortedByEnd: readonly Span[], time: number, last: number): number {
    let low = 0;
    let high = last;
    let found = -1;
    while (low <= high) {
        const middle = (low + high) >> 1;
        if (sortedByEnd[middle].end <= time) {
            found = middle;
            low = middle + 1;
        } else {
            high = middle - 1;
        }
    }
    return found;
}

/** The most requests in flight at once. */
export function peakConcurrency(spans: readonly Span[]): number {
    const events = spans.flatMap((span) => [[span.start, 1], [span.end, -1]] as const)
        // At equal times, ends before starts: a request that starts as another ends does not overlap it.
        .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let current = 0;
    let peak = 0;
    for (const [, change] of events) {
        current += change;
        peak = Math.max(peak, current);
    }
    return peak;
}
