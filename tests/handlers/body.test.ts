import assert from "assert";
import fc from "fast-check";
import {
    MAX_JSON_DEPTH,
    checkDepth,
    checkSize,
    decodeUtf8,
    findUnsafeValues,
    parseBody,
    parseJson,
} from "../../handlers/body";
import { MAX_BODY_BYTES as BODY_LIMITS } from "../../shared/limits";
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

/** Objects built with defineProperty, so that a key named `__proto__` is an own key, as JSON.parse makes it. */
function objectOf(entries: Array<[string, unknown]>): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    for (const [key, child] of entries) Object.defineProperty(result, key, { value: child, enumerable: true, writable: true, configurable: true });
    return result;
}

const unsafeJson = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        fc.constantFrom(0, 1.5, -2, 1e-131, -5e-324, 9007199254740991, 9007199254740992, -9007199254740993, 1e300, Infinity, -Infinity, "1e400", null),
        fc.double({ noNaN: true }),
        fc.array(tie("value"), { maxLength: 3 }),
        fc.uniqueArray(fc.tuple(fc.constantFrom("a", "b", "x.y", "__proto__", "constructor", "prototype"), tie("value")), {
            maxLength: 3,
            selector: ([key]) => key,
        }).map(objectOf),
    ),
})).value;

const FORBIDDEN = ["__proto__", "constructor", "prototype"];

function referenceUnsafePaths(value: unknown, path: string): string[] {
    if (typeof value === "number") {
        const unstorable = !Number.isFinite(value) || (Number.isInteger(value) && !Number.isSafeInteger(value)) ||
            (value !== 0 && Math.abs(value) < 1e-130);
        return unstorable ? [path] : [];
    }
    if (Array.isArray(value)) return value.flatMap((item, i) => referenceUnsafePaths(item, `${path}[${i}]`));
    if (value !== null && typeof value === "object") {
        return Object.keys(value).flatMap((key) => {
            const childPath = path === "" ? key : `${path}.${key}`;
            return FORBIDDEN.includes(key) ? [childPath] : referenceUnsafePaths((value as Record<string, unknown>)[key], childPath);
        });
    }
    return [];
}

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

    describe("parseJson", () => {
        it("parses JSON", () => {
            assert.deepStrictEqual(parseJson('[{"a":1}]'), { ok: true, value: [{ a: 1 }] });
        });

        it("answers 400 with the parser's reason for text that is not JSON", () => {
            const result = parseJson("[{'a':1}]");
            assert.strictEqual(result.ok, false);
            if (!result.ok) {
                assert.strictEqual(result.problem.status, 400);
                assert.match(result.problem.message, /^body is not JSON: ./);
            }
        });

        it('does not pollute Object.prototype when parsing {"__proto__": {"polluted": 1}}', () => {
            const result = parseJson('{"__proto__": {"polluted": 1}}');

            assert.ok(result.ok);
            const value = result.value as Record<string, unknown>;
            assert.strictEqual(({} as Record<string, unknown>).polluted, undefined);
            assert.strictEqual(Object.getPrototypeOf(value), Object.prototype);
            assert.deepStrictEqual(Object.keys(value), ["__proto__"]);
        });
    });

    describe("parseBody", () => {
        it("decodes and parses a body", () => {
            assert.deepStrictEqual(parseBody(utf8('[{"name":"é"}]')), { ok: true, value: [{ name: "é" }] });
        });

        it("checks UTF-8 before anything else", () => {
            const result = parseBody(Uint8Array.from([0x5b, 0xff, 0x5d]));
            assert.deepStrictEqual(result, { ok: false, problem: { status: 400, message: "body is not valid UTF-8" } });
        });

        it("checks depth before JSON.parse sees the text", () => {
            // Not JSON at all, but too deep first: the depth problem is the one reported.
            const result = parseBody(utf8("[".repeat(MAX_JSON_DEPTH + 1)));
            assert.strictEqual(result.ok, false);
            if (!result.ok) assert.match(result.problem.message, /nested deeper/);
        });

        it("reports text that is not JSON", () => {
            const result = parseBody(utf8("alert_id=1"));
            assert.strictEqual(result.ok, false);
            if (!result.ok) assert.match(result.problem.message, /^body is not JSON/);
        });
    });

    describe("findUnsafeValues", () => {
        it("finds nothing in a real delivery", () => {
            const value = JSON.parse('[{"alert_id":4242,"triggered_value":78.27250957000001,"filters":{"subaccount_id":0}}]');
            assert.deepStrictEqual(findUnsafeValues(value), []);
        });

        it("finds numbers beyond double range (1e400 parses to Infinity), with their path", () => {
            const value = JSON.parse('{"triggered_value":1e400,"evaluator":{"value":-1e400}}');
            assert.deepStrictEqual(sortByPath(findUnsafeValues(value)), [
                { path: "evaluator.value", message: "number is not finite" },
                { path: "triggered_value", message: "number is not finite" },
            ]);
        });

        it("finds integers beyond ±2^53, which the parser has already rounded", () => {
            const value = JSON.parse('{"alert_id":9007199254740993,"filters":{"subaccount_id":-9007199254740993}}');
            assert.deepStrictEqual(sortByPath(findUnsafeValues(value)).map((found) => found.path), ["alert_id", "filters.subaccount_id"]);
            assert.match(findUnsafeValues(value)[0].message, /outside the safe range/);
        });

        it("accepts the largest safe integer, zero, and fractions down to DynamoDB's smallest magnitude", () => {
            assert.deepStrictEqual(findUnsafeValues(JSON.parse("[9007199254740991,-9007199254740991,1.5,0,-0,1e-130,-1e-130]")), []);
        });

        it("finds numbers too close to zero for DynamoDB, which would fail a whole batch", () => {
            assert.deepStrictEqual(findUnsafeValues(JSON.parse('{"a":1e-131,"b":[-5e-324]}')).map((f) => f.path).sort(), ["a", "b[0]"]);
        });

        it("finds prototype keys at any depth, named in the path, without walking into them", () => {
            const value = JSON.parse('{"filters":{"__proto__":{"polluted":1e400}},"constructor":{},"a":[{"prototype":1}]}');
            assert.deepStrictEqual(sortByPath(findUnsafeValues(value)), [
                { path: "a[0].prototype", message: 'key "prototype" is not allowed' },
                { path: "constructor", message: 'key "constructor" is not allowed' },
                { path: "filters.__proto__", message: 'key "__proto__" is not allowed' },
            ]);
        });

        it("prefixes paths with the root path it is given", () => {
            assert.deepStrictEqual(findUnsafeValues(JSON.parse('{"x":[1e400]}'), "[3]"), [{ path: "[3].x[0]", message: "number is not finite" }]);
        });

        it("agrees with a recursive reference on generated values with unsafe numbers and prototype keys", () => {
            fc.assert(
                fc.property(unsafeJson, (value) => {
                    const found = findUnsafeValues(value).map((item) => item.path).sort();
                    assert.deepStrictEqual(found, referenceUnsafePaths(value, "").sort());
                }),
                RUNS,
            );
        });
    });
});

function sortByPath<T extends { path: string }>(found: T[]): T[] {
    return [...found].sort((a, b) => (a.path < b.path ? -1 : 1));
}
