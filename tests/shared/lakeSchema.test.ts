import { strict as assert } from "assert";
import { FILTER_KEYS, LAKE_COLUMNS, PARTITION_COLUMNS, alertsLocation, alertsLocationArn, glueDatabaseNameFor, projectionParameters } from "../../shared/lakeSchema";
import { lakePartitionKeys } from "../../shared/layout";
import { createAlertStruct } from "../../handlers/alert";
import { toLakeNdjson, toRecord } from "../../handlers/records";
import realDelivery from "../fixtures/real-delivery.json";

describe("shared/lakeSchema", () => {
    it("has a column for every field of a lake line, in the line's order, and no metric", () => {
        const record = toRecord(createAlertStruct().create(realDelivery[2]) as never, { deliveryId: "d", receivedAt: new Date(0) });
        const line = JSON.parse(toLakeNdjson([record]).trim()) as Record<string, unknown>;
        assert.deepEqual(LAKE_COLUMNS.map((column) => column.name), Object.keys(line));
        assert.ok(!LAKE_COLUMNS.some((column) => (column.name as string) === "metric"));
    });

    it("partitions by the layout's keys, as strings", () => {
        assert.deepEqual(PARTITION_COLUMNS.map((column) => column.name), [...lakePartitionKeys]);
        assert.ok(PARTITION_COLUMNS.every((column) => column.glueType === "string" && column.duckdbType === "VARCHAR"));
    });

    it("types filters with every known filter key on both engines", () => {
        const filters = LAKE_COLUMNS.find((column) => column.name === "filters")!;
        for (const key of FILTER_KEYS) {
            assert.ok(filters.glueType.includes(`${key}:`), key);
            assert.ok(filters.duckdbType.includes(`${key} `), key);
        }
    });

    it("locates alerts/ as a crawler path and a Lake Formation ARN", () => {
        assert.equal(alertsLocation("b"), "s3://b/alerts/");
        assert.equal(alertsLocationArn("arn:aws:s3:::b"), "arn:aws:s3:::b/alerts");
    });

    it("projects metric from a list and dt as days, onto the key layout", () => {
        const parameters = projectionParameters({ bucketName: "b", metrics: ["health_score"], firstDay: "2025-06-01" });
        assert.equal(parameters["storage.location.template"], "s3://b/alerts/metric=${metric}/dt=${dt}/");
        assert.equal(parameters["projection.dt.range"], "2025-06-01,NOW");
        assert.equal(parameters["projection.metric.values"], "health_score");
    });

    it("derives a Glue database name Athena needs no quotes for", () => {
        assert.equal(glueDatabaseNameFor("healthscore", "dev"), "healthscore_dev");
        assert.equal(glueDatabaseNameFor("Health-Score Store", "prod-eu"), "health_score_store_prod_eu");
        assert.throws(() => glueDatabaseNameFor("--", "__"), /cannot derive/);
    });
});
