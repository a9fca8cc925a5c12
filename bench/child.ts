/**
 * Work in a fresh Node.js process (a "Lambda" of its own: its memory, its event loop, its cold start), with one
 * input and one output passed over IPC. `runChild` in the parent, `serveChild` in the child's module.
 */
import { fork } from "child_process";

type Message<O> = { type: "result"; value: O } | { type: "error"; message: string } | { type: "progress"; text: string };

/** ts-node (transpile only, as the tests run), and `gc()` for the memory measurements. */
const TS_EXEC_ARGV = ["-r", "ts-node/register/transpile-only", "--expose-gc"];

export function runChild<I, O>(file: string, input: I, options: { onProgress?: (text: string) => void; execArgv?: string[] } = {}): Promise<O> {
    return new Promise((resolve, reject) => {
        const child = fork(file, [], { execArgv: [...TS_EXEC_ARGV, ...(options.execArgv ?? [])], stdio: ["ignore", "inherit", "inherit", "ipc"] });
        let settled = false;
        child.on("message", (message: Message<O>) => {
            if (message.type === "progress") options.onProgress?.(message.text);
            else if (message.type === "result") {
                settled = true;
                resolve(message.value);
            } else {
                settled = true;
                reject(new Error(`${file}: ${message.message}`));
            }
        });
        child.on("error", reject);
        child.on("exit", (code, signal) => {
            if (!settled) reject(new Error(`${file} exited (${signal ?? `code ${code}`}) without a result`));
        });
        child.send(input as unknown as import("child_process").Serializable);
    });
}

/** In the child's module: answers the parent's one input with `work`'s output, then exits. */
export function serveChild<I, O>(work: (input: I, progress: (text: string) => void) => Promise<O>): void {
    const send = (message: Message<O>) => new Promise<void>((resolve) => process.send!(message, () => resolve()));
    process.once("message", (input: I) => {
        work(input, (text) => void send({ type: "progress", text }))
            .then((value) => send({ type: "result", value }))
            .catch((err: Error) => send({ type: "error", message: err.stack ?? String(err) }))
            .finally(() => process.exit(0));
    });
}
