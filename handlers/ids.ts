/**
 * Deterministic identifiers: the same content always gets the same id, so a redelivery writes the same S3 keys
 * and DynamoDB items instead of new ones.
 */
import * as crypto from "crypto";

/** Namespace of this project's name-based UUIDs (itself the UUIDv5 of "healthscore" in the URL namespace). */
export const HEALTHSCORE_NAMESPACE = "8b0c9722-cb4d-5f33-aa12-37dc22e845e3";

/** The high hex digit of the variant byte, by the digit SHA-1 gave: RFC 4122's variant keeps its low two bits. */
const VARIANT_DIGITS = "89ab89ab89ab89ab";

/**
 * RFC 4122 version 5 (SHA-1, name-based) UUID of `name` in `namespace`. One of these per record: namespace and
 * name are hashed in one call (node's one-shot `crypto.hash`, where node has it), and the UUID is cut from the
 * hex digest.
 */
export function uuidV5(name: string | Uint8Array, namespace: string): string {
    const namespaceHex = namespace.replace(/-/g, "");
    // Buffer.from(hex) silently stops at the first non-hex character: check the text, not the byte count.
    if (!/^[0-9a-f]{32}$/i.test(namespaceHex)) throw new TypeError(`namespace is not a UUID: ${namespace}`);
    const hex = sha1Hex(namespaceHex, name);
    // Version 5 in the high half of byte 6; the variant's bits in the high half of byte 8.
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${VARIANT_DIGITS[parseInt(hex[16], 16)]}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * SHA-1, as hex, of the namespace's 16 bytes followed by the name (a string as UTF-8). A string name (a record's
 * identity, a few hundred bytes) is hashed in one call of node's one-shot `crypto.hash` where node has it
 * (20.12 on), which costs half of a Hash object's setup; bytes (a whole body) are streamed, not copied.
 */
function sha1Hex(namespaceHex: string, name: string | Uint8Array): string {
    const oneShot = (crypto as { hash?: (algorithm: string, data: Uint8Array, encoding: "hex") => string }).hash;
    if (typeof name !== "string" || oneShot === undefined) {
        return crypto.createHash("sha1").update(Buffer.from(namespaceHex, "hex")).update(name).digest("hex");
    }
    // A UTF-16 code unit is at most 3 bytes of UTF-8.
    const data = Buffer.allocUnsafe(16 + name.length * 3);
    data.write(namespaceHex, 0, "hex");
    const written = data.write(name, 16, "utf8");
    return oneShot("sha1", data.subarray(0, 16 + written), "hex");
}

/** The id of a webhook delivery: a UUID of its exact body bytes. It names the delivery's objects in S3. */
export function deliveryIdOf(body: Uint8Array): string {
    return uuidV5(body, HEALTHSCORE_NAMESPACE);
}
