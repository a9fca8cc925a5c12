/**
 * An error as one line for a log or an answer: its name, its message, and its cause's. Read by shape, not by
 * `instanceof Error`: in a serialized Lambda closure an error class may not share the running code's `Error`.
 */
export function describeError(err: unknown): string {
    if (!isErrorLike(err)) return String(err);
    const cause = isErrorLike(err.cause) ? `: ${err.cause.name}: ${err.cause.message}` : "";
    return `${err.name}: ${err.message}${cause}`;
}

function isErrorLike(value: unknown): value is { name: string; message: string; cause?: unknown } {
    return typeof value === "object" && value !== null && typeof (value as { message?: unknown }).message === "string";
}

/**
 * The first `shown` of a list, joined, and how many more: an error message or a log line names a few failures and
 * counts the rest, so that one body's thousands of failures cannot make a line past a log event's 256 KB.
 */
export function firstAndCount(items: readonly string[], shown: number, separator = ", "): string {
    const more = items.length > shown ? ` and ${items.length - shown} more` : "";
    return `${items.slice(0, shown).join(separator)}${more}`;
}
