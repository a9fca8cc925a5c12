import assert from "assert";
import fc from "fast-check";
import { JsonKind, ScannedElement, TEXT_PROBLEMS, scanJson } from "../../handlers/jsonScan";
import { NUMBER_PROBLEMS } from "../../handlers/numbers";
import { generateDelivery, seededRandom } from "../../local/generate";
import { scanJsonReference } from "../support/jsonScanReference";
import { WORST_BODIES } from "../support/worstBodies";
import { RUNS } from "./support";

const OPTIONS = { maxDepth: 64, maxProblemsPerElement: 100, maxTrackedChars: 1_000_000 };

/** Scans and collects the elements, as a caller's visitor would. */
function scan(text: string, options = OPTIONS) {
    const elements: ScannedElement[] = [];
    const result = scanJson(text, (element) => elements.push(element), options);
    return { result, elements };
}

/** The problems of the elements of `text` as `path: message`, sorted. */
function problemsOf(text: string): string[] {
    const { result, elements } = scan(text);
    assert.ok(result.ok, JSON.stringify(result));
    return elements.flatMap((element) => element.problems.map((p) => `${p.path}: ${p.message}`)).sort();
}

/** Objects built with defineProperty, so that a key named `__proto__` is an own key, as JSON.parse makes it. */
function objectOf(entries: Array<[string, unknown]>): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    for (const [key, child] of entries) Object.defineProperty(result, key, { value: child, enumerable: true, writable: true, configurable: true });
    return result;
}

/** Values with numbers the store cannot keep and prototype keys (moved here with findUnsafeValues' tests). */
const unsafeJson = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        fc.constantFrom(0, 1.5, -2, 1e-131, -5e-324, 9007199254740991, 9007199254740992, -9007199254740993, 1e300, "1e400", null),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.array(tie("value"), { maxLength: 3 }),
        fc.uniqueArray(fc.tuple(fc.constantFrom("a", "b", "x.y", "__proto__", "constructor", "prototype"), tie("value")), {
            maxLength: 3,
            selector: ([key]) => key,
        }).map(objectOf),
    ),
})).value;

const FORBIDDEN = ["__proto__", "constructor", "prototype"];

/**
 * The reference, on the parsed value: the paths of numbers beyond ±2^53 or closer to zero than 1e-130, and of
 * prototype keys (not walked into). JSON.stringify writes a double's shortest form, which parsing keeps exactly.
 */
function referenceUnsafePaths(value: unknown, path: string): string[] {
    if (typeof value === "number") {
        return Math.abs(value) > Number.MAX_SAFE_INTEGER || (value !== 0 && Math.abs(value) < 1e-130) ? [path] : [];
    }
    if (Array.isArray(value)) return value.flatMap((item, i) => referenceUnsafePaths(item, `${path}[${i}]`));
    if (value !== null && typeof value === "object") {
        return Object.keys(value).flatMap((key) => {
            const childPath = `${path}.${key}`;
            return FORBIDDEN.includes(key) ? [childPath] : referenceUnsafePaths((value as Record<string, unknown>)[key], childPath);
        });
    }
    return [];
}

function kindOf(value: unknown): JsonKind {
    if (value === null) return "null";
    if (Array.isArray(value)) return "array";
    return typeof value as JsonKind;
}

/** Object keys a hostile sender would try: duplicates in any case or spelling, prototype keys, surrogates. */
const trickyKey = fc.oneof(
    fc.constantFrom("a", "A", "b", "ip_pool", "IP_POOL", "Ip_Pool", "é", "É", "__proto__", "constructor", "prototype", "\\u0061", "\\u0041", "\\ud800", "\\ud83d\\ude00", "k\\n", "ǅ", "ß", "İ"),
    fc.string({ maxLength: 4 }).map((key) => JSON.stringify(key).slice(1, -1)),
);

/** JSON text (mostly) with what the scanner looks for: tricky keys, numbers parsing alters, surrogates, depth. */
const trickyText = fc.letrec<{ value: string }>((tie) => ({
    value: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        fc.constantFrom("0", "-0", "1.5", "1e400", "-1e-400", "9007199254740993", "78.27250957000001", "78.2724999999999999999", "1e-131", "0e-999", "true", "null", '"x"', '"\\ud800"', '"\\udc00\\ud800"', '"😀"', "1E2", "-12.5e+3"),
        fc.double().filter(Number.isFinite).map((n) => JSON.stringify(n)),
        fc.array(tie("value"), { maxLength: 4 }).map((items) => `[${items.join(",")}]`),
        fc.array(fc.tuple(trickyKey, tie("value")), { maxLength: 5 }).map((members) => `{${members.map(([key, value]) => `"${key}":${value}`).join(",")}}`),
    ),
})).value;

