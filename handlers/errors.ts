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
