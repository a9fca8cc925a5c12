/**
 * The lines a piece of code writes to stdout and stderr, not shown. Powertools' Logger and the EMF writer write to
 * the process's streams directly (not through console.log, which Lambda patches): info lines and EMF documents to
 * stdout, warnings and errors to stderr. Lambda sends both to the function's log group.
 */
export async function captureStdout(run: () => Promise<unknown>): Promise<string[]> {
    const chunks: string[] = [];
    const streams = [process.stdout, process.stderr];
    const writes = streams.map((stream) => stream.write);
    for (const stream of streams) {
        stream.write = ((chunk: string | Uint8Array) => {
            chunks.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
            return true;
        }) as typeof stream.write;
    }
    try {
        await run();
    } finally {
        streams.forEach((stream, i) => { stream.write = writes[i]; });
    }
    return chunks.join("").split("\n").filter((line) => line.length > 0);
}

/** The result of `run`, whatever it wrote left unshown (a test that does not look at the lines). */
export async function quietly<T>(run: () => Promise<T>): Promise<T> {
    let result: T;
    await captureStdout(async () => { result = await run(); });
    return result!;
}
