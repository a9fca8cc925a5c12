import assert from "assert";
import { analyzeDelivery, summarizeCell } from "../../../bench/e2e/analysis";
import { compare } from "../../../bench/e2e/suites";
import type { TimelineEntry } from "../../../bench/latency/proxy";
import type { SizeMeasurement } from "../../../bench/e2e/measure";

const entry = (operation: string, kind: TimelineEntry["kind"], start: number, end: number, modelMs?: number): TimelineEntry =>
    ({ operation, kind, start, end, modelMs, service: "dynamodb", serviceMs: end - start, status: 200 });

const times = { start: 1_000, answeredAt: 1_100, checkedAt: 2_000, status: 202, elements: 10, stored: 10, complete: true, cpuMs: 30 };

describe("bench/e2e/analysis", () => {
    it("counts a delivery stored at the end of its last write when that comes after the answer", () => {
        const timeline = [entry("s3:PutObject", "write", 1_010, 1_090, 60), entry("dynamodb:PutItem", "write", 1_150, 1_400, 10), entry("dynamodb:GetItem", "read", 1_500, 1_600, 8)];
        const analysis = analyzeDelivery(times, timeline);
        assert.strictEqual(analysis.storedMs, 400);
        assert.strictEqual(analysis.answerMs, 100);
        assert.strictEqual(analysis.recordsPerSecond, 25);
        // The read after the last write does not count; the emulator's 240 ms beyond the PutItem's draw and 20 beyond the PutObject's do.
        assert.strictEqual(analysis.excessOverModelMs, 260);
        assert.strictEqual(analysis.atModelMs, 140);
        assert.strictEqual(analysis.cpuBound, false);
        assert.strictEqual(analysis.requests, 3);
        assert.strictEqual(analysis.overModel, 3);
    });

    it("never puts a delivery at the model below the pipeline's CPU time, which a slow emulator's excess would hide", () => {
        const timeline = [entry("s3:PutObject", "write", 1_010, 1_090, 60), entry("dynamodb:PutItem", "write", 1_150, 1_400, 10)];
        const analysis = analyzeDelivery({ ...times, cpuMs: 80, settledCpuMs: 300 }, timeline);
        assert.strictEqual(analysis.excessOverModelMs, 260);
        assert.strictEqual(analysis.atModelMs, 300);
        assert.strictEqual(analysis.cpuBound, true);
    });

    it("counts a synchronous delivery stored at its answer, and ignores other deliveries' requests", () => {
        const timeline = [entry("dynamodb:PutItem", "write", 900, 990, 10), entry("dynamodb:PutItem", "write", 1_020, 1_080, 60), entry("sqs:SendMessage", "write", 2_100, 2_200)];
        const analysis = analyzeDelivery(times, timeline);
        assert.strictEqual(analysis.storedMs, 100);
        assert.deepStrictEqual(analysis.requestsByOperation, { "dynamodb:PutItem": 1 });
        assert.deepStrictEqual(analysis.unmodelled, {});
    });

    it("lists the requests the model does not know", () => {
        const analysis = analyzeDelivery(times, [entry("dynamodb:Scan", "read", 1_010, 1_020)]);
        assert.deepStrictEqual(analysis.unmodelled, { "dynamodb:Scan": 1 });
    });

    it("summarizes runs with their medians", () => {
        const a = analyzeDelivery(times, [entry("dynamodb:PutItem", "write", 1_010, 1_050, 40)]);
        const b = analyzeDelivery({ ...times, answeredAt: 1_300 }, [entry("dynamodb:PutItem", "write", 1_010, 1_050, 40)]);
        const cell = summarizeCell([times, { ...times, complete: false, stored: 5 }], [a, b]);
        assert.strictEqual(cell.completeRuns, 1);
        assert.strictEqual(cell.storedMs.median, 200);
        assert.strictEqual(cell.requestsByOperation["dynamodb:PutItem"], 1);
    });
});

describe("bench/e2e/suites compare", () => {
    const size = (subaccounts: number, recordsPerSecond: number, atModelMs: number, complete: boolean) => ({
        subaccounts,
        elements: subaccounts + 1,
        runs: 1,
        completeRuns: complete ? 1 : 0,
        atModelRecordsPerSecond: { median: recordsPerSecond },
        atModelMs: { median: atModelMs },
    }) as unknown as SizeMeasurement;

    it("gives the ratio of records per second, and what the original's 10 s timeout cuts off", () => {
        const [small, large] = compare(
            [size(10, 200, 55, true), size(1_000, 1_000, 1_001, true)],
            [size(10, 20, 550, true), size(1_000, 20, 2_000, false)],
        );
        assert.deepStrictEqual(small, { subaccounts: 10, currentRecordsPerSecond: 200, baselineRecordsPerSecond: 20, ratio: 10, baselineFullMs: 550, baselineFullMeasured: true, exceedsTimeout: false, lostToTimeout: 0 });
        assert.strictEqual(large.ratio, 50);
        assert.strictEqual(large.baselineFullMs, 50_050);
        assert.strictEqual(large.baselineFullMeasured, false);
        assert.strictEqual(large.exceedsTimeout, true);
        assert.strictEqual(large.lostToTimeout, 1_001 - 200);
    });
});
