/**
 * A latency model: for each AWS operation, the latency a client in the same Region sees, as a log-normal
 * distribution fitted to a published median (p50) and 99th percentile (p99). Pure: randomness is passed in.
 *
 * Log-normal because service latencies are positive and right-skewed, and two quantiles determine it exactly:
 * ln(latency) is normal with mean ln(p50) and standard deviation (ln(p99) − ln(p50)) / z₀.₉₉.
 */

export interface OperationLatency {
    /** Median latency, in milliseconds. */
    p50Ms: number;
    /** 99th percentile, in milliseconds. */
    p99Ms: number;
    /** Where the figures come from: a document or a published measurement, with its address. */
    source: string;
}

/** Operation name (`dynamodb:PutItem`, `s3:GetObject`, ...) -> its latency. */
export type LatencyModel = Readonly<Record<string, OperationLatency>>;

/** The standard normal's 0.99 quantile. */
export const Z_99 = 2.326347874040841;

/** No draw exceeds this many times the operation's p99: a stand-in for the client's timeout and retry. */
export const TAIL_CAP_FACTOR = 5;

export interface LogNormal {
    mu: number;
    sigma: number;
}

export function logNormalFrom(latency: Pick<OperationLatency, "p50Ms" | "p99Ms">): LogNormal {
    const { p50Ms, p99Ms } = latency;
    if (!(p50Ms > 0) || !(p99Ms >= p50Ms)) {
        throw new RangeError(`a latency needs 0 < p50 ≤ p99, got p50 ${p50Ms} ms and p99 ${p99Ms} ms`);
    }
    return { mu: Math.log(p50Ms), sigma: (Math.log(p99Ms) - Math.log(p50Ms)) / Z_99 };
}

/** A standard normal draw from two uniform ones (Box–Muller). */
export function standardNormal(random: () => number): number {
    // 1 - u is in (0, 1], so the logarithm is finite.
    const u1 = 1 - random();
    const u2 = random();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** What a model says about one request: its drawn latency, or that the operation is not in the model. */
export type Draw = { modelled: true; ms: number } | { modelled: false; ms: 0 };

export type LatencySampler = (operation: string) => Draw;

/** Draws latencies for operations of `model`; an operation outside it draws 0 ms and is reported as unmodelled. */
export function createSampler(model: LatencyModel, random: () => number): LatencySampler {
    const fitted = new Map(Object.entries(model).map(([operation, latency]) => [operation, { ...logNormalFrom(latency), cap: latency.p99Ms * TAIL_CAP_FACTOR }]));
    return (operation) => {
        const distribution = fitted.get(operation);
        if (!distribution) return { modelled: false, ms: 0 };
        const ms = Math.exp(distribution.mu + distribution.sigma * standardNormal(random));
        return { modelled: true, ms: Math.min(ms, distribution.cap) };
    };
}

/** The model that adds nothing: the bare emulators. */
export const NO_LATENCY: LatencySampler = () => ({ modelled: true, ms: 0 });
