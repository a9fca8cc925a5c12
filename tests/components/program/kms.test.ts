/**
 * kmsKeyArn under mocks: one customer managed key for the bucket, the table, the token parameters and Athena's
 * query results (SSE_KMS); every role may use that key and no other, each only through its service (the queues use
 * SSE-SQS, so no role needs it for SQS); and a key of another Region fails the preview, naming the setting.
 */
import * as assert from "assert";
import { Deployment } from "../../support/mocks";
import { T } from "./types";
import { asArray, deployConfig, deployed, KMS_KEY_ARN, policyOf, VARIANTS } from "./variants";

/** Every Resource of every statement that allows a kms: action, across the stack's inline policies. */
function keysUsed(deployment: Deployment): Array<[policy: string, resource: string]> {
    return deployment.all(T.rolePolicy).flatMap((policy) => policyOf(policy).Statement
        .filter((s: any) => asArray<string>(s.Action).some((action) => action.startsWith("kms:")))
        .flatMap((s: any) => asArray<string>(s.Resource).map((resource): [string, string] => [policy.name, resource])));
}

describe("kmsKeyArn (mocks)", () => {
    let withKey: Deployment;
    let withoutKey: Deployment;

    before(async function () {
        this.timeout(60_000);
        withKey = await deployed("configured");
        withoutKey = await deployed("https");
    });

    it("with kmsKeyArn: Athena's query results are SSE_KMS with that key, enforced by the workgroup, in a bucket encrypted with it", () => {
        const configuration = withKey.only(T.workgroup).inputs.configuration;
        assert.strictEqual(configuration.enforceWorkgroupConfiguration, true);
        assert.deepStrictEqual(configuration.resultConfiguration.encryptionConfiguration, { encryptionOption: "SSE_KMS", kmsKeyArn: KMS_KEY_ARN });
        const resultsBucket = withKey.get(T.bucket, "healthscore-lake-athena-results-bucket").state.bucket;
        const encryption = withKey.all(T.encryption).find((e) => e.inputs.bucket === resultsBucket)!;
        assert.deepStrictEqual(encryption.inputs.rules, [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KMS_KEY_ARN }, bucketKeyEnabled: true }]);
    });

    it("with kmsKeyArn: the data bucket, the table and the token parameters use that key", () => {
        const dataBucket = withKey.get(T.bucket, "healthscore-data-bucket").state.bucket;
        const encryption = withKey.all(T.encryption).find((e) => e.inputs.bucket === dataBucket)!;
        assert.strictEqual(encryption.inputs.rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId, KMS_KEY_ARN);
        assert.deepStrictEqual(withKey.only(T.table).inputs.serverSideEncryption, { enabled: true, kmsKeyArn: KMS_KEY_ARN });
        for (const parameter of withKey.all("aws:ssm/parameter:Parameter")) assert.strictEqual(parameter.inputs.keyId, KMS_KEY_ARN);
    });

    it("with kmsKeyArn: the receiver's, the loader's and the data-access role's policies use that key and no other; the crawler's none", () => {
        const used = keysUsed(withKey);
        assert.deepStrictEqual([...new Set(used.map(([policy]) => policy))].sort(), ["healthscore-ingest-receiver-policy", "healthscore-lake-data-access-policy", "healthscore-loader-policy"]);
        assert.deepStrictEqual([...new Set(used.map(([, resource]) => resource))], [KMS_KEY_ARN]);
    });

    it("without kmsKeyArn: SSE_S3 results, S3-managed and AWS-managed keys everywhere, and no kms: permission at all", () => {
        assert.deepStrictEqual(withoutKey.only(T.workgroup).inputs.configuration.resultConfiguration.encryptionConfiguration, { encryptionOption: "SSE_S3" });
        assert.deepStrictEqual(keysUsed(withoutKey), []);
        assert.deepStrictEqual(withoutKey.only(T.table).inputs.serverSideEncryption, { enabled: true });
        for (const parameter of withoutKey.all("aws:ssm/parameter:Parameter")) assert.strictEqual(parameter.inputs.keyId, undefined, "aws/ssm");
    });

    it("a key from another Region than the stack's fails the preview, naming kmsKeyArn and both Regions", async function () {
        this.timeout(60_000);
        await assert.rejects(deployConfig(VARIANTS.configured, { region: "eu-west-1" }), (err: Error) => {
            assert.match(err.message, /HealthScoreStore: store\.kmsKeyArn \(healthscore:kmsKeyArn\) is a key in us-east-1, but the stack deploys to eu-west-1/);
            return true;
        });
    });

    it("a key of the stack's Region passes, in a Region opened since 2022 too (eu-central-2)", async function () {
        this.timeout(60_000);
        const key = "arn:aws:kms:eu-central-2:123456789012:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
        const deployment = await deployConfig({ ...VARIANTS.configured, kmsKeyArn: key }, { region: "eu-central-2" });
        assert.deepStrictEqual(deployment.only(T.workgroup).inputs.configuration.resultConfiguration.encryptionConfiguration, { encryptionOption: "SSE_KMS", kmsKeyArn: key });
        assert.deepStrictEqual(deployment.errors, []);
    });
});
