import assert from "assert";
import { TARGETS, evaluateTargets } from "../../bench/targets";
import { SUITES, selectSuites } from "../../bench/suites";

describe("bench/targets", () => {
    it("says NOT MEASURED for every target whose suite did not run", () => {
        assert.deepStrictEqual(evaluateTargets({}).map((target) => target.verdict), TARGETS.map(() => "NOT MEASURED"));
    });

    it("passes or misses each target at its limit", () => {
        const results = (ratio: number, stored: number, memory: number) => ({
            baseline: { comparison: [{ subaccounts: 1_000, ratio }] },
            model: { sizes: [{ subaccounts: 4_500, atModelMs: { median: stored }, addedMemoryBytes: { max: memory } }] },
            cpu: { sizes: [{ subaccounts: 4_500, ratio: 10 }] },
            archive: { shipped: { unzippedBytes: 250 * 1024, coldInit: { initMs: { median: 51 } } } },
        });
        const verdicts = (r: Record<string, unknown>) => Object.fromEntries(evaluateTargets(r).map((target) => [target.id, target.verdict]));
        assert.deepStrictEqual(verdicts(results(50, 1_499, 64 * 1024 * 1024)), {
            "speedup-1000": "PASS", "stored-4500": "PASS", "cpu-ratio": "PASS", "archive-size": "PASS", "cold-init": "MISS", "memory-1mb": "PASS",
        });
        const missed = verdicts(results(49.9, 1_500, 64 * 1024 * 1024 + 1));
        assert.deepStrictEqual([missed["speedup-1000"], missed["stored-4500"], missed["memory-1mb"]], ["MISS", "MISS", "MISS"]);
    });
});

describe("bench/suites", () => {
    it("runs every suite by default, in order, issue 8's worst-case bodies among them", () => {
        assert.deepStrictEqual(selectSuites(undefined).map((suite) => suite.id), SUITES.map((suite) => suite.id));
        assert.ok(SUITES.some((suite) => suite.id === "worst-case"));
    });

    it("adds the suites a chosen one needs, and refuses unknown ones", () => {
        assert.deepStrictEqual(selectSuites(["cost"]).map((suite) => suite.id), ["model", "baseline", "cost"]);
        assert.deepStrictEqual(selectSuites(["cpu"]).map((suite) => suite.id), ["cpu"]);
        assert.throws(() => selectSuites(["nope"]), /unknown suite nope/);
    });
});
