/** BENCHMARKS.md, written from a run's results and nothing else. */
import { LARGE_TRANSACTION_ACTIONS } from "../latency/classify";
import { ORIGINAL_TIMEOUT_MS } from "../baseline";
import type { ProfileSummary } from "../cpu/profileSummary";
import type { Summary } from "../stats";
import type { BusyProcess } from "../otherProcesses";
import { SETTINGS } from "../../shared/settings";
import { DEFAULT_TABLE_CONCURRENCY } from "../../handlers/concurrency";
import { BATCH_WRITE_LIMIT, TRANSACTION_LIMIT } from "../../handlers/storage";
import { DEFAULT_MONITORING } from "../cost/model";
import { withinWorstCaseTargets } from "../worstCase";
import type { SizeMeasurement } from "../e2e/measure";
import { bytes, count, ms, percent, rate, ratio, usd } from "../format";
import { TAIL_CAP_FACTOR } from "../latency/model";
import type { BenchResults } from "../results";

/** Lambda gives a function one vCPU's worth of CPU at 1,769 MB, and a share in proportion below that (Lambda docs, "Configuring function memory"). */
const ONE_VCPU_MB = 1_769;
const RECEIVER_MEMORY_MB = SETTINGS.lambdaMemoryMb.default;
const LOADER_MEMORY_MB = SETTINGS.loaderMemoryMb.default;
/** The receiver's default `lambdaTimeoutSeconds`. */
const RECEIVER_TIMEOUT_MS = 10_000;

export function table(head: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
    const line = (cells: ReadonlyArray<string | number>) => `| ${cells.map((cell) => String(cell).replace(/\|/g, "\\|")).join(" | ")} |`;
    return [line(head), line(head.map(() => "---")), ...rows.map(line)].join("\n");
}

const medianP95 = (summary: { median: number; p95: number }) => `${ms(summary.median)} / ${ms(summary.p95)}`;

function operations(counts: Record<string, number>): string {
    return Object.entries(counts)
        .filter(([, n]) => n > 0)
        .sort((a, b) => b[1] - a[1])
        .map(([operation, n]) => `${operation.replace(/^(dynamodb|s3|sqs):/, "")} ×${count(n)}`)
        .join(", ");
}

function endToEndTable(sizes: readonly SizeMeasurement[]): string {
    return table(
        ["subaccounts", "body", "runs (all stored)", "stored at the model: median / p95", "measured wall clock: median", "records/s", "critical-path round trips", "requests (peak in flight)", "CPU to answer / in all", "added peak memory (max)"],
        sizes.map((size) => [
            count(size.subaccounts),
            bytes(size.bodyBytes),
            `${size.runs} (${size.completeRuns})`,
            medianP95(size.atModelMs) + (size.cpuBoundRuns ? ` (${count(size.cpuBoundRuns)} of ${count(size.runs)} at their CPU time)` : ""),
            ms(size.storedMs.median),
            rate(size.atModelRecordsPerSecond.median),
            count(size.roundTrips.median),
            `${count(size.requests.median)} (${count(size.peakConcurrency.median)})`,
            `${ms(size.cpuMs.median)} / ${ms((size.settledCpuMs ?? size.cpuMs).median)}`,
            bytes(size.addedMemoryBytes.max),
        ]),
    );
}

function breakdown(size: SizeMeasurement): string {
    return [
        `At ${count(size.subaccounts)} subaccounts the critical path is ${count(size.roundTrips.median)} round trips: ${operations(size.criticalPathByOperation)}.`,
        `Of the ${ms(size.storedMs.median)} measured (median), ${ms(size.inRequestsMs.median)} is inside those requests, ` +
            `of which ${ms(size.excessOverModelMs.median)} is the emulators' time beyond the model's draw (subtracted for the figure at the model), ` +
            `and ${ms(size.outsideRequestsMs.median)} is the functions' own time between them (parsing, validating, marshalling, the SDK's work per request, the event loop).`,
        `All requests per delivery: ${operations(size.requestsByOperation)}.`,
        ...(Object.values(size.unmodelled).some((n) => n > 0)
            ? [`**Operations the model does not know, which got no added latency:** ${operations(size.unmodelled)}.`]
            : []),
    ].join(" ");
}

