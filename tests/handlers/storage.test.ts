/**
 * The storage adapter against the emulators: the raw archive's one arrival time per delivery (S3's conditional
 * create), and DynamoDB batching with partial failures injected in front of dynalite: BatchWriteItem may return
 * UnprocessedItems, which the adapter must retry until every item is written.
 */
import { strict as assert } from "assert";
import { BatchWriteItemCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { HeadObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { ArrivalUnknownError, createAwsStorage, StorageError } from "../../handlers/storage";
import { AlertRecord } from "../../handlers/records";
import { TEST_BUCKET, TEST_TABLE, useEmulators } from "../support/emulators";
import { EMULATOR_LATEST_WRITES } from "../../local/clients";
import { getText, scanItems } from "../support/store";

function record(subaccount: number, day = "2026-11-27"): AlertRecord {
    return {
        record_id: `00000000-0000-5000-8000-${String(subaccount).padStart(12, "0")}`,
        alert_id: 1, incident_id: null, name: "Daily", metric: "storage_test", subaccount_id: subaccount,
        filters: { subaccount_id: subaccount }, operator: "gt", source: "raw", threshold: 0, triggered_value: 50,
        triggered_at: `${day}T09:00:00.000Z`, received_at: "2026-11-28T00:00:00.000Z", delivery_id: "d",
    };
}

/**
 * The real client, except that the first `failures` BatchWriteItem calls write only their first item and hand
 * back the rest as UnprocessedItems, as DynamoDB does when a partition is throttled.
 */
function throttlingClient(real: DynamoDBClient, failures: number): { client: DynamoDBClient; batchCalls: () => number } {
    let calls = 0;
    const client = Object.create(real) as DynamoDBClient;
    client.send = (async (command: unknown) => {
        if (!(command instanceof BatchWriteItemCommand)) return real.send(command as never);
        calls++;
        if (calls > failures) return real.send(command);
        const [table, requests] = Object.entries(command.input.RequestItems!)[0];
        await real.send(new BatchWriteItemCommand({ RequestItems: { [table]: requests.slice(0, 1) } }));
        return { UnprocessedItems: requests.length > 1 ? { [table]: requests.slice(1) } : {}, $metadata: {} };
    }) as DynamoDBClient["send"];
    return { client, batchCalls: () => calls };
}

describe("storage adapter (against dynalite)", function () {
    this.timeout(20_000);
    const env = useEmulators();
    const storageWith = (dynamodb: DynamoDBClient, maxBatchAttempts = 8) =>
        createAwsStorage({ s3: env.emulators.s3, dynamodb, bucketName: TEST_BUCKET, tableName: TEST_TABLE, retentionDays: 30, maxBatchAttempts, retryBaseMs: 1, retryCapMs: 5, latestWrites: EMULATOR_LATEST_WRITES });
    const historyOf = async (from: number, to: number) =>
        (await scanItems(env.emulators.dynamodb, TEST_TABLE)).filter((item) => item.kind === "history" && (item.subaccount_id as number) >= from && (item.subaccount_id as number) < to);

    it("retries UnprocessedItems until every item is written", async () => {
        const { client, batchCalls } = throttlingClient(env.emulators.dynamodb, 3);
        const records = Array.from({ length: 30 }, (_, i) => record(100 + i));
        await storageWith(client).writeRecords(records);
        assert.equal((await historyOf(100, 130)).length, 30);
        assert.ok(batchCalls() > 2, `retried (${batchCalls()} BatchWriteItem calls for 2 batches)`);
    });

    it("fails with a StorageError naming what is left when DynamoDB never takes the items", async () => {
        const { client } = throttlingClient(env.emulators.dynamodb, Infinity);
        const records = Array.from({ length: 5 }, (_, i) => record(200 + i));
        await assert.rejects(storageWith(client, 3).writeRecords(records), (err: Error) => {
            assert.ok(err instanceof StorageError);
            assert.match(err.message, /^1 of the writes of 5 records to table healthscore-test failed; the first: 2 items still unprocessed by DynamoDB after 3 attempts$/);
            return true;
        });
    });

    it("writes every other batch, and their latest entries, when one batch fails", async () => {
        let batchCalls = 0;
        const real = env.emulators.dynamodb;
        const client = Object.create(real) as DynamoDBClient;
        client.send = (async (command: unknown) => {
            if (command instanceof BatchWriteItemCommand && ++batchCalls === 1) {
                throw Object.assign(new Error("Item size has exceeded the maximum allowed size"), { name: "ValidationException" });
            }
            return real.send(command as never);
        }) as DynamoDBClient["send"];
        const records = Array.from({ length: 60 }, (_, i) => record(400 + i));
        await assert.rejects(storageWith(client).writeRecords(records), /^StorageError: 1 of the writes of 60 records .* failed; the first: Item size has exceeded/);
        const items = await scanItems(real, TEST_TABLE);
        const history = items.filter((item) => item.kind === "history" && (item.subaccount_id as number) >= 400 && (item.subaccount_id as number) < 460);
        const latest = items.filter((item) => item.kind === "latest" && (item.subaccount_id as number) >= 400 && (item.subaccount_id as number) < 460);
        assert.equal(history.length, 35, "the two batches that did not fail");
        assert.deepEqual(latest.map((item) => item.record_id).sort(), history.map((item) => item.record_id).sort(), "latest only where history was written");
    });

    it("keeps the newer of two alerts of one series in one delivery as latest", async () => {
        const older = { ...record(300, "2026-11-26"), record_id: "00000000-0000-5000-8000-00000000a300" };
        const newer = record(300, "2026-11-27");
        await storageWith(env.emulators.dynamodb).writeRecords([newer, older]);
        const latest = (await scanItems(env.emulators.dynamodb, TEST_TABLE)).filter((item) => item.kind === "latest" && item.subaccount_id === 300);
        assert.deepEqual(latest.map((item) => item.triggered_at), ["2026-11-27T09:00:00.000Z"]);
    });

    it("names the same latest record whichever of two alerts with one triggered_at arrives first: the greater record id, as the lake does", async () => {
        const low = { ...record(310), record_id: "00000000-0000-5000-8000-0000000a0310", triggered_value: 10 };
        const high = { ...record(310), record_id: "00000000-0000-5000-8000-0000000b0310", triggered_value: 90 };
        const lowFirst = { ...low, subaccount_id: 311, filters: { subaccount_id: 311 } };
        const highFirst = { ...high, subaccount_id: 311, filters: { subaccount_id: 311 } };
        const storage = storageWith(env.emulators.dynamodb);
        await storage.writeRecords([low]);
        await storage.writeRecords([high]);
        await storage.writeRecords([highFirst]);
        await storage.writeRecords([lowFirst]);
        const latest = (await scanItems(env.emulators.dynamodb, TEST_TABLE)).filter((item) => item.kind === "latest" && [310, 311].includes(item.subaccount_id as number));
        assert.deepEqual(latest.map((item) => [item.subaccount_id, item.triggered_value]).sort(), [[310, 90], [311, 90]]);
    });

    it("keeps a day-over-day change apart from the subaccount's score: a later change of -35 does not replace a score of 81.2", async () => {
        const score = { ...record(320, "2026-11-27"), triggered_value: 81.2 };
        const change = { ...record(320, "2026-11-28"), record_id: "00000000-0000-5000-8000-0000000c0320", source: "day_over_day", operator: "lt", threshold: -10, triggered_value: -35 };
        await storageWith(env.emulators.dynamodb).writeRecords([score]);
        await storageWith(env.emulators.dynamodb).writeRecords([change]);
        const latest = (await scanItems(env.emulators.dynamodb, TEST_TABLE)).filter((item) => item.kind === "latest" && item.subaccount_id === 320);
        assert.deepEqual(latest.map((item) => [item.sk, item.triggered_value]).sort(), [["SUBACCOUNT#320", 81.2], ["SUBACCOUNT#320@day_over_day", -35]]);
    });

    describe("archiveRaw", () => {
        const arrival = (iso: string) => new Date(iso);

        it("archives the body with its arrival time, and answers that time", async () => {
            const storage = storageWith(env.emulators.dynamodb);
            const answered = await storage.archiveRaw("raw/first.json", Buffer.from("[1]"), arrival("2026-11-28T10:00:00.000Z"));
            assert.deepEqual(answered, arrival("2026-11-28T10:00:00.000Z"));
            const head = await env.emulators.s3.send(new HeadObjectCommand({ Bucket: TEST_BUCKET, Key: "raw/first.json" }));
            assert.deepEqual(head.Metadata, { "received-at": "2026-11-28T10:00:00.000Z" });
            assert.equal(head.ContentType, "application/json");
        });

        it("answers a later copy with the first copy's arrival, and leaves the first copy as it was", async () => {
            const storage = storageWith(env.emulators.dynamodb);
            await storage.archiveRaw("raw/twice.json", Buffer.from("first"), arrival("2026-11-28T23:59:59.900Z"));
            const answered = await storage.archiveRaw("raw/twice.json", Buffer.from("second"), arrival("2026-11-29T00:00:00.100Z"));
            assert.deepEqual(answered, arrival("2026-11-28T23:59:59.900Z"));
            assert.equal(await getText(env.emulators.s3, TEST_BUCKET, "raw/twice.json"), "first");
        });

        it("gives concurrent copies one arrival, the first archived", async () => {
            const storage = storageWith(env.emulators.dynamodb);
            const times = Array.from({ length: 6 }, (_, i) => arrival(`2026-11-28T10:00:0${i}.000Z`));
            const answered = await Promise.all(times.map((time) => storage.archiveRaw("raw/concurrent.json", Buffer.from("[]"), time)));
            const head = await env.emulators.s3.send(new HeadObjectCommand({ Bucket: TEST_BUCKET, Key: "raw/concurrent.json" }));
            assert.equal(new Set(answered.map((time) => time.toISOString())).size, 1, answered.join(", "));
            assert.equal(answered[0].toISOString(), head.Metadata!["received-at"]);
        });

        it("takes the object's LastModified for a copy archived without an arrival time (by hand, by a tool)", async () => {
            await env.emulators.s3.send(new PutObjectCommand({ Bucket: TEST_BUCKET, Key: "raw/by-hand.json", Body: "[]" }));
            const head = await env.emulators.s3.send(new HeadObjectCommand({ Bucket: TEST_BUCKET, Key: "raw/by-hand.json" }));
            const answered = await storageWith(env.emulators.dynamodb).archiveRaw("raw/by-hand.json", Buffer.from("[]"), arrival("2030-01-01T00:00:00.000Z"));
            assert.deepEqual(answered, head.LastModified);
        });

        it("fails with ArrivalUnknownError, naming the object, when the first copy's arrival cannot be read", async () => {
            await storageWith(env.emulators.dynamodb).archiveRaw("raw/unreadable.json", Buffer.from("[]"), arrival("2026-11-28T10:00:00.000Z"));
            const s3 = Object.create(env.emulators.s3) as S3Client;
            s3.send = (async (command: unknown) => {
                if (command instanceof HeadObjectCommand) throw Object.assign(new Error("Access Denied"), { name: "AccessDenied" });
                return env.emulators.s3.send(command as never);
            }) as S3Client["send"];
            const storage = createAwsStorage({ s3, dynamodb: env.emulators.dynamodb, bucketName: TEST_BUCKET, tableName: TEST_TABLE, retentionDays: 30, retryBaseMs: 1, retryCapMs: 5, latestWrites: EMULATOR_LATEST_WRITES });
            await assert.rejects(storage.archiveRaw("raw/unreadable.json", Buffer.from("[]"), arrival("2026-11-29T10:00:00.000Z")), (err: Error) => {
                assert.ok(err instanceof ArrivalUnknownError);
                assert.equal(err.message, "s3://healthscore-test/raw/unreadable.json exists, but when it first arrived could not be read");
                return true;
            });
        });
    });

    it("leaves an existing object as it was (a redelivery writes nothing new)", async () => {
        const storage = storageWith(env.emulators.dynamodb);
        await storage.putObject("rejected/same.json", "first", "application/json");
        await storage.putObject("rejected/same.json", "second", "application/json");
        assert.equal(await getText(env.emulators.s3, TEST_BUCKET, "rejected/same.json"), "first");
    });
});
