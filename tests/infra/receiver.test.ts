/** The receiver Lambda under mocks: runtime and limits, environment, log group, and least-privilege IAM. */
import * as assert from "assert";
import { ACCOUNT_ID, Deployment, physicalName, REGION, RecordedResource } from "../support/mocks";
import { ENV } from "../../handlers/environment";
import { bucketPrefixes, tableSchema } from "../../handlers/layout";
import { T } from "./types";
import { asArray, deployed, KMS_KEY_ARN, policyOf, PREVIOUS_TOKEN, TOKEN, VariantName } from "./variants";

const VARIANTS: VariantName[] = ["https", "configured", "http", "functionUrl"];

/** AWS managed policies that grant far more than the receiver needs (CallbackFunction's defaults among them). */
const FULL_ACCESS_POLICIES = [
    "AWSLambda_FullAccess", "AWSLambdaFullAccess", "AmazonS3FullAccess", "AmazonDynamoDBFullAccess", "CloudWatchFullAccess",
    "CloudWatchFullAccessV2", "CloudWatchEventsFullAccess", "AmazonSQSFullAccess", "AmazonKinesisFullAccess",
    "AmazonCognitoPowerUser", "AWSXrayWriteOnlyAccess", "AdministratorAccess", "PowerUserAccess", "IAMFullAccess",
];

const arnOf = {
    bucket: `arn:aws:s3:::${physicalName("healthscore-data-bucket")}`,
    table: `arn:aws:dynamodb:${REGION}:${ACCOUNT_ID}:table/${physicalName("healthscore-table")}`,
    logGroup: `arn:aws:logs:${REGION}:${ACCOUNT_ID}:log-group:${physicalName("healthscore-ingest-receiver-logs")}`,
    role: `arn:aws:iam::${ACCOUNT_ID}:role/${physicalName("healthscore-ingest-receiver-role")}`,
};

