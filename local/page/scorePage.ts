/**
 * What the score page shows, computed from what the table and the lake answered: pure, so that the page is a
 * function of its data. `renderScorePage` (render.ts) turns it into HTML.
 */
import type { AlertRecord } from "../../handlers/records";
import { HealthBand, healthBand, healthBandRanges } from "../../shared/healthBands";
import { isOwnScore } from "../../shared/layout";
import type { DailyScore, DailySubaccountScore } from "../../shared/pools";
import { subaccountLabel } from "../labels";

/** A row of the `drops` named query. */
export interface ScoreDrop {
    subaccount_id: number;
    previous_dt: string;
    dt: string;
    previous_score: number;
    score: number;
    score_drop: number;
}

export interface ScorePageInput {
    /** Where the data comes from, for the reader. */
    source: string;
    /** ISO-8601. */
    generatedAt: string;
    /** The table's latest health_score entries (`TableReader.latest`). */
    latest: readonly AlertRecord[];
    /** The `daily` named query's rows; undefined when the lake was not read. */
    daily?: readonly DailySubaccountScore[];
    /** The `drops` named query's rows; undefined when the lake was not read. */
    drops?: readonly ScoreDrop[];
    /** The sparklines' window, in days. */
    days: number;
    /** What the reader should know: a lake that could not be read, objects skipped. */
    notices: readonly string[];
    /** What to do when there is nothing to show yet. */
    emptyHint: string;
}

export interface ScoreRow {
    subaccountId: number;
    label: string;
    score: number;
    band: HealthBand;
    dt: string;
    triggeredAt: string;
    /** The daily scores in the window, oldest first; undefined when the lake was not read. */
    series?: DailyScore[];
}

export interface BandSummary {
    band: HealthBand;
    /** `below 55`, `55 to 80`, `80 and above`. */
    range: string;
    subaccounts: number;
}

export interface ScorePage {
    source: string;
    generatedAt: string;
    overall?: ScoreRow;
    /** Every subaccount (the primary account included, the account overall not), worst score first. */
    rows: ScoreRow[];
    bands: BandSummary[];
    /** The sparklines' days: undefined when the lake was not read or holds no scores. */
    window?: { from: string; to: string; days: number };
    drops?: Array<ScoreDrop & { label: string }>;
    notices: string[];
    emptyHint: string;
}

const DAY_MS = 86_400_000;

export function addDays(day: string, days: number): string {
    return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
    return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

export function buildScorePage(input: ScorePageInput): ScorePage {
    const own = input.latest.filter(isOwnScore);
    const notices = [...input.notices];
    const leftOut = input.latest.length - own.length;
    if (leftOut > 0) {
        notices.push(`${leftOut} latest entr${leftOut === 1 ? "y is" : "ies are"} not shown: day-over-day or week-over-week changes, or scores of a facet (an ip_pool, a sending domain) rather than of a subaccount.`);
    }

    const seriesOf = new Map<number, DailyScore[]>();
    for (const row of input.daily ?? []) seriesOf.set(row.subaccount_id, [...(seriesOf.get(row.subaccount_id) ?? []), { dt: row.dt, score: row.score }]);
    for (const series of seriesOf.values()) series.sort((a, b) => a.dt.localeCompare(b.dt));
    const lastDay = (input.daily ?? []).reduce<string | undefined>((max, row) => (max === undefined || row.dt > max ? row.dt : max), undefined);

    const toRow = (record: AlertRecord): ScoreRow => ({
        subaccountId: record.subaccount_id,
        label: subaccountLabel(record.subaccount_id),
        score: record.triggered_value,
        band: healthBand(record.triggered_value),
        dt: record.triggered_at.slice(0, 10),
        triggeredAt: record.triggered_at,
        series: input.daily === undefined ? undefined : seriesOf.get(record.subaccount_id) ?? [],
    });
    const overallRecord = own.find((record) => record.subaccount_id === -1);
    const rows = own
        .filter((record) => record.subaccount_id !== -1)
        .map(toRow)
        .sort((a, b) => a.score - b.score || a.subaccountId - b.subaccountId);

    return {
        source: input.source,
        generatedAt: input.generatedAt,
        overall: overallRecord && toRow(overallRecord),
        rows,
        bands: healthBandRanges().map(({ band, range }) => ({ band, range, subaccounts: rows.filter((row) => row.band === band).length })),
        window: lastDay === undefined ? undefined : { from: addDays(lastDay, 1 - input.days), to: lastDay, days: input.days },
        drops: input.drops?.map((drop) => ({ ...drop, label: subaccountLabel(drop.subaccount_id) })),
        notices,
        emptyHint: input.emptyHint,
    };
}
