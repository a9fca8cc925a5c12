/** HealthScoreStore under mocks: every bucket's controls, the data bucket's lifecycle, the table. */
import * as assert from "assert";
import { Deployment, physicalName, RecordedResource } from "../../support/mocks";
import { bucketPrefixes, tableSchema } from "../../../shared/layout";
import { T } from "./types";
import { deployed, KMS_KEY_ARN, policyOf } from "./variants";

/** The sub-resource of `type` configuring `bucket`. */
function configOf(deployment: Deployment, type: string, bucket: RecordedResource): RecordedResource {
    const found = deployment.all(type).filter((r) => r.inputs.bucket === physicalName(bucket.name));
    assert.strictEqual(found.length, 1, `expected one ${type} for bucket ${bucket.name}, found ${found.length}`);
    return found[0];
}

describe("HealthScoreStore (mocks)", () => {
    let https: Deployment;
    let configured: Deployment;
    let buckets: RecordedResource[];
    let dataBucket: RecordedResource;

    before(async function () {
        this.timeout(60_000);
        https = await deployed("https");
        configured = await deployed("configured");
        buckets = https.all(T.bucket);
        dataBucket = https.get(T.bucket, "healthscore-data-bucket");
    });

    it("registers the three buckets (data, ALB access logs, Athena query results) in the default configuration", () => {
        assert.deepStrictEqual(buckets.map((b) => b.name).sort(),
            ["healthscore-data-bucket", "healthscore-ingest-lb-access-logs-bucket", "healthscore-lake-athena-results-bucket"]);
    });

    it("makes every bucket a PrivateBucket, so that the checks below cover all of them", () => {
        for (const bucket of buckets) {
            assert.strictEqual(https.byUrn(bucket.parent).type, T.privateBucket, bucket.name);
        }
    });

    describe("every bucket", () => {
        it("S3.1/S3.8: blocks public access with all four settings", () => {
            for (const bucket of buckets) {
                const block = configOf(https, T.publicAccessBlock, bucket).inputs;
                assert.deepStrictEqual(
                    [block.blockPublicAcls, block.blockPublicPolicy, block.ignorePublicAcls, block.restrictPublicBuckets],
                    [true, true, true, true], bucket.name);
            }
        });

        it("S3.5: denies requests without TLS (aws:SecureTransport false) and with TLS older than 1.2, on the bucket and its objects", () => {
            for (const bucket of buckets) {
                const policy = policyOf(configOf(https, T.bucketPolicy, bucket));
                const arn = bucket.state.arn;
                const insecure = policy.Statement.find((s: any) => s.Condition?.Bool?.["aws:SecureTransport"] === "false");
                assert.ok(insecure, `${bucket.name}: no aws:SecureTransport denial`);
                assert.strictEqual(insecure.Effect, "Deny");
                assert.strictEqual(insecure.Principal, "*");
                assert.strictEqual(insecure.Action, "s3:*");
                assert.deepStrictEqual(insecure.Resource, [arn, `${arn}/*`]);
                const outdated = policy.Statement.find((s: any) => s.Condition?.NumericLessThan?.["s3:TlsVersion"] === 1.2);
                assert.ok(outdated && outdated.Effect === "Deny", `${bucket.name}: no s3:TlsVersion denial`);
            }
        });

        it("S3.5: puts the bucket policy after the public access block", () => {
            for (const bucket of buckets) {
                const policy = configOf(https, T.bucketPolicy, bucket);
                const block = configOf(https, T.publicAccessBlock, bucket);
                assert.ok(policy.dependencies.includes(block.urn), bucket.name);
            }
        });

        it("S3.12 (CKV2_AWS_65): disables ACLs with object ownership BucketOwnerEnforced", () => {
            for (const bucket of buckets) {
                assert.deepStrictEqual(configOf(https, T.ownership, bucket).inputs.rule, { objectOwnership: "BucketOwnerEnforced" }, bucket.name);
            }
        });

        it("S3.14: enables versioning", () => {
            for (const bucket of buckets) {
                assert.strictEqual(configOf(https, T.versioning, bucket).inputs.versioningConfiguration.status, "Enabled", bucket.name);
            }
        });

        it("S3.10/S3.13: has lifecycle rules that also expire noncurrent versions and abort incomplete uploads, applied after versioning", () => {
            for (const bucket of buckets) {
                const lifecycle = configOf(https, T.lifecycle, bucket);
                const wide = lifecycle.inputs.rules.find((r: any) => r.id === "noncurrent-versions-and-incomplete-uploads");
                assert.ok(wide, bucket.name);
                assert.strictEqual(wide.status, "Enabled");
                assert.deepStrictEqual(wide.filter, {});
                assert.ok(wide.noncurrentVersionExpiration.noncurrentDays >= 1);
                assert.strictEqual(wide.abortIncompleteMultipartUpload.daysAfterInitiation, 1);
                assert.ok(lifecycle.dependencies.includes(configOf(https, T.versioning, bucket).urn), `${bucket.name}: lifecycle before versioning`);
            }
        });
    });

    describe("data bucket", () => {
        it("S3.4/S3.17: encrypts with S3-managed keys by default", () => {
            const rule = configOf(https, T.encryption, dataBucket).inputs.rules[0];
            assert.deepStrictEqual(rule.applyServerSideEncryptionByDefault, { sseAlgorithm: "AES256" });
        });

        it("S3.17: encrypts with the configured KMS key, with a bucket key", () => {
            const bucket = configured.get(T.bucket, "healthscore-data-bucket");
            const rule = configOf(configured, T.encryption, bucket).inputs.rules[0];
            assert.deepStrictEqual(rule.applyServerSideEncryptionByDefault, { sseAlgorithm: "aws:kms", kmsMasterKeyId: KMS_KEY_ARN });
            assert.strictEqual(rule.bucketKeyEnabled, true);
        });

        it("S3.13: expires raw/ and rejected/ after rawRetentionDays (90 by default) and keeps alerts/", () => {
            const rules = configOf(https, T.lifecycle, dataBucket).inputs.rules;
            const expiring = rules.filter((r: any) => r.expiration?.days !== undefined)
                .map((r: any) => [r.filter.prefix, r.expiration.days, r.status]);
            assert.deepStrictEqual(expiring, [[bucketPrefixes.raw, 90, "Enabled"], [bucketPrefixes.rejected, 90, "Enabled"]]);
        });

        it("S3.13: expires alerts/ too when alertsRetentionDays is configured, and raw/ after the configured days", () => {
            const bucket = configured.get(T.bucket, "healthscore-data-bucket");
            const rules = configOf(configured, T.lifecycle, bucket).inputs.rules;
            const expiring = rules.filter((r: any) => r.expiration?.days !== undefined).map((r: any) => [r.filter.prefix, r.expiration.days]);
            assert.deepStrictEqual(expiring, [[bucketPrefixes.raw, 30], [bucketPrefixes.rejected, 30], [bucketPrefixes.alerts, 400]]);
        });

        it("is not force-destroyed: its data outlives a mistaken `pulumi destroy`", () => {
            assert.strictEqual(dataBucket.inputs.forceDestroy, false);
        });
    });

    describe("Athena results bucket", () => {
        let results: RecordedResource;
        before(() => { results = https.get(T.bucket, "healthscore-lake-athena-results-bucket"); });

        it("S3.4/S3.17: encrypts with S3-managed keys (the workgroup's SSE_S3)", () => {
            assert.deepStrictEqual(configOf(https, T.encryption, results).inputs.rules, [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
        });

        it("S3.13: expires query results after athenaResultsRetentionDays (30 by default), their old versions a day later", () => {
            const rules = configOf(https, T.lifecycle, results).inputs.rules;
            assert.deepStrictEqual(rules.filter((r: any) => r.expiration?.days !== undefined).map((r: any) => [r.id, r.filter, r.expiration.days]),
                [["expire-query-results", {}, 30]]);
            const wide = rules.find((r: any) => r.id === "noncurrent-versions-and-incomplete-uploads");
            assert.deepStrictEqual(wide.noncurrentVersionExpiration, { noncurrentDays: 1 });
        });

        it("is force-destroyed: query results are disposable", () => {
            assert.strictEqual(results.inputs.forceDestroy, true);
        });
    });

    describe("table", () => {
        let table: any;
        before(() => { table = https.get(T.table, "healthscore-table").inputs; });

        it("takes its keys, attributes and index from shared/layout.ts", () => {
            assert.strictEqual(table.hashKey, tableSchema.hashKey);
            assert.strictEqual(table.rangeKey, tableSchema.rangeKey);
            assert.deepStrictEqual(table.attributes, tableSchema.attributes.map((a) => ({ name: a.name, type: a.type })));
            assert.deepStrictEqual(table.globalSecondaryIndexes, tableSchema.globalSecondaryIndexes.map((index) => ({
                name: index.name, keySchemas: [{ attributeName: index.hashKey, keyType: "HASH" }], projectionType: index.projectionType,
            })));
        });

        it("bills on demand", () => {
            assert.strictEqual(table.billingMode, "PAY_PER_REQUEST");
        });

        it("enables TTL on expires_at (the attribute the receiver writes)", () => {
            assert.deepStrictEqual(table.ttl, { attributeName: "expires_at", enabled: true });
            assert.strictEqual(table.ttl.attributeName, tableSchema.ttlAttribute);
        });

        it("DynamoDB.2: enables point-in-time recovery", () => {
            assert.strictEqual(table.pointInTimeRecovery.enabled, true);
        });

        it("CKV_AWS_119: enables server-side encryption with a KMS key (the AWS managed one by default, the configured one otherwise)", () => {
            assert.deepStrictEqual(table.serverSideEncryption, { enabled: true });
            assert.deepStrictEqual(configured.get(T.table, "healthscore-table").inputs.serverSideEncryption, { enabled: true, kmsKeyArn: KMS_KEY_ARN });
        });

        it("DynamoDB.6: protects the table from deletion by default, and not when deletionProtection is false", () => {
            assert.strictEqual(table.deletionProtectionEnabled, true);
            assert.strictEqual(configured.get(T.table, "healthscore-table").inputs.deletionProtectionEnabled, false);
        });
    });
});
