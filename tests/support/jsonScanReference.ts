/**
 * handlers/jsonScan.ts as it was before it was made fast, kept verbatim (but for its imports and names) as the
 * oracle its property test holds the fast one to: the same result and the same elements for any text.
 *
 * One linear pass over JSON text, without recursion and without building the value: it checks the grammar and
 * the nesting depth, and finds, in each element of a top-level array, what JSON.parse would silently change or
 * what storage must not see. Node's JSON.parse gives no access to the source text, so only a pass over the text
 * can tell that a number was altered by parsing or that a key came twice (the last one silently wins).
 *
 * Pure and allocation-light: each top-level element is handed to a visitor as soon as it ends, so a caller can
 * decide about it (and drop it) without holding millions of parsed values.
 */
import type { JsonKind, JsonScan, ScanOptions, ScannedElement } from "../../handlers/jsonScan";
import { numberProblemReference as numberProblem } from "./reference";

/** Keys that could reach an object's prototype if the value were ever merged into another object. */
const FORBIDDEN_KEYS: readonly string[] = ["__proto__", "constructor", "prototype"];

/** One message per problem, whatever the text: the path says where. */
const TEXT_PROBLEMS = {
    loneSurrogate: "text is not well-formed Unicode: it holds a lone surrogate (\\ud800 to \\udfff without its pair)",
    duplicateKey: (key: string) => `key ${quote(key)} appears more than once in this object`,
    // Athena's JSON SerDe (OpenX, the lake table's) lowercases keys by default and refuses two that meet: one such
    // line would fail every query that reads its partition.
    caseDuplicateKey: (key: string, first: string) => `key ${quote(key)} differs from ${quote(first)} only in case, which the lake's readers ignore`,
    forbiddenKey: (key: string) => `key ${quote(key)} is not allowed`,
} as const;

const enum Expect {
    Value,
    /** After `[`: a value or `]`. */
    FirstValue,
    /** After a value: `,`, a closing bracket, or (at the top) the end. */
    Next,
    /** After `{`: a key or `}`. */
    FirstKey,
    /** After `,` in an object: a key. */
    Key,
    Colon,
}

const OBJECT = 1;
const ARRAY = 2;

/** An open object or array. Frames are reused: depth is bounded by `maxDepth`. */
interface Frame {
    type: number;
    /** Arrays: the index of the current item. */
    index: number;
    /**
     * Objects: the current key, whether it is a forbidden one, and the keys seen so far: lower-cased (as the
     * lake's readers compare them) beside the keys as written, in lists, then in a Map once there are many.
     */
    key: string;
    keyForbidden: boolean;
    keys: string[];
    written: string[];
    keyMap: Map<string, string> | undefined;
    /** Inside the value of a forbidden key nothing is looked for: the key alone rejects the element. */
    silenced: boolean;
}

const NONE: never[] = [];

/**
 * Scans `text`, handing each element of a top-level array to `visit` as soon as it ends. Stops at the first
 * grammar error or at the first bracket deeper than `maxDepth`; elements handed over before that are then moot.
 */
