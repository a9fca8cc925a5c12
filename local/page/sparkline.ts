/**
 * A sparkline as inline SVG: one subaccount's daily scores over the page's window. Days sit at their place in
 * the window (a missing day leaves a gap in the spacing, not a shifted line), scores on a fixed 0 to 100 scale,
 * so that sparklines compare at a glance; dashed guides mark the band boundaries.
 */
import { HEALTH_BANDS } from "../../shared/healthBands";
import type { DailyScore } from "../../shared/pools";
import { escapeHtml } from "./html";
import { daysBetween } from "./scorePage";

export const SPARKLINE = { width: 150, height: 32, padding: 3 } as const;

export interface SparklineOptions {
    /** The window's first and last day (YYYY-MM-DD). */
    from: string;
    to: string;
    /** Says whose scores these are, for screen readers and the tooltip. */
    label: string;
    /** The colour of the last point. */
    colour: string;
}

/** The point of a day's score: x from the day's place in the window, y from the score (100 at the top). */
export function sparklinePoint(day: DailyScore, from: string, to: string): { x: number; y: number } {
    const { width, height, padding } = SPARKLINE;
    const span = Math.max(1, daysBetween(from, to));
    const x = padding + (daysBetween(from, day.dt) / span) * (width - 2 * padding);
    const y = padding + ((100 - Math.min(100, Math.max(0, day.score))) / 100) * (height - 2 * padding);
    return { x: round(x), y: round(y) };
}

export function sparklineSvg(series: readonly DailyScore[], options: SparklineOptions): string {
    const { width, height } = SPARKLINE;
    const inWindow = series.filter((day) => day.dt >= options.from && day.dt <= options.to);
    const description = inWindow.length === 0
        ? `${options.label}: no daily score from ${options.from} to ${options.to}`
        : `${options.label}: ${inWindow.length} day${inWindow.length === 1 ? "" : "s"}, ` +
          `${inWindow[0].score} on ${inWindow[0].dt} to ${inWindow[inWindow.length - 1].score} on ${inWindow[inWindow.length - 1].dt}`;
    const guides = HEALTH_BANDS.slice(0, -1).map((band) => {
        const { y } = sparklinePoint({ dt: options.from, score: band.below }, options.from, options.to);
        return `<line class="guide" x1="0" x2="${width}" y1="${y}" y2="${y}"/>`;
    });
    const points = inWindow.map((day) => sparklinePoint(day, options.from, options.to));
    const last = points[points.length - 1];
    const parts = [
        `<svg class="sparkline" role="img" aria-label="${escapeHtml(description)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" data-days="${inWindow.length}">`,
        `<title>${escapeHtml(description)}</title>`,
        ...guides,
        ...(points.length > 1 ? [`<polyline class="trend" points="${points.map((p) => `${p.x},${p.y}`).join(" ")}"/>`] : []),
        ...(last ? [`<circle class="last" cx="${last.x}" cy="${last.y}" r="2.5" fill="${escapeHtml(options.colour)}"/>`] : []),
        "</svg>",
    ];
    return parts.join("");
}

function round(value: number): number {
    return Math.round(value * 100) / 100;
}
