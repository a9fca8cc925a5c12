/**
 * One linear pass over JSON text, without recursion and without building the value: it checks the grammar and
 * the nesting depth, and finds, in each element of a top-level array, what JSON.parse would silently change or
 * what storage must not see. Node's JSON.parse gives no access to the source text, so only a pass over the text
 * can tell that a number was altered by parsing or that a key came twice (the last one silently wins).
 *
 * Pure and allocation-light: each top-level element is handed to a visitor as soon as it ends, so a caller can
 * decide about it (and drop it) without holding millions of parsed values.
 */
import { numberProblemAt } from "./numbers";

/** The JSON type of a value. */
export type JsonKind = "object" | "array" | "string" | "number" | "boolean" | "null";

/** Something in an element's text that must not be stored, where (`[2].filters.ip_pool`), and why. */
export interface TextProblem {
    path: string;
    message: string;
}

/** A top-level array element, as the pass saw it. Its text is `text.slice(start, end)`. */
export interface ScannedElement {
    index: number;
    start: number;
    end: number;
    kind: JsonKind;
    /** The first problems of its text, in text order (at most `maxProblemsPerElement`). Objects only. */
    problems: TextProblem[];
    /** How many problems its text holds in all. */
    problemCount: number;
    /** For an object: its own keys in order, each once, and the kind of each one's (first) value. */
    keys: string[];
    kinds: JsonKind[];
    /**
     * True when its text passed `maxTrackedChars`: past that point the pass only checks grammar and depth, so
     * `problems` and `keys` are incomplete. The caller rejects such an element for its size.
     */
    untracked: boolean;
}

export interface ScanOptions {
    maxDepth: number;
    maxProblemsPerElement: number;
    /** Characters of one element after which it is no longer looked into (see `untracked`). */
    maxTrackedChars: number;
}

export type JsonScan =
    | { ok: true; rootKind: JsonKind; elementCount: number }
    | { ok: false; message: string; tooDeep: boolean };

