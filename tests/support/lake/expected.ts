/**
 * The named queries' answers computed in plain TypeScript from the generated deliveries, so that the SQL is
 * checked against an independent reading of what they mean.
 */
import { Expected } from "./lakeData";

export const rawScores = (rows: readonly Expected[]) => rows.filter((row) => row.metric === "health_score" && row.source === "raw" && !row.facet);

const newest = (a: Expected, b: Expected) => (a.triggered_at >= b.triggered_at ? a : b);

function latestBy<K>(rows: readonly Expected[], key: (row: Expected) => K): Map<K, Expected> {
    const latest = new Map<K, Expected>();
    for (const row of rows) {
        const current = latest.get(key(row));
        latest.set(key(row), current ? newest(current, row) : row);
    }
    return latest;
}

export function expectedLatest(rows: readonly Expected[]) {
    return [...latestBy(rawScores(rows), (row) => row.subaccount_id).values()]
        .sort((a, b) => a.subaccount_id - b.subaccount_id)
        .map((row) => ({ subaccount_id: row.subaccount_id, score: row.score, triggered_at: row.triggered_at, dt: row.dt }));
}

const dayNumber = (dt: string) => Date.parse(`${dt}T00:00:00Z`) / 86_400_000;

/** The day's last raw score of each day of one subaccount, in day order. */
function dailyScores(rows: readonly Expected[], subaccount: number): Expected[] {
    const series = rawScores(rows).filter((row) => row.subaccount_id === subaccount);
    return [...latestBy(series, (row) => row.dt).values()].sort((a, b) => a.dt.localeCompare(b.dt));
}

export function expectedTrend(rows: readonly Expected[], subaccount: number) {
    const daily = dailyScores(rows, subaccount);
    if (daily.length === 0) return [];
    const lastDay = dayNumber(daily[daily.length - 1].dt);
    return daily
        .filter((row) => lastDay - dayNumber(row.dt) < 30)
        .map((row) => ({ dt: row.dt, score: row.score, triggered_at: row.triggered_at }));
}

export function band(score: number): { band: string; order: number } {
    if (score < 55) return { band: "bad", order: 1 };
    return score < 80 ? { band: "needs improvement", order: 2 } : { band: "good", order: 3 };
}

export function expectedBands(rows: readonly Expected[]) {
    const latest = expectedLatest(rows);
    const counts = new Map<string, number>();
    for (const row of latest) counts.set(band(row.score).band, (counts.get(band(row.score).band) ?? 0) + 1);
    return latest
        .sort((a, b) => band(a.score).order - band(b.score).order || a.score - b.score || a.subaccount_id - b.subaccount_id)
        .map((row) => ({ band: band(row.score).band, subaccounts_in_band: counts.get(band(row.score).band), subaccount_id: row.subaccount_id, score: row.score }));
}

export function expectedDrops(rows: readonly Expected[], limit = 20) {
    const subaccounts = [...new Set(rawScores(rows).map((row) => row.subaccount_id))];
    const drops = subaccounts.flatMap((subaccount) => {
        const daily = dailyScores(rows, subaccount);
        return daily.slice(1).flatMap((row, i) => {
            const previous = daily[i];
            const consecutive = dayNumber(row.dt) - dayNumber(previous.dt) === 1;
            return consecutive && row.score < previous.score
                ? [{ subaccount_id: subaccount, previous_dt: previous.dt, dt: row.dt, previous_score: previous.score, score: row.score, score_drop: previous.score - row.score }]
                : [];
        });
    });
    return drops
        .sort((a, b) => b.score_drop - a.score_drop || a.subaccount_id - b.subaccount_id || a.dt.localeCompare(b.dt))
        .slice(0, limit);
}

/** Every subaccount's last score of each day, over the `days` days up to the lake's latest day, by subaccount and day. */
export function expectedDaily(rows: readonly Expected[], days = 30) {
    const scores = rawScores(rows);
    if (scores.length === 0) return [];
    const lastDay = Math.max(...scores.map((row) => dayNumber(row.dt)));
    const subaccounts = [...new Set(scores.map((row) => row.subaccount_id))].sort((a, b) => a - b);
    return subaccounts.flatMap((subaccount) => dailyScores(rows, subaccount)
        .filter((row) => lastDay - dayNumber(row.dt) < days)
        .map((row) => ({ subaccount_id: subaccount, dt: row.dt, score: row.score, triggered_at: row.triggered_at })));
}
