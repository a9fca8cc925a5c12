import assert from "assert";
import { CpuProfile, areaOf, summarizeProfile } from "../../../bench/cpu/profileSummary";

const ROOT = "/project";
const frame = (functionName: string, url: string, lineNumber = 0) => ({ functionName, url, lineNumber });

describe("bench/cpu/profileSummary", () => {
    it("tells project files, packages, node's internals and V8's pseudo-frames apart", () => {
        assert.strictEqual(areaOf("file:///project/handlers/alert.ts", "validate", ROOT), "handlers/alert.ts");
        assert.strictEqual(areaOf("file:///project/node_modules/superstruct/dist/index.cjs", "run", ROOT), "superstruct");
        assert.strictEqual(areaOf("/project/node_modules/@aws-sdk/client-s3/dist-cjs/index.js", "x", ROOT), "@aws-sdk/client-s3");
        assert.strictEqual(areaOf("node:internal/streams/readable", "read", ROOT), "node");
        assert.strictEqual(areaOf("", "(garbage collector)", ROOT), "(garbage collector)");
        assert.strictEqual(areaOf("", "parse", ROOT), "V8 built-ins");
    });

    it("gives self time to the sampled function and total time to it and its callers", () => {
        // root -> interpret (records.ts) -> validate (superstruct) ; interpret -> sha1 (node)
        const profile: CpuProfile = {
            nodes: [
                { id: 1, callFrame: frame("(root)", ""), children: [2] },
                { id: 2, callFrame: frame("interpretDelivery", "file:///project/handlers/records.ts", 119), children: [3, 4] },
                { id: 3, callFrame: frame("validate", "file:///project/node_modules/superstruct/dist/index.cjs") },
                { id: 4, callFrame: frame("digest", "node:internal/crypto/hash") },
            ],
            startTime: 0,
            endTime: 10_000,
            samples: [3, 3, 4, 2],
            timeDeltas: [1_000, 2_000, 3_000, 4_000],
        };
        const summary = summarizeProfile(profile, ROOT);
        assert.strictEqual(summary.sampledMs, 10);
        const fn = (name: string) => summary.byFunction.find((share) => share.name.startsWith(name))!;
        assert.deepStrictEqual([fn("validate").selfMs, fn("validate").totalMs], [3, 3]);
        assert.deepStrictEqual([fn("interpretDelivery").selfMs, fn("interpretDelivery").totalMs], [4, 10]);
        assert.strictEqual(fn("interpretDelivery").name, "interpretDelivery (handlers/records.ts:120)");
        const area = (name: string) => summary.byArea.find((share) => share.name === name)!;
        assert.deepStrictEqual(summary.byArea.map((share) => share.name), ["handlers/records.ts", "superstruct", "node"]);
        assert.strictEqual(area("handlers/records.ts").totalMs, 10);
        assert.strictEqual(area("node").selfMs, 3);
    });

    it("leaves out the samples taken inside the profiler's own calls", () => {
        const profile: CpuProfile = {
            nodes: [
                { id: 1, callFrame: frame("(root)", ""), children: [2, 3] },
                { id: 2, callFrame: frame("work", "file:///project/handlers/records.ts") },
                { id: 3, callFrame: frame("stop", "file:///project/bench/cpu/profiler.ts"), children: [4] },
                { id: 4, callFrame: frame("dispatch", "") },
            ],
            startTime: 0,
            endTime: 3_000,
            samples: [2, 4, 4],
            timeDeltas: [1_000, 1_000, 1_000],
        };
        const summary = summarizeProfile(profile, ROOT);
        assert.strictEqual(summary.sampledMs, 1);
        assert.deepStrictEqual(summary.byFunction.map((share) => share.name), ["work (handlers/records.ts:1)"]);
    });
});
