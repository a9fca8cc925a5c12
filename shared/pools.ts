/**
 * Pools: each subaccount assigned to a pool by its health score, as service providers group senders (an IP pool
 * for the healthy ones, a closer watch for the others). Pure: the CLI feeds it the `daily` named query's rows.
 *
 * Pools are numbered from 0 (the lowest scores); `thresholds` are the scores where each next pool starts, so a
 * score `s` is plainly in pool `count(t <= s)`: with SparkPost's bands (55, 80), 54.9 is in pool 0, 55 in pool 1
 * and 80 in pool 2, as `healthBand` says.
 *
 * Hysteresis: a subaccount's pool follows its daily series, day after day. It moves up past a threshold `t` only
 * on a day its score reaches `t + h`, and down below `t` only on a day its score falls below `t - h`; on any other
 * day it stays where it was. So a score that wanders within `h` points of a boundary never changes the pool,
 * however often it crosses the boundary itself. The first day of the series is assigned plainly. With `h = 0`
 * every day's pool is the plain one.
 */
import { HEALTH_BANDS } from "./healthBands";

export interface PoolConfig {
    /** Strictly ascending scores, each where the next pool starts (between 0 and 100). */
    thresholds: readonly number[];
    /** Points a score must pass a threshold by before the pool changes (0 to 50). */
    hysteresis: number;
    /** One name per pool, lowest scores first: `thresholds.length + 1` of them. */
    names: readonly string[];
}

/** SparkPost's bands: below 55, 55 to 80, 80 and above, named as the bands are. */
export const DEFAULT_POOL_CONFIG: PoolConfig = {
    thresholds: HEALTH_BANDS.slice(0, -1).map((band) => band.below),
    hysteresis: 2,
    names: HEALTH_BANDS.map((band) => band.band),
};

export const MAX_HYSTERESIS = 50;

export class PoolConfigError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "PoolConfigError";
    }
}

/**
 * A complete, checked configuration: `partial` over the defaults. Default names follow the thresholds: SparkPost's
 * band names for SparkPost's thresholds, else `below 40`, `40 to 70`, `70 and above`.
 */
export function poolConfig(partial: Partial<PoolConfig> = {}): PoolConfig {
    const thresholds = partial.thresholds ?? DEFAULT_POOL_CONFIG.thresholds;
    const hysteresis = partial.hysteresis ?? DEFAULT_POOL_CONFIG.hysteresis;
    if (thresholds.length === 0) throw new PoolConfigError("thresholds: give at least one score where a pool starts, e.g. 55,80");
    for (const [i, threshold] of thresholds.entries()) {
        if (!Number.isFinite(threshold) || threshold <= 0 || threshold > 100) {
            throw new PoolConfigError(`thresholds: each must be a score above 0 and at most 100, got ${threshold}`);
        }
        if (i > 0 && threshold <= thresholds[i - 1]) {
            throw new PoolConfigError(`thresholds: must be strictly ascending, got ${thresholds.join(",")}`);
        }
    }
    if (!Number.isFinite(hysteresis) || hysteresis < 0 || hysteresis > MAX_HYSTERESIS) {
        throw new PoolConfigError(`hysteresis: points from 0 to ${MAX_HYSTERESIS}, got ${hysteresis}`);
    }
    const names = partial.names ?? defaultNames(thresholds);
    if (names.length !== thresholds.length + 1) {
        throw new PoolConfigError(`names: ${thresholds.length} threshold(s) make ${thresholds.length + 1} pools, but ${names.length} name(s) were given`);
    }
    if (names.some((name) => typeof name !== "string" || name.trim() === "") || new Set(names).size !== names.length) {
        throw new PoolConfigError(`names: each pool needs a name of its own, got ${JSON.stringify(names)}`);
    }
    return { thresholds: [...thresholds], hysteresis, names: [...names] };
}

function defaultNames(thresholds: readonly number[]): string[] {
    const sparkpost = DEFAULT_POOL_CONFIG.thresholds;
    if (thresholds.length === sparkpost.length && thresholds.every((threshold, i) => threshold === sparkpost[i])) {
        return [...DEFAULT_POOL_CONFIG.names];
    }
    return [
        `below ${thresholds[0]}`,
        ...thresholds.slice(1).map((threshold, i) => `${thresholds[i]} to ${threshold}`),
        `${thresholds[thresholds.length - 1]} and above`,
    ];
}

