/**
 * Deterministic identifiers: the same content always gets the same id, so a redelivery writes the same S3 keys
 * and DynamoDB items instead of new ones.
 */
import { createHash } from "crypto";

/** Namespace of this project's name-based UUIDs (itself the UUIDv5 of "healthscore" in the URL namespace). */
export const HEALTHSCORE_NAMESPACE = "8b0c9722-cb4d-5f33-aa12-37dc22e845e3";

/** RFC 4122 version 5 (SHA-1, name-based) UUID of `name` in `namespace`. */
export function uuidV5(name: string | Uint8Array, namespace: string): string {
    const namespaceHex = namespace.replace(/-/g, "");
    // Buffer.from(hex) silently stops at the first non-hex character: check the text, not the byte count.
    if (!/^[0-9a-f]{32}$/i.test(namespaceHex)) throw new TypeError(`namespace is not a UUID: ${namespace}`);
    const namespaceBytes = Buffer.from(namespaceHex, "hex");
    const hash = createHash("sha1").update(namespaceBytes).update(name).digest();
    hash[6] = (hash[6] & 0x0f) | 0x50; // version 5
    hash[8] = (hash[8] & 0x3f) | 0x80; // RFC 4122 variant
    const hex = hash.subarray(0, 16).toString("hex");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The id of a webhook delivery: a UUID of its exact body bytes. It names the delivery's objects in S3. */
export function deliveryIdOf(body: Uint8Array): string {
    return uuidV5(body, HEALTHSCORE_NAMESPACE);
}
