import { strict as assert } from "assert";
import { HEALTH_BANDS } from "../../shared/healthBands";
import { BAND_METRICS, METRICS, METRIC_DIMENSION_NAMES, metricDimensions } from "../../shared/observability";

describe("shared/observability", () => {
    it("names one metric per SparkPost band, each a metric the functions write", () => {
        assert.deepEqual(BAND_METRICS, { bad: "SubaccountsBad", "needs improvement": "SubaccountsNeedsImprovement", good: "SubaccountsGood" });
        for (const { band } of HEALTH_BANDS) assert.ok(BAND_METRICS[band] in METRICS, band);
    });

    it("has one dimension set, service and stack: nothing per subaccount", () => {
        assert.deepEqual(Object.keys(metricDimensions("prod")), [...METRIC_DIMENSION_NAMES]);
        assert.deepEqual(metricDimensions("prod"), { service: "healthscore", stack: "prod" });
    });
});
