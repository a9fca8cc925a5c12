/**
 * Deterministic identifiers: the same content always gets the same id, so a redelivery writes the same S3 keys
 * and DynamoDB items instead of new ones.
 */
import * as crypto from "crypto";

/** Namespace of this project's name-based UUIDs (itself the UUIDv5 of "healthscore" in the URL namespace). */
export const HEALTHSCORE_NAMESPACE = "8b0c9722-cb4d-5f33-aa12-37dc22e845e3";

/** The project's namespace as its 16 bytes, one character each: every record id is hashed in it. */
const HEALTHSCORE_NAMESPACE_BYTES = Buffer.from(HEALTHSCORE_NAMESPACE.replace(/-/g, ""), "hex").toString("latin1");

/** The high hex digit of the variant byte, by the digit SHA-1 gave: RFC 4122's variant keeps its low two bits. */
const VARIANT_DIGITS = "89ab89ab89ab89ab";

/** Text with no character beyond ASCII: its UTF-8 bytes are its characters. */
const ASCII = /^[\x00-\x7f]*$/;

/**
 * RFC 4122 version 5 (SHA-1, name-based) UUID of `name` in `namespace`. One of these per record, so the usual
 * case (the project's namespace, an ASCII name, node 20.12 on) is one call of node's one-shot `crypto.hash` on
 * one buffer, and the UUID is cut from the hex digest.
 */
export function uuidV5(name: string | Uint8Array, namespace: string): string {
    const hex = sha1Hex(namespaceBytes(namespace), name);
    // Version 5 in the high half of byte 6; the variant's bits in the high half of byte 8.
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${VARIANT_DIGITS[parseInt(hex[16], 16)]}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A namespace UUID (with or without dashes, in either case) as its 16 bytes, one character each. */
function namespaceBytes(namespace: string): string {
    if (namespace === HEALTHSCORE_NAMESPACE) return HEALTHSCORE_NAMESPACE_BYTES;
    const namespaceHex = namespace.replace(/-/g, "");
    // Buffer.from(hex) silently stops at the first non-hex character: check the text, not the byte count.
    if (!/^[0-9a-f]{32}$/i.test(namespaceHex)) throw new TypeError(`namespace is not a UUID: ${namespace}`);
    return Buffer.from(namespaceHex, "hex").toString("latin1");
}

/**
 * SHA-1, as hex, of the namespace's bytes followed by the name (a string as UTF-8). An ASCII name (a record's
 * identity) is joined to the namespace as Latin-1 text, which makes both the right bytes in one buffer, hashed
 * by node's one-shot `crypto.hash` where node has it (20.12 on): half the cost of a Hash object. Bytes (a whole
 * body) and other names are streamed through a Hash object, not copied.
 */
function sha1Hex(namespace: string, name: string | Uint8Array): string {
    const oneShot = (crypto as { hash?: (algorithm: string, data: Uint8Array, encoding: "hex") => string }).hash;
    if (oneShot !== undefined && typeof name === "string" && ASCII.test(name)) {
        return oneShot("sha1", Buffer.from(namespace + name, "latin1"), "hex");
    }
    return crypto.createHash("sha1").update(Buffer.from(namespace, "latin1")).update(name).digest("hex");
}

/** The id of a webhook delivery: a UUID of its exact body bytes. It names the delivery's objects in S3. */
export function deliveryIdOf(body: Uint8Array): string {
    return uuidV5(body, HEALTHSCORE_NAMESPACE);
}
