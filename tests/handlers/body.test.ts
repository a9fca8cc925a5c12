import assert from "assert";
import fc from "fast-check";
import { MAX_JSON_DEPTH, checkDepth, checkSize, decodeUtf8 } from "../../handlers/body";
import { MAX_BODY_BYTES as BODY_LIMITS } from "../../shared/limits";
import { decodeUtf8Reference } from "../support/reference";
import { RUNS } from "./support";

/** checkSize's default: the ALB's limit. */
const MAX_BODY_BYTES = BODY_LIMITS.alb;

const utf8 = (text: string) => new TextEncoder().encode(text);

/** Nesting depth of a JSON value, computed recursively: the reference for checkDepth. */
function referenceDepth(value: unknown): number {
    if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(referenceDepth));
    if (value !== null && typeof value === "object") return 1 + Math.max(0, ...Object.values(value).map(referenceDepth));
    return 0;
}

/** Strings full of what could fool a bracket counter: brackets, quotes, backslashes. */
const trickyString = fc.string({ unit: fc.constantFrom("[", "]", "{", "}", '"', "\\", "a", "é", "\u2028"), maxLength: 12 });

const trickyJson = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        trickyString,
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie("value"), { maxLength: 3 }),
        fc.dictionary(trickyString, tie("value"), { maxKeys: 3 }),
    ),
})).value;

