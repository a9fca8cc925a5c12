/**
 * Untrusted request bytes, before they are read as JSON: their size, their encoding and how deep they nest.
 *
 * Each step answers with a {@link BodyProblem} that says what was wrong and where, instead of throwing, so the
 * receiver can archive the body and answer 400 (or 413) with that message.
 */
import * as buffer from "buffer";
import { MAX_BODY_BYTES } from "../shared/limits";
import { scanJson } from "./jsonScan";

/**
 * A real delivery nests three levels: the array, an alert, its `filters` or evaluator. Anything deeper than this
 * is not from SparkPost, and is refused before JSON.parse or any walk can spend stack on it.
 */
export const MAX_JSON_DEPTH = 6;

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
    // ASCII (what SparkPost sends, names and all, as JSON escapes) is UTF-8 whose every byte is its character:
    // read byte for byte, it is the same text, in a fraction of the decoder's time. (node 18.15 on has isAscii.)
    const { isAscii } = buffer as { isAscii?: (input: Uint8Array) => boolean };
    if (isAscii !== undefined && isAscii(bytes)) {
        return { ok: true, value: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1") };
    }
    try {
        return { ok: true, value: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
    } catch {
        return { ok: false, problem: { status: 400, message: "body is not valid UTF-8" } };
    }
}

/**
 * Finds the first position of JSON text nested deeper than `maxDepth`, in one pass without recursion (brackets
 * inside strings do not count), before JSON.parse or any walk can spend stack on it. The pass is the JSON
 * scanner's: on text that is not JSON it stops at the first grammar error, before any deeper bracket.
 */
export function checkDepth(text: string, maxDepth = MAX_JSON_DEPTH): BodyProblem | undefined {
    const scan = scanJson(text, undefined, { maxDepth, maxProblemsPerElement: 0, maxTrackedChars: 0 });
    return !scan.ok && scan.tooDeep ? { status: 400, message: scan.message } : undefined;
}
