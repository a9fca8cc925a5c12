import { strict as assert } from "assert";
import { addDays, buildScorePage, daysBetween } from "../../../local/page/scorePage";
import { input, record } from "./pageData";

describe("local/page/scorePage buildScorePage", () => {
    it("sorts subaccounts worst first (ties by id), bands each score, and keeps the account overall apart", () => {
        const page = buildScorePage(input({ latest: [record(3, 80), record(-1, 70), record(0, 54.999), record(2, 55), record(1, 55)] }));
        assert.deepEqual(page.rows.map((row) => [row.label, row.score, row.band]), [
            ["0 (primary)", 54.999, "bad"],
            ["1", 55, "needs improvement"],
            ["2", 55, "needs improvement"],
            ["3", 80, "good"],
        ]);
        assert.deepEqual([page.overall?.label, page.overall?.score, page.overall?.band], ["account overall", 70, "needs improvement"]);
        assert.deepEqual(page.bands, [
            { band: "bad", range: "below 55", subaccounts: 1 },
            { band: "needs improvement", range: "55 to 80", subaccounts: 2 },
            { band: "good", range: "80 and above", subaccounts: 1 },
        ]);
    });

    it("shows subaccounts' own raw scores only, and says how many latest entries it left out", () => {
        const page = buildScorePage(input({
            latest: [
                record(5, 60),
                record(6, -12, { source: "day_over_day" }),
                record(5, 90, { filters: { subaccount_id: 5, ip_pool: "shared" } }),
            ],
        }));
        assert.deepEqual(page.rows.map((row) => row.subaccountId), [5]);
        assert.equal(page.rows[0].score, 60);
        assert.match(page.notices.join("\n"), /2 latest entries are not shown: day-over-day or week-over-week changes, or scores of a facet/);
    });

    it("gives each row its daily series in day order and a window of `days` days up to the lake's latest day", () => {
        const page = buildScorePage(input({
            latest: [record(1, 50), record(2, 90)],
            daily: [
                { subaccount_id: 1, dt: "2026-11-27", score: 50 },
                { subaccount_id: 1, dt: "2026-11-25", score: 70 },
                { subaccount_id: -1, dt: "2026-11-26", score: 60 },
            ],
            days: 30,
        }));
        assert.deepEqual(page.window, { from: "2026-10-29", to: "2026-11-27", days: 30 });
        assert.deepEqual(page.rows.find((row) => row.subaccountId === 1)?.series, [{ dt: "2026-11-25", score: 70 }, { dt: "2026-11-27", score: 50 }]);
        assert.deepEqual(page.rows.find((row) => row.subaccountId === 2)?.series, [], "read, but no day in the lake");
    });

    it("without the lake: no window, no series, no drops", () => {
        const page = buildScorePage(input({ latest: [record(1, 50)] }));
        assert.equal(page.window, undefined);
        assert.equal(page.rows[0].series, undefined);
        assert.equal(page.drops, undefined);
    });

    it("labels drops as the CLI labels subaccounts", () => {
        const drop = { previous_dt: "2026-11-26", dt: "2026-11-27", previous_score: 90, score: 60, score_drop: 30 };
        const page = buildScorePage(input({ latest: [record(1, 60)], daily: [], drops: [{ subaccount_id: 0, ...drop }, { subaccount_id: -1, ...drop }] }));
        assert.deepEqual(page.drops?.map((row) => row.label), ["0 (primary)", "account overall"]);
    });

    it("counts days across month ends", () => {
        assert.equal(addDays("2026-11-27", -29), "2026-10-29");
        assert.equal(daysBetween("2026-10-29", "2026-11-27"), 29);
        assert.equal(addDays("2028-02-28", 1), "2028-02-29");
    });
});
