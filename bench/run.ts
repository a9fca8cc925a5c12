/**
 * `npm run bench`: how long the receiver takes, and whether that fits its budget.
 *
 * Lambda gives the receiver 10 s by default (the settings table's lambdaTimeoutSeconds), and the largest body the
 * ALB passes is 1 MB, about 4,500 real-shape alert elements. The targets below keep a full-size delivery far inside
 * that budget; they live here, not in the tests, because timings depend on the machine.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import Table from "cli-table3";
import { createAlertStruct } from "../handlers/alert";
import { MAX_BODY_BYTES } from "../shared/limits";
import { silentLogger } from "../handlers/logger";
import { createReceiver } from "../handlers/receiver";
import { interpretDelivery, toLakeNdjson } from "../handlers/records";
import { createAwsStorage } from "../handlers/storage";
import { startEmulators } from "../local/emulators";
import { generateDelivery, seededRandom } from "../local/generate";
import { plainUnlessTty } from "../local/tableStyle";

interface Result {
    name: string;
    runs: number;
    p50: number;
    p95: number;
    targetMs: number;
}

async function measure(name: string, runs: number, targetMs: number, task: (run: number) => Promise<unknown> | unknown): Promise<Result> {
    await task(-1); // warm-up: JIT, connections
    const times: number[] = [];
    for (let run = 0; run < runs; run++) {
        const started = performance.now();
        await task(run);
        times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
    return { name, runs, p50: at(0.5), p95: at(0.95), targetMs };
}

/** The largest real-shape delivery that fits the ALB's 1 MB limit. */
function largestDelivery(triggeredAt: Date): { body: Buffer; elements: number } {
    let subaccounts = 3000;
    let body = Buffer.from(JSON.stringify(generateDelivery({ subaccounts, triggeredAt, random: seededRandom(1) })));
    while (body.byteLength < MAX_BODY_BYTES.alb - 400) {
        subaccounts += 1;
        body = Buffer.from(JSON.stringify(generateDelivery({ subaccounts, triggeredAt, random: seededRandom(1) })));
    }
    while (body.byteLength > MAX_BODY_BYTES.alb) {
        subaccounts -= 1;
        body = Buffer.from(JSON.stringify(generateDelivery({ subaccounts, triggeredAt, random: seededRandom(1) })));
    }
    return { body, elements: subaccounts + 1 };
}

async function main(): Promise<void> {
    const triggeredAt = new Date("2026-11-27T09:00:00.000Z");
    const full = largestDelivery(triggeredAt);
    const thousand = Buffer.from(JSON.stringify(generateDelivery({ subaccounts: 1000, triggeredAt, random: seededRandom(2) })));
    const struct = createAlertStruct();
    const context = { deliveryId: "00000000-0000-5000-8000-000000000000", receivedAt: new Date() };

    const results: Result[] = [];
    results.push(await measure(`parse, validate, transform: ${full.elements} elements (${full.body.byteLength} bytes)`, 20, 500, () => {
        const interpretation = interpretDelivery(full.body, struct, context);
        if (interpretation.kind !== "alerts" || interpretation.records.length !== full.elements) throw new Error("unexpected result");
        return toLakeNdjson(interpretation.records);
    }));

    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "healthscore-bench-"));
    const emulators = await startEmulators({ dataDir, bucketName: "healthscore-bench", tableName: "healthscore-bench" });
    try {
        const storage = createAwsStorage({ s3: emulators.s3, dynamodb: emulators.dynamodb, bucketName: "healthscore-bench", tableName: "healthscore-bench", retentionDays: 30 });
        const token = "bench-token-0123456789abcdef";
        const receive = createReceiver({ storage, token, logger: silentLogger });
        const request = (body: Buffer) => ({ source: "alb" as const, method: "POST", path: `/hooks/${token}`, headers: { "content-type": "application/json" }, body });
        const expectOk = async (body: Buffer) => {
            const response = await receive(request(body));
            if (response.statusCode !== 200) throw new Error(`status ${response.statusCode}: ${response.body}`);
        };
        // Emulators are slower than S3 and DynamoDB (dynalite writes LevelDB on one core): these bound the real thing.
        results.push(await measure("receiver end to end, 1,001 elements (emulators)", 5, 5_000, () => expectOk(thousand)));
        results.push(await measure(`receiver end to end, ${full.elements} elements, 1 MB (emulators)`, 3, 15_000, () => expectOk(full.body)));
    } finally {
        await emulators.stop();
        fs.rmSync(dataDir, { recursive: true, force: true });
    }

    const table = new Table({ head: ["benchmark", "runs", "p50 ms", "p95 ms", "target ms", ""], style: plainUnlessTty() });
    for (const r of results) table.push([r.name, r.runs, r.p50.toFixed(1), r.p95.toFixed(1), r.targetMs, r.p95 <= r.targetMs ? "ok" : "MISSED"]);
    process.stdout.write(`${table.toString()}\n${os.cpus().length} cores, Node.js ${process.version}\n`);
    if (results.some((r) => r.p95 > r.targetMs)) process.exitCode = 1;
}

main().catch((err) => {
    process.stderr.write(`${err.stack ?? err}\n`);
    process.exitCode = 1;
});
