/**
 * One local stack per data dir: `<data-dir>/stack.lock` holds the pid of the process that runs the stack there.
 * The emulators' stores (dynalite's LevelDB above all) cannot be shared by two processes, and the other commands
 * need to know whether a stack is running at a data dir before they try to reach it. A lock whose process is gone
 * (killed with SIGKILL, say) is stale, and taken over.
 */
import * as fs from "fs";
import * as path from "path";

export interface LockHolder {
    pid: number;
    startedAt: string;
}

export class DataDirInUseError extends Error {
    constructor(readonly dataDir: string, readonly holder: LockHolder) {
        super(`the data dir ${dataDir} is in use by another local stack, process ${holder.pid} (started ${holder.startedAt}): `
            + `stop it (Ctrl-C where it runs, or \`kill ${holder.pid}\`), or give this one another --data-dir`);
        this.name = "DataDirInUseError";
    }
}

export function lockPath(dataDir: string): string {
    return path.join(dataDir, "stack.lock");
}

/** The process holding the data dir, if one is alive; a stale lock reads as none. */
export function lockHolder(dataDir: string): LockHolder | undefined {
    let holder: LockHolder;
    try {
        holder = JSON.parse(fs.readFileSync(lockPath(dataDir), "utf8"));
    } catch {
        return undefined;
    }
    return Number.isInteger(holder.pid) && isAlive(holder.pid) ? holder : undefined;
}

export interface DataDirLock {
    /** A stale lock (of a process no longer running) that was taken over. */
    staleHolder?: LockHolder;
    release(): void;
}

/** Takes the data dir for this process, or throws {@link DataDirInUseError} naming the process that has it. */
export function lockDataDir(dataDir: string): DataDirLock {
    const file = lockPath(dataDir);
    const mine: LockHolder = { pid: process.pid, startedAt: new Date().toISOString() };
    let staleHolder: LockHolder | undefined;
    for (;;) {
        try {
            // wx: created only if absent, so two stacks starting at once cannot both take it.
            fs.writeFileSync(file, JSON.stringify(mine) + "\n", { flag: "wx" });
            break;
        } catch (err) {
            if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
        }
        const holder = lockHolder(dataDir);
        if (holder) throw new DataDirInUseError(dataDir, holder);
        if (staleHolder) throw new Error(`could not take over the stale lock ${file}; remove it if no local stack runs there`);
        staleHolder = readStale(file);
        fs.rmSync(file, { force: true });
    }
    return {
        staleHolder,
        release() {
            // Only our own lock: never one another process took over.
            if (readStale(file)?.pid === process.pid) fs.rmSync(file, { force: true });
        },
    };
}

function readStale(file: string): LockHolder | undefined {
    try {
        return JSON.parse(fs.readFileSync(file, "utf8"));
    } catch {
        return undefined;
    }
}

/** Signal 0 tests for the process without touching it; EPERM means it exists but is another user's. */
function isAlive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (err) {
        return (err as NodeJS.ErrnoException).code === "EPERM";
    }
}