const IDLE = "(idle)";

function profileTables(profile: ProfileSummary, top = 12): string {
    // Shares of the time the process was busy: idle samples (waiting for responses) are left out.
    const idleMs = profile.byArea.find((area) => area.name === IDLE)?.selfMs ?? 0;
    const busyMs = profile.sampledMs - idleMs;
    const share = (value: number) => percent(value / busyMs);
    // The benchmark's own frames only call the code measured: their self time is nil, their total all of it.
    const areas = profile.byArea.filter((area) => area.name !== IDLE && !area.name.startsWith("bench/"));
    const functions = profile.byFunction.filter((fn) => fn.name !== IDLE);
    return [
        `Busy ${ms(busyMs)} of ${ms(profile.sampledMs)} sampled${idleMs > 0 ? ` (idle: ${ms(idleMs)}, waiting for responses)` : ""}.`,
        "",
        table(["area", "self", "share of busy", "total (with callees)"], areas.slice(0, top).map((area) => [area.name, ms(area.selfMs), share(area.selfMs), ms(area.totalMs)])),
        "",
        table(["function (self time)", "self", "share of busy", "total"], functions.slice(0, top).map((fn) => [`\`${fn.name}\``, ms(fn.selfMs), share(fn.selfMs), ms(fn.totalMs)])),
    ].join("\n");
}

