import assert from "assert";
import fc from "fast-check";
import { createAlertStruct, validateAlert } from "../../handlers/alert";
import { expiresAt, recordOfItem, toHistoryItem, toLatestItem } from "../../handlers/items";
import { DEFAULT_RETENTION_DAYS } from "../../shared/limits";
import { AlertRecord, toRecord } from "../../handlers/records";
import { RUNS, fixture, validAlertArb } from "./support";

const struct = createAlertStruct();
const context = { deliveryId: "11111111-1111-5111-8111-111111111111", receivedAt: new Date("2026-11-27T09:00:04.500Z") };

function recordOf(element: unknown): AlertRecord {
    const validated = validateAlert(struct, element, 0);
    assert.ok(validated.ok);
    return toRecord(validated.alert, context);
}

/** Items as they come back from DynamoDB: plain attribute maps. */
const asItem = (item: object) => item as Record<string, unknown>;

const realRecords = () => fixture<unknown[]>("real-delivery.json").map(recordOf);

describe("handlers/items", () => {
    describe("expiresAt", () => {
        it("is retentionDays after the alert, in epoch seconds", () => {
            assert.strictEqual(expiresAt("2026-11-27T09:00:03.123Z", 30), Date.parse("2026-12-27T09:00:03Z") / 1000);
            assert.strictEqual(expiresAt("2024-02-28T00:00:00.000Z", 2), Date.parse("2024-03-01T00:00:00Z") / 1000);
        });

        it("is a whole number of seconds, never before the alert", () => {
            fc.assert(
                fc.property(fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.integer({ min: 1, max: 3650 }), (ms, days) => {
                    const expiry = expiresAt(new Date(ms).toISOString(), days);
                    assert.ok(Number.isInteger(expiry));
                    assert.ok(expiry * 1000 <= ms + days * 86_400_000 && expiry * 1000 > ms + days * 86_400_000 - 1000);
                }),
                RUNS,
            );
        });

        it("defaults to 30 days of retention", () => {
            assert.strictEqual(DEFAULT_RETENTION_DAYS, 30);
        });
    });

    describe("toHistoryItem", () => {
        it("keys by metric and subaccount, sorts by time then record id, and expires", () => {
            const [overall, primary] = realRecords();

            const item = toHistoryItem(overall, 30);

            assert.strictEqual(item.pk, "HISTORY#health_score#-1");
            assert.strictEqual(item.sk, `2026-11-27T09:00:03.123Z#${overall.record_id}`);
            assert.strictEqual(item.kind, "history");
            assert.strictEqual(item.expires_at, Date.parse("2026-12-27T09:00:03Z") / 1000);
            assert.strictEqual(toHistoryItem(primary, 30).pk, "HISTORY#health_score#0");
        });
    });

    describe("toLatestItem", () => {
        it("keys by metric and subaccount (and facets), without expiry", () => {
            const [overall, , subaccount] = realRecords();
            const [documented] = fixture<unknown[]>("documented-delivery.json").map(recordOf);

            assert.deepStrictEqual([toLatestItem(overall).pk, toLatestItem(overall).sk], ["LATEST#health_score", "SUBACCOUNT#-1"]);
            assert.strictEqual(toLatestItem(subaccount).sk, "SUBACCOUNT#17");
            assert.strictEqual(toLatestItem(documented).sk, 'SUBACCOUNT#0#{"ip_pool":"default"}');
            assert.strictEqual(toLatestItem(overall).kind, "latest");
            assert.strictEqual("expires_at" in toLatestItem(overall), false);
        });
    });

    describe("recordOfItem", () => {
        it("gives back the record of a history or latest item, also after a JSON round trip", () => {
            fc.assert(
                fc.property(validAlertArb(), fc.integer({ min: 1, max: 3650 }), ({ element }, days) => {
                    const record = recordOf(element);
                    assert.deepStrictEqual(recordOfItem(asItem(toHistoryItem(record, days))), record);
                    assert.deepStrictEqual(recordOfItem(asItem(toLatestItem(record))), record);
                    assert.deepStrictEqual(recordOfItem(JSON.parse(JSON.stringify(toHistoryItem(record, days)))), JSON.parse(JSON.stringify(record)));
                }),
                RUNS,
            );
        });
    });
});
