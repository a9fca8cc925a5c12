import assert from "assert";
import fc from "fast-check";
import { HEALTHSCORE_NAMESPACE, deliveryIdOf, uuidV5 } from "../../handlers/ids";
import { canonicalJson } from "../../shared/canonicalJson";
import { canonicalJsonReference, uuidV5Reference } from "../support/reference";
import { RUNS, reorderKeys } from "./support";

const DNS_NAMESPACE = "6ba7b810-9dad-11d1-80b4-00c04fd430c8";
const URL_NAMESPACE = "6ba7b811-9dad-11d1-80b4-00c04fd430c8";
const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("handlers/ids", () => {
    describe("uuidV5", () => {
        it("matches the published vector for www.example.com in the DNS namespace", () => {
            assert.strictEqual(uuidV5("www.example.com", DNS_NAMESPACE), "2ed6657d-e927-568b-95e1-2665a8aea6a2");
        });

        it("gives the project's namespace as the UUIDv5 of \"healthscore\" in the URL namespace, as documented", () => {
            assert.strictEqual(uuidV5("healthscore", URL_NAMESPACE), HEALTHSCORE_NAMESPACE);
        });

        it("accepts the namespace with or without dashes, in either case", () => {
            const expected = uuidV5("x", DNS_NAMESPACE);
            assert.strictEqual(uuidV5("x", DNS_NAMESPACE.replace(/-/g, "")), expected);
            assert.strictEqual(uuidV5("x", DNS_NAMESPACE.toUpperCase()), expected);
        });

        for (const namespace of ["", "not-a-uuid", DNS_NAMESPACE.slice(0, -2), `${DNS_NAMESPACE}00`, `${DNS_NAMESPACE}zz`, DNS_NAMESPACE.replace("c8", "cg")]) {
            it(`refuses the namespace ${JSON.stringify(namespace)}`, () => {
                assert.throws(() => uuidV5("x", namespace), (err: Error) => err instanceof TypeError && /namespace is not a UUID/.test(err.message));
            });
        }

        it("always gives a version 5, RFC 4122 variant UUID, the same for a string and its UTF-8 bytes", () => {
            fc.assert(
                fc.property(fc.string({ unit: "grapheme" }), (name) => {
                    const id = uuidV5(name, HEALTHSCORE_NAMESPACE);
                    assert.match(id, UUID_V5);
                    assert.strictEqual(uuidV5(Buffer.from(name, "utf8"), HEALTHSCORE_NAMESPACE), id);
                }),
                RUNS,
            );
        });

        it("gives different ids to different names and to the same name in different namespaces", () => {
            fc.assert(
                fc.property(fc.string(), fc.string(), (a, b) => {
                    fc.pre(a !== b);
                    assert.notStrictEqual(uuidV5(a, HEALTHSCORE_NAMESPACE), uuidV5(b, HEALTHSCORE_NAMESPACE));
                    assert.notStrictEqual(uuidV5(a, HEALTHSCORE_NAMESPACE), uuidV5(a, DNS_NAMESPACE));
                }),
                RUNS,
            );
        });
    });

    describe("uuidV5 against its reference (Hash object, digest patched byte by byte)", () => {
        /** Names of every kind: any UTF-16 (lone surrogates too, which UTF-8 writes as U+FFFD), long ones, bytes. */
        const names = fc.oneof(
            fc.string({ unit: "binary", maxLength: 300 }),
            fc.string({ unit: fc.constantFrom("\ud800", "\udfff", "😀", "é", "a", "\u0000"), maxLength: 50 }),
            fc.string({ minLength: 2_000, maxLength: 5_000 }),
            fc.uint8Array({ maxLength: 300 }),
        );
        const namespaces = fc.oneof(
            fc.constantFrom(HEALTHSCORE_NAMESPACE, DNS_NAMESPACE, URL_NAMESPACE.toUpperCase(), DNS_NAMESPACE.replace(/-/g, ""), "", "not-a-uuid", `${DNS_NAMESPACE}zz`),
            fc.uuid(),
        );
        const outcome = (run: () => string) => {
            try {
                return run();
            } catch (error) {
                return `${(error as Error).name}: ${(error as Error).message}`;
            }
        };

        it("gives the same id, or the same error, for every name and namespace", () => {
            fc.assert(
                fc.property(names, namespaces, (name, namespace) => {
                    assert.strictEqual(outcome(() => uuidV5(name, namespace)), outcome(() => uuidV5Reference(name, namespace)));
                }),
                { numRuns: 2_000 },
            );
        });

        it("gives the same id where node has no one-shot crypto.hash (before 20.12)", () => {
            const crypto = require("crypto") as { hash?: unknown };
            const oneShot = crypto.hash;
            crypto.hash = undefined;
            try {
                fc.assert(fc.property(names, (name) => assert.strictEqual(uuidV5(name, HEALTHSCORE_NAMESPACE), uuidV5Reference(name, HEALTHSCORE_NAMESPACE))), RUNS);
            } finally {
                crypto.hash = oneShot;
            }
        });
    });

    describe("deliveryIdOf", () => {
        it("is the UUIDv5 of the exact body bytes in the project's namespace", () => {
            const body = Buffer.from('[{"alert_id":1}]');
            assert.strictEqual(deliveryIdOf(body), uuidV5(body, HEALTHSCORE_NAMESPACE));
            assert.strictEqual(deliveryIdOf(Buffer.from('[{"alert_id":1}]')), deliveryIdOf(body));
        });

        it("changes with any byte, even whitespace", () => {
            assert.notStrictEqual(deliveryIdOf(Buffer.from('[{"alert_id":1}]')), deliveryIdOf(Buffer.from('[{"alert_id": 1}]')));
        });

        it("takes bytes that are not UTF-8 as they are", () => {
            assert.match(deliveryIdOf(Uint8Array.from([0xff, 0xfe, 0x00])), UUID_V5);
            assert.notStrictEqual(deliveryIdOf(Uint8Array.from([0xff])), deliveryIdOf(Uint8Array.from([0xfe])));
        });
    });

    describe("canonicalJson", () => {
        it("sorts keys at every level, keeping array order", () => {
            assert.strictEqual(
                canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } }),
                '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
            );
        });

        it("is the same JSON whatever the key order", () => {
            fc.assert(
                fc.property(fc.jsonValue({ maxDepth: 4 }), fc.nat(), (value, seed) => {
                    assert.strictEqual(canonicalJson(reorderKeys(value, seed)), canonicalJson(value));
                }),
                RUNS,
            );
        });

        it("is JSON that parses back to the same value", () => {
            fc.assert(
                fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
                    assert.deepStrictEqual(JSON.parse(canonicalJson(value)), JSON.parse(JSON.stringify(value)));
                }),
                RUNS,
            );
        });

        it("writes what its reference (sort, map and join) writes, for any value JavaScript can hold", () => {
            fc.assert(
                fc.property(fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.anything({ maxDepth: 3, withObjectString: true, withNullPrototype: true, withSparseArray: true, withBoxedValues: true, withDate: true, withMap: true, withSet: true, withTypedArray: true })), (value) => {
                    assert.strictEqual(canonicalJson(value), canonicalJsonReference(value));
                }),
                { numRuns: 2_000 },
            );
        });

        it("tells apart values that differ", () => {
            assert.notStrictEqual(canonicalJson({ a: 1 }), canonicalJson({ a: "1" }));
            assert.notStrictEqual(canonicalJson([1, 2]), canonicalJson([2, 1]));
            assert.notStrictEqual(canonicalJson({ a: { b: 1 } }), canonicalJson({ "a.b": 1 }));
        });
    });
});
