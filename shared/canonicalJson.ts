/** One text per JSON value, whatever its key order: what record ids and series keys are derived from. */
/**
 * JSON with object keys sorted at every level, so that two equal values serialize identically whatever their
 * key order. Only called on validated, depth-bounded values.
 */
export function canonicalJson(value: unknown): string {
    if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
    if (value !== null && typeof value === "object") {
        const entries = Object.keys(value)
            .sort()
            .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
        return `{${entries.join(",")}}`;
    }
    return JSON.stringify(value);
}
