/** SparkPost's Health Score bands, for the CLI and the `bands` named query alike. */
import * as assert from "assert";
import { describeHealthBands, healthBand, healthBandSql } from "../../shared/healthBands";
import { findNamedQuery } from "../../shared/lakeQueries";

describe("shared/healthBands", () => {
    it("puts a score below 55 in bad, from 55 below 80 in needs improvement, and from 80 in good", () => {
        const banded = [0, 54.999, 55, 79.999, 80, 100].map((score) => [score, healthBand(score)]);
        assert.deepStrictEqual(banded, [
            [0, "bad"], [54.999, "bad"], [55, "needs improvement"], [79.999, "needs improvement"], [80, "good"], [100, "good"],
        ]);
    });

    it("says the bands in words, as the README and the named query's description do", () => {
        assert.strictEqual(describeHealthBands(), "below 55 bad, 55 to 80 needs improvement, 80 and above good");
        assert.ok(findNamedQuery("bands").description.endsWith(`${describeHealthBands()}.`));
    });

    it("writes the same bands as SQL, by name and by rank, into the bands query", () => {
        assert.strictEqual(healthBandSql("score", "name"), "CASE WHEN score < 55 THEN 'bad' WHEN score < 80 THEN 'needs improvement' ELSE 'good' END");
        assert.strictEqual(healthBandSql("score", "rank"), "CASE WHEN score < 55 THEN 1 WHEN score < 80 THEN 2 ELSE 3 END");
        const sql = findNamedQuery("bands").sql;
        assert.ok(sql.includes(`${healthBandSql("score", "name")} AS band`) && sql.includes(`${healthBandSql("score", "rank")} AS band_order`));
    });
});
