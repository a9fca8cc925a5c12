import { strict as assert } from "assert";
import { ACCOUNT_OVERALL, AlertRecord } from "../../handlers/records";
import { scoreAggregates } from "../../handlers/scoreAggregates";

let next = 0;
function record(subaccount: number, value: number, changes: Partial<AlertRecord> = {}): AlertRecord {
    return {
        record_id: `r${next++}`, alert_id: 1, incident_id: null, name: "Daily", metric: "health_score",
        subaccount_id: subaccount, filters: subaccount === ACCOUNT_OVERALL ? {} : { subaccount_id: subaccount },
        operator: "gt", source: "raw", threshold: 0, triggered_value: value,
        triggered_at: "2026-11-27T09:00:03.123Z", received_at: "2026-11-27T09:00:04.000Z", delivery_id: "d", ...changes,
    };
}

describe("handlers/scoreAggregates", () => {
    it("counts subaccounts per band at SparkPost's boundaries (55 and 80 belong to the upper band) and gives the account's score apart", () => {
        const records = [record(1, 54.999), record(2, 55), record(3, 79.999), record(4, 80), record(5, 100), record(ACCOUNT_OVERALL, 71.5)];
        assert.deepEqual(scoreAggregates(records), { bands: { bad: 1, "needs improvement": 2, good: 2 }, accountScore: 71.5 });
    });

    it("counts each subaccount once, by its latest score in the delivery", () => {
        const records = [record(7, 90, { triggered_at: "2026-11-28T09:00:00.000Z" }), record(7, 40, { triggered_at: "2026-11-27T09:00:00.000Z" })];
        assert.deepEqual(scoreAggregates(records), { bands: { bad: 0, "needs improvement": 0, good: 1 } });
    });

    it("breaks a tie of triggered_at as latest does (the greater record id), whatever the order in the body", () => {
        const low = record(ACCOUNT_OVERALL, 30, { record_id: "a" });
        const high = record(ACCOUNT_OVERALL, 95, { record_id: "b" });
        assert.equal(scoreAggregates([low, high])?.accountScore, 95);
        assert.equal(scoreAggregates([high, low])?.accountScore, 95);
    });

    it("ignores what is not a subaccount's own score: other metrics, day-over-day changes, facets", () => {
        const records = [
            record(1, 20, { metric: "hard_bounce_rate" }),
            record(2, -12, { source: "day_over_day" }),
            record(3, 30, { filters: { subaccount_id: 3, ip_pool: "shared" } }),
        ];
        assert.equal(scoreAggregates(records), undefined);
        assert.deepEqual(scoreAggregates([...records, record(4, 60)]), { bands: { bad: 0, "needs improvement": 1, good: 0 } });
    });

    it("has no aggregates for a delivery without scores", () => {
        assert.equal(scoreAggregates([]), undefined);
    });
});
