/** Number formats shared by the console summary and BENCHMARKS.md. */

export function ms(value: number): string {
    if (!Number.isFinite(value)) return "–";
    if (value >= 10_000) return `${(value / 1000).toFixed(1)} s`;
    if (value >= 1_000) return `${(value / 1000).toFixed(2)} s`;
    if (value >= 10) return `${value.toFixed(0)} ms`;
    if (value >= 1) return `${value.toFixed(1)} ms`;
    return `${value.toFixed(3)} ms`;
}

export function count(value: number): string {
    return Math.round(value).toLocaleString("en-US");
}

export function rate(value: number): string {
    if (!Number.isFinite(value)) return "–";
    return value >= 100 ? count(value) : value.toFixed(1);
}

export function bytes(value: number): string {
    if (value >= 1024 * 1024) return `${(value / 1024 / 1024).toFixed(1)} MB`;
    if (value >= 100 * 1024) return `${count(value / 1024)} KB`;
    if (value >= 1024) return `${(value / 1024).toFixed(1)} KB`;
    return `${value} B`;
}

export function usd(value: number): string {
    if (value === 0) return "$0";
    if (value < 0.01) return "< $0.01";
    return `$${value.toFixed(2)}`;
}

/** One decimal, so that a ratio just under a limit does not print as the limit. */
export function ratio(value: number): string {
    if (!Number.isFinite(value)) return "–";
    return `${value.toFixed(1)}×`;
}

export function percent(value: number): string {
    return `${(value * 100).toFixed(0)} %`;
}
