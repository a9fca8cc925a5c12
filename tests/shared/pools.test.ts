import { strict as assert } from "assert";
import fc from "fast-check";
import { healthBand } from "../../shared/healthBands";
import {
    DEFAULT_POOL_CONFIG,
    DailyScore,
    PoolConfig,
    PoolConfigError,
    assignPools,
    nextPool,
    plainPool,
    poolConfig,
    walkPools,
} from "../../shared/pools";

const day = (offset: number) => new Date(Date.UTC(2026, 9, 1) + offset * 86_400_000).toISOString().slice(0, 10);
const series = (scores: readonly number[]): DailyScore[] => scores.map((score, i) => ({ dt: day(i), score }));

const score = fc.double({ min: 0, max: 100, noNaN: true });
/** 1 to 3 strictly ascending thresholds, far enough apart that their dead bands never overlap. */
const configs = fc
    .uniqueArray(fc.integer({ min: 5, max: 95 }), { minLength: 1, maxLength: 3 })
    .chain((raw) => {
        const thresholds = [...raw].sort((a, b) => a - b);
        const gap = Math.min(100, ...thresholds.slice(1).map((t, i) => t - thresholds[i]));
        return fc.record({
            thresholds: fc.constant(thresholds),
            hysteresis: fc.double({ min: 0, max: Math.min(10, gap / 2 - 0.5), noNaN: true }),
        });
    })
    .map((partial) => poolConfig(partial));