export function renderMarkdown(results: BenchResults, files: { json: string; chart: string }): string {
    const { suites, machine } = results;
    const out: string[] = [];
    // Blocks (paragraphs, tables) are separated by blank lines, as Markdown needs around a table.
    const push = (...blocks: string[]) => blocks.forEach((block) => out.push(block, ""));

    push(
        "# Benchmarks",
        `Generated by \`npm run bench${results.quick ? " -- --quick" : ""}\` on ${results.generatedAt.slice(0, 10)} in ${Math.round(results.durationSeconds)} s` +
            (results.quick ? " (**quick run**: one delivery per size and fewer sizes; the original approach stopped early and its rate extrapolated)." : "."),
        `Machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGb} GB, ${machine.platform}, Node.js ${machine.node}; ` +
            `load average ${machine.loadAverage.start.toFixed(1)} at the start and ${machine.loadAverage.end.toFixed(1)} at the end (the machine is shared: timings vary with it).` +
            busyNote(machine.otherProcesses),
        `Every figure below is in [${files.json}](${files.json}); the chart is [${files.chart}](${files.chart}).`,
        `![records per second and time to store, per delivery size](${files.chart})`,
    );

    push("## Targets", "Targets for the code (issue 12). `npm run bench -- --check` exits 1 on a miss.", table(
        ["target", "limit", "measured", "verdict"],
        results.targets.map((target) => [target.description, target.limit, target.shown, `**${target.verdict}**`]),
    ));

    push(
        "## Method",
        "**The latency model.** A proxy (bench/latency/proxy.ts) sits in front of each emulator. It forwards every request at once " +
            "and holds the response until a latency drawn for its operation has passed since the request arrived. Each operation's latency is " +
            `log-normal, fitted to the p50 and p99 below (draws are capped at ${TAIL_CAP_FACTOR}× the p99); requests are never queued behind one another, ` +
            "as the real services run any number at once. The figures and their sources are in bench/latency/awsLatency.ts.",
        table(["operation", "p50", "p99", "basis"], Object.entries(results.latencyModel.operations).map(([operation, latency]) => [operation, ms(latency.p50Ms), ms(latency.p99Ms), latency.source])),
        `S3 transfers of ${bytes(results.latencyModel.largeObjectBytes)} or more use the \`:large\` figures; a DynamoDB PutItem with a \`ConditionExpression\` uses \`PutItem:conditional\`, and a TransactWriteItems of more than ${LARGE_TRANSACTION_ACTIONS} actions \`TransactWriteItems:large\`.`,
        "",
        "**The emulators' own service time.** When an emulator answers before the drawn latency has passed, its time is hidden inside the " +
            "draw: the response leaves at the drawn time. When it answers later (a burst queues inside the emulator), " +
            "the response leaves as soon as it comes and the excess is recorded per request. The critical path's excess is then subtracted: " +
            "**\"stored at the model\" = measured time − the emulators' excess over their draws on the critical path**, but never less than " +
            "the pipeline's CPU time (all its threads): the functions run on one event loop each, and the work they did while a slow emulator " +
            "kept them waiting would still have to be done between faster answers (a run decided by its CPU time says so). That is what the " +
            "targets use; the measured wall clock is shown beside it. The emulators run in a process of their own, so their work does not delay " +
            "the proxy's timers or the receiver: s3rver for S3, and for DynamoDB Amazon's DynamoDB Local (a JVM), which serves the loader's " +
            "transactions (dynalite, which the local stack runs, serves none). Per-operation service times are listed under each suite.",
        "",
        "**Stored** means every element of the delivery is readable: its lake row in S3, its history item and its subaccount's latest entry in " +
            "DynamoDB (read back after each delivery, outside the timed requests). The clock starts when the delivery is sent and stops at the " +
            "later of the answer and the end of the delivery's last write.",
        "",
        "**Critical-path round trips.** From the proxies' timeline: starting at the last request that ended before the delivery counted as " +
            "stored, step back each time to the request whose response arrived last before the current one was sent, until none did. Every " +
            "request on that chain started after the previous one ended, so the chain's length is a count of round trips that happened one after " +
            "another; the time between them is the functions' own work. With a pool of N requests in flight it is at least the " +
            "requests ÷ N, and more when the functions' own work between responses (one event loop) makes later requests wait for " +
            "earlier responses of other slots.",
        "",
        "**Process and memory.** The receiver and the loader run in a fresh Node.js process of their own (as Lambda functions do), warmed up " +
            "on one small delivery. Before each delivery it collects garbage and resets the kernel's peak-resident-memory mark; the added peak " +
            "memory is that mark once the loader has ended minus the resident memory before (both functions' work, so an upper bound of either's). " +
            "Each delivery is a new one (another day, other scores).",
    );

    if (suites.model) {
        const model = suites.model;
        const largest = model.sizes[model.sizes.length - 1];
        const cpuShare = RECEIVER_MEMORY_MB / ONE_VCPU_MB;
        const loaderShare = LOADER_MEMORY_MB / ONE_VCPU_MB;
        const loaderCpuMs = Math.max(0, (largest.settledCpuMs ?? largest.cpuMs).median - largest.cpuMs.median);
        push(
            "## 1. End to end under the AWS latency model",
            "This project's receiver (`buildLambdaHandler`, invoked with an ALB event) and, once S3 notifies it, its loader (`buildLoaderHandler`) against the emulators through the latency proxy.",
            endToEndTable(model.sizes),
            breakdown(largest),
            `With the receiver's default timeout of ${ms(RECEIVER_TIMEOUT_MS)} (\`lambdaTimeoutSeconds\`), the sizes whose median time to answer exceeds it: ` +
                (model.sizes.filter((size) => size.answerMs.median > RECEIVER_TIMEOUT_MS).map((size) => count(size.subaccounts)).join(", ") || "none") +
                ` (the loader, which stores, has ${count(SETTINGS.loaderTimeoutSeconds.default)} s: \`loaderTimeoutSeconds\`).`,
            `On a Lambda function of ${RECEIVER_MEMORY_MB} MB the receiver gets about ${percent(cpuShare)} of a vCPU (one vCPU at ${count(ONE_VCPU_MB)} MB): ` +
                `its ${ms(largest.cpuMs.median)} of CPU to answer would take about ${ms(largest.cpuMs.median / cpuShare)} there, ` +
                `so the ${count(largest.subaccounts)}-subaccount delivery would take about ${ms(largest.atModelMs.median + largest.cpuMs.median * (1 / cpuShare - 1) + loaderCpuMs * (1 / loaderShare - 1))} ` +
                `(a rough estimate, which assumes all of that CPU is on the critical path), with the loader's ${ms(loaderCpuMs)} of CPU at ${percent(loaderShare)} of a vCPU (${count(LOADER_MEMORY_MB)} MB).`,
            ...howItStores(largest),
            "Emulator service time against the model's draws (all sizes together, median per operation):",
            serviceTable(model.sizes),
            ...(model.profile
                ? [`Where the process's CPU went in one more ${count(largest.subaccounts)}-subaccount delivery (V8's sampling profiler, the receiver and the loader, until the loader ended):`, profileTables(model.profile)]
                : ["(The end-to-end profile is taken in a full run only.)"]),
        );
    }

    if (suites.baseline) {
        const baseline = suites.baseline;
        push(
            "## 2. The original approach under the same model",
            "bench/baseline.ts re-implements it: for each element, one after another, S3 GetObject (does `HS-<alert_id>-<subaccount_id>-<epoch>` exist?), " +
                "S3 PutObject of it, DynamoDB PutItem under a random UUID. " +
                (baseline.budgetMs < baseline.timeoutMs
                    ? `Each delivery ran for at most ${ms(baseline.budgetMs)}; its steady per-element rate gives the time the whole delivery needs.`
                    : `Each delivery ran until the original's ${ms(baseline.timeoutMs)} Lambda timeout, as Lambda would have stopped it.`),
            table(
                ["subaccounts", "stored / elements (median)", "records/s, original", "records/s, this project", "ratio", "whole delivery needs", `within the ${ms(ORIGINAL_TIMEOUT_MS)} timeout?`, "elements lost to it"],
                baseline.comparison.map((row) => {
                    const size = baseline.sizes.find((s) => s.subaccounts === row.subaccounts)!;
                    return [
                        count(row.subaccounts),
                        `${count(size.stored.median)} / ${count(size.elements)}`,
                        rate(row.baselineRecordsPerSecond),
                        rate(row.currentRecordsPerSecond),
                        ratio(row.ratio),
                        `${ms(row.baselineFullMs)}${row.baselineFullMeasured ? "" : " (extrapolated)"}`,
                        row.exceedsTimeout ? "**no**" : "yes",
                        count(row.lostToTimeout),
                    ];
                }),
            ),
            `Critical-path round trips per element: ${(baseline.sizes[0].roundTrips.median / Math.max(1, baseline.sizes[0].stored.median)).toFixed(1)} ` +
                `(${operations(baseline.sizes[0].criticalPathByOperation)} for ${count(baseline.sizes[0].stored.median)} elements).`,
            "Emulator service time against the model's draws:",
            serviceTable(baseline.sizes),
        );
    }

    if (suites.emulators) {
        push(
            "## 3. On the bare emulators (no latency model)",
            "The same receiver with nothing added: the emulators' own speed. Over loopback they answer a small request faster than the model's " +
                "AWS figures, but each emulator runs on this machine's two cores beside the pipeline and s3rver writes files, so these figures say nothing about AWS; " +
                "they are the reference the README used to quote.",
            table(
                ["subaccounts", "runs (all stored)", "stored: median / p95", "records/s", "critical-path round trips", "requests"],
                suites.emulators.sizes.map((size) => [count(size.subaccounts), `${size.runs} (${size.completeRuns})`, medianP95(size.storedMs), rate(size.stored.median / (size.storedMs.median / 1000)), count(size.roundTrips.median), count(size.requests.median)]),
            ),
            "Emulator service time per operation:",
            serviceTable(suites.emulators.sizes, false),
        );
    }

    if (suites.cpu) {
        const cpu = suites.cpu;
        push(
            "## 4. CPU only: parse, validate, transform",
            "`interpretDelivery` from the request's bytes (strict UTF-8, the one-pass text scan for depth, numbers, keys and strings, JSON.parse, then per element: validation (a quick check of the schema that recognises alerts as SparkPost sends them, superstruct for every other element), the record and its id), " +
                "against `JSON.parse(body.toString())` of the same bytes, alternating, in a fresh process after a warm-up. Medians per delivery.",
            table(
                ["subaccounts", "body", "iterations", "JSON.parse", "interpretDelivery", "ratio to JSON.parse", "record ids per 1,000 elements"],
                cpu.sizes.map((size) => [count(size.subaccounts), bytes(size.bodyBytes), count(size.iterations), ms(size.jsonParseMs.median), ms(size.totalMs.median), ratio(size.ratio), ms(size.recordIdsPer1000Ms)]),
            ),
            `Profile of ${count(cpu.profiledDeliveries)} deliveries of the largest size (V8's sampling profiler, the same as \`node --cpu-prof\`); ` +
                "\"area\" is the project file or package a sampled function belongs to:",
            profileTables(cpu.profile),
        );
    }

    if (suites.archive) {
        const { shipped, loader, naive } = suites.archive;
        const archives = [shipped, ...(loader ? [loader] : []), naive];
        const invocation = (summary: Summary | undefined) => (summary ? ms(summary.median) : "–");
        push(
            "## 5. The Lambda archives",
            "The receiver's and the loader's archives as the components build them (packaging/handlerArchive.ts), without Pulumi's engine: the " +
                "factory (`createLambdaHandler` for the receiver, `createLoaderLambdaHandler` for the loader) serialized by `pulumi.runtime.serializeFunction` " +
                "with CallbackFunction's options, then bundled by esbuild with the packages it requires, minified, into `__index.js` alone (the runtime's " +
                "clients, `@aws-sdk/client-*`, left out). \"naive\" is the receiver as `aws.lambda.CallbackFunction` ships it given no code-path options: `__index.js` " +
                "beside the paths `pulumi.runtime.computeCodePaths` picks, every dependency in package.json. " +
                "Zipped sizes deflate each file at level 5, as Go's archive/zip (which Pulumi uses) does. Cold initialisation loads `__index.js` " +
                "(which builds the handler) in a fresh `node` process, with the runtime's AWS SDK on NODE_PATH as the nodejs22.x runtime provides it.",
            "No SDK client package is loaded at initialisation (handlers/sdk.ts): each takes tens to over a hundred milliseconds to load here, and " +
                "together they were most of the receiver's cold start. The receiver's first request loads SSM's client, reads the tokens, then loads " +
                "S3's and SQS's, each before any deadline starts: loading them while SSM answers would overlap the two, but on a small function's share " +
                "of a vCPU the loading blocks the event loop long enough to make the token read's deadline fire. So the first delivery waits for what " +
                "initialisation used to do, no more, and every later one finds the clients ready; so that the deferral hides nothing, the table gives " +
                "the first invocation (a 10-subaccount delivery, against a stand-in for SSM and S3 in the same process) beside the second. The first " +
                "also includes what any first call pays (V8 compiling the handler's code, the SDK resolving credentials and endpoints).",
            table(
                ["archive", "packages", "files", "unzipped", "zipped", "__index.js", "cold init: median / p95", "first invocation", "second invocation", "whole process: median"],
                archives.map((archive) => [
                    archive.kind,
                    count(archive.packages.length),
                    count(archive.files),
                    bytes(archive.unzippedBytes),
                    archive.zippedBytes === undefined ? "not computed (--quick)" : bytes(archive.zippedBytes),
                    bytes(archive.indexJsBytes),
                    medianP95(archive.coldInit.initMs),
                    invocation(archive.coldInit.firstInvocationMs),
                    invocation(archive.coldInit.secondInvocationMs),
                    ms(archive.coldInit.processMs.median),
                ]),
            ),
            `Packages shipped with the receiver: ${shipped.packages.join(", ")}. Lambda refuses an archive above 250 MB unzipped (50 MB zipped for a direct upload).`,
            ...(shipped.bytesByPackage ? [
                "Where the receiver's unzipped bytes go (each part's share of the minified bundle):",
                table(["part", "unzipped"], Object.entries(shipped.bytesByPackage).sort((a, b) => b[1] - a[1])
                    .map(([name, size]) => [name === "__index.js" ? "the serialized handler" : name, bytes(size)])),
                "The serialized handler is the larger part because the serializer wraps each captured function in a `with` scope of what it refers " +
                    "to (about 160 of them), and a minifier cannot rename a name a `with` scope might provide.",
            ] : []),
            ...(shipped.coldInit.byModule.length > 1 ? [
                "Where the receiver's cold initialisation goes: each module `__index.js` requires at load, loaded alone in the order it requires them " +
                    "(medians of as many more runs), then the rest of `__index.js` (defining the closure's functions and building the handler):",
                table(["module", "load time"], shipped.coldInit.byModule.map((entry) => [`\`${entry.module}\``, ms(entry.ms)])),
            ] : ["The receiver's `__index.js` requires no package when it loads (its packages are inside it; the SDK's clients load on first use), " +
                `so its cold initialisation is the one file: ${ms(shipped.coldInit.byModule[0]?.ms ?? shipped.coldInit.initMs.median)} (median of the breakdown runs).`]),
        );
    }

    if (suites["worst-case"]) {
        const { targets, measurements } = suites["worst-case"];
        push(
            "## 6. Worst-case bodies",
            "The most expensive bodies the ingress lets through (tests/support/worstBodies.ts: tiny elements that each fail many rules, many keys, the deepest nesting " +
                "allowed, long strings, numbers the parser alters...), each built at the ingress's limit and received once in a process of its own " +
                "(bench/worstCase.ts; `npm run bench:worst` runs it alone). Invalid bodies go end to end (archive, interpretation, the rejected/ document, the answer); " +
                "valid ones up to the storage calls (storing more records is DynamoDB work that grows with the records, not amplification). " +
                `Peak memory is the highest resident memory sampled every 2 ms, above the process's baseline. The hardening issue's bounds: ${ms(targets.ms)} and ${targets.peakMb} MB.`,
            table(
                ["body", "bytes", "measured", "status", "time", "peak memory", "answer", ""],
                measurements.map((m) => [m.body, bytes(m.bytes), m.mode, m.status, ms(m.ms), `${m.peakMb.toFixed(1)} MB`, bytes(m.answerBytes),
                    withinWorstCaseTargets(m) ? "within" : "**over**"]),
            ),
        );
    }

    if (suites.cost) {
        const cost = suites.cost;
        const designs = [...new Set(cost.rows.map((row) => row.design))];
        const sizes = [...new Set(cost.rows.map((row) => row.subaccounts))];
        const cell = (subaccounts: number, design: string) => {
            const row = cost.rows.find((r) => r.subaccounts === subaccounts && r.design === design)!;
            if (!row.deliverable) return `${usd(row.usd)}, delivery not accepted (over the ALB's 1 MB)`;
            const lost = row.storedElements < subaccounts + 1 ? `, stores ${count(row.storedElements)} of ${count(subaccounts + 1)}` : "";
            return `${usd(row.usd)}${lost}`;
        };
        push(
            "## 7. Monthly cost",
            `${cost.region} list prices of ${cost.pricesDate}, no free tier; one delivery a day (${cost.assumptions.deliveriesPerMonth} a month); Lambda on arm64, ` +
                `the receiver at ${cost.assumptions.lambdaMemoryGb * 1024} MB until it answers, the loader at ${cost.assumptions.loaderMemoryGb * 1024} MB from the S3 notification until the delivery is stored, ` +
                `as long as this run measured under the latency model (extrapolated in the number of elements beyond ${count(4_500)}). ` +
                "\"alb\" and \"function-url\" are this project's two ingress settings, with the daily Glue crawler, the loader's fallback and dead-letter queues, " +
                `and the operations work's ${DEFAULT_MONITORING.alarms} alarms, ${DEFAULT_MONITORING.customMetrics} custom metrics (billed for the hours they are written in), dashboard and alarm key; ` +
                "\"original\" is the original design (ALB, Lambda, an S3 object and a DynamoDB item per element, no lake).",
            table(["subaccounts", ...designs], sizes.map((subaccounts) => [count(subaccounts), ...designs.map((design) => cell(subaccounts, design))])),
            "What each total is made of (items under a cent left out):",
            table(
                ["subaccounts", "design", "Lambda time per delivery", "items"],
                cost.rows.filter((row) => row.deliverable).map((row) => [
                    count(row.subaccounts),
                    row.design,
                    `${row.loaderDurationMs === undefined ? ms(row.durationMs) : `receiver ${ms(row.durationMs)}, loader ${ms(row.loaderDurationMs)}`}` +
                        `${row.durationExtrapolated ? " (extrapolated)" : ""}${row.design === "original" && row.durationMs > ORIGINAL_TIMEOUT_MS ? `, cut at ${ms(ORIGINAL_TIMEOUT_MS)}` : ""}`,
                    row.items.filter((item) => item.usd >= 0.01).map((item) => `${item.item} ${usd(item.usd)}`).join("; "),
                ]),
            ),
            "Prices (bench/cost/prices.ts):",
            table(["price", "USD", "per", "source"], Object.entries(cost.prices).map(([name, price]) => [name, `$${price.usd}`, `${price.per === 1 ? "" : `${count(price.per)} `}${price.unit}`, price.source])),
            "Assumptions (bench/cost/model.ts): " + Object.entries(cost.assumptions).map(([name, value]) => `${name} ${value}`).join(", ") +
                `. A history item is ${bytes(cost.historyItemBytes)} (1 write unit); the latest entry's index entry changes with every delivery, ` +
                `and the entry itself is written in a transaction (2 units), so DynamoDB writes ${cost.assumptions.writeUnitsPerElement} units per element. Athena: each query reads 30 days of the lake, at least its 10 MB minimum.`,
        );
    }
    return out.join("\n");
}

