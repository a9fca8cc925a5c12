import assert from "assert";
import fc from "fast-check";
import { canonicalJson } from "../../shared/canonicalJson";
import { latestSortKey } from "../../shared/layout";
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
    describe("latestSortKey", () => {
        it("keeps a subaccount's own series as SUBACCOUNT#<id>, as before", () => {
            assert.strictEqual(latestSortKey(17, { subaccount_id: 17 }), "SUBACCOUNT#17");
            assert.strictEqual(latestSortKey(-1, {}), "SUBACCOUNT#-1");
        });

        it("writes the other filters as canonical JSON, keys sorted", () => {
            assert.strictEqual(latestSortKey(0, { subaccount_id: 0, ip_pool: "default" }), 'SUBACCOUNT#0#{"ip_pool":"default"}');
            assert.strictEqual(latestSortKey(3, { sending_domain: "b", ip_pool: "a" }), latestSortKey(3, { ip_pool: "a", sending_domain: "b" }));
        });

        it("tells apart the two series that shared a key (#3 of the hardening issue)", () => {
            const first = latestSortKey(5, { subaccount_id: 5, a: "x", b: "y" });
            const second = latestSortKey(5, { subaccount_id: 5, 'a="x"#b': "y" });
            assert.notStrictEqual(first, second);
        });

        it("replaces long facets by the SHA-256 of their JSON, within DynamoDB's 1,024 bytes", () => {
            const key = latestSortKey(9, { subaccount_id: 9, note: "n".repeat(10_000) });
            assert.match(key, /^SUBACCOUNT#9#sha256:[0-9a-f]{64}$/);
            assert.ok(Buffer.byteLength(latestSortKey(Number.MAX_SAFE_INTEGER, { note: "é".repeat(256) })) <= 1024);
        });

        it("gives distinct filter objects distinct keys, and equal ones the same key", () => {
            fc.assert(
                fc.property(fc.integer({ min: -1, max: 3 }), filtersArb, filtersArb, (subaccount, a, b) => {
                    const same = canonicalJson(a) === canonicalJson(b);
                    assert.strictEqual(latestSortKey(subaccount, a) === latestSortKey(subaccount, b), same, `${canonicalJson(a)} / ${canonicalJson(b)}`);
                    assert.ok(Buffer.byteLength(latestSortKey(subaccount, a)) <= 1024);
                }),
                { numRuns: 1000 },
            );
        });

        it("never gives two subaccounts the same key", () => {
            fc.assert(
                fc.property(fc.integer({ min: -1 }), fc.integer({ min: -1 }), filtersArb, (x, y, filters) => {
                    fc.pre(x !== y);
                    assert.notStrictEqual(latestSortKey(x, filters), latestSortKey(y, filters));
                }),
                RUNS,
            );
        });
    });
});
