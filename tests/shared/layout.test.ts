import assert from "assert";
import fc from "fast-check";
import { canonicalJson } from "../../shared/canonicalJson";
import { LATEST_REPLACES, isLater, latestSortKey } from "../../shared/layout";
import { NAMED_QUERIES } from "../../shared/lakeQueries";
import { RUNS } from "../handlers/support";

/** Filter objects with the characters that once made two series share a key: `=`, `"`, `#`, `\`, and long ones. */
const awkwardText = fc.string({ unit: fc.constantFrom("a", "b", "x", "=", '"', "#", "\\", "{", "}", ":", ",", "é", "😀"), maxLength: 8 });
const facetValue = fc.oneof(awkwardText, fc.integer(), fc.constant(null), fc.boolean(), fc.string({ minLength: 500, maxLength: 600 }));
const filtersArb = fc.dictionary(
    fc.oneof(awkwardText, fc.constantFrom("ip_pool", "sending_domain", "mailbox_provider")),
    fc.oneof(facetValue, fc.dictionary(awkwardText, facetValue, { maxKeys: 2 })),
    { maxKeys: 3, noNullPrototype: true },
);

describe("handlers/layout", () => {
    describe("isLater and LATEST_REPLACES", () => {
        const at = (triggered_at: string, record_id: string) => ({ triggered_at, record_id });
        it("takes the later triggered_at, and on a tie the greater record_id, whichever comes first", () => {
            assert.ok(isLater(at("2026-11-28T09:00:00.000Z", "a"), at("2026-11-27T09:00:00.000Z", "b")));
            assert.ok(!isLater(at("2026-11-27T09:00:00.000Z", "b"), at("2026-11-28T09:00:00.000Z", "a")));
            assert.ok(isLater(at("2026-11-28T09:00:00.000Z", "b"), at("2026-11-28T09:00:00.000Z", "a")));
            assert.ok(!isLater(at("2026-11-28T09:00:00.000Z", "a"), at("2026-11-28T09:00:00.000Z", "b")));
            assert.ok(!isLater(at("2026-11-28T09:00:00.000Z", "a"), at("2026-11-28T09:00:00.000Z", "a")), "the same record is not later than itself");
        });

        it("says the same as the lake's named queries' order, and names both values the condition uses", () => {
            assert.match(NAMED_QUERIES.find((q) => q.key === "latest")!.sql, /ORDER BY triggered_at DESC, record_id DESC/);
            assert.deepEqual(LATEST_REPLACES.values(at("t", "r")), { ":triggered_at": { S: "t" }, ":record_id": { S: "r" } });
        });
    });

    describe("latestSortKey", () => {
        it("keeps a subaccount's own series as SUBACCOUNT#<id>, as before", () => {
            assert.strictEqual(latestSortKey(17, { subaccount_id: 17 }, "raw"), "SUBACCOUNT#17");
            assert.strictEqual(latestSortKey(-1, {}, "raw"), "SUBACCOUNT#-1");
        });

        it("writes the other filters as canonical JSON, keys sorted", () => {
            assert.strictEqual(latestSortKey(0, { subaccount_id: 0, ip_pool: "default" }, "raw"), 'SUBACCOUNT#0#{"ip_pool":"default"}');
            assert.strictEqual(latestSortKey(3, { sending_domain: "b", ip_pool: "a" }, "raw"), latestSortKey(3, { ip_pool: "a", sending_domain: "b" }, "raw"));
        });

        it("tells apart the two series that shared a key (#3 of the hardening issue)", () => {
            const first = latestSortKey(5, { subaccount_id: 5, a: "x", b: "y" }, "raw");
            const second = latestSortKey(5, { subaccount_id: 5, 'a="x"#b': "y" }, "raw");
            assert.notStrictEqual(first, second);
        });

        it("replaces long facets by the SHA-256 of their JSON, within DynamoDB's 1,024 bytes", () => {
            const key = latestSortKey(9, { subaccount_id: 9, note: "n".repeat(10_000) }, "raw");
            assert.match(key, /^SUBACCOUNT#9#sha256:[0-9a-f]{64}$/);
            assert.ok(Buffer.byteLength(latestSortKey(Number.MAX_SAFE_INTEGER, { note: "é".repeat(256) }, "raw")) <= 1024);
        });

        it("keeps a day-over-day or week-over-week change apart from the score it is a change of (a -35 change must not replace a score of 81)", () => {
            assert.strictEqual(latestSortKey(9901, { subaccount_id: 9901 }, "day_over_day"), "SUBACCOUNT#9901@day_over_day");
            assert.strictEqual(latestSortKey(9901, { subaccount_id: 9901, ip_pool: "p" }, "week_over_week"), 'SUBACCOUNT#9901@week_over_week#{"ip_pool":"p"}');
            assert.strictEqual(latestSortKey(9901, { subaccount_id: 9901 }, null), latestSortKey(9901, { subaccount_id: 9901 }, "raw"), "no evaluator: a score");
            const keys = new Set(["raw", "day_over_day", "week_over_week"].map((source) => latestSortKey(7, { subaccount_id: 7 }, source)));
            assert.strictEqual(keys.size, 3);
        });

        it("gives distinct filter objects distinct keys, and equal ones the same key", () => {
            fc.assert(
                fc.property(fc.integer({ min: -1, max: 3 }), filtersArb, filtersArb, (subaccount, a, b) => {
                    const same = canonicalJson(a) === canonicalJson(b);
                    assert.strictEqual(latestSortKey(subaccount, a, "raw") === latestSortKey(subaccount, b, "raw"), same, `${canonicalJson(a)} / ${canonicalJson(b)}`);
                    assert.ok(Buffer.byteLength(latestSortKey(subaccount, a, "raw")) <= 1024);
                }),
                { numRuns: 1000 },
            );
        });

        it("never gives two subaccounts the same key", () => {
            fc.assert(
                fc.property(fc.integer({ min: -1 }), fc.integer({ min: -1 }), filtersArb, (x, y, filters) => {
                    fc.pre(x !== y);
                    assert.notStrictEqual(latestSortKey(x, filters, "raw"), latestSortKey(y, filters, "raw"));
                }),
                RUNS,
            );
        });
    });
});
