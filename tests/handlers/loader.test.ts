/** The loader alone, against the emulators: what it writes from a raw object, and how it fails. */
import { strict as assert } from "assert";
import { createLoader } from "../../handlers/loader";
import { silentLogger } from "../../handlers/logger";
import { createAwsStorage } from "../../handlers/storage";
import { deliveryIdOf } from "../../handlers/ids";
import { TEST_BUCKET, TEST_TABLE, useEmulators } from "../support/emulators";
import { EMULATOR_LATEST_WRITES } from "../../local/clients";
import { fixture } from "../support/requests";
import { listKeys, scanItems } from "../support/store";

describe("handlers/loader (against the emulators)", function () {
    this.timeout(20_000);
    const env = useEmulators();
    const ARRIVAL = new Date("2026-11-27T09:00:05.000Z");

    it("judges the raw object against its first arrival (its metadata), and writes the lake, the rejections and the table", async () => {
        const [good] = JSON.parse(fixture("real-delivery.json").toString("utf8"));
        const body = Buffer.from(JSON.stringify([good, { ...good, triggered_at: "2026-11-27T11:00:06.000Z" }]));
        const id = deliveryIdOf(body);
        await env.storage.archiveRaw(`raw/${id}.json`, body, ARRIVAL);
        const result = await createLoader({ storage: env.storage, logger: silentLogger })(`raw/${id}.json`);
        assert.deepEqual([result.accepted, result.rejected, result.receivedAt], [1, 1, ARRIVAL.toISOString()], "an hour and a second after the first arrival is the future");
        const keys = (await listKeys(env.emulators.s3, TEST_BUCKET)).filter((key) => key.includes(id));
        assert.deepEqual(keys, [`alerts/metric=health_score/dt=2026-11-27/${id}.ndjson`, `raw/${id}.json`, `rejected/${id}.json`]);
    });

    it("tries every write and then throws, naming what was not written, when the table cannot be written", async () => {
        const [good] = JSON.parse(fixture("real-delivery.json").toString("utf8"));
        const body = Buffer.from(JSON.stringify([{ ...good, filters: { subaccount_id: 907 } }]));
        const id = deliveryIdOf(body);
        await env.storage.archiveRaw(`raw/${id}.json`, body, ARRIVAL);
        const missingTable = createAwsStorage({ s3: env.emulators.s3, dynamodb: env.emulators.dynamodb, bucketName: TEST_BUCKET, tableName: "no-such-table", retentionDays: 30, latestWrites: EMULATOR_LATEST_WRITES });
        await assert.rejects(createLoader({ storage: missingTable, logger: silentLogger })(`raw/${id}.json`), new RegExp(`^LoadError: raw/${id}\\.json: table not written; the first failure \\(table\\): StorageError: .*no-such-table`.replace(/^LoadError: /, "")));
        assert.ok((await listKeys(env.emulators.s3, TEST_BUCKET)).includes(`alerts/metric=health_score/dt=2026-11-27/${id}.ndjson`), "the lake was written all the same");
        assert.ok(!(await scanItems(env.emulators.dynamodb, TEST_TABLE)).some((item) => item.delivery_id === id));
    });

    it("names at most 5 failed writes in its error, and counts the others (a log event holds 256 KB; a body may span thousands of partitions)", async () => {
        const [good] = JSON.parse(fixture("real-delivery.json").toString("utf8"));
        const body = Buffer.from(JSON.stringify(Array.from({ length: 40 }, (_, i) => ({ ...good, metric: `metric_${i}`, filters: { subaccount_id: 908 } }))));
        const id = deliveryIdOf(body);
        await env.storage.archiveRaw(`raw/${id}.json`, body, ARRIVAL);
        const noLake = { ...env.storage, putObject: async (key: string) => { if (key.startsWith("alerts/")) throw new Error("SlowDown"); } };
        await assert.rejects(createLoader({ storage: noLake, logger: silentLogger })(`raw/${id}.json`), (err: Error) => {
            assert.match(err.message, /^raw\/[0-9a-f-]+\.json: (lake partition metric=metric_\d+\/dt=2026-11-27, ){4}lake partition metric=metric_\d+\/dt=2026-11-27 and 35 more not written; the first failure/);
            assert.ok(err.message.length < 1_000, `${err.message.length} characters`);
            return true;
        });
    });

    it("refuses a key that names no raw delivery, and fails naming a raw object that is not there", async () => {
        const load = createLoader({ storage: env.storage, logger: silentLogger });
        await assert.rejects(load("alerts/x.ndjson"), /alerts\/x\.ndjson is not a raw delivery/);
        await assert.rejects(load("raw/00000000-0000-5000-8000-000000000000.json"), /could not read s3:\/\/healthscore-test\/raw\/00000000-0000-5000-8000-000000000000\.json/);
    });
});