/** The pool a score is in without hysteresis: how many thresholds it has reached. */
export function plainPool(score: number, thresholds: readonly number[]): number {
    return thresholds.filter((threshold) => score >= threshold).length;
}

/** The pool after a day's score, from the pool the subaccount was in. */
export function nextPool(current: number, score: number, config: Pick<PoolConfig, "thresholds" | "hysteresis">): number {
    const h = config.hysteresis;
    // Every pool the score reaches by h points or more: the highest the subaccount may move up to.
    const upTo = config.thresholds.filter((threshold) => score >= threshold + h).length;
    // Every pool whose start the score is not h points or more below: the lowest it may move down to.
    const downTo = config.thresholds.filter((threshold) => score >= threshold - h).length;
    if (upTo > current) return upTo;
    if (downTo < current) return downTo;
    return current;
}

export interface DailyScore {
    /** YYYY-MM-DD */
    dt: string;
    score: number;
}

export interface PoolWalk {
    /** The pool of each day of the series, in day order. */
    pools: number[];
    /** The pool after the last day. */
    pool: number;
    /** The first day of the current stay in `pool` (the series' first day if it never changed). */
    since: string;
    /** How many times the pool changed over the series. */
    changes: number;
    /** The series' last day. */
    last: DailyScore;
}

/** Walks one subaccount's daily series (any order in, day order used; one score per day). */
export function walkPools(series: readonly DailyScore[], config: Pick<PoolConfig, "thresholds" | "hysteresis">): PoolWalk {
    if (series.length === 0) throw new RangeError("walkPools needs at least one day's score");
    const days = [...series].sort((a, b) => (a.dt < b.dt ? -1 : a.dt > b.dt ? 1 : 0));
    for (let i = 1; i < days.length; i++) {
        if (days[i].dt === days[i - 1].dt) throw new RangeError(`two scores for ${days[i].dt}: give each day's last score once`);
    }
    const pools: number[] = [];
    let since = days[0].dt;
    let changes = 0;
    for (const [i, day] of days.entries()) {
        const pool = i === 0 ? plainPool(day.score, config.thresholds) : nextPool(pools[i - 1], day.score, config);
        if (i > 0 && pool !== pools[i - 1]) {
            changes++;
            since = day.dt;
        }
        pools.push(pool);
    }
    return { pools, pool: pools[pools.length - 1], since, changes, last: days[days.length - 1] };
}

export interface DailySubaccountScore extends DailyScore {
    subaccount_id: number;
}

export interface PoolAssignment {
    subaccount_id: number;
    /** The pool's name. */
    pool: string;
    /** 0 for the lowest scores. */
    pool_index: number;
    /** The latest day's score and its day. */
    score: number;
    dt: string;
    /** Where plain thresholds would put the latest score: differs from `pool` while within the hysteresis. */
    plain_pool: string;
    since: string;
    changes: number;
    /** Days of the series the assignment walked. */
    days: number;
}

/**
 * Every subaccount's pool from the daily rows of many subaccounts, ordered by subaccount. The account overall
 * (-1) is not a subaccount that can be put in a pool, so it is left out.
 */
export function assignPools(rows: readonly DailySubaccountScore[], config: PoolConfig): PoolAssignment[] {
    const bySubaccount = new Map<number, DailyScore[]>();
    for (const row of rows) {
        if (row.subaccount_id < 0) continue;
        const series = bySubaccount.get(row.subaccount_id) ?? [];
        series.push({ dt: row.dt, score: row.score });
        bySubaccount.set(row.subaccount_id, series);
    }
    return [...bySubaccount.entries()]
        .sort(([a], [b]) => a - b)
        .map(([subaccount_id, series]) => {
            const walk = walkPools(series, config);
            const { last } = walk;
            return {
                subaccount_id,
                pool: config.names[walk.pool],
                pool_index: walk.pool,
                score: last.score,
                dt: last.dt,
                plain_pool: config.names[plainPool(last.score, config.thresholds)],
                since: walk.since,
                changes: walk.changes,
                days: series.length,
            };
        });
}
