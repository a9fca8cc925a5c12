/**
 * Turning untrusted request bytes into JSON values, defensively and without I/O.
 *
 * Each step answers with a {@link BodyProblem} that says what was wrong and where, instead of throwing, so the
 * receiver can archive the body and answer 400 with that message.
 */
import { MAX_BODY_BYTES } from "../shared/limits";

/**
 * A real delivery nests three levels: the array, an alert, its `filters` or evaluator. Anything deeper than this
 * is not from SparkPost, and is refused before JSON.parse or any walk can spend stack on it.
 */
export const MAX_JSON_DEPTH = 6;

/**
 * Keys that could reach an object's prototype if the value were ever merged into another object.
 * (An array, not a Set: module-scope values are captured by the Lambda serializer, which keeps arrays plainly.)
 */
const FORBIDDEN_KEYS: readonly string[] = ["__proto__", "constructor", "prototype"];

/** The smallest non-zero magnitude a DynamoDB number can have. */
export const MIN_STORABLE_MAGNITUDE = 1e-130;

export interface BodyProblem {
    status: 400 | 413;
    message: string;
}

export type Decoded<T> = { ok: true; value: T } | { ok: false; problem: BodyProblem };

export function checkSize(bytes: Uint8Array, limit = MAX_BODY_BYTES.alb): BodyProblem | undefined {
    if (bytes.byteLength > limit) {
        return {
            status: 413,
            message: `body is ${bytes.byteLength} bytes; the limit is ${limit} bytes`,
        };
    }
    return undefined;
}

/** Decodes UTF-8 strictly: a malformed byte is an error, never a silent U+FFFD. */
export function decodeUtf8(bytes: Uint8Array): Decoded<string> {
    try {
        return { ok: true, value: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
    } catch {
        return { ok: false, problem: { status: 400, message: "body is not valid UTF-8" } };
    }
}

/**
 * Measures the nesting depth of JSON text in one pass, without recursion, and stops at the first position
 * deeper than `maxDepth`. Brackets inside strings do not count.
 */
export function checkDepth(text: string, maxDepth = MAX_JSON_DEPTH): BodyProblem | undefined {
    let depth = 0;
    let inString = false;
    for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (inString) {
            if (c === 0x5c /* \ */) i++;
            else if (c === 0x22 /* " */) inString = false;
        } else if (c === 0x22) {
            inString = true;
        } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
            if (++depth > maxDepth) {
                return {
                    status: 400,
                    message: `JSON is nested deeper than ${maxDepth} levels (at character ${i}); a SparkPost alert nests 3`,
                };
            }
        } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
            depth--;
        }
    }
    return undefined;
}

export function parseJson(text: string): Decoded<unknown> {
    try {
        return { ok: true, value: JSON.parse(text) };
    } catch (err) {
        return { ok: false, problem: { status: 400, message: `body is not JSON: ${(err as Error).message}` } };
    }
}

/** One part of a value that must not reach storage, with its path (`[2].filters.__proto__`). */
export interface UnsafeValue {
    path: string;
    message: string;
}

/**
 * Finds what JSON.parse lets through but storage must never see: integers beyond ±2^53 (already rounded by the
 * parser, so the stored number would be wrong), non-finite numbers (`1e400` parses to Infinity) and keys that
 * name a prototype, and numbers closer to zero than DynamoDB can store. Every number beyond ±2^53 is an integer,
 * so the safe-integer check also keeps numbers under DynamoDB's upper bound (1e126). Walks with an explicit
 * stack; call {@link checkDepth} first to bound it.
 */
export function findUnsafeValues(value: unknown, rootPath = ""): UnsafeValue[] {
    const found: UnsafeValue[] = [];
    const stack: Array<{ value: unknown; path: string }> = [{ value, path: rootPath }];
    while (stack.length > 0) {
        const { value: current, path } = stack.pop()!;
        if (typeof current === "number") {
            if (!Number.isFinite(current)) {
                found.push({ path, message: "number is not finite" });
            } else if (Number.isInteger(current) && !Number.isSafeInteger(current)) {
                found.push({ path, message: "integer is outside the safe range (±9007199254740991)" });
            } else if (current !== 0 && Math.abs(current) < MIN_STORABLE_MAGNITUDE) {
                // DynamoDB refuses the whole batch for one such number: keep it out of the record.
                found.push({ path, message: `number is too close to zero to store (DynamoDB keeps magnitudes from ${MIN_STORABLE_MAGNITUDE})` });
            }
        } else if (Array.isArray(current)) {
            current.forEach((item, index) => stack.push({ value: item, path: `${path}[${index}]` }));
        } else if (current !== null && typeof current === "object") {
            for (const key of Object.keys(current)) {
                const childPath = path === "" ? key : `${path}.${key}`;
                if (FORBIDDEN_KEYS.includes(key)) {
                    found.push({ path: childPath, message: `key "${key}" is not allowed` });
                } else {
                    stack.push({ value: (current as Record<string, unknown>)[key], path: childPath });
                }
            }
        }
    }
    return found;
}

/** Decodes and parses a request body: UTF-8, bounded depth, JSON. The first problem found ends it. */
export function parseBody(bytes: Uint8Array): Decoded<unknown> {
    const text = decodeUtf8(bytes);
    if (!text.ok) return text;
    const tooDeep = checkDepth(text.value);
    if (tooDeep) return { ok: false, problem: tooDeep };
    return parseJson(text.value);
}
