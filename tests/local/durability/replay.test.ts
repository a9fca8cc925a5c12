/**
 * `replay` on the local stack, in process: over everything by first arrival, twice, the store does not change; by
 * delivery, a delivery whose load never ran is stored. Deliveries of every kind are in the store: valid, with
 * rejected elements (rejected/ documents), and a body that is no delivery at all.
 */
import { strict as assert } from "assert";
import { DeleteObjectCommand } from "@aws-sdk/client-s3";
import { runReplay } from "../../../local/commands/replay";
import { delivery, storeFingerprint, storedDeliveries, useDurabilityStack } from "../../support/durability";
import { listKeys } from "../../support/store";

describe("durability: replay (local stack, in process)", function () {
    this.timeout(60_000);
    const env = useDurabilityStack();
    const quiet = { stdout: () => undefined, stderr: () => undefined };
    let ids: string[];

    before(async function () {
        this.timeout(60_000);
        const bodies = [
            ...Array.from({ length: 20 }, (_, i) => delivery(10, `2026-08-${String(10 + (i % 5)).padStart(2, "0")}`, 300 + i, 300_000 + i * 10).body),
            Buffer.from(JSON.stringify([{ alert_id: 1 }, JSON.parse(delivery(1, "2026-08-15", 9, 9_999).body.toString())[0]])),
            Buffer.from("{not json"),
        ];
        const answers = await Promise.all(bodies.map((body) => env.post(body)));
        assert.deepEqual(answers.map((a) => a.status), [...Array(21).fill(202), 400]);
        ids = answers.map((a) => a.answer.delivery_id);
        await env.stack.loader.idle();
    });

    it("replaying everything twice (`replay --from --to`) leaves the table and the lake unchanged", async () => {
        const before = await storeFingerprint(env.stack);
        assert.ok(before.objects.some((o) => o.startsWith("rejected/")) && before.objects.filter((o) => o.startsWith("raw/")).length === 22);
        for (let run = 0; run < 2; run++) {
            const out: string[] = [];
            assert.equal(await runReplay({ dataDir: env.dataDir, from: "2000-01-01", to: "2999-12-31" }, { stdout: (t) => out.push(t), stderr: () => undefined }), 0);
            assert.equal(out.join("").trim().split("\n").length, 22, "every delivery replayed");
            await env.stack.loader.idle();
            assert.deepEqual(await storeFingerprint(env.stack), before, `run ${run + 1}`);
        }
    });

    it("`replay --delivery` writes exactly what was missing: a lake object deleted, written again the same", async () => {
        const before = await storeFingerprint(env.stack);
        const [lakeKey] = (await listKeys(env.stack.emulators.s3, env.stack.outputs.bucketName, "alerts/")).filter((key) => key.includes(ids[0]));
        await env.stack.emulators.s3.send(new DeleteObjectCommand({ Bucket: env.stack.outputs.bucketName, Key: lakeKey }));
        assert.equal((await storedDeliveries(env.stack)).get(ids[0])?.lakeRows, 0);
        assert.equal(await runReplay({ dataDir: env.dataDir, delivery: [ids[0]] }, quiet), 0);
        assert.deepEqual(await storeFingerprint(env.stack), before);
    });

    it("`replay --from --to` takes the first arrival's day (received-at), not the alerts' day", async () => {
        const today = new Date().toISOString().slice(0, 10);
        const listed: string[] = [];
        assert.equal(await runReplay({ dataDir: env.dataDir, from: today, to: today, list: true }, { stdout: (t) => listed.push(t), stderr: () => undefined }), 0);
        assert.equal(listed.join("").trim().split("\n").length, 22, "all arrived today, whatever day their alerts are of");
        const none: string[] = [];
        assert.equal(await runReplay({ dataDir: env.dataDir, from: "2026-08-10", to: "2026-08-15", list: true }, { stdout: (t) => none.push(t), stderr: () => undefined }), 0);
        assert.equal(none.join("").trim(), "");
    });
});
