/**
 * How busy the rest of the machine is: the CPU that processes outside this benchmark's own process tree use over
 * a short window, from /proc (Linux; elsewhere nothing is reported). The machine may be shared, and a busy
 * neighbour slows every timing here.
 */
import * as fs from "fs";

export interface BusyProcess {
    pid: number;
    command: string;
    /** Share of one core over the window, in percent. */
    percentOfCore: number;
}

interface Sample {
    ppid: number;
    command: string;
    ticks: number;
}

function sampleProcesses(): Map<number, Sample> {
    const samples = new Map<number, Sample>();
    for (const entry of fs.readdirSync("/proc")) {
        if (!/^\d+$/.test(entry)) continue;
        try {
            const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
            // The command is in parentheses and may hold spaces; the fields after it are space-separated.
            const close = stat.lastIndexOf(")");
            const fields = stat.slice(close + 2).split(" ");
            samples.set(Number(entry), { command: stat.slice(stat.indexOf("(") + 1, close), ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
        } catch {
            // The process ended meanwhile.
        }
    }
    return samples;
}

/** Processes outside this one's tree that used more than `minimumPercent` of a core over `windowMs`, busiest first. */
export async function otherBusyProcesses(windowMs = 1_000, minimumPercent = 10): Promise<BusyProcess[] | undefined> {
    if (!fs.existsSync("/proc/self/stat")) return undefined;
    const before = sampleProcesses();
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const after = sampleProcesses();
    const ours = (pid: number): boolean => {
        for (let p: number | undefined = pid, hops = 0; p !== undefined && p > 1 && hops < 64; p = after.get(p)?.ppid, hops++) {
            if (p === process.pid) return true;
        }
        return false;
    };
    const ticksPerSecond = 100; // USER_HZ on Linux
    return [...after.entries()]
        .filter(([pid]) => !ours(pid) && before.has(pid))
        .map(([pid, sample]) => ({ pid, command: sample.command, percentOfCore: ((sample.ticks - before.get(pid)!.ticks) / ticksPerSecond) / (windowMs / 1000) * 100 }))
        .filter((busy) => busy.percentOfCore >= minimumPercent)
        .sort((a, b) => b.percentOfCore - a.percentOfCore);
}