/** One message per problem, whatever the text: the path says where. */
export const TEXT_PROBLEMS = {
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
    /** The first `keyCount` entries of `keys` and `written` are this object's; the lists are reused. */
    keyCount: number;
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
 *
 * One loop over the characters, its state in local variables that no closure captures (so that they stay in
 * registers): it runs over every byte of every body.
 */
export function scanJson(text: string, visit: ((element: ScannedElement) => void) | undefined, options: ScanOptions): JsonScan {
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

        // Each case either goes on to the next character (`continue`) or ends a value just before `i` (`break`).
        switch (expect as Expect) {
            case Expect.Next: {
                if (depth === 0) return notJson(`unexpected ${describeChar(text, i)} after the value`, i);
                const frame = stack[depth - 1];
                if (c === 0x2c /* , */) {
                    if (frame.type === ARRAY) {
                        frame.index++;
                        expect = Expect.Value;
                    } else {
                        expect = Expect.Key;
                    }
                    i++;
                    continue;
                }
                if ((c === 0x5d /* ] */ && frame.type === ARRAY) || (c === 0x7d /* } */ && frame.type === OBJECT)) {
                    depth--;
                    i++;
                    break;
                }
                return notJson(`expected "," or "${frame.type === ARRAY ? "]" : "}"}" but found ${describeChar(text, i)}`, i);
            }
            case Expect.Colon:
                if (c !== 0x3a /* : */) return notJson(`expected ":" but found ${describeChar(text, i)}`, i);
                expect = Expect.Value;
                i++;
                continue;
            case Expect.FirstKey:
            case Expect.Key: {
                if (c === 0x7d /* } */ && expect === Expect.FirstKey) {
                    depth--;
                    i++;
                    break;
                }
                if (c !== 0x22 /* " */) return notJson(`expected a key in double quotes but found ${describeChar(text, i)}`, i);
                const scanned = scanString(text, i);
                if (scanned < 0) return notJson(STRING_ERRORS[-scanned - 1], i);
                const flags = scanned & STRING_FLAGS;
                const end = (scanned - flags) / (STRING_FLAGS + 1);
                const frame = stack[depth - 1];
                if (tracking && !frame.silenced) {
                    const key = (flags & HAS_ESCAPE) !== 0 ? (JSON.parse(text.slice(i, end)) as string) : text.slice(i + 1, end - 1);
                    // Lower case as the lake's readers compare keys; a key of lower-case ASCII already is.
                    const folded = (flags & (HAS_ESCAPE | MAY_FOLD)) !== 0 ? key.toLowerCase() : key;
                    frame.key = key;
                    // Keys that could reach an object's prototype if the value were ever merged into another object.
                    frame.keyForbidden = key === "__proto__" || key === "constructor" || key === "prototype";
                    if ((flags & LONE_SURROGATE) !== 0) report(element!, stack, depth, maxProblemsPerElement, TEXT_PROBLEMS.loneSurrogate);
                    const first = firstSpelling(frame, folded);
                    if (first !== undefined) {
                        const problem = first === key ? TEXT_PROBLEMS.duplicateKey(key) : TEXT_PROBLEMS.caseDuplicateKey(key, first);
                        report(element!, stack, depth, maxProblemsPerElement, problem);
                    } else {
                        addKey(frame, key, folded);
                        if (frame.keyForbidden) report(element!, stack, depth, maxProblemsPerElement, TEXT_PROBLEMS.forbiddenKey(key));
                        if (depth === 2) {
                            element!.keys.push(key);
                            memberPending = true;
                        }
                    }
                }
                i = end;
                expect = Expect.Colon;
                continue;
            }
            case Expect.FirstValue:
            case Expect.Value: {
                if (c === 0x5d /* ] */ && expect === Expect.FirstValue) {
                    depth--;
                    i++;
                    break;
                }
                // A value begins.
                const kind = kindAt(c);
                if (kind === undefined) return notJson(`unexpected ${describeChar(text, i)}`, i);
                if (depth === 0) {
                    rootKind = kind;
                    rootIsArray = kind === "array";
                } else if (depth === 1 && rootIsArray) {
                    const isObject = kind === "object";
                    element = {
                        index: elementCount, start: i, end: i, kind, problems: isObject ? [] : NONE, problemCount: 0,
                        keys: isObject ? [] : NONE, kinds: isObject ? [] : NONE, untracked: false,
                    };
                    tracking = isObject;
                } else if (memberPending && depth === 2) {
                    element!.kinds.push(kind);
                    memberPending = false;
                }

                if (kind === "object" || kind === "array") {
                    if (depth >= maxDepth) {
                        return { ok: false, message: `JSON is nested deeper than ${maxDepth} levels (at character ${i}); a SparkPost alert nests 3`, tooDeep: true };
                    }
                    const silenced = depth > 0 && isSilenced(stack, depth);
                    const frame = stack[depth] ?? (stack[depth] = { type: 0, index: 0, key: "", keyForbidden: false, keyCount: 0, keys: [], written: [], keyMap: undefined, silenced: false });
                    frame.type = kind === "object" ? OBJECT : ARRAY;
                    frame.index = 0;
                    frame.key = "";
                    frame.keyForbidden = false;
                    frame.keyCount = 0;
                    frame.keyMap = undefined;
                    frame.silenced = silenced;
                    depth++;
                    i++;
                    expect = kind === "object" ? Expect.FirstKey : Expect.FirstValue;
                    continue;
                }
                if (kind === "string") {
                    const scanned = scanString(text, i);
                    if (scanned < 0) return notJson(STRING_ERRORS[-scanned - 1], i);
                    const flags = scanned & STRING_FLAGS;
                    if (tracking && (flags & LONE_SURROGATE) !== 0 && !isSilenced(stack, depth)) {
                        report(element!, stack, depth, maxProblemsPerElement, TEXT_PROBLEMS.loneSurrogate);
                    }
                    i = (scanned - flags) / (STRING_FLAGS + 1);
                } else if (kind === "number") {
                    const end = scanNumber(text, i);
                    if (end < 0) return notJson("a malformed number", i);
                    if (tracking && !isSilenced(stack, depth)) {
                        const problem = numberProblemAt(text, i, end);
                        if (problem) report(element!, stack, depth, maxProblemsPerElement, problem);
                    }
                    i = end;
                } else {
                    const literal = c === 0x74 ? "true" : c === 0x66 ? "false" : "null";
                    if (!text.startsWith(literal, i)) return notJson(`unexpected ${describeChar(text, i)}`, i);
                    i += literal.length;
                }
                break;
            }
        }

        // A value ended just before `i`.
        expect = Expect.Next;
        if (depth === 1 && element !== undefined) {
            element.end = i;
            elementCount++;
            visit?.(element);
            element = undefined;
            tracking = false;
        }
    }

    if (rootKind === undefined) return notJson("the body is empty", n);
    if (depth > 0 || (expect as Expect) !== Expect.Next) return notJson("the body ends before its JSON does", n);
    return { ok: true, rootKind, elementCount };
}

function notJson(message: string, at: number): JsonScan {
    return { ok: false, message: `body is not JSON: ${message} at character ${at}`, tooDeep: false };
}

/** The kind of the value that starts with character `c`, if one can. */
function kindAt(c: number): JsonKind | undefined {
    if (c === 0x7b /* { */) return "object";
    if (c === 0x5b /* [ */) return "array";
    if (c === 0x22 /* " */) return "string";
    if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) return "number";
    if (c === 0x74 /* t */ || c === 0x66 /* f */) return "boolean";
    if (c === 0x6e /* n */) return "null";
    return undefined;
}