/** How the loader stores the largest delivery, and what that costs it, from this run's own figures. */
function howItStores(size: SizeMeasurement): string[] {
    if (!size.settledCpuMs) return [];
    const perRequestMs = size.settledCpuMs.median / size.requests.median;
    return [
        `How the loader stores: each group of ${TRANSACTION_LIMIT} records is ${TRANSACTION_LIMIT / BATCH_WRITE_LIMIT} BatchWriteItem calls ` +
            `(their history, ${BATCH_WRITE_LIMIT} items each), then one ` +
            "TransactWriteItems (their latest entries, each put under its own condition, since a latest entry moves only forward; DynamoDB cancels " +
            "the whole call when any condition fails, and the loader sends it again without those entries), so " +
            `${count(size.requests.median)} requests in all, up to ${DEFAULT_TABLE_CONCURRENCY} in flight. Each costs its caller CPU: here ` +
            `${ms(size.settledCpuMs.median)} of CPU for the delivery, about ${ms(perRequestMs)} per request (the profile below).`,
    ];
}

function busyNote(other: BenchResults["machine"]["otherProcesses"]): string {
    if (!other) return "";
    const list = (busy: BusyProcess[] | undefined) =>
        busy === undefined ? "unknown" : busy.length === 0 ? "none" : busy.map((p) => `${p.command} ${p.percentOfCore.toFixed(0)} %`).join(", ");
    return ` Other processes busy (share of one core over a second, outside the benchmark): at the start ${list(other.start)}; at the end ${list(other.end)}` +
        ((other.start?.length ?? 0) + (other.end?.length ?? 0) > 0 ? ": another process was busy, and the timings are slower for it." : ".");
}

function serviceTable(sizes: readonly SizeMeasurement[], withModel = true): string {
    const merged = new Map<string, { requests: number; service: number[]; model: number[]; over: number }>();
    for (const size of sizes) {
        for (const [operation, time] of Object.entries(size.serviceTimes)) {
            const entry = merged.get(operation) ?? { requests: 0, service: [], model: [], over: 0 };
            entry.requests += time.requests;
            entry.service.push(time.serviceMedianMs);
            entry.model.push(time.modelMedianMs);
            entry.over += time.overModelShare * time.requests;
            merged.set(operation, entry);
        }
    }
    const mid = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const rows = [...merged.entries()].sort();
    if (!withModel) return table(["operation", "requests", "emulator's median"], rows.map(([operation, entry]) => [operation, count(entry.requests), ms(mid(entry.service))]));
    return table(
        ["operation", "requests", "emulator's median", "model's median draw", "emulator slower than the draw"],
        rows.map(([operation, entry]) => [operation, count(entry.requests), ms(mid(entry.service)), ms(mid(entry.model)), percent(entry.over / entry.requests)]),
    );
}
