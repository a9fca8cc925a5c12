/**
 * The receiver against the S3 and DynamoDB emulators, over the wire: what each kind of request stores, and
 * what it answers.
 */
import { strict as assert } from "assert";
import { DeleteItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { DeleteObjectCommand, HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { marshall } from "@aws-sdk/util-dynamodb";
import { createReceiver, Receiver, toLambdaHandler } from "../../handlers/receiver";
import { receiveAndLoad } from "../support/pipeline";
import { createAwsStorage, DeliveryStorage } from "../../handlers/storage";
import { createTableReader } from "../../handlers/reads";
import { Logger } from "../../handlers/logger";
import { MetricValues } from "../../handlers/metrics";
import { MAX_BODY_BYTES as BODY_LIMITS } from "../../shared/limits";
import { MAX_DETAILED_REJECTIONS, MAX_REJECTION_DETAIL_BYTES } from "../../handlers/records";
import { openLocalLake } from "../../local/query";
import { TEST_BUCKET, TEST_TABLE, useEmulators } from "../support/emulators";
import { EMULATOR_LATEST_WRITES } from "../../local/clients";
import { HOOK_PATH, PREVIOUS_TOKEN, TOKEN, fixture, fixtureJson, hookRequest } from "../support/requests";
import { getBytes, getText, listKeys, scanItems, snapshot } from "../support/store";

const MAX_BODY_BYTES = BODY_LIMITS.alb;
/** A Function URL's (and an HTTP API's) limit. */
const MAX_INVOCATION_BODY_BYTES = BODY_LIMITS["function-url"];

const RECEIVED_AT = new Date("2026-11-28T10:00:00.000Z");

interface LogLine {
    level: string;
    message: string;
    fields: Record<string, unknown>;
}

function recordingLogger(lines: LogLine[]): Logger {
    const log = (level: string) => (message: string, fields: Record<string, unknown> = {}) => lines.push({ level, message, fields });
    return { info: log("info"), warn: log("warn"), error: log("error") };
}

describe("receiver (against the S3 and DynamoDB emulators)", function () {
    this.timeout(20_000);
    const env = useEmulators();
    let receive: Receiver;
    let logs: LogLine[];

    const stored = () => snapshot(env.emulators.s3, env.emulators.dynamodb, TEST_BUCKET, TEST_TABLE);
    const body = (response: { body: string }) => JSON.parse(response.body);
    const reader = () => createTableReader({ dynamodb: env.emulators.dynamodb, tableName: TEST_TABLE, now: () => RECEIVED_AT });

    function receiverWith(storage: DeliveryStorage, now = RECEIVED_AT): Receiver {
        return receiveAndLoad({ storage, token: TOKEN, previousToken: PREVIOUS_TOKEN, now: () => now, logger: recordingLogger(logs) });
    }

    beforeEach(() => {
        logs = [];
        receive = receiverWith(env.storage);
    });

    describe("a real-shape delivery", () => {
        it("stores the raw body byte for byte, one lake object per partition and the table items; answers 202", async () => {
            const delivery = fixture("real-delivery.json");
            const response = await receive(hookRequest(delivery));

            assert.equal(response.statusCode, 202);
            const summary = body(response);
            assert.deepEqual({ accepted: summary.accepted, rejected: summary.rejected, errors: summary.errors }, { accepted: 3, rejected: 0, errors: [] });
            assert.match(summary.delivery_id, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

            const rawKey = `raw/${summary.delivery_id}.json`;
            assert.deepEqual(await getBytes(env.emulators.s3, TEST_BUCKET, rawKey), delivery);

            const lakeKey = `alerts/metric=health_score/dt=2026-11-27/${summary.delivery_id}.ndjson`;
            const rows = (await getText(env.emulators.s3, TEST_BUCKET, lakeKey)).trimEnd().split("\n").map((line) => JSON.parse(line));
            assert.equal(rows.length, 3);
            assert.deepEqual(rows.map((row) => [row.subaccount_id, row.triggered_value]), [[-1, 78.273], [0, 91], [17, 55]]);
            assert.ok(rows.every((row) => !("metric" in row)), "metric is the partition, not a column");
            assert.deepEqual(Object.keys(rows[0]).sort(), [
                "alert_id", "delivery_id", "facets", "filters", "incident_id", "name", "operator", "received_at", "record_id",
                "source", "subaccount_id", "threshold", "triggered_at", "triggered_value",
            ]);
            assert.deepEqual(
                { ...rows[0], record_id: undefined },
                {
                    record_id: undefined,
                    alert_id: 4242,
                    incident_id: null,
                    name: "Daily health score",
                    subaccount_id: -1,
                    filters: {},
                    operator: "gt",
                    source: "raw",
                    threshold: 0,
                    triggered_value: 78.273,
                    triggered_at: "2026-11-27T09:00:03.123Z",
                    received_at: RECEIVED_AT.toISOString(),
                    delivery_id: summary.delivery_id,
                    facets: "{}",
                },
            );

            const latest = await reader().latest("health_score");
            const bySubaccount = new Map(latest.map((record) => [record.subaccount_id, record]));
            assert.equal(bySubaccount.get(-1)?.triggered_value, 78.273);
            assert.equal(bySubaccount.get(0)?.triggered_value, 91);
            assert.equal(bySubaccount.get(17)?.triggered_value, 55);
            assert.equal(bySubaccount.get(17)?.metric, "health_score");

            const history = await reader().history("health_score", 17, "2026-11-27", "2026-11-27");
            assert.equal(history.length, 1);
            const items = await scanItems(env.emulators.dynamodb, TEST_TABLE);
            const historyItem = items.find((item) => item.kind === "history" && item.record_id === history[0].record_id)!;
            assert.equal(historyItem.expires_at, Date.parse("2026-11-27T09:00:03.123Z") / 1000 + 30 * 86_400 - 0.123);
            assert.deepEqual(await reader().record(history[0].record_id), history[0]);
        });

        it("stores nothing new when the same delivery is posted again, the same day or days later", async () => {
            await receive(hookRequest(fixture("real-delivery.json")));
            const before = await stored();
            const again = await receive(hookRequest(fixture("real-delivery.json")));
            assert.equal(again.statusCode, 202);
            const daysLater = await receiverWith(env.storage, new Date("2026-12-02T08:00:00.000Z"))(hookRequest(fixture("real-delivery.json")));
            assert.equal(daysLater.statusCode, 202);
            const after = await stored();
            assert.deepEqual(after.keys, before.keys);
            assert.deepEqual(after.items, before.items, "items unchanged, received_at included");
        });

        it("keeps incident_id, the threshold and the filters of a documented-shape delivery", async () => {
            const response = await receive(hookRequest(fixture("documented-delivery.json")));
            assert.equal(response.statusCode, 202);
            const [record] = (await reader().latest("health_score")).filter((r) => r.filters.ip_pool === "default");
            assert.deepEqual(
                { incident_id: record.incident_id, operator: record.operator, source: record.source, threshold: record.threshold, subaccount_id: record.subaccount_id, filters: record.filters },
                { incident_id: 1, operator: "lt", source: "raw", threshold: 50, subaccount_id: 0, filters: { subaccount_id: 0, ip_pool: "default" } },
            );
        });

        it("moves latest forward with a day-later delivery, and never back with an older one", async () => {
            const element = (day: string, value: number) => ({
                alert_id: 7, name: "Daily", metric: "health_score", triggered_value: value,
                triggered_at: `${day}T09:00:00.000Z`, evaluator: { operator: "gt", source: "raw", value: 0 }, filters: { subaccount_id: 901 },
            });
            await receive(hookRequest([element("2026-11-20", 60.5)]));
            await receive(hookRequest([element("2026-11-21", 82.25)]));
            await receive(hookRequest([element("2026-11-19", 10)]));
            const latest = (await reader().latest("health_score")).find((r) => r.subaccount_id === 901)!;
            assert.equal(latest.triggered_value, 82.25);
            assert.equal(latest.triggered_at, "2026-11-21T09:00:00.000Z");
            const history = await reader().history("health_score", 901, "2026-11-19", "2026-11-21");
            assert.deepEqual(history.map((r) => r.triggered_value), [10, 60.5, 82.25]);
            assert.deepEqual((await reader().history("health_score", 901, "2026-11-20", "2026-11-20")).map((r) => r.triggered_value), [60.5]);
        });

        it("gives two identical elements of one delivery one record", async () => {
            const element = fixtureJson("real-delivery.json")[2];
            const twice = [{ ...element, filters: { subaccount_id: 902 } }, { ...element, filters: { subaccount_id: 902 } }];
            const response = await receive(hookRequest(twice));
            assert.equal(body(response).accepted, 1);
            assert.equal((await reader().history("health_score", 902, "2026-11-27", "2026-11-27")).length, 1);
        });

        it("writes more records than one BatchWriteItem takes (25)", async () => {
            const element = fixtureJson("real-delivery.json")[0];
            const delivery = Array.from({ length: 60 }, (_, i) => ({ ...element, filters: { subaccount_id: 1000 + i } }));
            const response = await receive(hookRequest(delivery));
            assert.equal(body(response).accepted, 60);
            const latest = (await reader().latest("health_score")).filter((r) => r.subaccount_id >= 1000 && r.subaccount_id < 1060);
            assert.equal(latest.length, 60);
        });
    });

    describe("one arrival time per delivery", () => {
        it("gives concurrent copies, straddling UTC midnight, one received_at everywhere and one raw/ and rejected/ object", async () => {
            const [good] = fixtureJson("real-delivery.json");
            const delivery = Buffer.from(JSON.stringify([{ ...good, filters: { subaccount_id: 930 } }, { ...good, triggered_value: "x" }]));
            const clocks = ["2026-11-28T23:59:59.700Z", "2026-11-28T23:59:59.950Z", "2026-11-29T00:00:00.100Z", "2026-11-29T00:00:00.400Z"];

            const answers = await Promise.all(clocks.map((clock) => receiverWith(env.storage, new Date(clock))(hookRequest(delivery))));

            assert.deepEqual(answers.map((answer) => answer.statusCode), [202, 202, 202, 202]);
            const id = body(answers[0]).delivery_id;
            const keys = (await listKeys(env.emulators.s3, TEST_BUCKET)).filter((key) => key.includes(id));
            assert.deepEqual(keys, [`alerts/metric=health_score/dt=2026-11-27/${id}.ndjson`, `raw/${id}.json`, `rejected/${id}.json`]);
            const head = await env.emulators.s3.send(new HeadObjectCommand({ Bucket: TEST_BUCKET, Key: `raw/${id}.json` }));
            const first = head.Metadata!["received-at"];
            assert.ok(clocks.includes(first), first);

            const lakeLine = JSON.parse(await getText(env.emulators.s3, TEST_BUCKET, keys[0]));
            const rejected = JSON.parse(await getText(env.emulators.s3, TEST_BUCKET, keys[2]));
            const items = (await scanItems(env.emulators.dynamodb, TEST_TABLE)).filter((item) => item.delivery_id === id);
            assert.deepEqual(items.map((item) => item.kind).sort(), ["history", "latest"]);
            assert.deepEqual(
                [lakeLine.received_at, rejected.received_at, ...items.map((item) => item.received_at)],
                [first, first, first, first],
            );
        });

        it("replays a delivery days later with its first arrival: no new key, the same received_at", async () => {
            const [good] = fixtureJson("real-delivery.json");
            const delivery = Buffer.from(JSON.stringify([{ ...good, filters: { subaccount_id: 931 } }]));
            const first = await receive(hookRequest(delivery));
            const id = body(first).delivery_id;
            // As after a failed lake write: only the raw object (and the table) hold the delivery.
            await env.emulators.s3.send(new DeleteObjectCommand({ Bucket: TEST_BUCKET, Key: `alerts/metric=health_score/dt=2026-11-27/${id}.ndjson` }));

            const replayed = await receiverWith(env.storage, new Date("2026-12-05T08:00:00.000Z"))(hookRequest(delivery));

            assert.equal(replayed.statusCode, 202);
            const line = JSON.parse(await getText(env.emulators.s3, TEST_BUCKET, `alerts/metric=health_score/dt=2026-11-27/${id}.ndjson`));
            assert.equal(line.received_at, RECEIVED_AT.toISOString());
            assert.deepEqual((await listKeys(env.emulators.s3, TEST_BUCKET)).filter((key) => key.includes(id)).length, 2);
        });

        it("does not write a delivery item: the raw object's metadata is the record of the first arrival", async () => {
            await receive(hookRequest(fixture("real-delivery.json")));
            const items = await scanItems(env.emulators.dynamodb, TEST_TABLE);
            assert.ok(items.every((item) => item.kind === "history" || item.kind === "latest"), [...new Set(items.map((item) => item.kind))].join(", "));
        });
    });

    describe("series", () => {
        const element = (filters: Record<string, unknown>, day = "2026-11-27", value = 70) => ({
            ...fixtureJson("real-delivery.json")[0], triggered_value: value, triggered_at: `${day}T09:00:00.000Z`, filters,
        });

        it("keeps two series apart whose facets once made the same key", async () => {
            const response = await receive(hookRequest([element({ subaccount_id: 940, a: "x", b: "y" }, "2026-11-27", 61), element({ subaccount_id: 940, 'a="x"#b': "y" }, "2026-11-27", 62)]));
            assert.equal(body(response).accepted, 2);
            const series = (await reader().latest("health_score")).filter((r) => r.subaccount_id === 940);
            assert.deepEqual(series.map((r) => r.triggered_value).sort(), [61, 62]);
        });

        it("counts elements that repeat an earlier element's alert (same record id, another name) as duplicates, so every element is accounted for", async () => {
            const first = element({ subaccount_id: 942 }, "2026-11-27", 70);
            const response = await receive(hookRequest([first, { ...first, name: "Renamed" }, { ...first, name: "Again" }]));
            assert.equal(response.statusCode, 202);
            assert.deepEqual([body(response).accepted, body(response).rejected, body(response).duplicates], [1, 0, 2]);
            const unique = await receive(hookRequest([element({ subaccount_id: 943 }, "2026-11-27", 70)]));
            assert.ok(!("duplicates" in body(unique)), "said only when there are some");
        });

        it("still reads a latest entry under the key form of earlier versions, until a newer alert of its series replaces it", async () => {
            // As written before series keys were canonical JSON: the facets as `ip_pool="old"`.
            await receive(hookRequest([element({ subaccount_id: 941, ip_pool: "old" }, "2026-11-20", 50)]));
            const items = await scanItems(env.emulators.dynamodb, TEST_TABLE);
            const current = items.find((item) => item.kind === "latest" && item.subaccount_id === 941)!;
            await env.emulators.dynamodb.send(new DeleteItemCommand({ TableName: TEST_TABLE, Key: marshall({ pk: current.pk, sk: current.sk }) }));
            await env.emulators.dynamodb.send(new PutItemCommand({ TableName: TEST_TABLE, Item: marshall({ ...current, sk: 'SUBACCOUNT#941#ip_pool="old"' }) }));
            assert.deepEqual((await reader().latest("health_score")).filter((r) => r.subaccount_id === 941).map((r) => r.triggered_value), [50]);

            await receive(hookRequest([element({ subaccount_id: 941, ip_pool: "old" }, "2026-11-21", 55)]));
            await receive(hookRequest([element({ subaccount_id: 941, ip_pool: "old" }, "2026-11-19", 45)]));
            assert.deepEqual((await reader().latest("health_score")).filter((r) => r.subaccount_id === 941).map((r) => r.triggered_value), [55]);
        });
    });

    describe("mixed and invalid elements", () => {
        it("stores the valid elements, rejects the invalid ones with their paths, and quarantines them", async () => {
            const [good] = fixtureJson("real-delivery.json");
            const delivery = [
                { ...good, filters: { subaccount_id: 903 } },
                { ...good, triggered_value: 140, filters: { subaccount_id: 904 } },
                { ...good, triggered_at: "2026-02-30T09:00:00Z", filters: { subaccount_id: 905 } },
                "not an alert",
            ];
            const response = await receive(hookRequest(delivery));
            assert.equal(response.statusCode, 202);
            const summary = body(response);
            assert.equal(summary.accepted, 1);
            assert.equal(summary.rejected, 3);
            assert.deepEqual(summary.errors.map((e: { path: string }) => e.path), ["[1].triggered_value", "[2].triggered_at", "[3]"]);

            const rejectedKey = `rejected/${summary.delivery_id}.json`;
            const quarantine = JSON.parse(await getText(env.emulators.s3, TEST_BUCKET, rejectedKey));
            assert.equal(quarantine.raw_key, `raw/${summary.delivery_id}.json`);
            assert.deepEqual(quarantine.rejected.map((r: { index: number }) => r.index), [1, 2, 3]);
            assert.deepEqual(quarantine.rejected[0].element, delivery[1]);

            const subaccounts = (await reader().latest("health_score")).map((r) => r.subaccount_id);
            assert.ok(subaccounts.includes(903));
            assert.ok(!subaccounts.includes(904) && !subaccounts.includes(905));
        });

        it("answers 422 when the body is an array but no element is valid, and still archives it", async () => {
            const response = await receive(hookRequest([{ alert_id: -1 }]));
            assert.equal(response.statusCode, 422);
            const summary = body(response);
            assert.equal(summary.accepted, 0);
            assert.ok(summary.errors.some((e: { path: string }) => e.path === "[0].alert_id"));
            const keys = await listKeys(env.emulators.s3, TEST_BUCKET);
            assert.ok(keys.includes(`raw/${summary.delivery_id}.json`));
            assert.ok(keys.includes(`rejected/${summary.delivery_id}.json`));
        });

        it("keeps unsafe integers, non-finite numbers and prototype keys out of storage, element by element", async () => {
            const [good] = fixtureJson("real-delivery.json");
            const goodText = JSON.stringify({ ...good, filters: { subaccount_id: 906 } });
            const text = `[${goodText},
                {"alert_id": 9007199254740993, "name": "x", "metric": "health_score", "triggered_value": 1, "triggered_at": "2026-11-27T09:00:00Z", "filters": {}},
                {"alert_id": 1, "name": "x", "metric": "health_score", "triggered_value": 1e400, "triggered_at": "2026-11-27T09:00:00Z", "filters": {}},
                {"alert_id": 1, "name": "x", "metric": "health_score", "triggered_value": 1, "triggered_at": "2026-11-27T09:00:00Z", "filters": {"__proto__": {"polluted": true}}},
                {"alert_id": 1, "name": "x", "metric": "health_score", "triggered_value": 1, "triggered_at": "2026-11-27T09:00:00Z", "filters": {"constructor": {"prototype": {"polluted": true}}}}]`;
            const response = await receive(hookRequest(text));
            assert.equal(response.statusCode, 202);
            const summary = body(response);
            assert.equal(summary.accepted, 1);
            assert.deepEqual(summary.errors.map((e: { path: string }) => e.path), ["[1].alert_id", "[2].triggered_value", "[3].filters.__proto__", "[4].filters.constructor"]);
            const items = await scanItems(env.emulators.dynamodb, TEST_TABLE);
            assert.ok(items.every((item) => !JSON.stringify(item).includes("polluted")));
            const lakeKeys = (await listKeys(env.emulators.s3, TEST_BUCKET, "alerts/")).filter((key) => key.includes(summary.delivery_id));
            const quarantine = await getText(env.emulators.s3, TEST_BUCKET, `rejected/${summary.delivery_id}.json`);
            for (const text of [quarantine, ...(await Promise.all(lakeKeys.map((key) => getText(env.emulators.s3, TEST_BUCKET, key))))]) {
                assert.ok(!/"__proto__"\s*:/.test(text) && !text.includes("polluted") && !text.includes("9007199254740992"), text);
            }
            assert.deepEqual(JSON.parse(quarantine).rejected.map((r: { index: number; element?: unknown }) => [r.index, "element" in r]), [[1, false], [2, false], [3, false], [4, false]]);
        });
    });

    describe("what one element could damage (issue 8)", () => {
        const element = (changes: Record<string, unknown>, subaccount: number) => ({ ...fixtureJson("real-delivery.json")[0], filters: { subaccount_id: subaccount }, ...changes });
        const withText = (subaccount: number, key: string, valueText: string) =>
            JSON.stringify(element({}, subaccount)).replace(new RegExp(`"${key}":("[^"]*"|[^,}]*)`), `"${key}":${valueText}`);

        it("#1 rejects a lone surrogate, naming the field, and keeps the lake readable by DuckDB", async () => {
            const text = `[${withText(950, "name", '"Daily \\ud800"')}, ${JSON.stringify(element({ name: "Daily 😀 \u2028" }, 951))}]`;
            const response = await receive(hookRequest(text));
            const summary = body(response);
            assert.deepEqual([response.statusCode, summary.accepted, summary.errors.map((e: { path: string }) => e.path)], [202, 1, ["[0].name"]]);
            assert.match(summary.errors[0].message, /not well-formed Unicode/);
            const lake = await openLocalLake({ bucketDir: env.emulators.bucketDir });
            try {
                const { rows } = await lake.query(`SELECT name, subaccount_id FROM alerts WHERE delivery_id = '${summary.delivery_id}'`);
                assert.deepEqual(rows, [{ name: "Daily 😀 \u2028", subaccount_id: 951 }]);
            } finally {
                lake.close();
            }
        });

        it("#2 rejects a triggered_at from the future or before 2019, so latest is not frozen", async () => {
            const future = await receive(hookRequest([element({ triggered_at: "2099-01-01T09:00:00.000Z", triggered_value: 10 }, 952)]));
            const ancient = await receive(hookRequest([element({ triggered_at: "0050-01-01T09:00:00.000Z", triggered_value: 10 }, 952)]));
            assert.deepEqual([future.statusCode, ancient.statusCode], [422, 422]);
            assert.match(body(future).errors[0].message, /^Expected a time from 2019-01-01T00:00:00.000Z .* to 2026-11-28T11:00:00.000Z/);
            await receive(hookRequest([element({ triggered_value: 88 }, 952)]));
            assert.deepEqual((await reader().latest("health_score")).filter((r) => r.subaccount_id === 952).map((r) => r.triggered_value), [88]);
        });

        it("#5 rejects a score without an evaluator, or with an empty one", async () => {
            const { evaluator: _e, ...withoutEvaluator } = element({ triggered_value: -3 }, 953);
            const response = await receive(hookRequest([element({ triggered_value: 140, evaluator: {} }, 953), withoutEvaluator]));
            assert.equal(response.statusCode, 422);
            assert.deepEqual(body(response).errors.map((e: { path: string }) => e.path), ["[0].evaluator", "[1].evaluator"]);
            assert.ok(!(await reader().latest("health_score")).some((r) => r.subaccount_id === 953));
        });

        it("#6 rejects every number the parser would alter, 1e-400 like 1e-131, with one message", async () => {
            const text = `[${withText(954, "triggered_value", "1e-400")}, ${withText(955, "triggered_value", "1e-131")}, ${withText(956, "triggered_value", "5e-324")}]`;
            const response = await receive(hookRequest(text));
            assert.equal(response.statusCode, 422);
            assert.deepEqual(new Set(body(response).errors.map((e: { message: string }) => e.message)), new Set(["number is too close to zero to store (DynamoDB keeps magnitudes from 1e-130)"]));
            assert.ok(!(await reader().latest("health_score")).some((r) => [954, 955, 956].includes(r.subaccount_id)));
        });

        it("#7 rejects an element with a key twice, naming it, instead of storing the last one", async () => {
            const text = `[${JSON.stringify(element({}, 957)).replace('"triggered_value":', '"triggered_value":12,"triggered_value":')}]`;
            const response = await receive(hookRequest(text));
            assert.equal(response.statusCode, 422);
            assert.deepEqual(body(response).errors, [{ index: 0, path: "[0].triggered_value", message: 'key "triggered_value" appears more than once in this object' }]);
        });

        it("#4 answers a 1 MB body of {} with counts, 50 errors and a bounded rejected/ document", async () => {
            const count = Math.floor((MAX_BODY_BYTES - 2) / 3);
            const bytes = Buffer.from(`[${Array(count).fill("{}").join(",")}]`);
            assert.ok(bytes.byteLength <= MAX_BODY_BYTES);
            const response = await receive(hookRequest(bytes));
            assert.equal(response.statusCode, 422);
            const summary = body(response);
            assert.equal(summary.rejected, count);
            assert.equal(summary.errors.length, 50);
            assert.equal(summary.rejected_without_detail, count - MAX_DETAILED_REJECTIONS);
            assert.ok(response.body.length < 16 * 1024, `${response.body.length} characters`);
            const document = await getText(env.emulators.s3, TEST_BUCKET, `rejected/${summary.delivery_id}.json`);
            assert.ok(document.length < MAX_REJECTION_DETAIL_BYTES + 64 * 1024, `${document.length} characters`);
            const parsed = JSON.parse(document);
            assert.deepEqual([parsed.rejected_count, parsed.rejected.length, parsed.rejected_without_detail], [count, MAX_DETAILED_REJECTIONS, count - MAX_DETAILED_REJECTIONS]);
        });
    });

    describe("elements too large or too small to store", () => {
        it("rejects an oversized element and a number DynamoDB cannot hold, alone, and answers in bounded size", async () => {
            const [good] = fixtureJson("real-delivery.json");
            const delivery = [
                { ...good, filters: { subaccount_id: 908 } },
                { ...good, filters: { subaccount_id: 909, ip_pool: "p".repeat(400_000) } },
                { ...good, filters: { subaccount_id: 910, ip_pool: 1e-200 } },
                { ...good, metric: "M".repeat(500_000), filters: { subaccount_id: 911 } },
            ];
            const response = await receive(hookRequest(delivery));
            assert.equal(response.statusCode, 202);
            assert.ok(response.body.length < 5_000, `response is ${response.body.length} characters`);
            const summary = body(response);
            assert.equal(summary.accepted, 1);
            assert.deepEqual(summary.errors.map((e: { path: string }) => e.path), ["[1]", "[2].filters.ip_pool", "[3]"]);
            assert.match(summary.errors[0].message, /^alert is \d+ bytes; the limit is 16384$/);
            assert.match(summary.errors[1].message, /too close to zero/);
            const subaccounts = (await reader().latest("health_score")).map((r) => r.subaccount_id);
            assert.ok(subaccounts.includes(908) && !subaccounts.includes(909) && !subaccounts.includes(910));
        });

        it("cuts long messages that echo the value", async () => {
            const [good] = fixtureJson("real-delivery.json");
            const response = await receive(hookRequest([{ ...good, metric: "Not a metric ".repeat(1000), filters: { subaccount_id: 912 } }]));
            assert.equal(response.statusCode, 422);
            const [error] = body(response).errors;
            assert.equal(error.path, "[0].metric");
            assert.ok(error.message.length <= 200 && error.message.endsWith("…"), error.message);
        });
    });

    describe("bad bodies: 400, with the raw body archived and the reason quarantined", () => {
        const cases: Array<[string, Buffer, RegExp]> = [
            ["invalid UTF-8", Buffer.from([0x5b, 0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d, 0x5d]), /not valid UTF-8/],
            ["not JSON", Buffer.from("[{\"alert_id\": 1,"), /not JSON/],
            ["nested deeper than any real delivery", Buffer.from("[".repeat(10_000) + "]".repeat(10_000)), /nested deeper than 6 levels/],
            ["an object instead of an array", Buffer.from(JSON.stringify({ alert_id: 1 })), /expected a JSON array of alerts, but received an object/],
            ["an array with no object", Buffer.from("[1, \"two\", null]"), /no element is an object/],
        ];
        for (const [name, bytes, message] of cases) {
            it(name, async () => {
                const response = await receive(hookRequest(bytes));
                assert.equal(response.statusCode, 400);
                const answer = body(response);
                assert.match(answer.message, message);
                assert.deepEqual(await getBytes(env.emulators.s3, TEST_BUCKET, `raw/${answer.delivery_id}.json`), bytes);
                const quarantine = JSON.parse(await getText(env.emulators.s3, TEST_BUCKET, `rejected/${answer.delivery_id}.json`));
                assert.match(quarantine.error, message);
            });
        }
    });

    describe("refused before anything is stored", () => {
        const cases: Array<[string, () => ReturnType<typeof hookRequest>, number]> = [
            ["a wrong token: 404", () => hookRequest(fixture("real-delivery.json"), { path: "/hooks/wrong-token-0123456789abc" }), 404],
            ["no token: 404", () => hookRequest(fixture("real-delivery.json"), { path: "/hooks/" }), 404],
            ["the token in another case: 404", () => hookRequest(fixture("real-delivery.json"), { path: HOOK_PATH.toUpperCase() }), 404],
            ["another path: 404", () => hookRequest(fixture("real-delivery.json"), { path: `/other/${TOKEN}` }), 404],
            ["another method: 404", () => hookRequest(fixture("real-delivery.json"), { method: "GET" }), 404],
            ["another content type: 415", () => hookRequest(fixture("real-delivery.json"), { headers: { "content-type": "text/plain" } }), 415],
            ["another charset: 415", () => hookRequest(fixture("real-delivery.json"), { headers: { "content-type": "application/json; charset=iso-8859-1" } }), 415],
            ["a second charset that is not UTF-8, in either order: 415", () => hookRequest(fixture("real-delivery.json"), { headers: { "content-type": "application/json; charset=utf-8; charset=latin1" } }), 415],
            ["a first charset that is not UTF-8, then UTF-8: 415", () => hookRequest(fixture("real-delivery.json"), { headers: { "content-type": "application/json; charset=latin1; charset=utf-8" } }), 415],
            ["no content type: 415", () => hookRequest(fixture("real-delivery.json"), { headers: {} }), 415],
            ["a body over 1 MB, counted in bytes: 413", () => hookRequest(Buffer.from(`["${"é".repeat(MAX_BODY_BYTES / 2)}"]`)), 413],
            ["through a Function URL or HTTP API, a body over 6 MB: 413", () => hookRequest(Buffer.alloc(MAX_INVOCATION_BODY_BYTES + 1, 0x20), { source: "http-api" }), 413],
        ];
        for (const [name, request, status] of cases) {
            it(name, async () => {
                const before = await stored();
                const response = await receive(request());
                assert.equal(response.statusCode, status);
                assert.ok(body(response).message, "a message says why");
                const after = await stored();
                assert.deepEqual(after.keys, before.keys);
                assert.deepEqual(after.itemKeys, before.itemKeys);
            });
        }

        it("answers every 404 with the same generic body", async () => {
            const answers = await Promise.all([
                receive(hookRequest("[]", { path: "/hooks/wrong-token-0123456789abc" })),
                receive(hookRequest("[]", { method: "PUT" })),
                receive(hookRequest("[]", { path: "/" })),
            ]);
            assert.deepEqual(new Set(answers.map((a) => a.body)).size, 1);
        });

        it("takes up to 6 MB through a Function URL or HTTP API, where the ALB stops at 1 MB", async () => {
            const [element] = fixtureJson("real-delivery.json");
            // 110 alerts of 10 KB (a long unknown filter) pass 1 MB without thousands of table writes.
            const delivery = Array.from({ length: 110 }, (_, i) => ({ ...element, filters: { subaccount_id: 20_000 + i, note: "n".repeat(10_000) } }));
            const bytes = Buffer.from(JSON.stringify(delivery));
            assert.ok(bytes.byteLength > MAX_BODY_BYTES);
            assert.equal((await receive(hookRequest(bytes))).statusCode, 413);
            const response = await receive(hookRequest(bytes, { source: "http-api" }));
            assert.equal(response.statusCode, 202);
            assert.equal(body(response).accepted, 110);
            const latest = (await reader().latest("health_score")).filter((r) => r.subaccount_id >= 20_000);
            assert.equal(latest.length, 110, "long facets fit the latest entry's sort key");
        });

        it("accepts the previous token during a rotation", async () => {
            const response = await receive(hookRequest(fixture("real-delivery.json"), { path: `/hooks/${PREVIOUS_TOKEN}` }));
            assert.equal(response.statusCode, 202);
        });
    });

    describe("the three event shapes, through the Lambda adapter", () => {
        const delivery = () => fixture("real-delivery.json");
        const events: Array<[string, () => any, (result: any) => void]> = [
            ["an ALB target event (single-value headers)", () => ({ ...fixtureJson("events/alb.json"), path: HOOK_PATH, body: delivery().toString("utf8"), isBase64Encoded: false }),
                (result) => assert.deepEqual([result.statusDescription, result.isBase64Encoded, result.headers["content-type"]], ["202 Accepted", false, "application/json; charset=utf-8"])],
            ["an ALB target event with multi-value headers, base64 body", () => ({ ...fixtureJson("events/alb-multi-value.json"), path: HOOK_PATH, body: delivery().toString("base64"), isBase64Encoded: true }),
                (result) => assert.deepEqual([result.statusDescription, result.multiValueHeaders["content-type"]], ["202 Accepted", ["application/json; charset=utf-8"]])],
            ["an HTTP API payload 2.0 event", () => {
                const event = fixtureJson("events/http-api.json");
                return { ...event, rawPath: HOOK_PATH, requestContext: { ...event.requestContext, http: { ...event.requestContext.http, path: HOOK_PATH } }, body: delivery().toString("base64"), isBase64Encoded: true };
            }, (result) => assert.deepEqual(
                [result.statusDescription, result.multiValueHeaders, result.isBase64Encoded, result.headers["content-type"]],
                [undefined, undefined, false, "application/json; charset=utf-8"],
            )],
            ["a Function URL event", () => {
                const event = fixtureJson("events/function-url.json");
                return { ...event, rawPath: HOOK_PATH, requestContext: { ...event.requestContext, http: { ...event.requestContext.http, path: HOOK_PATH } }, body: delivery().toString("utf8"), isBase64Encoded: false };
            }, (result) => assert.equal(result.headers["content-type"], "application/json; charset=utf-8")],
        ];
        for (const [name, event, checkShape] of events) {
            it(`stores a delivery from ${name} and answers in its shape`, async () => {
                const result: any = await toLambdaHandler(receive)(event());
                assert.equal(result.statusCode, 202, result.body);
                assert.equal(JSON.parse(result.body).accepted, 3);
                checkShape(result);
            });
        }

        it("refuses an event of another source instead of guessing", async () => {
            await assert.rejects(toLambdaHandler(receive)({ Records: [] } as any), /not from an ALB target, an HTTP API/);
        });
    });

    describe("the token is never logged", () => {
        it("logs the route and the path's length, never the path, for accepted and refused requests alike", async () => {
            await receive(hookRequest(fixture("real-delivery.json")));
            await receive(hookRequest("[]", { path: `/hooks/${TOKEN}x` }));
            await receive(hookRequest("[]", { path: `/hooks/${PREVIOUS_TOKEN}` }));
            const text = JSON.stringify(logs);
            assert.ok(logs.length >= 3);
            assert.ok(!text.includes(TOKEN) && !text.includes(PREVIOUS_TOKEN), text);
            const requests = logs.filter((line) => line.message === "request").map((line) => [line.fields.route, line.fields.path_length, line.fields.status]);
            assert.deepEqual(requests, [
                ["hook", HOOK_PATH.length, 202],
                ["other", HOOK_PATH.length + 1, 404],
                ["previous-token", `/hooks/${PREVIOUS_TOKEN}`.length, 422],
            ]);
            assert.ok(logs.every((line) => !("path" in line.fields)));
        });

        // Through a Function URL or an HTTP API every path reaches the function; these carried the whole token
        // into the logs when only what followed a literal /hooks/ was redacted.
        const trickyPaths = [
            `/webhooks/${TOKEN}`, `/hook/${TOKEN}`, `/hooks%2F${TOKEN}`, `/%68ooks/${TOKEN}`, `/${TOKEN}`, `/hooks\\${TOKEN}`,
            `/prod/hooks/${TOKEN}`, `//hooks/${TOKEN}`, `/HOOKS/${TOKEN}`, `/hooks/${TOKEN}/`, `/hooks/${encodeURIComponent(TOKEN)}%00`,
            `/x?token=${TOKEN}`, `/${PREVIOUS_TOKEN}/${TOKEN}`,
        ];
        for (const path of trickyPaths) {
            it(`does not log the token from ${path.replace(TOKEN, "<token>").replace(PREVIOUS_TOKEN, "<previous token>")}`, async () => {
                for (const source of ["alb", "http-api"] as const) {
                    const response = await receive(hookRequest(fixture("real-delivery.json"), { path, source }));
                    assert.equal(response.statusCode, 404);
                }
                await receive(hookRequest("[]", { path, method: TOKEN }));
                const text = JSON.stringify(logs);
                assert.ok(!text.includes(TOKEN) && !text.includes(PREVIOUS_TOKEN), text);
                assert.ok(logs.every((line) => line.fields.route === "other" && line.fields.path_length === path.length));
                assert.deepEqual(logs.map((line) => line.fields.method), ["POST", "POST", "other"]);
            });
        }
    });

    describe("what the receiver alone writes", () => {
        it("archives the raw body, with its arrival, and nothing else: no lake object, no rejection, no table item", async () => {
            const alone = createReceiver({ storage: env.storage, token: TOKEN, now: () => RECEIVED_AT, logger: recordingLogger(logs) });
            const [good] = fixtureJson("real-delivery.json");
            const before = await stored();
            const response = await alone(hookRequest([{ ...good, filters: { subaccount_id: 913 } }, { ...good, triggered_value: 140 }]));
            assert.equal(response.statusCode, 202);
            const summary = body(response);
            assert.deepEqual([summary.accepted, summary.rejected, summary.queued], [1, 1, undefined]);
            const after = await stored();
            assert.deepEqual(after.keys.filter((key) => !before.keys.includes(key)), [`raw/${summary.delivery_id}.json`]);
            assert.deepEqual(after.itemKeys, before.itemKeys);
            const head = await env.emulators.s3.send(new HeadObjectCommand({ Bucket: TEST_BUCKET, Key: `raw/${summary.delivery_id}.json` }));
            assert.equal(head.Metadata!["received-at"], RECEIVED_AT.toISOString());
        });
    });

    describe("when the archive fails", () => {
        const FAST = { attempts: 2, attemptTimeoutMs: 500, budgetMs: 1_000, backoffBaseMs: 1 };
        const missingBucket = () => createAwsStorage({
            s3: env.emulators.s3, dynamodb: env.emulators.dynamodb, bucketName: "no-such-bucket", tableName: TEST_TABLE, retentionDays: 30,
        });

        it("answers 503 and stores nothing when neither the archive nor a fallback queue takes the body", async () => {
            const before = await stored();
            const receive = createReceiver({ storage: missingBucket(), token: TOKEN, now: () => RECEIVED_AT, logger: recordingLogger(logs), archiveBudget: FAST });
            const response = await receive(hookRequest(fixture("real-delivery.json")));
            assert.equal(response.statusCode, 503);
            assert.match(body(response).message, /could not be stored/);
            const after = await stored();
            assert.deepEqual(after.itemKeys, before.itemKeys, "no table item without an archived body");
            assert.ok(logs.some((line) => line.level === "error" && String(line.fields.archive_error).includes("NoSuchBucket")));
        });

        it("answers 202, saying so, when the fallback queue took the body; the answer still judges the elements", async () => {
            const sent: Array<{ body: string; attributes: Record<string, string> }> = [];
            const receive = createReceiver({
                storage: missingBucket(), token: TOKEN, now: () => RECEIVED_AT, logger: recordingLogger(logs), archiveBudget: FAST,
                fallback: { async send(message) { sent.push(message); } },
            });
            const [good] = fixtureJson("real-delivery.json");
            const response = await receive(hookRequest([good, { ...good, triggered_value: 140 }]));
            assert.equal(response.statusCode, 202);
            const summary = body(response);
            assert.deepEqual([summary.accepted, summary.rejected, summary.queued], [1, 1, true]);
            assert.match(summary.note, /fallback queue/);
            assert.equal(sent.length, 1);
            assert.deepEqual(sent[0].attributes, { delivery_id: summary.delivery_id, received_at: RECEIVED_AT.toISOString() });
        });

        it("answers 202 when a copy is archived but its first arrival cannot be read (the bytes are kept), judged against this arrival, and writes nothing more", async () => {
            const delivery = Buffer.from(JSON.stringify([{ ...fixtureJson("real-delivery.json")[0], filters: { subaccount_id: 914 } }]));
            const first = await receive(hookRequest(delivery));
            assert.equal(first.statusCode, 202);
            const s3 = Object.create(env.emulators.s3) as S3Client;
            s3.send = (async (command: unknown, options?: unknown) => {
                if (command instanceof HeadObjectCommand) throw Object.assign(new Error("Slow Down"), { name: "SlowDown" });
                return env.emulators.s3.send(command as never, options as never);
            }) as S3Client["send"];
            const blind = createAwsStorage({ s3, dynamodb: env.emulators.dynamodb, bucketName: TEST_BUCKET, tableName: TEST_TABLE, retentionDays: 30, retryBaseMs: 1, retryCapMs: 2, latestWrites: EMULATOR_LATEST_WRITES });
            const sent: unknown[] = [];
            const before = await stored();

            const again = await createReceiver({
                storage: blind, token: TOKEN, now: () => new Date("2026-12-01T10:00:00.000Z"), logger: recordingLogger(logs),
                fallback: { async send(message) { sent.push(message); } },
            })(hookRequest(delivery));

            assert.equal(again.statusCode, 202);
            const id = body(first).delivery_id;
            assert.deepEqual([body(again).delivery_id, body(again).accepted, body(again).queued], [id, 1, undefined]);
            assert.equal(body(again).note, `the delivery is archived at raw/${id}.json; when its first copy arrived could not be read, so it was judged against this request's arrival (the loader judges the archived copy against its own)`);
            assert.deepEqual(await stored(), before);
            assert.deepEqual(sent, [], "the body is archived: the fallback queue does not get a second copy");
            assert.ok(logs.some((line) => line.level === "warn" && String(line.fields.error).includes("SlowDown")));
        });
    });

    describe("metrics (EMF, through handlers/metrics.ts)", () => {
        const FAST = { attempts: 2, attemptTimeoutMs: 500, budgetMs: 1_000, backoffBaseMs: 1 };

        function receiverPublishingTo(published: MetricValues[], options: Partial<Parameters<typeof createReceiver>[0]> = {}): Receiver {
            return createReceiver({ storage: env.storage, token: TOKEN, now: () => RECEIVED_AT, logger: recordingLogger(logs), metrics: { publish: (values) => published.push(values) }, ...options });
        }

        it("counts every POST with a valid token as a delivery, whatever its answer (the heartbeat's metric), and nothing else", async () => {
            const published: MetricValues[] = [];
            const receive = receiverPublishingTo(published);
            assert.equal((await receive(hookRequest(fixture("real-delivery.json")))).statusCode, 202);
            assert.equal((await receive(hookRequest("not json"))).statusCode, 400);
            assert.equal((await receive(hookRequest("[]", { headers: { "content-type": "text/plain" } }))).statusCode, 415);
            assert.equal((await receive(hookRequest("[]", { path: `/hooks/${TOKEN}x` }))).statusCode, 404);
            assert.equal((await receive(hookRequest("[]", { method: "GET" }))).statusCode, 404);
            assert.deepEqual(published, [{ Deliveries: [1] }, { Deliveries: [1] }, { Deliveries: [1], DeliveriesNotKept: [1] }],
                "the 400 keeps the raw body; the 415 keeps nothing");
        });

        it("counts a delivery neither the archive nor the fallback queue took as not kept (SparkPost never retries it)", async () => {
            const published: MetricValues[] = [];
            const receive = receiverPublishingTo(published, {
                storage: createAwsStorage({ s3: env.emulators.s3, dynamodb: env.emulators.dynamodb, bucketName: "no-such-bucket", tableName: TEST_TABLE, retentionDays: 30 }),
                archiveBudget: FAST,
                fallbackBudget: FAST,
                fallback: { async send() { throw new Error("queue down"); } },
            });
            assert.equal((await receive(hookRequest(fixture("real-delivery.json")))).statusCode, 503);
            assert.deepEqual(published, [{ Deliveries: [1], DeliveriesNotKept: [1] }]);
        });

        it("counts a body kept in the fallback queue", async () => {
            const published: MetricValues[] = [];
            const receive = receiverPublishingTo(published, {
                storage: createAwsStorage({ s3: env.emulators.s3, dynamodb: env.emulators.dynamodb, bucketName: "no-such-bucket", tableName: TEST_TABLE, retentionDays: 30 }),
                archiveBudget: FAST,
                fallback: { async send() { /* taken */ } },
            });
            assert.equal((await receive(hookRequest(fixture("real-delivery.json")))).statusCode, 202);
            assert.deepEqual(published, [{ Deliveries: [1], FallbackQueued: [1] }]);
        });

        it("logs one line per delivery with its id, counts and metrics seen, never the body", async () => {
            const receive = receiverPublishingTo([]);
            const response = await receive(hookRequest(fixture("real-delivery.json")));
            const [line] = logs.filter((entry) => entry.message === "request");
            assert.deepEqual([line.fields.delivery_id, line.fields.accepted, line.fields.rejected, line.fields.metrics], [body(response).delivery_id, 3, 0, { health_score: 3 }]);
            assert.equal(typeof line.fields.duration_ms, "number");
            assert.ok(!JSON.stringify(logs).includes("Daily health score"), "no element content");
        });
    });
});
