/**
 * From a delivery's timestamps and the proxy's timeline to what the report shows: when it counted as stored,
 * records per second, the critical path, the requests it made. Pure.
 */
import { criticalPath, peakConcurrency } from "../latency/criticalPath";
import type { TimelineEntry } from "../latency/proxy";
import { Summary, median, summarize } from "../stats";

/** One delivery, as the process that sent it saw it (wall-clock milliseconds, see clock.ts). */
export interface DeliveryTimes {
    start: number;
    answeredAt: number;
    /** When the read-back found every element, or gave up: every request of the delivery was sent before it. */
    checkedAt: number;
    status: number;
    elements: number;
    /** Elements found in both stores. */
    stored: number;
    complete: boolean;
    /** CPU time of the pipeline's process from sending the delivery to its answer (all threads). */
    cpuMs: number;
    /** The same until the pipeline's own work has ended (an asynchronous loader's too). */
    settledCpuMs?: number;
}

export interface DeliveryAnalysis {
    /** From sending the delivery to the later of its answer and the end of its last write. */
    storedMs: number;
    /**
     * `storedMs` less the emulators' excess over the model on the critical path: the estimate of the time under
     * the model alone, which the targets are checked against. Never less than the pipeline's CPU time: its
     * functions run on one event loop each, here in one process, and the work they did while a slow emulator kept
     * them waiting would still have to be done between faster answers.
     */
    atModelMs: number;
    /** Whether the pipeline's CPU time, not the critical path, decided `atModelMs`. */
    cpuBound: boolean;
    atModelRecordsPerSecond: number;
    answerMs: number;
    recordsPerSecond: number;
    requests: number;
    requestsByOperation: Record<string, number>;
    peakConcurrency: number;
    roundTrips: number;
    criticalPathByOperation: Record<string, number>;
    /** Of storedMs: time in requests on the critical path, and the client's own time between them. */
    inRequestsMs: number;
    outsideRequestsMs: number;
    /** Of storedMs: how much the emulators' slowness beyond the model added on the critical path. */
    excessOverModelMs: number;
    /** Requests whose emulator took longer than the latency drawn for them. */
    overModel: number;
    /** Requests of operations the model does not know (they got no added latency). */
    unmodelled: Record<string, number>;
}

export function analyzeDelivery(times: DeliveryTimes, timeline: readonly TimelineEntry[]): DeliveryAnalysis {
    const requests = timeline.filter((entry) => entry.start >= times.start && entry.end <= times.checkedAt);
    const lastWrite = requests.reduce((last, entry) => (entry.kind === "write" ? Math.max(last, entry.end) : last), -Infinity);
    const storedAt = Math.max(times.answeredAt, lastWrite);
    const path = criticalPath(requests, times.start, storedAt);
    const storedMs = storedAt - times.start;

    const count = (entries: readonly TimelineEntry[]) => {
        const counts: Record<string, number> = {};
        for (const entry of entries) counts[entry.operation] = (counts[entry.operation] ?? 0) + 1;
        return counts;
    };
    const cpuMs = times.settledCpuMs ?? times.cpuMs;
    const atModelMs = Math.max(storedMs - path.excessOverModelMs, cpuMs);
    return {
        storedMs,
        atModelMs,
        cpuBound: cpuMs > storedMs - path.excessOverModelMs,
        atModelRecordsPerSecond: times.stored / (atModelMs / 1000),
        answerMs: times.answeredAt - times.start,
        recordsPerSecond: times.stored / (storedMs / 1000),
        requests: requests.length,
        requestsByOperation: count(requests),
        peakConcurrency: peakConcurrency(requests),
        roundTrips: path.roundTrips,
        criticalPathByOperation: Object.fromEntries(Object.entries(path.byOperation).map(([operation, share]) => [operation, share.count])),
        inRequestsMs: path.inRequestsMs,
        outsideRequestsMs: path.outsideRequestsMs,
        excessOverModelMs: path.excessOverModelMs,
        overModel: requests.filter((entry) => entry.modelMs !== undefined && entry.end - entry.start > entry.modelMs + 1).length,
        unmodelled: count(requests.filter((entry) => entry.modelMs === undefined)),
    };
}

export interface CellSummary {
    runs: number;
    elements: number;
    /** Runs in which every element was stored. */
    completeRuns: number;
    stored: Summary;
    storedMs: Summary;
    atModelMs: Summary;
    /** Runs whose figure at the model is their CPU time (absent from results of earlier versions). */
    cpuBoundRuns?: number;
    atModelRecordsPerSecond: Summary;
    answerMs: Summary;
    cpuMs: Summary;
    /** Absent from results of earlier versions. */
    settledCpuMs?: Summary;
    recordsPerSecond: Summary;
    roundTrips: Summary;
    requests: Summary;
    peakConcurrency: Summary;
    inRequestsMs: Summary;
    outsideRequestsMs: Summary;
    excessOverModelMs: Summary;
    /** Median count per operation, of all requests and of those on the critical path. */
    requestsByOperation: Record<string, number>;
    criticalPathByOperation: Record<string, number>;
    overModelShare: number;
    unmodelled: Record<string, number>;
}

export function summarizeCell(times: readonly DeliveryTimes[], analyses: readonly DeliveryAnalysis[]): CellSummary {
    const of = (pick: (analysis: DeliveryAnalysis) => number) => summarize(analyses.map(pick));
    const medianCounts = (pick: (analysis: DeliveryAnalysis) => Record<string, number>) => {
        const operations = [...new Set(analyses.flatMap((analysis) => Object.keys(pick(analysis))))].sort();
        return Object.fromEntries(operations.map((operation) => [operation, median(analyses.map((analysis) => pick(analysis)[operation] ?? 0))]));
    };
    const totalRequests = analyses.reduce((sum, analysis) => sum + analysis.requests, 0);
    return {
        runs: times.length,
        elements: times[0].elements,
        completeRuns: times.filter((run) => run.complete).length,
        stored: summarize(times.map((run) => run.stored)),
        storedMs: of((a) => a.storedMs),
        atModelMs: of((a) => a.atModelMs),
        cpuBoundRuns: analyses.filter((a) => a.cpuBound).length,
        atModelRecordsPerSecond: of((a) => a.atModelRecordsPerSecond),
        cpuMs: summarize(times.map((run) => run.cpuMs)),
        settledCpuMs: summarize(times.map((run) => run.settledCpuMs ?? run.cpuMs)),
        answerMs: of((a) => a.answerMs),
        recordsPerSecond: of((a) => a.recordsPerSecond),
        roundTrips: of((a) => a.roundTrips),
        requests: of((a) => a.requests),
        peakConcurrency: of((a) => a.peakConcurrency),
        inRequestsMs: of((a) => a.inRequestsMs),
        outsideRequestsMs: of((a) => a.outsideRequestsMs),
        excessOverModelMs: of((a) => a.excessOverModelMs),
        requestsByOperation: medianCounts((a) => a.requestsByOperation),
        criticalPathByOperation: medianCounts((a) => a.criticalPathByOperation),
        overModelShare: totalRequests === 0 ? 0 : analyses.reduce((sum, a) => sum + a.overModel, 0) / totalRequests,
        unmodelled: medianCounts((a) => a.unmodelled),
    };
}
