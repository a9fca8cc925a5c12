/**
 * The loader's latest entries as it moves them in AWS: a history batch's entries in one TransactWriteItems call,
 * against Amazon's DynamoDB Local (dynalite serves no transactions). Faults DynamoDB can answer are injected on the
 * wire, by a proxy in front of DynamoDB Local.
 */
import { strict as assert } from "assert";
import { createAwsStorage, StorageError } from "../../handlers/storage";
import { AlertRecord } from "../../handlers/records";
import { localS3Client } from "../../local/clients";
import { TEST_BUCKET, TEST_TABLE } from "../support/emulators";
import { FaultProxy, WireFault, startFaultProxy, useDynamoDbLocal } from "../support/dynamoDbLocal";
import { scanItems } from "../support/store";

let nextMetric = 0;

/** Records of these subaccounts on `day`, in the test's own metric (each test starts from nothing); `idDigit` varies the record id. */
function recordsOf(metric: string, subaccounts: number[], day: string, idDigit = "1"): AlertRecord[] {
    return subaccounts.map((subaccount) => ({
        record_id: `00000000-0000-5000-8000-${idDigit.repeat(4)}${String(subaccount).padStart(8, "0")}`,
        alert_id: 1, incident_id: null, name: "Daily", metric, subaccount_id: subaccount,
        filters: { subaccount_id: subaccount }, operator: "gt", source: "raw", threshold: 0, triggered_value: 50,
        triggered_at: `${day}T09:00:00.000Z`, received_at: `${day}T09:00:05.000Z`, delivery_id: `d-${day}-${idDigit}`,
    }));
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

const cancelled = (codes: string[]): WireFault => ({
    status: 400,
    body: {
        __type: "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
        message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(", ")}]`,
        CancellationReasons: codes.map((Code) => (Code === "None" ? { Code } : { Code, Message: `${Code} (injected)` })),
    },
});

describe("storage adapter: latest entries in transactions (against DynamoDB Local)", function () {
    this.timeout(60_000);
    const context = useDynamoDbLocal();
    let proxy: FaultProxy | undefined;
    let metric: string;
    beforeEach(() => { metric = `transactions_${nextMetric++}`; });
    afterEach(async () => { await proxy?.close(); proxy = undefined; });

    async function storageThrough(fault: (operation: string, body: any, seen: number) => WireFault | undefined = () => undefined, maxBatchAttempts = 8) {
        proxy = await startFaultProxy(context.local.endpoint, fault);
        return createAwsStorage({
            s3: localS3Client("http://127.0.0.1:9"), dynamodb: proxy.dynamodb, bucketName: TEST_BUCKET, tableName: TEST_TABLE,
            retentionDays: 30, maxBatchAttempts, retryBaseMs: 1, retryCapMs: 5, latestWrites: "transactions",
        });
    }
    const itemsOf = async (kind: string) => (await scanItems(context.local.dynamodb, TEST_TABLE)).filter((item) => item.kind === kind && item.metric === metric);
    const latestDays = async () => Object.fromEntries((await itemsOf("latest")).map((item) => [item.subaccount_id, String(item.triggered_at).slice(0, 10)]));
    const count = (operation: string) => proxy!.operations.filter((seen) => seen === operation).length;

    it("moves the latest entries of up to 100 records (4 history batches) in one transaction: 160 subaccounts, 7 batches, 2 transactions, no PutItem", async () => {
        const storage = await storageThrough();
        await storage.writeRecords(recordsOf(metric, range(0, 160), "2026-11-27"));
        assert.deepStrictEqual([count("BatchWriteItem"), count("TransactWriteItems"), count("PutItem")], [7, 2, 0]);
        assert.equal((await itemsOf("history")).length, 160);
        assert.deepStrictEqual(Object.values(await latestDays()), Array(160).fill("2026-11-27"));
    });

    it("sends a cancelled transaction again without the entries a later record holds: those stay, the rest move", async () => {
        const storage = await storageThrough();
        await storage.writeRecords(recordsOf(metric, range(0, 10), "2026-11-28"));
        // One batch: 0-4 older than what is stored, 5-9 later, 10-14 new.
        await storage.writeRecords([...recordsOf(metric, range(0, 5), "2026-11-27"), ...recordsOf(metric, range(5, 15), "2026-11-29")]);
        const days = await latestDays();
        assert.deepStrictEqual(range(0, 15).map((subaccount) => days[subaccount]),
            [...Array(5).fill("2026-11-28"), ...Array(10).fill("2026-11-29")]);
        // The first batch's, then the second's: cancelled, and sent again with the 10 whose condition held.
        assert.equal(count("TransactWriteItems"), 3);
        assert.equal((await itemsOf("history")).length, 25, "every record's history is kept, older ones too");
    });

    it("breaks a tie on triggered_at by the greater record_id, as the readers do; a redelivery changes nothing", async () => {
        const storage = await storageThrough();
        await storage.writeRecords(recordsOf(metric, [1, 2], "2026-11-27", "5"));
        await storage.writeRecords([...recordsOf(metric, [1], "2026-11-27", "9"), ...recordsOf(metric, [2], "2026-11-27", "2")]);
        await storage.writeRecords(recordsOf(metric, [1, 2], "2026-11-27", "5"));
        const ids = Object.fromEntries((await itemsOf("latest")).map((item) => [item.subaccount_id, String(item.record_id).slice(24, 28)]));
        assert.deepStrictEqual(ids, { 1: "9999", 2: "5555" });
    });

    it("retries after contention (another writer's transaction on an item, throttling of the call), with the same entries", async () => {
        const throttled: WireFault = { status: 400, body: { __type: "com.amazonaws.dynamodb.v20120810#ThrottlingException", message: "Rate of requests exceeds the allowed throughput." } };
        const storage = await storageThrough((operation, body, seen) => {
            if (operation !== "TransactWriteItems" || seen > 2) return undefined;
            return seen === 1 ? throttled : cancelled(body.TransactItems.map((_: unknown, i: number) => (i === 1 ? "TransactionConflict" : "None")));
        });
        await storage.writeRecords(recordsOf(metric, range(0, 5), "2026-11-27"));
        assert.equal(count("TransactWriteItems"), 4);
        assert.equal(Object.keys(await latestDays()).length, 5);
    });

    it("moves no latest entry of a record whose history batch failed; the group's other batches' entries move", async () => {
        const refused: WireFault = { status: 400, body: { __type: "com.amazon.coral.validate#ValidationException", message: "injected" } };
        const storage = await storageThrough((operation, _body, seen) => (operation === "BatchWriteItem" && seen === 1 ? refused : undefined));
        // One group of 100 records: 4 history batches, the second refused.
        await assert.rejects(storage.writeRecords(recordsOf(metric, range(0, 100), "2026-11-27")), /1 of the writes of 100 records .* failed/);
        const history = new Set((await itemsOf("history")).map((item) => item.subaccount_id as number));
        const latest = new Set(Object.keys(await latestDays()).map(Number));
        assert.equal(history.size, 75);
        assert.deepStrictEqual([...latest].sort((a, b) => a - b), [...history].sort((a, b) => a - b), "a latest entry only where its history is written");
    });

    it("fails with a StorageError when contention outlasts its attempts, or names the entries DynamoDB refused, leaving the history written", async () => {
        const conflicted = await storageThrough((operation, body) =>
            operation === "TransactWriteItems" ? cancelled(body.TransactItems.map(() => "TransactionConflict")) : undefined, 3);
        await assert.rejects(conflicted.writeRecords(recordsOf(metric, range(0, 4), "2026-11-27")), (err: Error) => {
            assert.ok(err instanceof StorageError);
            assert.match(err.message, /4 latest entries still not written after 3 contended transactions/);
            return true;
        });
        assert.equal(count("TransactWriteItems"), 3);
        await proxy!.close();
        proxy = undefined;

        // An entry DynamoDB refuses for itself is reported; its neighbours are written all the same.
        const invalid = await storageThrough((operation, body, seen) =>
            operation === "TransactWriteItems" && seen === 0 ? cancelled(body.TransactItems.map((_: unknown, i: number) => (i === 0 ? "ValidationError" : "None"))) : undefined);
        await assert.rejects(invalid.writeRecords(recordsOf(metric, range(10, 12), "2026-11-27")), /DynamoDB refused 1 of 2 latest entries in a transaction \(ValidationError\); the others were written/);
        assert.equal(count("TransactWriteItems"), 2, "the refused entry is not sent again");
        assert.equal((await itemsOf("history")).length, 6);
        assert.deepStrictEqual(await latestDays(), { 11: "2026-11-27" });
    });
});