describe("handlers/body", () => {
    describe("checkSize", () => {
        it("accepts a body of exactly the limit", () => {
            assert.strictEqual(checkSize(new Uint8Array(MAX_BODY_BYTES)), undefined);
        });

        it("refuses one byte more with 413 and both sizes in the message", () => {
            const problem = checkSize(new Uint8Array(MAX_BODY_BYTES + 1));
            assert.strictEqual(problem?.status, 413);
            assert.match(problem!.message, new RegExp(`${MAX_BODY_BYTES + 1} bytes.*${MAX_BODY_BYTES} bytes`));
        });

        it("counts bytes, not characters", () => {
            // Half the limit in characters, but each "é" is two bytes: one byte over.
            const body = utf8("é".repeat(MAX_BODY_BYTES / 2) + "x");
            assert.strictEqual(checkSize(body)?.status, 413);
        });
    });

    describe("decodeUtf8", () => {
        it("decodes multi-byte characters", () => {
            assert.deepStrictEqual(decodeUtf8(utf8('["é€😀"]')), { ok: true, value: '["é€😀"]' });
        });

        const malformed: Array<[string, number[]]> = [
            ["a lone continuation byte", [0x5b, 0x80, 0x5d]],
            ["an invalid byte", [0xff]],
            ["a truncated sequence", [0xe2, 0x82]],
            ["an overlong encoding of '/'", [0xc0, 0xaf]],
            ["an encoded UTF-16 surrogate", [0xed, 0xa0, 0x80]],
            ["Latin-1 text", [0x22, 0xe9, 0x22]],
        ];
        for (const [what, bytes] of malformed) {
            it(`refuses ${what} instead of replacing it with U+FFFD`, () => {
                assert.deepStrictEqual(decodeUtf8(Uint8Array.from(bytes)), {
                    ok: false,
                    problem: { status: 400, message: "body is not valid UTF-8" },
                });
            });
        }
    });

    describe("decodeUtf8 against its reference (the strict TextDecoder alone)", () => {
        /** Bytes of every kind: ASCII, UTF-8 text (with a BOM too), damaged UTF-8, anything; in a view of a larger buffer. */
        const bytes = fc.oneof(
            fc.string({ unit: fc.integer({ min: 0, max: 0x7f }).map((code) => String.fromCharCode(code)), maxLength: 200 }).map((text) => Buffer.from(text, "latin1")),
            fc.string({ unit: "grapheme", maxLength: 100 }).map((text) => Buffer.from(text)),
            fc.string({ maxLength: 100 }).map((text) => Buffer.from(`\ufeff${text}`)),
            fc.tuple(fc.string({ unit: "grapheme", maxLength: 100 }), fc.nat(), fc.integer({ min: 0, max: 255 }))
                .map(([text, at, byte]) => {
                    const damaged = Buffer.from(text);
                    if (damaged.length > 0) damaged[at % damaged.length] = byte;
                    return damaged;
                }),
            fc.uint8Array({ maxLength: 100 }),
        );
        const inView = (inner: Uint8Array, before: number, after: number) => {
            const outer = new Uint8Array(before + inner.length + after).fill(0xff);
            outer.set(inner, before);
            return outer.subarray(before, before + inner.length);
        };

        it("gives the same text, or the same problem, for any bytes, wherever they sit in their buffer", () => {
            fc.assert(
                fc.property(bytes, fc.nat(8), fc.nat(8), (inner, before, after) => {
                    const view = inView(inner, before, after);
                    assert.deepStrictEqual(decodeUtf8(view), decodeUtf8Reference(view));
                }),
                { numRuns: 2_000 },
            );
        });

        it("gives the same where node has no isAscii (before 18.15)", () => {
            const buffer = require("buffer") as { isAscii?: unknown };
            const isAscii = buffer.isAscii;
            buffer.isAscii = undefined;
            try {
                fc.assert(fc.property(bytes, (inner) => assert.deepStrictEqual(decodeUtf8(inner), decodeUtf8Reference(inner))), RUNS);
            } finally {
                buffer.isAscii = isAscii;
            }
        });
    });

    describe("checkDepth", () => {
        it("accepts a real delivery", () => {
            assert.strictEqual(checkDepth('[{"filters":{},"evaluator":{"value":1}}]'), undefined);
        });

        it("accepts exactly the limit and refuses one level more, saying where", () => {
            const atLimit = "[".repeat(MAX_JSON_DEPTH) + "]".repeat(MAX_JSON_DEPTH);
            const over = "[".repeat(MAX_JSON_DEPTH + 1) + "]".repeat(MAX_JSON_DEPTH + 1);

            assert.strictEqual(checkDepth(atLimit), undefined);
            const problem = checkDepth(over);
            assert.strictEqual(problem?.status, 400);
            assert.match(problem!.message, new RegExp(`deeper than ${MAX_JSON_DEPTH} levels \\(at character ${MAX_JSON_DEPTH}\\)`));
        });

        it("counts objects and arrays alike", () => {
            assert.notStrictEqual(checkDepth('{"a":[{"b":[1]}]}', 3), undefined);
            assert.strictEqual(checkDepth('{"a":[{"b":[1]}]}', 4), undefined);
        });

        it("ignores brackets inside strings", () => {
            assert.strictEqual(checkDepth('["[[[[[[[[[[{{{{{{{{"]', 1), undefined);
        });

        it("ignores brackets after an escaped quote inside a string", () => {
            assert.strictEqual(checkDepth('["\\"[[[[[[[[[[", "]]]]"]', 1), undefined);
        });

        it("counts brackets after a string that ends in an escaped backslash", () => {
            // The string is `\\`: its closing quote is real, so the brackets after it are structure.
            assert.notStrictEqual(checkDepth('["\\\\", [[1]]]', 2), undefined);
            assert.strictEqual(checkDepth('["\\\\", [[1]]]', 3), undefined);
        });

        it("handles a depth of a hundred thousand without recursion", () => {
            const deep = "[".repeat(100_000) + "]".repeat(100_000);
            assert.match(checkDepth(deep)!.message, /deeper than 6/);
        });

        it("stops at the first grammar error of text that is not JSON, before a deeper bracket", () => {
            assert.strictEqual(checkDepth(`[1,,${"[".repeat(10)}`), undefined);
            assert.notStrictEqual(checkDepth(`${"[".repeat(10)},,`), undefined);
        });

        it("agrees with a recursive depth computation on generated JSON, compact or indented", () => {
            fc.assert(
                fc.property(trickyJson, fc.integer({ min: 0, max: 8 }), fc.boolean(), (value, maxDepth, indent) => {
                    const text = JSON.stringify(value, null, indent ? 2 : undefined);
                    const expectedOk = referenceDepth(value) <= maxDepth;
                    assert.strictEqual(checkDepth(text, maxDepth) === undefined, expectedOk);
                }),
                RUNS,
            );
        });
    });
});
