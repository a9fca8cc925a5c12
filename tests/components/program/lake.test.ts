/** The lake's stack config reaching HealthScoreLake inside the program: the `lake` variant against the defaults. */
import * as assert from "assert";
import { Deployment, physicalName, REGION } from "../../support/mocks";
import { T } from "./types";
import { deployed, KMS_KEY_ARN, LAKE_READERS, policyOf } from "./variants";

describe("data lake settings from the stack config (mocks)", () => {
    let https: Deployment;
    let lake: Deployment;
    let configured: Deployment;
    const dataBucket = physicalName("healthscore-data-bucket");

    before(async function () {
        this.timeout(60_000);
        https = await deployed("https");
        lake = await deployed("lake");
        configured = await deployed("configured");
    });

    describe("the data-access role alerts/ is registered with (not Lake Formation's service-linked role)", () => {
        const bucketArnOf = (deployment: Deployment): string => deployment.get(T.bucket, "healthscore-data-bucket").state.arn;
        /** Read of alerts/ in the store's data bucket, and listing of that prefix only. */
        const read = (deployment: Deployment) => [
            { Sid: "ReadAlertObjects", Effect: "Allow", Action: "s3:GetObject", Resource: `${bucketArnOf(deployment)}/alerts/*` },
            {
                Sid: "ListAlertObjects", Effect: "Allow", Action: "s3:ListBucket", Resource: bucketArnOf(deployment),
                Condition: { StringLike: { "s3:prefix": ["alerts/", "alerts/*"] } },
            },
        ];

        it("registers alerts/ with that role in every variant", () => {
            for (const deployment of [https, lake, configured]) {
                const location = deployment.only("aws:lakeformation/resource:Resource").inputs;
                const roleArn = deployment.get(T.role, "healthscore-lake-data-access").state.arn;
                assert.deepStrictEqual([location.arn, location.roleArn, location.useServiceLinkedRole], [`${bucketArnOf(deployment)}/alerts`, roleArn, false]);
            }
        });

        it("is trusted by Lake Formation only, and reads alerts/ only, with no KMS permission when the store has no key", () => {
            const role = https.get(T.role, "healthscore-lake-data-access");
            assert.deepStrictEqual(policyOf(role, "assumeRolePolicy"), {
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Principal: { Service: "lakeformation.amazonaws.com" }, Action: "sts:AssumeRole" }],
            });
            const policy = https.get(T.rolePolicy, "healthscore-lake-data-access-policy");
            assert.strictEqual(policy.inputs.role, physicalName("healthscore-lake-data-access"));
            assert.deepStrictEqual(policyOf(policy).Statement, read(https));
        });

        it("with kmsKeyArn (configured): kms:Decrypt on that key, through S3 in the Region, and the crawler none", () => {
            const policy = configured.get(T.rolePolicy, "healthscore-lake-data-access-policy");
            assert.deepStrictEqual(policyOf(policy).Statement, [...read(configured), {
                Sid: "DecryptAlertObjectsThroughS3", Effect: "Allow", Action: "kms:Decrypt", Resource: KMS_KEY_ARN,
                Condition: { StringEquals: { "kms:ViaService": `s3.${REGION}.amazonaws.com` } },
            }]);
            // With Lake Formation credentials the crawler reads as the data-access role: it needs no key of its own.
            assert.ok(!configured.get(T.rolePolicy, "healthscore-lake-crawler-access").inputs.policy.includes("kms:"));
        });
    });

    it("crawls alerts/ of the store's bucket by default, and defines no table", () => {
        const crawler = https.only(T.crawler).inputs;
        assert.deepStrictEqual(crawler.s3Targets, [{ path: `s3://${dataBucket}/alerts/` }]);
        assert.strictEqual(crawler.schedule, "cron(0 10 * * ? *)");
        assert.deepStrictEqual(https.all(T.glueTable), []);
        assert.deepStrictEqual(https.all(T.lakePermissions).filter((p) => /-reader-[0-9a-f]{8}$/.test(p.name)), [], "no readers unless configured");
    });

    it("lake projection: a projected alerts table over the store's bucket, and no crawler (nor its role)", () => {
        assert.deepStrictEqual(lake.all(T.crawler), []);
        // The data-access role stays: alerts/ is still registered with Lake Formation, which Athena reads through.
        assert.deepStrictEqual(lake.all(T.role).map((r) => r.name).sort(), ["healthscore-ingest-receiver-role", "healthscore-lake-data-access", "healthscore-loader-role"]);
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
