/**
 * The storage adapter's batching against dynalite, with DynamoDB's partial failures injected in front of it:
 * BatchWriteItem may return UnprocessedItems, which the adapter must retry until every item is written.
 */
import { strict as assert } from "assert";
import { BatchWriteItemCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { createAwsStorage, StorageError } from "../../handlers/storage";
import { AlertRecord } from "../../handlers/records";
import { TEST_BUCKET, TEST_TABLE, useEmulators } from "../support/emulators";
import { scanItems } from "../support/store";

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
        createAwsStorage({ s3: env.emulators.s3, dynamodb, bucketName: TEST_BUCKET, tableName: TEST_TABLE, retentionDays: 30, maxBatchAttempts, retryBaseMs: 1, retryCapMs: 5 });
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

    it("remembers a delivery's first arrival, once", async () => {
        const storage = storageWith(env.emulators.dynamodb);
        assert.equal(await storage.firstReceivedAt("delivery-1"), undefined);
        await storage.rememberDelivery("delivery-1", new Date("2026-11-28T10:00:00.000Z"), "raw/dt=2026-11-28/delivery-1.json");
        await storage.rememberDelivery("delivery-1", new Date("2026-11-29T10:00:00.000Z"), "raw/dt=2026-11-29/delivery-1.json");
        assert.deepEqual(await storage.firstReceivedAt("delivery-1"), new Date("2026-11-28T10:00:00.000Z"));
    });

    it("leaves an existing object as it was (a redelivery writes nothing new)", async () => {
        const storage = storageWith(env.emulators.dynamodb);
        await storage.putObject("raw/dt=2026-11-28/same.json", "first", "application/json");
        await storage.putObject("raw/dt=2026-11-28/same.json", "second", "application/json");
        const { getText } = await import("../support/store");
        assert.equal(await getText(env.emulators.s3, TEST_BUCKET, "raw/dt=2026-11-28/same.json"), "first");
    });
});