/** Texts for the fast scanner and its reference: generated, tricky, damaged, real deliveries, the worst bodies. */
const scannerText = fc.oneof(
    fc.json({ maxDepth: 4 }),
    fc.array(trickyText, { maxLength: 6 }).map((elements) => `[${elements.join(",")}]`),
    trickyText,
    fc.tuple(fc.array(trickyText, { maxLength: 4 }).map((elements) => ` [ ${elements.join(" ,\n")} ] `), fc.nat(), fc.constantFrom("", ",", "]", "}", "[", "{", '"', ":", "\\", "0", "-", ".", "e", "x", " ", "\u0001", "tru", "nul", "\\u12"), fc.boolean())
        .map(([text, at, insert, replace]) => {
            const position = text.length === 0 ? 0 : at % text.length;
            return text.slice(0, position) + insert + text.slice(position + (replace ? 1 : 0));
        }),
    fc.nat(20).map((subaccounts) => JSON.stringify(generateDelivery({ subaccounts, triggeredAt: new Date("2026-11-27T09:00:00.000Z"), random: seededRandom(subaccounts) }))),
    fc.constantFrom(...WORST_BODIES).map((worst) => worst.build(40_000).toString("utf8")),
);

const scannerOptions = fc.oneof(
    fc.constant({ maxDepth: 6, maxProblemsPerElement: 10, maxTrackedChars: 16 * 1024 }),
    fc.record({ maxDepth: fc.integer({ min: 1, max: 8 }), maxProblemsPerElement: fc.integer({ min: 0, max: 4 }), maxTrackedChars: fc.integer({ min: 0, max: 200 }) }),
);