export function scanJsonReference(text: string, visit: ((element: ScannedElement) => void) | undefined, options: ScanOptions): JsonScan {
    const { maxDepth, maxProblemsPerElement, maxTrackedChars } = options;
    const n = text.length;
    const stack: Frame[] = [];
    let depth = 0;
    let expect = Expect.Value;
    let rootKind: JsonKind | undefined;
    let rootIsArray = false;
    let elementCount = 0;

    // The element in progress, and whether it is still looked into (objects only, up to maxTrackedChars).
    let element: ScannedElement | undefined;
    let tracking = false;
    // A member of the element object whose value's kind is still to come.
    let memberPending = false;

    const fail = (message: string, at: number): JsonScan => ({ ok: false, message: `body is not JSON: ${message} at character ${at}`, tooDeep: false });

    /** The path of the current position: `[index]`, then `.key` or `[index]` for each level below the element. */
    const pathHere = (): string => {
        let path = `[${stack[0].index}]`;
        for (let d = 1; d < depth; d++) {
            const frame = stack[d];
            path += frame.type === ARRAY ? `[${frame.index}]` : `.${frame.key}`;
        }
        return path;
    };
    const report = (message: string): void => {
        element!.problemCount++;
        if (element!.problems.length < maxProblemsPerElement) element!.problems.push({ path: pathHere(), message });
    };
    /** Whether a value at the current position is inside a forbidden key's value. */
    const valueSilenced = (): boolean => {
        const top = stack[depth - 1];
        return top.silenced || (top.type === OBJECT && top.keyForbidden);
    };

    const beginValue = (kind: JsonKind, at: number): void => {
        if (depth === 0) {
            rootKind = kind;
            rootIsArray = kind === "array";
        } else if (depth === 1 && rootIsArray) {
            const isObject = kind === "object";
            element = {
                index: elementCount, start: at, end: at, kind, problems: isObject ? [] : NONE, problemCount: 0,
                keys: isObject ? [] : NONE, kinds: isObject ? [] : NONE, untracked: false,
            };
            tracking = isObject;
        } else if (memberPending && depth === 2) {
            element!.kinds.push(kind);
            memberPending = false;
        }
    };
    const endValue = (at: number): void => {
        expect = Expect.Next;
        if (depth !== 1 || !element) return;
        element.end = at;
        elementCount++;
        visit?.(element);
        element = undefined;
        tracking = false;
    };
    const close = (at: number): void => {
        depth--;
        endValue(at);
    };

    let i = 0;
    while (i < n) {
        const c = text.charCodeAt(i);
        // Whitespace, as JSON defines it: space, line feed, carriage return, tab.
        if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
            i++;
            continue;
        }
        if (tracking && i - element!.start > maxTrackedChars) {
            tracking = false;
            memberPending = false;
            element!.untracked = true;
        }

        switch (expect as Expect) {
            case Expect.Next: {
                if (depth === 0) return fail(`unexpected ${describeChar(text, i)} after the value`, i);
                const frame = stack[depth - 1];
                if (c === 0x2c /* , */) {
                    if (frame.type === ARRAY) {
                        frame.index++;
                        expect = Expect.Value;
                    } else {
                        expect = Expect.Key;
                    }
                    i++;
                } else if ((c === 0x5d /* ] */ && frame.type === ARRAY) || (c === 0x7d /* } */ && frame.type === OBJECT)) {
                    close(++i);
                } else {
                    return fail(`expected "," or "${frame.type === ARRAY ? "]" : "}"}" but found ${describeChar(text, i)}`, i);
                }
                continue;
            }
            case Expect.Colon:
                if (c !== 0x3a /* : */) return fail(`expected ":" but found ${describeChar(text, i)}`, i);
                expect = Expect.Value;
                i++;
                continue;
            case Expect.FirstKey:
            case Expect.Key: {
                if (c === 0x7d /* } */ && expect === Expect.FirstKey) {
                    close(++i);
                    continue;
                }
                if (c !== 0x22 /* " */) return fail(`expected a key in double quotes but found ${describeChar(text, i)}`, i);
                const scanned = scanString(text, i);
                if (typeof scanned === "string") return fail(scanned, i);
                const frame = stack[depth - 1];
                if (tracking && !frame.silenced) {
                    const key = scanned.hasEscape ? (JSON.parse(text.slice(i, scanned.end)) as string) : text.slice(i + 1, scanned.end - 1);
                    frame.key = key;
                    frame.keyForbidden = FORBIDDEN_KEYS.includes(key);
                    if (scanned.loneSurrogate) report(TEXT_PROBLEMS.loneSurrogate);
                    const first = firstSpelling(frame, key);
                    if (first !== undefined) {
                        report(first === key ? TEXT_PROBLEMS.duplicateKey(key) : TEXT_PROBLEMS.caseDuplicateKey(key, first));
                    } else {
                        addKey(frame, key);
                        if (frame.keyForbidden) report(TEXT_PROBLEMS.forbiddenKey(key));
                        if (depth === 2) {
                            element!.keys.push(key);
                            memberPending = true;
                        }
                    }
                }
                i = scanned.end;
                expect = Expect.Colon;
                continue;
            }
            case Expect.FirstValue:
                if (c === 0x5d /* ] */) {
                    close(++i);
                    continue;
                }
                break;
            case Expect.Value:
                break;
        }

        // A value.
        if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
            const isObject = c === 0x7b;
            beginValue(isObject ? "object" : "array", i);
            if (depth >= maxDepth) {
                return { ok: false, message: `JSON is nested deeper than ${maxDepth} levels (at character ${i}); a SparkPost alert nests 3`, tooDeep: true };
            }
            const silenced = depth > 0 && valueSilenced();
            const frame = stack[depth] ?? (stack[depth] = { type: 0, index: 0, key: "", keyForbidden: false, keys: [], written: [], keyMap: undefined, silenced: false });
            frame.type = isObject ? OBJECT : ARRAY;
            frame.index = 0;
            frame.key = "";
            frame.keyForbidden = false;
            frame.keys.length = 0;
            frame.written.length = 0;
            frame.keyMap = undefined;
            frame.silenced = silenced;
            depth++;
            i++;
            expect = isObject ? Expect.FirstKey : Expect.FirstValue;
        } else if (c === 0x22 /* " */) {
            beginValue("string", i);
            const scanned = scanString(text, i);
            if (typeof scanned === "string") return fail(scanned, i);
            if (tracking && scanned.loneSurrogate && !valueSilenced()) report(TEXT_PROBLEMS.loneSurrogate);
            i = scanned.end;
            endValue(i);
        } else if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
            beginValue("number", i);
            const end = scanNumber(text, i);
            if (end < 0) return fail("a malformed number", i);
            if (tracking && !valueSilenced()) {
                const problem = numberProblem(text.slice(i, end));
                if (problem) report(problem);
            }
            i = end;
            endValue(i);
        } else {
            const literal = c === 0x74 ? "true" : c === 0x66 ? "false" : c === 0x6e ? "null" : undefined;
            if (literal === undefined || !text.startsWith(literal, i)) return fail(`unexpected ${describeChar(text, i)}`, i);
            beginValue(literal === "null" ? "null" : "boolean", i);
            i += literal.length;
            endValue(i);
        }
    }

    if (rootKind === undefined) return fail("the body is empty", n);
    if (depth > 0 || (expect as Expect) !== Expect.Next) return fail("the body ends before its JSON does", n);
    return { ok: true, rootKind, elementCount };
}

