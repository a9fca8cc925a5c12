import assert from "assert";
import { criticalPath, peakConcurrency } from "../../../bench/latency/criticalPath";

const span = (operation: string, start: number, end: number, modelMs?: number) => ({ operation, start, end, modelMs });

describe("bench/latency/criticalPath", () => {
    it("follows requests made one after another, with the client's time between them", () => {
        const spans = [span("a", 2, 10), span("b", 12, 20), span("c", 21, 30)];
        const path = criticalPath(spans, 0, 32);
        assert.deepStrictEqual(path.spans.map((s) => s.operation), ["a", "b", "c"]);
        assert.strictEqual(path.roundTrips, 3);
        assert.strictEqual(path.totalMs, 32);
        assert.strictEqual(path.inRequestsMs, 25);
        assert.strictEqual(path.outsideRequestsMs, 7);
        assert.deepStrictEqual(path.byOperation, { a: { count: 1, ms: 8 }, b: { count: 1, ms: 8 }, c: { count: 1, ms: 9 } });
    });

    it("counts requests in flight together once: the path goes through the one that ended last", () => {
        // Three parallel requests, then one that waited for all of them.
        const spans = [span("p1", 0, 10), span("p2", 0, 14), span("p3", 1, 12), span("next", 15, 20)];
        const path = criticalPath(spans, 0, 20);
        assert.deepStrictEqual(path.spans.map((s) => s.operation), ["p2", "next"]);
    });

    it("in a pool, steps to the response that freed the slot", () => {
        // Two slots: a1 then a2 on one, b1 then b2 on the other; b2 starts when b1 ends.
        const spans = [span("a1", 0, 10), span("b1", 0, 12), span("a2", 10, 25), span("b2", 12, 22)];
        const path = criticalPath(spans, 0, 25);
        assert.deepStrictEqual(path.spans.map((s) => s.operation), ["a1", "a2"]);
    });

    it("ignores requests outside the window, and ends on zero-length requests", () => {
        const spans = [span("before", -5, -1), span("z1", 3, 3), span("z2", 3, 3), span("in", 4, 8), span("after", 9, 12)];
        const path = criticalPath(spans, 0, 8);
        assert.deepStrictEqual(path.spans.map((s) => s.operation), ["z1", "z2", "in"]);
        assert.strictEqual(criticalPath([], 0, 5).roundTrips, 0);
        assert.strictEqual(criticalPath([], 0, 5).outsideRequestsMs, 5);
    });

    it("adds up how much longer than the model's draw the requests on the path took", () => {
        const spans = [span("a", 0, 30, 10), span("b", 30, 35, 10), span("c", 35, 40)];
        assert.strictEqual(criticalPath(spans, 0, 40).excessOverModelMs, 20);
    });

    it("counts the most requests in flight at once, a request ending as another starts not overlapping it", () => {
        assert.strictEqual(peakConcurrency([span("a", 0, 10), span("b", 10, 20), span("c", 5, 15)]), 2);
        assert.strictEqual(peakConcurrency([span("a", 0, 10), span("b", 1, 9), span("c", 2, 8)]), 3);
        assert.strictEqual(peakConcurrency([]), 0);
    });
});
