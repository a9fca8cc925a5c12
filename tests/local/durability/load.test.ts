/**
 * Load on the local stack, in process: many concurrent deliveries through the load balancer stand-in, the receiver,
 * S3's notifications and the loader. Every record must be stored exactly once; the process's memory must stay
 * bounded; the throughput is printed (it depends on the machine and its load, so it is reported, not asserted).
 */
import { strict as assert } from "assert";
import { delivery, storedDeliveries, useDurabilityStack } from "../../support/durability";

/** Resident memory this process may gain during a run: 200 deliveries' bodies and loads in flight at once. */
const MEMORY_BOUND_MB = 512;

function sampleMemory(): { stop(): number } {
    const baseline = process.memoryUsage.rss();
    let peak = baseline;
    const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()); }, 10);
    return { stop: () => { clearInterval(timer); return (Math.max(peak, process.memoryUsage.rss()) - baseline) / 2 ** 20; } };
}

async function sendAll(env: ReturnType<typeof useDurabilityStack>, deliveries: Array<{ body: Buffer; elements: number }>) {
    const memory = sampleMemory();
    const started = Date.now();
    const answers = await Promise.all(deliveries.map((d) => env.post(d.body)));
    const answeredMs = Date.now() - started;
    await env.stack.loader.idle();
    const storedMs = Date.now() - started;
    return { answers, answeredMs, storedMs, addedMb: memory.stop() };
}

describe("durability: load (local stack, in process)", function () {
    this.timeout(180_000);
    const env = useDurabilityStack();

    it("100 concurrent deliveries of 20 subaccounts each end with exactly 2,000 records", async () => {
        const deliveries = Array.from({ length: 100 }, (_, i) => delivery(20, "2026-09-01", 100 + i, 100_000 + i * 20));
        const { answers, storedMs } = await sendAll(env, deliveries);
        assert.deepEqual(new Set(answers.map((a) => a.status)), new Set([202]), JSON.stringify(answers.find((a) => a.status !== 202)));
        const stored = await storedDeliveries(env.stack);
        const mine = answers.map((a) => stored.get(a.answer.delivery_id)!);
        const total = (key: "history" | "latest" | "lakeRows" | "distinctLakeRecords") => mine.reduce((sum, s) => sum + (s?.[key] ?? 0), 0);
        assert.deepEqual([total("history"), total("latest"), total("lakeRows"), total("distinctLakeRecords")], [2_000, 2_000, 2_000, 2_000]);
        console.log(`      100 x 20 subaccounts: 2,000 records stored in ${storedMs} ms (${Math.round(2_000 / (storedMs / 1000))} records/s)`);
    });

    it("200 concurrent deliveries, two of them of 1,000 subaccounts: every record stored exactly once, memory bounded; throughput reported", async () => {
        const deliveries = Array.from({ length: 200 }, (_, i) => (i % 100 === 0
            ? delivery(1_000, "2026-09-02", 1_000 + i, 1_000_000 + i * 1_000)
            : delivery(5, "2026-09-02", 1_000 + i, 500_000 + i * 5)));
        const records = deliveries.reduce((sum, d) => sum + d.elements, 0);
        const { answers, answeredMs, storedMs, addedMb } = await sendAll(env, deliveries);
        assert.deepEqual(new Set(answers.map((a) => a.status)), new Set([202]), JSON.stringify(answers.find((a) => a.status !== 202)));
        const stored = await storedDeliveries(env.stack);
        answers.forEach((answer, i) => {
            const elements = deliveries[i].elements;
            assert.deepEqual(stored.get(answer.answer.delivery_id), { history: elements, latest: elements, lakeRows: elements, distinctLakeRecords: elements }, `delivery ${i}`);
        });
        assert.equal(await env.queueDepth(env.stack.outputs.deadLetterQueueUrl), 0);
        assert.ok(addedMb < MEMORY_BOUND_MB, `the process gained ${addedMb.toFixed(0)} MB`);
        console.log(`      200 deliveries, ${records} records: all answered in ${answeredMs} ms, all stored in ${storedMs} ms ` +
            `(${Math.round(records / (storedMs / 1000))} records/s), process memory +${addedMb.toFixed(0)} MB`);
    });
});
