/** The `latest` table: a score gets its band; a change (day over day, week over week) is labelled and has none. */
import { strict as assert } from "assert";
import { formatLatest } from "../../../local/commands/latest";
import { AlertRecord } from "../../../handlers/records";

function record(source: string | null, value: number): AlertRecord {
    return {
        record_id: "00000000-0000-5000-8000-000000009901", alert_id: 1, incident_id: null, name: "Daily", metric: "health_score",
        subaccount_id: 9901, filters: { subaccount_id: 9901 }, operator: "lt", source, threshold: 55, triggered_value: value,
        triggered_at: "2026-11-27T09:00:00.000Z", received_at: "2026-11-27T09:00:01.000Z", delivery_id: "d",
    };
}

describe("local/commands/latest formatLatest", () => {
    it("gives a score its band, and a change its source and no band", () => {
        const rows = formatLatest([record("raw", 81.2), record("day_over_day", -35)], "health_score").split("\n");
        const scoreRow = rows.find((row) => row.includes("81.2"));
        const changeRow = rows.find((row) => row.includes("-35"));
        assert.match(scoreRow ?? "", /81\.2\s*│?\s*good/);
        assert.match(changeRow ?? "", /-35 \(day_over_day\)/);
        assert.doesNotMatch(changeRow ?? "", /bad|good|needs improvement/);
    });
});