describe("receiver Lambda (mocks)", () => {
    const deployments = {} as Record<VariantName, Deployment>;
    let https: Deployment;
    let fn: RecordedResource;

    before(async function () {
        this.timeout(60_000);
        for (const variant of VARIANTS) deployments[variant] = await deployed(variant);
        https = deployments.https;
        fn = https.only(T.function);
    });

    it("is the CallbackFunction's serialized handler", () => {
        assert.strictEqual(fn.inputs.handler, "__index.handler");
        assert.strictEqual(fn.name, "healthscore-ingest-receiver-function");
    });

    // CallbackFunction's own default is nodejs22.x today, so the mocks cannot tell an explicit runtime from the
    // default (its ignoreChanges on a defaulted runtime is lost in mergeOptions); RECEIVER_RUNTIME sets it.
    it("Lambda.2: runs on nodejs22.x, on arm64", () => {
        for (const variant of VARIANTS) {
            const inputs = deployments[variant].only(T.function).inputs;
            assert.strictEqual(inputs.runtime, "nodejs22.x", variant);
            assert.deepStrictEqual(inputs.architectures, ["arm64"], variant);
        }
    });

    it("takes memory (256 MB) and timeout (10 s) from config, with these defaults", () => {
        assert.deepStrictEqual([fn.inputs.memorySize, fn.inputs.timeout], [256, 10]);
        const configured = deployments.configured.only(T.function).inputs;
        assert.deepStrictEqual([configured.memorySize, configured.timeout], [512, 20]);
    });

    it("CKV_AWS_115: caps concurrency with reserved concurrency (10 by default, as configured otherwise)", () => {
        assert.strictEqual(fn.inputs.reservedConcurrentExecutions, 10);
        assert.strictEqual(deployments.configured.only(T.function).inputs.reservedConcurrentExecutions, 5);
    });

    it("gets the bucket, table, retention and token through the environment variables named in handlers/environment.ts", () => {
        const variables = fn.inputs.environment.variables;
        const token = https.outputs.endpointUrl as string;
        assert.deepStrictEqual(variables, {
            [ENV.bucketName]: physicalName("healthscore-data-bucket"),
            [ENV.tableName]: physicalName("healthscore-table"),
            [ENV.retentionDays]: "30",
            [ENV.token]: token.slice(token.lastIndexOf("/") + 1),
        });
    });

    it("keeps the environment (which holds the token) secret", () => {
        for (const variant of VARIANTS) {
            assert.ok(deployments[variant].only(T.function).secretInputs.includes("environment"), variant);
        }
    });

    it("gets the previous token too during a rotation, and the configured retention", () => {
        const variables = deployments.configured.only(T.function).inputs.environment.variables;
        assert.strictEqual(variables[ENV.token], TOKEN);
        assert.strictEqual(variables[ENV.previousToken], PREVIOUS_TOKEN);
        assert.strictEqual(variables[ENV.retentionDays], "60");
        assert.ok(!(ENV.previousToken in fn.inputs.environment.variables), "no previous token unless configured");
    });

    it("CKV_AWS_338/CKV_AWS_66: logs to its own log group, which has a retention (30 days by default)", () => {
        const logGroup = https.only(T.logGroup);
        assert.strictEqual(logGroup.inputs.retentionInDays, 30);
        assert.strictEqual(fn.inputs.loggingConfig.logGroup, physicalName(logGroup.name));
        assert.strictEqual(deployments.configured.only(T.logGroup).inputs.retentionInDays, 90);
    });

    describe("IAM", () => {
        it("uses its own role, not one CallbackFunction made", () => {
            const roles = https.all(T.role);
            assert.deepStrictEqual(roles.map((r) => r.name), ["healthscore-ingest-receiver-role"]);
            assert.strictEqual(fn.inputs.role, arnOf.role);
        });

        it("lets only Lambda, for this account, assume the role", () => {
            const trust = policyOf(https.only(T.role), "assumeRolePolicy");
            assert.deepStrictEqual(trust.Statement, [{
                Effect: "Allow",
                Principal: { Service: "lambda.amazonaws.com" },
                Action: "sts:AssumeRole",
                Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT_ID } },
            }]);
        });

        it("attaches none of the full-access managed policies (CallbackFunction's default role would), nor any managed policy", () => {
            for (const variant of VARIANTS) {
                const attachments = deployments[variant].all(T.rolePolicyAttachment);
                const fullAccess = attachments.filter((a) => FULL_ACCESS_POLICIES.some((p) => String(a.inputs.policyArn).endsWith(`/${p}`)));
                assert.deepStrictEqual(fullAccess.map((a) => a.inputs.policyArn), [], variant);
                assert.deepStrictEqual(attachments.map((a) => a.name), [], variant);
            }
        });

        it("IAM.21 (CKV_AWS_290/CKV_AWS_355): no policy allows a wildcard action or a `*` resource", () => {
            for (const variant of VARIANTS) {
                const policies = [...deployments[variant].all(T.rolePolicy), ...deployments[variant].all(T.managedPolicy)];
                assert.ok(policies.length > 0, variant);
                for (const policy of policies) {
                    for (const statement of policyOf(policy).Statement) {
                        for (const action of asArray<string>(statement.Action)) {
                            assert.ok(!action.includes("*"), `${variant} ${policy.name}: action ${action}`);
                        }
                        for (const resource of asArray<string>(statement.Resource)) {
                            assert.notStrictEqual(resource, "*", `${variant} ${policy.name}: resource *`);
                        }
                        assert.strictEqual(statement.Effect, "Allow");
                    }
                }
            }
        });

        it("grants exactly: PutObject on raw/, alerts/ and rejected/; BatchWriteItem, GetItem and PutItem on the table and its index; its own log streams", () => {
            const policy = policyOf(https.only(T.rolePolicy));
            assert.strictEqual(https.only(T.rolePolicy).inputs.role, physicalName("healthscore-ingest-receiver-role"));
            assert.deepStrictEqual(policy.Statement.map((s: any) => [s.Action, s.Resource]), [
                ["s3:PutObject", [`${arnOf.bucket}/${bucketPrefixes.raw}*`, `${arnOf.bucket}/${bucketPrefixes.alerts}*`, `${arnOf.bucket}/${bucketPrefixes.rejected}*`]],
                [["dynamodb:BatchWriteItem", "dynamodb:GetItem", "dynamodb:PutItem"], [arnOf.table, `${arnOf.table}/index/${tableSchema.globalSecondaryIndexes[0].name}`]],
                [["logs:CreateLogStream", "logs:PutLogEvents"], `${arnOf.logGroup}:log-stream:*`],
            ]);
        });

        it("grants the configured KMS key only through S3 and DynamoDB in the Region, and no key at all by default", () => {
            const kms = policyOf(deployments.configured.only(T.rolePolicy)).Statement.filter((s: any) => asArray<string>(s.Action).some((a) => a.startsWith("kms:")));
            assert.deepStrictEqual(kms.map((s: any) => [s.Action, s.Resource, s.Condition]), [[
                ["kms:GenerateDataKey", "kms:Decrypt"], KMS_KEY_ARN,
                { StringEquals: { "kms:ViaService": [`s3.${REGION}.amazonaws.com`, `dynamodb.${REGION}.amazonaws.com`] } },
            ]]);
            const defaults = policyOf(https.only(T.rolePolicy)).Statement;
            assert.ok(!defaults.some((s: any) => asArray<string>(s.Action).some((a) => a.startsWith("kms:"))));
        });

        it("creates the function after its policy and log group, so its first invocation is allowed to write", () => {
            assert.ok(fn.dependencies.includes(https.only(T.rolePolicy).urn), "depends on the role policy");
            assert.ok(fn.dependencies.includes(https.only(T.logGroup).urn), "depends on the log group");
        });
    });
});
