/**
 * The EMF writer against Powertools for AWS Lambda's Metrics (a devDependency): for the same metrics, values and
 * dimensions, both produce the same document, so the hand-written writer that keeps the archive small says
 * exactly what the well-kept library would.
 */
import { strict as assert } from "assert";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { MAX_VALUES_PER_METRIC, MetricValues, addMetric, emfDocument, emfMetrics } from "../../handlers/metrics";
import { METRICS, METRICS_NAMESPACE, MetricName, SERVICE_NAME, metricDimensions } from "../../shared/observability";

const TIMESTAMP = Date.UTC(2026, 11, 1, 9, 0, 3);

/** What Powertools Metrics serializes for the same values, with the same service, stack and timestamp. */
function powertoolsDocument(stack: string, values: MetricValues): unknown {
    const { service, ...otherDimensions } = metricDimensions(stack);
    const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: service, defaultDimensions: otherDimensions });
    metrics.setTimestamp(TIMESTAMP);
    for (const [name, list] of Object.entries(values) as Array<[MetricName, number[]]>) {
        for (const value of list) metrics.addMetric(name, METRICS[name].unit === "Count" ? MetricUnit.Count : MetricUnit.NoUnit, value);
    }
    return JSON.parse(JSON.stringify(metrics.serializeMetrics()));
}

describe("handlers/metrics", () => {
    const cases: Array<[string, MetricValues]> = [
        ["a delivery", { Deliveries: [1] }],
        ["a delivery kept in the fallback queue", { Deliveries: [1], FallbackQueued: [1] }],
        ["a load with bands and the account's score", { RecordsAccepted: [51], RecordsRejected: [2], SubaccountsBad: [3], SubaccountsNeedsImprovement: [10], SubaccountsGood: [37], AccountHealthScore: [78.273] }],
        ["two loads in one invocation, one failed", { RecordsAccepted: [3, 0], RecordsRejected: [0, 1], LoadFailures: [1] }],
    ];
    for (const [what, values] of cases) {
        it(`writes the document Powertools Metrics writes for ${what}`, () => {
            assert.deepEqual(emfDocument(metricDimensions("prod"), values, TIMESTAMP), powertoolsDocument("prod", values));
        });
    }

    it("keeps every metric in the one dimension set service + stack, named in shared/observability.ts", () => {
        const document = emfDocument(metricDimensions("dev"), { Deliveries: [1] }, TIMESTAMP)!;
        assert.deepEqual(document._aws.CloudWatchMetrics[0].Dimensions, [["service", "stack"]]);
        assert.equal(document.service, SERVICE_NAME);
        assert.equal(document.stack, "dev");
        assert.equal(document._aws.CloudWatchMetrics[0].Namespace, METRICS_NAMESPACE);
    });

    it("writes nothing when an invocation has no metric (not an empty document)", () => {
        const lines: string[] = [];
        emfMetrics({ dimensions: metricDimensions("dev"), write: (line) => lines.push(line) }).publish({ Deliveries: [] });
        assert.deepEqual(lines, []);
    });

    it("writes one JSON line per invocation, with no prefix, so that CloudWatch Logs reads it as EMF", () => {
        const lines: string[] = [];
        const metrics = emfMetrics({ dimensions: metricDimensions("dev"), write: (line) => lines.push(line), now: () => TIMESTAMP });
        const values: MetricValues = {};
        addMetric(values, "RecordsAccepted", 2);
        addMetric(values, "RecordsAccepted", 5);
        metrics.publish(values);
        assert.equal(lines.length, 1);
        assert.deepEqual(JSON.parse(lines[0]), powertoolsDocument("dev", { RecordsAccepted: [2, 5] }));
    });

    it(`keeps at most ${MAX_VALUES_PER_METRIC} values of a metric, EMF's limit`, () => {
        const many = Array.from({ length: MAX_VALUES_PER_METRIC + 5 }, (_, i) => i);
        const document = emfDocument(metricDimensions("dev"), { RecordsAccepted: many }, TIMESTAMP)!;
        assert.deepEqual(document.RecordsAccepted, many.slice(0, MAX_VALUES_PER_METRIC));
    });
});
