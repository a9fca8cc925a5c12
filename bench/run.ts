/**
 * `npm run bench`: measures the pipeline end to end under an AWS latency model and against the original
 * approach, on the bare emulators, CPU only, the Lambda archive and its cold start, and the monthly cost; writes
 * BENCHMARKS.md, BENCHMARKS.json and BENCHMARKS.svg; prints each target's verdict. Progress goes to stderr.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

import * as fs from "fs";
import * as os from "os";
import { otherBusyProcesses } from "./otherProcesses";
import * as path from "path";
import { performance } from "perf_hooks";
import Table from "cli-table3";
import { Command } from "commander";
import { plainUnlessTty } from "../local/tableStyle";
import type { Cloud } from "./e2e/cloud";
import { startCloud } from "./e2e/cloud";
import { LARGE_OBJECT_BYTES, AWS_LATENCY } from "./latency/awsLatency";
import { TAIL_CAP_FACTOR } from "./latency/model";
import { createProgress } from "./progress";
import { renderChartSvg } from "./report/chart";
import { renderMarkdown } from "./report/markdown";
import { BenchResults, describeMachine } from "./results";
import { settingsFor } from "./settings";
import type { SuiteContext } from "./suite";
import { SUITES, selectSuites } from "./suites";
import { evaluateTargets } from "./targets";

const PROJECT_ROOT = path.resolve(__dirname, "..");
const FILES = { markdown: "BENCHMARKS.md", json: "BENCHMARKS.json", chart: "BENCHMARKS.svg" };

interface Options {
    quick: boolean;
    check: boolean;
    only?: string[];
    out: string;
    /** Write the report from this BENCHMARKS.json instead of measuring. */
    fromJson?: string;
}

async function measure(options: Options): Promise<BenchResults> {
    const began = performance.now();
    const loadAtStart = os.loadavg()[0];
    const busyAtStart = await otherBusyProcesses();
    const settings = settingsFor(options.quick);
    const suites = selectSuites(options.only);
    const workDir = path.join(PROJECT_ROOT, ".bench");
    fs.mkdirSync(workDir, { recursive: true });
    const progressFor = createProgress();

    let cloud: Promise<Cloud> | undefined;
    const results: Record<string, unknown> = {};
    try {
        for (const suite of suites) {
            const progress = progressFor(suite.id);
            progress(`${suite.title}…`);
            const context: SuiteContext = {
                settings,
                projectRoot: PROJECT_ROOT,
                workDir,
                progress,
                cloud: () => (cloud ??= startCloud()),
                results,
            };
            results[suite.id] = await suite.run(context);
        }
    } finally {
        if (cloud) await (await cloud).stop();
    }

    return {
        generatedAt: new Date().toISOString(),
        quick: options.quick,
        durationSeconds: (performance.now() - began) / 1000,
        machine: { ...describeMachine(loadAtStart), otherProcesses: { start: busyAtStart, end: await otherBusyProcesses() } },
        latencyModel: { operations: AWS_LATENCY, largeObjectBytes: LARGE_OBJECT_BYTES, tailCapFactor: TAIL_CAP_FACTOR },
        suites: results as BenchResults["suites"],
        targets: evaluateTargets(results),
    };
}

async function main(options: Options): Promise<number> {
    const bench = options.fromJson ? readResults(options.fromJson) : await measure(options);
    fs.mkdirSync(options.out, { recursive: true });
    fs.writeFileSync(path.join(options.out, FILES.json), `${JSON.stringify(bench, null, 2)}\n`);
    fs.writeFileSync(path.join(options.out, FILES.chart), await renderChartSvg(bench));
    fs.writeFileSync(path.join(options.out, FILES.markdown), renderMarkdown(bench, { json: FILES.json, chart: FILES.chart }));

    const table = new Table({ head: ["target", "limit", "measured", ""], style: plainUnlessTty(), colWidths: [70, 10, 12, 14], wordWrap: true });
    for (const target of bench.targets) table.push([target.description, target.limit, target.shown, target.verdict]);
    process.stdout.write(`${table.toString()}\nWrote ${Object.values(FILES).map((file) => path.join(options.out, file)).join(", ")}\n`);
    const missed = bench.targets.filter((target) => target.verdict === "MISS");
    return options.check && missed.length > 0 ? 1 : 0;
}

/** A run's results, with the targets evaluated again (their limits may have changed since). */
function readResults(file: string): BenchResults {
    const bench = JSON.parse(fs.readFileSync(file, "utf8")) as BenchResults;
    return { ...bench, targets: evaluateTargets(bench.suites as Record<string, unknown>) };
}

const program = new Command()
    .name("npm run bench --")
    .description("Benchmarks the receiver (end to end under an AWS latency model, against the original approach, on the bare emulators, CPU only), " +
        "its Lambda archive and its monthly cost, and writes BENCHMARKS.md, BENCHMARKS.json and BENCHMARKS.svg.")
    .option("--quick", "one delivery per size, fewer sizes, the original approach stopped after 1.5 s and extrapolated", false)
    .option("--check", "exit 1 if a target is missed", false)
    .option("--only <suites>", `run only these suites (comma-separated) and the ones they need: ${SUITES.map((suite) => suite.id).join(", ")}`, (value: string) => value.split(",").map((id) => id.trim()).filter(Boolean))
    .option("--out <dir>", "where to write the results", PROJECT_ROOT)
    .option("--from-json <file>", "measure nothing: write the report again from a BENCHMARKS.json")
    .action(async (options: Options) => {
        process.exitCode = await main({ ...options, out: path.resolve(options.out) });
    });

program.parseAsync().catch((err: Error) => {
    process.stderr.write(`${err.stack ?? err}\n`);
    process.exitCode = 2;
});