/** Counts a problem of the element, and keeps it with its path while the element has fewer than `max`. */
function report(element: ScannedElement, stack: readonly Frame[], depth: number, max: number, message: string): void {
    element.problemCount++;
    if (element.problems.length < max) element.problems.push({ path: pathAt(stack, depth), message });
}

/** The path of the current position: `[index]`, then `.key` or `[index]` for each level below the element. */
function pathAt(stack: readonly Frame[], depth: number): string {
    let path = `[${stack[0].index}]`;
    for (let d = 1; d < depth; d++) {
        const frame = stack[d];
        path += frame.type === ARRAY ? `[${frame.index}]` : `.${frame.key}`;
    }
    return path;
}

/** Whether a value at the current position is inside a forbidden key's value. */
function isSilenced(stack: readonly Frame[], depth: number): boolean {
    const top = stack[depth - 1];
    return top.silenced || (top.type === OBJECT && top.keyForbidden);
}

/** Objects of up to this many keys are searched in a list; larger ones get a Map. */
const KEY_LIST_LIMIT = 16;

/** How the key folded to `folded` was first written in the frame's object, ignoring case; undefined when it is new there. */
function firstSpelling(frame: Frame, folded: string): string | undefined {
    if (frame.keyMap) return frame.keyMap.get(folded);
    for (let k = 0; k < frame.keyCount; k++) if (frame.keys[k] === folded) return frame.written[k];
    return undefined;
}

function addKey(frame: Frame, key: string, folded: string): void {
    if (frame.keyMap) {
        frame.keyMap.set(folded, key);
        return;
    }
    frame.keys[frame.keyCount] = folded;
    frame.written[frame.keyCount] = key;
    frame.keyCount++;
    if (frame.keyCount > KEY_LIST_LIMIT) {
        frame.keyMap = new Map();
        for (let k = 0; k < frame.keyCount; k++) frame.keyMap.set(frame.keys[k], frame.written[k]);
    }
}

/**
 * What `scanString` tells about a string, in the low bits of its answer (the end is the rest): no object per
 * string. A string may fold (change under toLowerCase) only if it holds an escape, an upper-case ASCII letter or
 * a character beyond ASCII.
 */
const HAS_ESCAPE = 1;
const LONE_SURROGATE = 2;
const MAY_FOLD = 4;
const STRING_FLAGS = 7;

/** Why a string is not a JSON string: `scanString` answers -1 for the first, -2 for the second... */
const STRING_ERRORS = ["a control character inside a string", "a malformed \\u escape", "an invalid escape", "a string that never ends"] as const;

/**
 * Scans a string from its opening quote: its end (after the closing quote) times 8 plus its flags (an escape, a
 * lone surrogate, escaped or not, a character that may change case), or a negative number that says why it is
 * not a JSON string (see `STRING_ERRORS`).
 */
function scanString(text: string, start: number): number {
    let flags = 0;
    let loneSurrogate = false;
    // A high surrogate waits for its low half in the very next code unit.
    let pendingHigh = false;
    const n = text.length;
    let i = start + 1;
    while (i < n) {
        let c = text.charCodeAt(i);
        if (c === 0x22 /* " */) {
            if (loneSurrogate || pendingHigh) flags |= LONE_SURROGATE;
            return (i + 1) * (STRING_FLAGS + 1) + flags;
        }
        if (c < 0x20) return -1;
        let width = 1;
        if (c === 0x5c /* \ */) {
            flags |= HAS_ESCAPE;
            const e = text.charCodeAt(i + 1);
            if (e === 0x75 /* u */) {
                c = hex4(text, i + 2);
                if (c < 0) return -2;
                width = 6;
            } else if (e === 0x22 || e === 0x5c || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) {
                c = 0x20; // any escaped character other than \u is no surrogate
                width = 2;
            } else {
                return -3;
            }
        } else if (c >= 0x80 || (c >= 0x41 && c <= 0x5a)) {
            flags |= MAY_FOLD;
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
    return -4;
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
    let c = text.charCodeAt(i);
    if (c === 0x2d /* - */) c = text.charCodeAt(++i);
    if (c === 0x30 /* 0 */) {
        c = text.charCodeAt(++i);
    } else if (c >= 0x31 && c <= 0x39) {
        do c = text.charCodeAt(++i); while (c >= 0x30 && c <= 0x39);
    } else {
        return -1;
    }
    if (c === 0x2e /* . */) {
        c = text.charCodeAt(++i);
        if (!(c >= 0x30 && c <= 0x39)) return -1;
        do c = text.charCodeAt(++i); while (c >= 0x30 && c <= 0x39);
    }
    if (c === 0x65 || c === 0x45) {
        c = text.charCodeAt(++i);
        if (c === 0x2b || c === 0x2d) c = text.charCodeAt(++i);
        if (!(c >= 0x30 && c <= 0x39)) return -1;
        do c = text.charCodeAt(++i); while (c >= 0x30 && c <= 0x39);
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
