/**
 * The lines a piece of code writes to stdout, not shown. Powertools' Logger and the EMF writer write to
 * process.stdout directly (not through console.log, which Lambda patches), so that is where a test reads them.
 */
export async function captureStdout(run: () => Promise<unknown>): Promise<string[]> {
    const chunks: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string | Uint8Array) => {
        chunks.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
        return true;
    }) as typeof process.stdout.write;
    try {
        await run();
    } finally {
        process.stdout.write = write;
    }
    return chunks.join("").split("\n").filter((line) => line.length > 0);
}
