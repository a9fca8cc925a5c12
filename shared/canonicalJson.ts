/** One text per JSON value, whatever its key order: what record ids and series keys are derived from. */
/**
 * JSON with object keys sorted at every level, so that two equal values serialize identically whatever their
 * key order. Only called on validated, depth-bounded values. Written as loops that append to one string (no
 * arrays of parts, no closures): it runs for every record.
 */
export function canonicalJson(value: unknown): string {
    if (value === null || typeof value !== "object") return JSON.stringify(value);
    if (Array.isArray(value)) {
        let text = "[";
        for (let i = 0; i < value.length; i++) {
            if (i > 0) text += ",";
            // As Array.prototype.join writes them: nothing for what JSON cannot hold (undefined, a function).
            text += canonicalJson(value[i]) ?? "";
        }
        return `${text}]`;
    }
    const keys = Object.keys(value);
    if (keys.length > 1) keys.sort();
    let text = "{";
    for (let i = 0; i < keys.length; i++) {
        if (i > 0) text += ",";
        text += `${JSON.stringify(keys[i])}:${canonicalJson((value as Record<string, unknown>)[keys[i]])}`;
    }
    return `${text}}`;
}
