/** What one `npm run bench` produced: BENCHMARKS.json holds exactly this. */
import * as os from "os";
import type { ArchiveResult } from "./archive/suite";
import type { CostResult } from "./cost/suite";
import type { CpuSuiteResult } from "./cpu/suite";
import type { BaselineResult, EmulatorResult, ModelResult } from "./e2e/suites";
import type { LatencyModel } from "./latency/model";
import type { BusyProcess } from "./otherProcesses";
import type { TargetResult } from "./targets";
import type { WorstCaseResult } from "./worstCaseSuite";

export interface Machine {
    cpus: number;
    cpuModel: string;
    memoryGb: number;
    node: string;
    platform: string;
    /** 1-minute load average when the run began and ended: the machine may be shared. */
    loadAverage: { start: number; end: number };
    /** Processes outside the benchmark busy over a second at the start and at the end (Linux only; absent before). */
    otherProcesses?: { start?: BusyProcess[]; end?: BusyProcess[] };
}

export interface BenchResults {
    generatedAt: string;
    quick: boolean;
    durationSeconds: number;
    machine: Machine;
    latencyModel: { operations: LatencyModel; largeObjectBytes: number; tailCapFactor: number };
    suites: {
        model?: ModelResult;
        baseline?: BaselineResult;
        emulators?: EmulatorResult;
        cpu?: CpuSuiteResult;
        archive?: ArchiveResult;
        "worst-case"?: WorstCaseResult;
        cost?: CostResult;
    };
    targets: TargetResult[];
}

export function describeMachine(loadAtStart: number): Machine {
    const cpus = os.cpus();
    return {
        cpus: cpus.length,
        cpuModel: cpus[0]?.model.trim() ?? "unknown",
        memoryGb: Math.round(os.totalmem() / 1024 ** 3),
        node: process.version,
        platform: `${os.type()} ${os.release()} ${os.arch()}`,
        loadAverage: { start: loadAtStart, end: os.loadavg()[0] },
    };
}
