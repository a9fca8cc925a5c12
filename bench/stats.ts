/** Summary statistics of repeated measurements. Pure. */

/**
 * The q-quantile (0 ≤ q ≤ 1) of `values`, interpolating linearly between the two nearest ranks (the method
 * spreadsheets and numpy use by default), so that the median of an even count is the mean of the middle two.
 */
export function quantile(values: readonly number[], q: number): number {
    if (values.length === 0) throw new RangeError("quantile of no values");
    if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be from 0 to 1, got ${q}`);
    const sorted = [...values].sort((a, b) => a - b);
    const position = (sorted.length - 1) * q;
    const below = Math.floor(position);
    const above = Math.ceil(position);
    return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}

export function median(values: readonly number[]): number {
    return quantile(values, 0.5);
}

export interface Summary {
    runs: number;
    median: number;
    p95: number;
    min: number;
    max: number;
}

export function summarize(values: readonly number[]): Summary {
    return {
        runs: values.length,
        median: quantile(values, 0.5),
        p95: quantile(values, 0.95),
        min: Math.min(...values),
        max: Math.max(...values),
    };
}