describe("shared/pools", () => {
    describe("plain thresholds", () => {
        it("SparkPost's bands by default, with their names and a 2-point hysteresis", () => {
            assert.deepEqual(DEFAULT_POOL_CONFIG, { thresholds: [55, 80], hysteresis: 2, names: ["bad", "needs improvement", "good"] });
        });

        it("puts a score in the same pool as its SparkPost band", () => {
            fc.assert(fc.property(score, (s) => {
                assert.equal(DEFAULT_POOL_CONFIG.names[plainPool(s, DEFAULT_POOL_CONFIG.thresholds)], healthBand(s));
            }));
            assert.deepEqual([54.999, 55, 79.999, 80].map((s) => plainPool(s, [55, 80])), [0, 1, 1, 2]);
        });
    });

    describe("walkPools (properties over generated daily series)", () => {
        const histories = fc.array(score, { minLength: 1, maxLength: 60 });

        it("with h = 0, every day's pool is the plain one", () => {
            fc.assert(fc.property(configs, histories, (config, scores) => {
                const walk = walkPools(series(scores), { ...config, hysteresis: 0 });
                assert.deepEqual(walk.pools, scores.map((s) => plainPool(s, config.thresholds)));
            }));
        });

        it("the first day is assigned plainly, whatever h is", () => {
            fc.assert(fc.property(configs, histories, (config, scores) => {
                assert.equal(walkPools(series(scores), config).pools[0], plainPool(scores[0], config.thresholds));
            }));
        });

        it("no flapping: a series that stays within h of a boundary keeps its first day's pool", () => {
            const near = configs
                .filter((config) => config.hysteresis > 0.01)
                .chain((config) => fc.record({
                    config: fc.constant(config),
                    boundary: fc.constantFrom(...config.thresholds),
                }))
                .chain(({ config, boundary }) => fc.record({
                    config: fc.constant(config),
                    // Strictly inside [t - h, t + h): scores that cross t itself as often as they like.
                    scores: fc.array(fc.double({ min: boundary - config.hysteresis, max: boundary + config.hysteresis, noNaN: true, maxExcluded: true }), { minLength: 2, maxLength: 60 }),
                }));
            fc.assert(fc.property(near, ({ config, scores }) => {
                const walk = walkPools(series(scores), config);
                assert.equal(walk.changes, 0);
                assert.ok(walk.pools.every((pool) => pool === walk.pools[0]));
            }));
        });

        it("every change is earned: up past t only at t + h or more, down below t only under t - h", () => {
            fc.assert(fc.property(configs, histories, (config, scores) => {
                const { pools } = walkPools(series(scores), config);
                for (let i = 1; i < pools.length; i++) {
                    const [from, to, s] = [pools[i - 1], pools[i], scores[i]];
                    if (to > from) assert.ok(s >= config.thresholds[to - 1] + config.hysteresis, `day ${i}: up to ${to} at ${s}`);
                    if (to < from) assert.ok(s < config.thresholds[to] - config.hysteresis, `day ${i}: down to ${to} at ${s}`);
                }
            }));
        });

        it("the pool is never more than h away from the score: t(pool) - h <= score < t(pool + 1) + h", () => {
            fc.assert(fc.property(configs, histories, (config, scores) => {
                const { pools } = walkPools(series(scores), config);
                pools.forEach((pool, i) => {
                    const lower = pool === 0 ? -Infinity : config.thresholds[pool - 1] - config.hysteresis;
                    const upper = pool === config.thresholds.length ? Infinity : config.thresholds[pool] + config.hysteresis;
                    assert.ok(scores[i] >= lower && scores[i] < upper, `day ${i}: ${scores[i]} in pool ${pool}`);
                });
            }));
        });

        it("with one threshold, changes no more often than plain thresholds would", () => {
            const single = configs.filter((config) => config.thresholds.length === 1);
            fc.assert(fc.property(single, histories, (config, scores) => {
                const withH = walkPools(series(scores), config).changes;
                const plain = walkPools(series(scores), { ...config, hysteresis: 0 }).changes;
                assert.ok(withH <= plain, `${withH} > ${plain}`);
            }));
        });

        it("is deterministic and reads days in day order, whatever order they come in", () => {
            fc.assert(fc.property(configs, histories, fc.integer(), (config, scores, seed) => {
                const days = series(scores);
                const shuffled = [...days].sort((a, b) => ((a.dt.charCodeAt(9) * 31 + seed) % 7) - ((b.dt.charCodeAt(9) * 31 + seed) % 7));
                assert.deepEqual(walkPools(shuffled, config), walkPools(days, config));
                assert.deepEqual(walkPools(days, config), walkPools(days, config));
            }));
        });
    });

    describe("walkPools (examples)", () => {
        const config = poolConfig({ hysteresis: 2 });

        it("a subaccount flapping around 55 every day stays in its pool; a real fall moves it", () => {
            const walk = walkPools(series([56, 54, 56.5, 53.5, 55, 54.1, 52.9, 54, 57]), config);
            assert.deepEqual(walk.pools, [1, 1, 1, 1, 1, 1, 0, 0, 1]);
            assert.equal(walk.changes, 2);
            assert.equal(walk.since, day(8));
            // Plain thresholds change pool on 6 of the 8 days.
            assert.equal(walkPools(series([56, 54, 56.5, 53.5, 55, 54.1, 52.9, 54, 57]), { ...config, hysteresis: 0 }).changes, 6);
        });

        it("a jump across two boundaries moves two pools at once, as far as the score has earned", () => {
            assert.deepEqual(walkPools(series([40, 81, 82]), config).pools, [0, 1, 2]);
            assert.deepEqual(walkPools(series([90, 50]), config).pools, [2, 0]);
        });

        it("exact edges: up at t + h, not below; down under t - h, not at it", () => {
            assert.equal(nextPool(0, 57, config), 1);
            assert.equal(nextPool(0, 56.999, config), 0);
            assert.equal(nextPool(1, 53, config), 1);
            assert.equal(nextPool(1, 52.999, config), 0);
        });

        it("refuses two scores for one day and an empty series", () => {
            assert.throws(() => walkPools([{ dt: day(0), score: 1 }, { dt: day(0), score: 2 }], config), /two scores for 2026-10-01/);
            assert.throws(() => walkPools([], config), /at least one day/);
        });
    });

    describe("assignPools", () => {
        it("assigns each subaccount from its own series, leaves out the account overall, and orders by subaccount", () => {
            const config = poolConfig({ thresholds: [55, 80], hysteresis: 2 });
            const rows = [
                ...series([81, 79, 81, 79.5]).map((row) => ({ ...row, subaccount_id: 17 })),
                ...series([60, 50]).map((row) => ({ ...row, subaccount_id: 0 })),
                ...series([99]).map((row) => ({ ...row, subaccount_id: -1 })),
            ];
            assert.deepEqual(assignPools(rows, config), [
                { subaccount_id: 0, pool: "bad", pool_index: 0, score: 50, dt: day(1), plain_pool: "bad", since: day(1), changes: 1, days: 2 },
                { subaccount_id: 17, pool: "good", pool_index: 2, score: 79.5, dt: day(3), plain_pool: "needs improvement", since: day(0), changes: 0, days: 4 },
            ]);
        });

        it("answers nothing for no rows", () => {
            assert.deepEqual(assignPools([], DEFAULT_POOL_CONFIG), []);
        });
    });

    describe("poolConfig", () => {
        it("names pools after custom thresholds, or as given", () => {
            assert.deepEqual(poolConfig({ thresholds: [40, 70] }).names, ["below 40", "40 to 70", "70 and above"]);
            assert.deepEqual(poolConfig({ thresholds: [60], names: ["watch", "trusted"] }).names, ["watch", "trusted"]);
        });

        it("says which setting is wrong", () => {
            const cases: Array<[Partial<PoolConfig>, RegExp]> = [
                [{ thresholds: [] }, /thresholds: give at least one/],
                [{ thresholds: [80, 55] }, /strictly ascending, got 80,55/],
                [{ thresholds: [55, 55] }, /strictly ascending/],
                [{ thresholds: [0] }, /above 0 and at most 100, got 0/],
                [{ thresholds: [101] }, /got 101/],
                [{ thresholds: [Number.NaN] }, /got NaN/],
                [{ hysteresis: -1 }, /hysteresis: points from 0 to 50, got -1/],
                [{ hysteresis: 51 }, /hysteresis/],
                [{ names: ["a", "b"] }, /names: 2 threshold\(s\) make 3 pools, but 2 name\(s\)/],
                [{ names: ["a", "a", "b"] }, /each pool needs a name of its own/],
                [{ names: ["a", " ", "b"] }, /each pool needs a name of its own/],
            ];
            for (const [partial, message] of cases) assert.throws(() => poolConfig(partial), (err: Error) => err instanceof PoolConfigError && message.test(err.message), JSON.stringify(partial));
        });
    });
});