describe("handlers/jsonScan", () => {
    describe("against its reference (the scanner as it was before it was made fast)", () => {
        it("gives the same result and hands over the same elements, for any text and options", () => {
            fc.assert(
                fc.property(scannerText, scannerOptions, (text, options) => {
                    const fast: ScannedElement[] = [];
                    const reference: ScannedElement[] = [];
                    const result = scanJson(text, (element) => fast.push(element), options);
                    assert.deepStrictEqual(result, scanJsonReference(text, (element) => reference.push(element), options), text.slice(0, 200));
                    assert.deepStrictEqual(fast, reference, text.slice(0, 200));
                }),
                { numRuns: 2_000 },
            );
        });
    });

    describe("grammar", () => {
        it("accepts what JSON.parse accepts, and refuses what it refuses, on generated and damaged JSON", () => {
            const damaged = fc.tuple(fc.json({ maxDepth: 4 }), fc.nat(), fc.constantFrom("", ",", "]", "}", "[", "{", '"', ":", "\\", "0", "-", ".", "e", "x", " ", "\u0001", "tru", "nul"), fc.boolean())
                .map(([text, at, insert, replace]) => {
                    const position = text.length === 0 ? 0 : at % text.length;
                    return text.slice(0, position) + insert + text.slice(position + (replace ? 1 : 0));
                });
            fc.assert(
                fc.property(fc.oneof(fc.json({ maxDepth: 4 }), damaged), (text) => {
                    let parsed: unknown;
                    let valid = true;
                    try {
                        parsed = JSON.parse(text);
                    } catch {
                        valid = false;
                    }
                    const { result, elements } = scan(text);
                    assert.strictEqual(result.ok, valid, `${JSON.stringify(text)}: ${JSON.stringify(result)}`);
                    if (!result.ok) {
                        assert.match(result.message, /^body is not JSON: .+ at character \d+$/);
                        return;
                    }
                    assert.strictEqual(result.rootKind, kindOf(parsed));
                    if (Array.isArray(parsed)) {
                        // Each element's span holds exactly that element.
                        assert.strictEqual(result.elementCount, parsed.length);
                        assert.deepStrictEqual(elements.map((e) => JSON.parse(text.slice(e.start, e.end))), parsed);
                        assert.deepStrictEqual(elements.map((e) => e.kind), parsed.map(kindOf));
                    }
                }),
                { numRuns: 1000 },
            );
        });

        for (const [what, text] of [
            ["an empty body", ""], ["only whitespace", " \n"], ["a trailing comma", "[1,]"], ["a leading zero", "[01]"], ["a bare dot", "[1.]"],
            ["single quotes", "[{'a':1}]"], ["a control character in a string", '["a\u0001"]'], ["a bad escape", '["\\x"]'], ["a short \\u", '["\\u12"]'],
            ["NaN", "[NaN]"], ["a second value", "[] []"], ["an unclosed object", '[{"a":1]'], ["a missing colon", '{"a" 1}'], ["a BOM", "\ufeff[]"],
        ]) {
            it(`refuses ${what}, saying where`, () => {
                const { result } = scan(text);
                assert.ok(!result.ok && /^body is not JSON: .+ at character \d+$/.test(result.message), JSON.stringify(result));
            });
        }

        it("refuses the first bracket deeper than maxDepth, saying where", () => {
            const { result } = scan(`[[${"[".repeat(10)}`, { ...OPTIONS, maxDepth: 6 });
            assert.deepStrictEqual(result, { ok: false, tooDeep: true, message: "JSON is nested deeper than 6 levels (at character 6); a SparkPost alert nests 3" });
        });

        it("gives the kind of a root that is not an array, and no elements", () => {
            for (const [text, kind] of [['{"a":[1]}', "object"], ['"x"', "string"], ["-1.5e3", "number"], ["true", "boolean"], ["null", "null"]] as const) {
                const { result, elements } = scan(text);
                assert.deepStrictEqual([result, elements.length], [{ ok: true, rootKind: kind, elementCount: 0 }, 0]);
            }
        });
    });

    describe("problems in elements (moved from findUnsafeValues, now on the text)", () => {
        it("finds nothing in a real delivery", () => {
            assert.deepStrictEqual(problemsOf('[{"alert_id":4242,"triggered_value":78.27250957000001,"filters":{"subaccount_id":0}}]'), []);
        });

        it("finds numbers beyond double range (1e400 parses to Infinity), with their path", () => {
            assert.deepStrictEqual(problemsOf('[{"triggered_value":1e400,"evaluator":{"value":-1e400}}]'), [
                `[0].evaluator.value: ${NUMBER_PROBLEMS.outOfRange}`,
                `[0].triggered_value: ${NUMBER_PROBLEMS.outOfRange}`,
            ]);
        });

        it("finds integers beyond ±2^53, which the parser has already rounded", () => {
            assert.deepStrictEqual(problemsOf('[{"alert_id":9007199254740993,"filters":{"subaccount_id":-9007199254740993}}]'), [
                `[0].alert_id: ${NUMBER_PROBLEMS.outOfRange}`,
                `[0].filters.subaccount_id: ${NUMBER_PROBLEMS.outOfRange}`,
            ]);
        });

        it("accepts the largest safe integer, zero, and fractions down to DynamoDB's smallest magnitude", () => {
            assert.deepStrictEqual(problemsOf('[{"a":[9007199254740991,-9007199254740991,1.5,0,-0,1e-130,-1e-130]}]'), []);
        });

        it("finds numbers too close to zero for DynamoDB, which would fail a whole batch, and those parsing makes 0", () => {
            assert.deepStrictEqual(problemsOf('[{"a":1e-131,"b":[-5e-324],"c":1e-400}]').map((p) => p.split(":")[0]), ["[0].a", "[0].b[0]", "[0].c"]);
        });

        it("finds prototype keys at any depth, named in the path, without looking into their values", () => {
            assert.deepStrictEqual(problemsOf('[{"filters":{"__proto__":{"polluted":1e400,"a":1,"a":2}},"constructor":{},"a":[{"prototype":1}]}]'), [
                `[0].a[0].prototype: ${TEXT_PROBLEMS.forbiddenKey("prototype")}`,
                `[0].constructor: ${TEXT_PROBLEMS.forbiddenKey("constructor")}`,
                `[0].filters.__proto__: ${TEXT_PROBLEMS.forbiddenKey("__proto__")}`,
            ]);
        });

        it("starts each path with the element's index", () => {
            assert.deepStrictEqual(problemsOf('[{}, 1, {"x":[1e400]}]'), [`[2].x[0]: ${NUMBER_PROBLEMS.outOfRange}`]);
        });

        it("agrees with a recursive reference on generated values with unsafe numbers and prototype keys", () => {
            fc.assert(
                fc.property(unsafeJson, (value) => {
                    const paths = problemsOf(`[{"v":${JSON.stringify(value)}}]`).map((p) => p.slice(0, p.indexOf(": ")));
                    assert.deepStrictEqual(paths, referenceUnsafePaths(value, "[0].v").sort());
                }),
                RUNS,
            );
        });
    });

    describe("well-formed Unicode (#1)", () => {
        it("finds a lone surrogate in a string or a key, escaped or raw, exactly when the string is not well-formed", () => {
            const isWellFormed = (text: string) => (text as unknown as { isWellFormed(): boolean }).isWellFormed();
            const withSurrogates = fc.string({ unit: fc.oneof(fc.constantFrom("\ud800", "\udbff", "\udc00", "\udfff", "😀", "a", '"', "\\"), fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code))), maxLength: 6 });
            fc.assert(
                fc.property(withSurrogates, fc.boolean(), fc.boolean(), (text, asKey, escapeAll) => {
                    // JSON.stringify escapes lone surrogates (\udXXX); raw ones can only come from a string, not from bytes.
                    let quoted = JSON.stringify(text);
                    if (escapeAll) quoted = quoted.replace(/[\ud800-\udfff]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
                    const body = asKey ? `[{${quoted}:1}]` : `[{"k":${quoted}}]`;
                    const found = problemsOf(body).filter((p) => p.endsWith(TEXT_PROBLEMS.loneSurrogate));
                    assert.strictEqual(found.length, isWellFormed(text) ? 0 : 1, body);
                }),
                { numRuns: 500 },
            );
        });
    });

    describe("duplicate keys (#7)", () => {
        it("finds a key given twice in one object, however it is spelled, once per repetition", () => {
            assert.deepStrictEqual(problemsOf('[{"a":1,"b":{"a":1},"\\u0061":2,"a":3}]'), [
                `[0].a: ${TEXT_PROBLEMS.duplicateKey("a")}`,
                `[0].a: ${TEXT_PROBLEMS.duplicateKey("a")}`,
            ]);
        });

        it("finds keys that differ only in case, which Athena's JSON SerDe folds into one", () => {
            assert.deepStrictEqual(problemsOf('[{"filters":{"ip_pool":"a","IP_POOL":"b"}}]'), [
                `[0].filters.IP_POOL: ${TEXT_PROBLEMS.caseDuplicateKey("IP_POOL", "ip_pool")}`,
            ]);
        });

        it("agrees with a reference count on generated objects of many keys", () => {
            fc.assert(
                fc.property(fc.array(fc.constantFrom("a", "b", "c", "d", "é", "É", "A", "\\u00e9", "\\u0061", "\\u0041"), { maxLength: 40 }), (keys) => {
                    const decoded = keys.map((key) => (JSON.parse(`"${key}"`) as string).toLowerCase());
                    const expected = decoded.length - new Set(decoded).size;
                    const text = `[{${keys.map((key, i) => `"${key}":${i}`).join(",")}}]`;
                    assert.strictEqual(problemsOf(text).length, expected, text);
                }),
                RUNS,
            );
        });
    });

    describe("what it tells a caller about each element", () => {
        it("lists an object's own keys once each, with the kind of each one's first value", () => {
            const { elements } = scan('[{"a":1,"b":"x","c":{"d":[]},"a":null,"e":[1],"f":true,"g":null}]');
            assert.deepStrictEqual([elements[0].keys, elements[0].kinds], [["a", "b", "c", "e", "f", "g"], ["number", "string", "object", "array", "boolean", "null"]]);
        });

        it("keeps the first problems and counts the rest", () => {
            const { elements } = scan(`[{${Array.from({ length: 30 }, () => '"k":1').join(",")}}]`, { ...OPTIONS, maxProblemsPerElement: 3 });
            assert.deepStrictEqual([elements[0].problems.length, elements[0].problemCount], [3, 29]);
        });

        it("stops looking into an element past maxTrackedChars, and says so", () => {
            const { result, elements } = scan(`[{"a":"${"x".repeat(100)}","a":1e400}, {"a":1e400}]`, { ...OPTIONS, maxTrackedChars: 50 });
            assert.ok(result.ok);
            assert.deepStrictEqual(elements.map((e) => [e.untracked, e.problemCount]), [[true, 0], [false, 1]]);
        });

        it("looks into objects only: other elements are not an alert anyway", () => {
            const { elements } = scan('[[1e400], "\\ud800", 1e400, {"a":1e400}]');
            assert.deepStrictEqual(elements.map((e) => [e.kind, e.problemCount]), [["array", 0], ["string", 0], ["number", 0], ["object", 1]]);
        });
    });
});