/** Objects of up to this many keys are searched in a list; larger ones get a Map. */
const KEY_LIST_LIMIT = 16;

/** How `key` was first written in the frame's object, ignoring case; undefined when it is new there. */
function firstSpelling(frame: Frame, key: string): string | undefined {
    const folded = key.toLowerCase();
    if (frame.keyMap) return frame.keyMap.get(folded);
    const at = frame.keys.indexOf(folded);
    return at < 0 ? undefined : frame.written[at];
}

function addKey(frame: Frame, key: string): void {
    const folded = key.toLowerCase();
    if (frame.keyMap) {
        frame.keyMap.set(folded, key);
        return;
    }
    frame.keys.push(folded);
    frame.written.push(key);
    if (frame.keys.length > KEY_LIST_LIMIT) frame.keyMap = new Map(frame.keys.map((k, i) => [k, frame.written[i]]));
}

/**
 * Scans a string from its opening quote: its end (after the closing quote), whether it holds escapes, and
 * whether it holds a lone surrogate, escaped or not; or why it is not a JSON string.
 */
function scanString(text: string, start: number): { end: number; hasEscape: boolean; loneSurrogate: boolean } | string {
    let hasEscape = false;
    let loneSurrogate = false;
    // A high surrogate waits for its low half in the very next code unit.
    let pendingHigh = false;
    const n = text.length;
    let i = start + 1;
    while (i < n) {
        let c = text.charCodeAt(i);
        if (c === 0x22 /* " */) {
            return { end: i + 1, hasEscape, loneSurrogate: loneSurrogate || pendingHigh };
        }
        if (c < 0x20) return "a control character inside a string";
        let width = 1;
        if (c === 0x5c /* \ */) {
            hasEscape = true;
            const e = text.charCodeAt(i + 1);
            if (e === 0x75 /* u */) {
                c = hex4(text, i + 2);
                if (c < 0) return "a malformed \\u escape";
                width = 6;
            } else if (e === 0x22 || e === 0x5c || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) {
                c = 0x20; // any escaped character other than \u is no surrogate
                width = 2;
            } else {
                return "an invalid escape";
            }
        }
        if (c >= 0xdc00 && c <= 0xdfff) {
            if (!pendingHigh) loneSurrogate = true;
            pendingHigh = false;
        } else {
            if (pendingHigh) loneSurrogate = true;
            pendingHigh = c >= 0xd800 && c <= 0xdbff;
        }
        i += width;
    }
    return "a string that never ends";
}

/** The value of four hex digits at `at`, or -1. */
function hex4(text: string, at: number): number {
    let value = 0;
    for (let k = 0; k < 4; k++) {
        const c = text.charCodeAt(at + k);
        const digit = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x41 && c <= 0x46 ? c - 0x37 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1;
        if (digit < 0) return -1;
        value = value * 16 + digit;
    }
    return value;
}

/** The end of a JSON number starting at `start`, or -1 when it is malformed (`01` ends after `0`; `1.`, `-`, `1e` fail). */
function scanNumber(text: string, start: number): number {
    let i = start;
    const isDigit = (at: number) => {
        const c = text.charCodeAt(at);
        return c >= 0x30 && c <= 0x39;
    };
    if (text.charCodeAt(i) === 0x2d /* - */) i++;
    if (text.charCodeAt(i) === 0x30 /* 0 */) {
        i++;
    } else if (isDigit(i)) {
        while (isDigit(i)) i++;
    } else {
        return -1;
    }
    if (text.charCodeAt(i) === 0x2e /* . */) {
        i++;
        if (!isDigit(i)) return -1;
        while (isDigit(i)) i++;
    }
    const e = text.charCodeAt(i);
    if (e === 0x65 || e === 0x45) {
        i++;
        const sign = text.charCodeAt(i);
        if (sign === 0x2b || sign === 0x2d) i++;
        if (!isDigit(i)) return -1;
        while (isDigit(i)) i++;
    }
    return i;
}

function describeChar(text: string, at: number): string {
    return at >= text.length ? "the end of the body" : JSON.stringify(text[at]);
}

/** A key as a message shows it: quoted, and cut when long. */
function quote(key: string): string {
    const shown = JSON.stringify(key);
    return shown.length <= 66 ? shown : `${shown.slice(0, 64)}…"`;
}
