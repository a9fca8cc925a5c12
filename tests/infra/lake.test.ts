/** The lake's stack config reaching HealthScoreLake inside the program: the `lake` variant against the defaults. */
import * as assert from "assert";
import { Deployment, physicalName } from "../support/mocks";
import { T } from "./types";
import { deployed, LAKE_READERS } from "./variants";

describe("data lake settings from the stack config (mocks)", () => {
    let https: Deployment;
    let lake: Deployment;
    const dataBucket = physicalName("healthscore-data-bucket");

    before(async function () {
        this.timeout(60_000);
        https = await deployed("https");
        lake = await deployed("lake");
    });

    it("crawls alerts/ of the store's bucket by default, and defines no table", () => {
        const crawler = https.only(T.crawler).inputs;
        assert.deepStrictEqual(crawler.s3Targets, [{ path: `s3://${dataBucket}/alerts/` }]);
        assert.strictEqual(crawler.schedule, "cron(0 10 * * ? *)");
        assert.deepStrictEqual(https.all(T.glueTable), []);
        assert.deepStrictEqual(https.all(T.lakePermissions).filter((p) => /-reader-[0-9a-f]{8}$/.test(p.name)), [], "no readers unless configured");
    });

    it("lakePartitionProjection: a projected alerts table over the store's bucket, and no crawler (nor its role)", () => {
        assert.deepStrictEqual(lake.all(T.crawler), []);
        assert.deepStrictEqual(lake.all(T.role).map((r) => r.name), ["healthscore-ingest-receiver-role"]);
        assert.deepStrictEqual(lake.all(T.rolePolicyAttachment), []);
        const table = lake.only(T.glueTable).inputs;
        assert.strictEqual(table.name, "alerts");
        assert.strictEqual(table.databaseName, lake.only(T.glueDatabase).inputs.name);
        assert.strictEqual(table.parameters["projection.enabled"], "true");
        assert.strictEqual(table.parameters["storage.location.template"], `s3://${dataBucket}/alerts/metric=\${metric}/dt=\${dt}/`);
        assert.strictEqual(table.storageDescriptor.location, `s3://${dataBucket}/alerts/`);
    });

    it("lakeReaders: SELECT and DESCRIBE on every table of the database for each given ARN, and no other grant", () => {
        const grants = lake.all(T.lakePermissions).map((p) => p.inputs);
        assert.deepStrictEqual(grants.map((g) => g.principal).sort(), [...LAKE_READERS].sort());
        const database = lake.only(T.glueDatabase).inputs.name;
        for (const grant of grants) {
            assert.deepStrictEqual([...grant.permissions].sort(), ["DESCRIBE", "SELECT"]);
            assert.deepStrictEqual(grant.table, { databaseName: database, wildcard: true });
        }
    });

    it("athenaResultsRetentionDays: expires query results after the configured days", () => {
        const results = lake.get(T.bucket, "healthscore-lake-athena-results-bucket");
        const lifecycle = lake.all(T.lifecycle).find((l) => l.inputs.bucket === physicalName(results.name));
        assert.ok(lifecycle);
        assert.deepStrictEqual(lifecycle.inputs.rules.find((r: any) => r.id === "expire-query-results").expiration, { days: 7 });
    });
});
