import assert from "assert";
import fc from "fast-check";
import { backoffDelayMs, chunk, createLimiter, mapWithConcurrency } from "../../handlers/concurrency";
import { RUNS } from "./support";

/** A promise and the functions that settle it, for tests that decide when each task ends. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (err: Error) => void } {
    let resolve!: (value: T) => void;
    let reject!: (err: Error) => void;
    const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
    return { promise, resolve, reject };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe("handlers/concurrency", () => {
    describe("chunk", () => {
        it("splits into chunks of the size, the last one shorter", () => {
            assert.deepStrictEqual(chunk([1, 2, 3, 4, 5], 2), [[1, 2], [3, 4], [5]]);
            assert.deepStrictEqual(chunk([], 25), []);
        });

        it("keeps every item in order, in ceil(n / size) chunks of at most size", () => {
            fc.assert(
                fc.property(fc.array(fc.integer(), { maxLength: 100 }), fc.integer({ min: 1, max: 30 }), (items, size) => {
                    const chunks = chunk(items, size);
                    assert.deepStrictEqual(chunks.flat(), items);
                    assert.strictEqual(chunks.length, Math.ceil(items.length / size));
                    chunks.forEach((c, i) => assert.ok(i < chunks.length - 1 ? c.length === size : c.length >= 1 && c.length <= size));
                }),
                RUNS,
            );
        });

        for (const size of [0, -1, 1.5, NaN]) {
            it(`refuses size ${size}`, () => assert.throws(() => chunk([1], size), RangeError));
        }
    });

    describe("createLimiter", () => {
        it("never runs more than the limit, whenever tasks are queued, and runs every task once", async () => {
            await fc.assert(
                fc.asyncProperty(fc.scheduler(), fc.integer({ min: 1, max: 5 }), fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 20 }), async (s, limit, followUps) => {
                    const limited = createLimiter(limit);
                    let inFlight = 0;
                    let maxInFlight = 0;
                    let ran = 0;
                    const task = (name: string) => async () => {
                        inFlight++;
                        maxInFlight = Math.max(maxInFlight, inFlight);
                        try {
                            await s.schedule(Promise.resolve(), name);
                            ran++;
                        } finally {
                            inFlight--;
                        }
                    };
                    // Each first task queues its follow-ups when it ends, as a history batch queues its latest entries.
                    const all = followUps.map((count, i) => limited(task(`first ${i}`)).then(() =>
                        Promise.all(Array.from({ length: count }, (_, j) => limited(task(`follow-up ${i}.${j}`))))));
                    await s.waitFor(Promise.all(all));

                    assert.ok(maxInFlight <= limit, `${maxInFlight} in flight, limit ${limit}`);
                    assert.strictEqual(ran, followUps.length + followUps.reduce((a, b) => a + b, 0));
                }),
                RUNS,
            );
        });

        it("starts as many as the limit at once", async () => {
            const limited = createLimiter(3);
            const gates = Array.from({ length: 5 }, () => deferred<void>());
            let started = 0;
            const runs = gates.map((gate) => limited(async () => { started++; await gate.promise; }));
            await flush();
            assert.strictEqual(started, 3);
            gates.forEach((gate) => gate.resolve());
            await Promise.all(runs);
            assert.strictEqual(started, 5);
        });

        it("passes a task's failure to its caller and frees its slot", async () => {
            const limited = createLimiter(1);
            await assert.rejects(limited(async () => { throw new Error("boom"); }), /boom/);
            assert.strictEqual(await limited(async () => 7), 7);
        });

        for (const limit of [0, -1, 1.5, NaN]) {
            it(`refuses limit ${limit}`, () => assert.throws(() => createLimiter(limit), RangeError));
        }
    });

    describe("mapWithConcurrency", () => {
        it("never has more than the limit in flight, starts as many as it may, and keeps input order", async () => {
            await fc.assert(
                fc.asyncProperty(fc.scheduler(), fc.array(fc.integer(), { maxLength: 20 }), fc.integer({ min: 1, max: 6 }), async (s, items, limit) => {
                    let inFlight = 0;
                    let maxInFlight = 0;
                    const calls: number[] = [];

                    const run = mapWithConcurrency(items, limit, async (item, index) => {
                        calls.push(index);
                        inFlight++;
                        maxInFlight = Math.max(maxInFlight, inFlight);
                        try {
                            return await s.schedule(Promise.resolve(item * 2), `task ${index}`);
                        } finally {
                            inFlight--;
                        }
                    });
                    const results = await s.waitFor(run);

                    assert.deepStrictEqual(results, items.map((item) => item * 2));
                    assert.deepStrictEqual([...calls].sort((a, b) => a - b), items.map((_, i) => i));
                    assert.strictEqual(maxInFlight, Math.min(limit, items.length));
                }),
                RUNS,
            );
        });

        it("rejects with the first failure and starts no task after it", async () => {
            const started: number[] = [];
            const tasks = Array.from({ length: 6 }, () => deferred<number>());

            const run = mapWithConcurrency(tasks, 2, (task, index) => {
                started.push(index);
                return task.promise;
            });
            const outcome = run.then(() => "resolved", (err: Error) => err.message);
            tasks[0].reject(new Error("throttled"));
            await flush();
            tasks[1].resolve(1);
            await flush();

            assert.strictEqual(await outcome, "throttled");
            assert.deepStrictEqual(started, [0, 1]);
        });

        it("resolves with [] for no items without calling the task", async () => {
            assert.deepStrictEqual(await mapWithConcurrency([], 3, async () => assert.fail("not called")), []);
        });

        for (const limit of [0, -1, 1.5, NaN]) {
            it(`refuses the limit ${limit} instead of running nothing`, async () => {
                await assert.rejects(mapWithConcurrency([1, 2], limit, async (n) => n), RangeError);
            });
        }
    });

    describe("backoffDelayMs", () => {
        it("is a whole number between 0 and min(cap, base * 2^attempt)", () => {
            fc.assert(
                fc.property(
                    fc.integer({ min: 0, max: 60 }),
                    fc.integer({ min: 1, max: 1000 }),
                    fc.integer({ min: 1, max: 60_000 }),
                    fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
                    (attempt, base, cap, random) => {
                        const delay = backoffDelayMs(attempt, base, cap, () => random);
                        assert.ok(Number.isInteger(delay), String(delay));
                        assert.ok(delay >= 0 && delay <= Math.min(cap, base * 2 ** attempt), String(delay));
                    },
                ),
                RUNS,
            );
        });

        it("grows exponentially with full jitter until the cap", () => {
            const half = () => 0.5;
            assert.deepStrictEqual([0, 1, 2, 3, 4, 5, 6].map((attempt) => backoffDelayMs(attempt, 50, 2000, half)), [25, 50, 100, 200, 400, 800, 1000]);
            assert.strictEqual(backoffDelayMs(1000, 50, 2000, half), 1000);
            assert.strictEqual(backoffDelayMs(5, 50, 2000, () => 0), 0);
            assert.strictEqual(backoffDelayMs(5, 50, 2000, () => 0.9999), 1599);
        });

        it("stays within bounds with Math.random", () => {
            for (let i = 0; i < 100; i++) {
                const delay = backoffDelayMs(3, 50, 2000);
                assert.ok(delay >= 0 && delay < 400);
            }
        });
    });
});
