import assert from "assert";
import fc from "fast-check";
import { median, quantile, summarize } from "../../bench/stats";

describe("bench/stats", () => {
    it("interpolates between the two nearest ranks", () => {
        assert.strictEqual(median([1, 2, 3, 4]), 2.5);
        assert.strictEqual(median([5, 1, 3]), 3);
        assert.strictEqual(quantile([0, 10], 0.95), 9.5);
        assert.strictEqual(quantile([7], 0.99), 7);
    });

    it("gives the minimum at 0 and the maximum at 1, and never leaves their range", () => {
        fc.assert(fc.property(fc.array(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), { minLength: 1 }), fc.double({ min: 0, max: 1, noNaN: true }), (values, q) => {
            const value = quantile(values, q);
            assert.ok(value >= Math.min(...values) && value <= Math.max(...values));
            // ===, not strictEqual (Object.is): the interpolation may turn a minimum of -0 into 0, the same number here.
            assert.ok(quantile(values, 0) === Math.min(...values));
            assert.ok(quantile(values, 1) === Math.max(...values));
        }));
    });

    it("refuses no values and quantiles outside 0 to 1", () => {
        assert.throws(() => quantile([], 0.5), /no values/);
        assert.throws(() => quantile([1], 1.5), /from 0 to 1/);
    });

    it("summarizes runs", () => {
        assert.deepStrictEqual(summarize([3, 1, 2]), { runs: 3, median: 2, p95: 2.9, min: 1, max: 3 });
    });
});
