/** The receiver Lambda under mocks: runtime and limits, environment, tokens in SSM, log group, and least-privilege IAM. */
import * as assert from "assert";
import { ACCOUNT_ID, Deployment, physicalName, REGION, RecordedResource } from "../../support/mocks";
import { ENV } from "../../../handlers/environment";
import { bucketPrefixes } from "../../../shared/layout";
import { RECEIVER_FUNCTION, RECEIVER_LOGS, T } from "./types";
import { asArray, deployConfig, deployed, KMS_KEY_ARN, policyOf, PREVIOUS_TOKEN, TOKEN, VariantName, VARIANTS as CONFIGS } from "./variants";

const VARIANTS: VariantName[] = ["https", "configured", "http", "functionUrl", "dev"];

/** AWS managed policies that grant far more than the receiver needs (CallbackFunction's defaults among them). */
const FULL_ACCESS_POLICIES = [
    "AWSLambda_FullAccess", "AWSLambdaFullAccess", "AmazonS3FullAccess", "AmazonDynamoDBFullAccess", "CloudWatchFullAccess",
    "CloudWatchFullAccessV2", "CloudWatchEventsFullAccess", "AmazonSQSFullAccess", "AmazonKinesisFullAccess",
    "AmazonCognitoPowerUser", "AWSXrayWriteOnlyAccess", "AdministratorAccess", "PowerUserAccess", "IAMFullAccess",
];

/**
 * The only AWS managed policy the stack may attach, and why. The receiver's role gets none (asserted apart).
 */
const ALLOWED_MANAGED_POLICIES = [{
    attachment: "healthscore-lake-crawler-glue",
    role: physicalName("healthscore-lake-crawler"),
    policyArn: "arn:aws:iam::aws:policy/service-role/AWSGlueServiceRole",
    reason: "a Glue crawler's role needs the Glue service-role policy (catalog calls, its own CloudWatch logs); the lake issue requires it, "
        + "and the crawler's data access stays in its inline policy (alerts/ only)",
}];

/**
 * IAM.21 exceptions: a `*` resource allowed only for this action, only in this policy.
 */
const STAR_RESOURCE_EXCEPTIONS = [{
    policy: "healthscore-lake-crawler-access",
    action: "lakeformation:GetDataAccess",
    reason: "Lake Formation's GetDataAccess supports no resource-level permissions (the Service Authorization Reference lists no resource "
        + "type for it, so only \"*\" works); what the crawler may read is limited by its Lake Formation grant (DATA_LOCATION_ACCESS on alerts/)",
}];

/** The receiver's role and inline policy: the ones its ReceiverFunction component owns. */
function receiverIam(deployment: Deployment): { role: RecordedResource; policy: RecordedResource } {
    const component = deployment.only(T.receiver);
    const owned = (type: string) => {
        const found = deployment.all(type).filter((r) => r.parent === component.urn);
        assert.strictEqual(found.length, 1, `expected one ${type} under ${component.name}, found ${found.map((r) => r.name).join(", ") || "none"}`);
        return found[0];
    };
    const role = owned(T.role);
    const policy = owned(T.rolePolicy);
    assert.deepStrictEqual([role.name, policy.name], ["healthscore-ingest-receiver-role", "healthscore-ingest-receiver-policy"]);
    return { role, policy };
}

/** The ARNs of the resources the receiver's role and function refer to, as the mocked provider answered them. */
function arnsOf(deployment: Deployment): { bucket: string; table: string; logGroup: string; role: string } {
    return {
        bucket: deployment.get(T.bucket, "healthscore-data-bucket").state.arn,
        table: deployment.get(T.table, "healthscore-table").state.arn,
        logGroup: deployment.get(T.logGroup, "healthscore-ingest-receiver-logs").state.arn,
        role: deployment.get(T.role, "healthscore-ingest-receiver-role").state.arn,
    };
}

describe("receiver Lambda (mocks)", () => {
    const deployments = {} as Record<VariantName, Deployment>;
    let https: Deployment;
    let fn: RecordedResource;

    before(async function () {
        this.timeout(60_000);
        for (const variant of VARIANTS) deployments[variant] = await deployed(variant);
        https = deployments.https;
        fn = https.get(T.function, RECEIVER_FUNCTION);
    });

    it("calls the serialized handler, __index.handler", () => {
        assert.strictEqual(fn.inputs.handler, "__index.handler");
        assert.strictEqual(fn.name, "healthscore-ingest-receiver-function");
    });

    // CallbackFunction's own default is nodejs22.x today, so the mocks cannot tell an explicit runtime from the
    // default (its ignoreChanges on a defaulted runtime is lost in mergeOptions): this checks the value reaches the
    // function; tests/components/receiverFunction.test.ts checks it is set explicitly (and fails if it is not).
    it("Lambda.2: runs on nodejs22.x, on arm64", () => {
        for (const variant of VARIANTS) {
            const inputs = deployments[variant].get(T.function, RECEIVER_FUNCTION).inputs;
            assert.strictEqual(inputs.runtime, "nodejs22.x", variant);
            assert.deepStrictEqual(inputs.architectures, ["arm64"], variant);
        }
    });

    it("takes memory (256 MB) and timeout (10 s) from config, with these defaults", () => {
        assert.deepStrictEqual([fn.inputs.memorySize, fn.inputs.timeout], [256, 10]);
        const configured = deployments.configured.get(T.function, RECEIVER_FUNCTION).inputs;
        assert.deepStrictEqual([configured.memorySize, configured.timeout], [512, 20]);
    });

    describe("reserved concurrency (Lambda keeps at least 100 of the account's concurrency unreserved)", () => {
        it("reserves nothing by default: no reservedConcurrentExecutions at all (0 would throttle everything)", () => {
            for (const variant of ["https", "http", "functionUrl", "dev"] as const) {
                const inputs = deployments[variant].get(T.function, RECEIVER_FUNCTION).inputs;
                assert.ok(!("reservedConcurrentExecutions" in inputs), `${variant}: ${inputs.reservedConcurrentExecutions}`);
            }
            assert.ok(!https.calls.some((c) => c.token.startsWith("aws:servicequotas/")), "no quota read without a reservation");
        });

        it("CKV_AWS_115: reserves the configured number when the account's quota leaves room for it (5 of 1,000)", () => {
            assert.strictEqual(deployments.configured.get(T.function, RECEIVER_FUNCTION).inputs.reservedConcurrentExecutions, 5);
            const read = deployments.configured.calls.filter((c) => c.token === "aws:servicequotas/getServiceQuota:getServiceQuota");
            // One read per reservation: the receiver's and the loader's (loaderReservedConcurrency 3).
            assert.deepStrictEqual(read.map((c) => [c.inputs.serviceCode, c.inputs.quotaCode]), [["lambda", "L-B99A9384"], ["lambda", "L-B99A9384"]]);
        });

        it("a reservation in an account whose quota is 10 (a new account) fails the preview, naming the setting and saying what to set", async () => {
            await assert.rejects(deployConfig({ ...CONFIGS.configured, loaderReservedConcurrency: "none" }, { account: { lambdaConcurrencyQuota: 10 } }), (err: Error) => {
                assert.match(err.message, /healthscore:reservedConcurrency is 5, but the account's Lambda concurrency quota in us-east-1 is 10 .*at most 0 can be reserved\. Set healthscore:reservedConcurrency none/);
                return true;
            });
        });

        it("the quota leaves exactly quota - 100: 105 allows 5, 104 does not", async () => {
            const allowed = await deployConfig({ ...CONFIGS.configured, loaderReservedConcurrency: "none" }, { account: { lambdaConcurrencyQuota: 105 } });
            assert.strictEqual(allowed.get(T.function, RECEIVER_FUNCTION).inputs.reservedConcurrentExecutions, 5);
            await assert.rejects(deployConfig({ ...CONFIGS.configured, loaderReservedConcurrency: "none" }, { account: { lambdaConcurrencyQuota: 104 } }), /at most 4 can be reserved/);
        });

        it("checks both reservations together, as Lambda counts them account-wide: 5 + 3 fit a quota of 108, not of 107", async () => {
            const allowed = await deployConfig(CONFIGS.configured, { account: { lambdaConcurrencyQuota: 108 } });
            assert.strictEqual(allowed.get(T.function, RECEIVER_FUNCTION).inputs.reservedConcurrentExecutions, 5);
            await assert.rejects(deployConfig(CONFIGS.configured, { account: { lambdaConcurrencyQuota: 107 } }), (err: Error) => {
                // The loader is created first, so its check is the one that fails.
                assert.match(err.message, /healthscore:loaderReservedConcurrency \(3\) and healthscore:reservedConcurrency \(5\) reserve 8 together, .*at most 7 can be reserved/);
                assert.doesNotMatch(err.message, /InvalidParameterValueException/, "refused at preview, before any function is created");
                return true;
            });
        });

        it("when the quota cannot be read (no servicequotas:GetServiceQuota): deploys the reservation with a warning saying so", async () => {
            const deployment = await deployConfig(CONFIGS.configured, { account: { lambdaConcurrencyQuota: "denied" } });
            assert.strictEqual(deployment.get(T.function, RECEIVER_FUNCTION).inputs.reservedConcurrentExecutions, 5);
            assert.ok(deployment.warnings.some((w) => /healthscore:reservedConcurrency 5 is not checked .*servicequotas:GetServiceQuota/.test(w)), deployment.warnings.join("\n"));
            assert.deepStrictEqual(deployment.errors, []);
        });
    });

    it("gets the bucket, the fallback queue, the token parameter's name and the stack through the environment variables of handlers/environment.ts (no table: the loader writes it)", () => {
        const variables = fn.inputs.environment.variables;
        assert.deepStrictEqual(variables, {
            [ENV.bucketName]: physicalName("healthscore-data-bucket"),
            [ENV.fallbackQueueUrl]: https.get(T.queue, "healthscore-loader-fallback").state.url,
            [ENV.tokenParameter]: "/healthscore/test/healthscore-ingest-receiver/webhook-token",
            [ENV.tokenVersions]: "1",
            [ENV.stack]: "test",
        });
    });

    it("holds nothing secret in the function's configuration: no token in its environment, which is not a secret input", () => {
        for (const variant of VARIANTS) {
            const deployment = deployments[variant];
            const url = deployment.outputs.endpointUrl as string;
            const token = url.slice(url.lastIndexOf("/") + 1);
            const inputs = deployment.get(T.function, RECEIVER_FUNCTION).inputs;
            assert.ok(!JSON.stringify(inputs.environment).includes(token), variant);
            assert.deepStrictEqual(deployment.get(T.function, RECEIVER_FUNCTION).secretInputs, [], variant);
        }
    });

    describe("the tokens in SSM Parameter Store", () => {
        const parameters = (deployment: Deployment) => deployment.all("aws:ssm/parameter:Parameter");

        it("keeps the token in a SecureString parameter, its value a secret input, with the aws/ssm key by default", () => {
            const [parameter] = parameters(https);
            const url = https.outputs.endpointUrl as string;
            assert.deepStrictEqual([parameter.inputs.name, parameter.inputs.type, parameter.inputs.value, parameter.inputs.keyId],
                ["/healthscore/test/healthscore-ingest-receiver/webhook-token", "SecureString", url.slice(url.lastIndexOf("/") + 1), undefined]);
            assert.deepStrictEqual(parameter.secretInputs, ["value"]);
            assert.strictEqual(parameters(https).length, 1, "no previous token unless configured");
        });

        it("during a rotation keeps the previous token in a second parameter, named to the function, encrypted with kmsKeyArn when set", () => {
            const byName: Record<string, any> = Object.fromEntries(parameters(deployments.configured).map((p) => [p.inputs.name.split("/").pop(), p.inputs]));
            assert.deepStrictEqual(Object.keys(byName).sort(), ["previous-webhook-token", "webhook-token"]);
            assert.strictEqual(byName["webhook-token"].value, TOKEN);
            assert.strictEqual(byName["previous-webhook-token"].value, PREVIOUS_TOKEN);
            for (const inputs of Object.values(byName)) assert.strictEqual(inputs.keyId, KMS_KEY_ARN);
            const variables = deployments.configured.get(T.function, RECEIVER_FUNCTION).inputs.environment.variables;
            assert.strictEqual(variables[ENV.tokenParameter], byName["webhook-token"].name);
            assert.strictEqual(variables[ENV.previousTokenParameter], byName["previous-webhook-token"].name);
            // Their versions, so that a new token changes the function's configuration and so its instances.
            assert.strictEqual(variables[ENV.tokenVersions], "1,1");
        });

        it("lets the role read exactly those parameters, by the ARNs the provider reports (one slash after parameter)", () => {
            const read = policyOf(receiverIam(deployments.configured).policy).Statement.find((s: any) => s.Action === "ssm:GetParameter");
            const arns = parameters(deployments.configured).map((p) => p.state.arn).sort();
            assert.deepStrictEqual([...read.Resource].sort(), arns);
            for (const arn of arns) assert.match(arn, new RegExp(`^arn:aws:ssm:${REGION}:${ACCOUNT_ID}:parameter/healthscore/test/healthscore-ingest-receiver/[a-z-]+$`));
        });
    });

    it("CKV_AWS_338/CKV_AWS_66: logs to its own log group, which has a retention (30 days by default)", () => {
        const logGroup = https.get(T.logGroup, RECEIVER_LOGS);
        assert.strictEqual(logGroup.inputs.retentionInDays, 30);
        assert.strictEqual(fn.inputs.loggingConfig.logGroup, physicalName(logGroup.name));
        assert.strictEqual(deployments.configured.get(T.logGroup, RECEIVER_LOGS).inputs.retentionInDays, 90);
    });

    describe("IAM", () => {
        it("uses its own role, not one CallbackFunction made (the loader's and the lake's crawler and data-access roles are the only others)", () => {
            for (const variant of VARIANTS) {
                const deployment = deployments[variant];
                const { role } = receiverIam(deployment);
                assert.strictEqual(deployment.get(T.function, RECEIVER_FUNCTION).inputs.role, arnsOf(deployment).role, variant);
                assert.strictEqual(role.name, "healthscore-ingest-receiver-role", variant);
                // Every role of the stack is accounted for: the receiver's, the loader's, and inside HealthScoreLake
                // (absent with lake none, as in dev) the crawler's and the data-access role alerts/ is registered with.
                const others = deployment.all(T.role).filter((r) => r !== role);
                const expected = variant === "dev"
                    ? [["healthscore-loader-role", T.loader]]
                    : [["healthscore-lake-crawler", T.lake], ["healthscore-lake-data-access", T.lake], ["healthscore-loader-role", T.loader]];
                assert.deepStrictEqual(others.map((r) => [r.name, deployment.byUrn(r.parent).type]).sort(), expected, variant);
            }
        });

        // No aws:SourceAccount condition: Lambda is not documented to send that key when it assumes an execution role,
        // so the condition could keep the function from running. The exact trust AWS documents for execution roles,
        // asserted whole (no other principal, action, condition or wildcard).
        it("lets only Lambda's service principal assume the role (sts:AssumeRole, nothing else), in every variant", () => {
            for (const variant of VARIANTS) {
                const trust = policyOf(receiverIam(deployments[variant]).role, "assumeRolePolicy");
                assert.deepStrictEqual(trust, {
                    Version: "2012-10-17",
                    Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
                }, variant);
                assert.ok(!JSON.stringify(trust).includes("*"), `${variant}: no wildcard`);
            }
        });

        it("attaches no managed policy at all to the receiver's role (CallbackFunction's default role would attach full-access ones)", () => {
            for (const variant of VARIANTS) {
                const attachments = deployments[variant].all(T.rolePolicyAttachment);
                const onReceiver = attachments.filter((a) => a.inputs.role === physicalName("healthscore-ingest-receiver-role"));
                assert.deepStrictEqual(onReceiver.map((a) => a.inputs.policyArn), [], variant);
            }
        });

        it("attaches none of the full-access managed policies anywhere, and no managed policy beyond the allow-list", () => {
            for (const variant of VARIANTS) {
                const attachments = deployments[variant].all(T.rolePolicyAttachment);
                const fullAccess = attachments.filter((a) => FULL_ACCESS_POLICIES.some((p) => String(a.inputs.policyArn).endsWith(`/${p}`)));
                assert.deepStrictEqual(fullAccess.map((a) => a.inputs.policyArn), [], variant);
                assert.deepStrictEqual(
                    attachments.map((a) => ({ attachment: a.name, role: a.inputs.role, policyArn: a.inputs.policyArn })),
                    variant === "dev" ? [] : ALLOWED_MANAGED_POLICIES.map(({ attachment, role, policyArn }) => ({ attachment, role, policyArn })),
                    variant);
            }
        });

        it("IAM.21 (CKV_AWS_290/CKV_AWS_355): no policy allows a wildcard action, nor a `*` resource but the documented exception", () => {
            for (const variant of VARIANTS) {
                const policies = [...deployments[variant].all(T.rolePolicy), ...deployments[variant].all(T.managedPolicy)];
                assert.ok(policies.length > 0, variant);
                const excepted: string[] = [];
                for (const policy of policies) {
                    for (const statement of policyOf(policy).Statement) {
                        const actions = asArray<string>(statement.Action);
                        for (const action of actions) {
                            assert.ok(!action.includes("*"), `${variant} ${policy.name}: action ${action}`);
                        }
                        for (const resource of asArray<string>(statement.Resource)) {
                            if (resource !== "*") continue;
                            const exception = STAR_RESOURCE_EXCEPTIONS.find((e) => e.policy === policy.name && actions.length === 1 && actions[0] === e.action);
                            assert.ok(exception, `${variant} ${policy.name}: resource * for ${actions.join(", ")}`);
                            excepted.push(`${policy.name} ${exception.action}`);
                        }
                        assert.strictEqual(statement.Effect, "Allow");
                    }
                }
                // Every variant but dev (no lake) has the crawler: the exception is in use, not a stale entry.
                assert.deepStrictEqual(excepted, variant === "dev" ? [] : STAR_RESOURCE_EXCEPTIONS.map((e) => `${e.policy} ${e.action}`), variant);
            }
        });

        it("grants exactly, and less than before the loader: PutObject on raw/ only; GetObject on raw/ (HeadObject); SendMessage to the fallback queue; its token parameter; its own log streams; nothing on the table, alerts/ or rejected/", () => {
            const { policy: receiverPolicy } = receiverIam(https);
            const policy = policyOf(receiverPolicy);
            const arnOf = arnsOf(https);
            assert.strictEqual(receiverPolicy.inputs.role, physicalName("healthscore-ingest-receiver-role"));
            assert.deepStrictEqual(policy.Statement.map((s: any) => [s.Action, s.Resource]), [
                ["s3:PutObject", `${arnOf.bucket}/${bucketPrefixes.raw}*`],
                ["s3:GetObject", `${arnOf.bucket}/${bucketPrefixes.raw}*`],
                ["sqs:SendMessage", https.get(T.queue, "healthscore-loader-fallback").state.arn],
                ["ssm:GetParameter", [https.only("aws:ssm/parameter:Parameter").state.arn]],
                [["logs:CreateLogStream", "logs:PutLogEvents"], `${arnOf.logGroup}:log-stream:*`],
            ]);
            assert.ok(!JSON.stringify(policy).includes(arnOf.table), "no table permission");
        });

        it("grants the configured KMS key only through S3 in the Region, and through SSM for its token parameters; no key at all by default", () => {
            const kms = policyOf(receiverIam(deployments.configured).policy).Statement.filter((s: any) => asArray<string>(s.Action).some((a) => a.startsWith("kms:")));
            const parameterArns = deployments.configured.all("aws:ssm/parameter:Parameter").map((p) => p.state.arn);
            assert.deepStrictEqual(kms.map((s: any) => [s.Action, s.Resource, s.Condition]), [[
                ["kms:GenerateDataKey", "kms:Decrypt"], KMS_KEY_ARN,
                { StringEquals: { "kms:ViaService": [`s3.${REGION}.amazonaws.com`] } },
            ], [
                "kms:Decrypt", KMS_KEY_ARN,
                { StringEquals: { "kms:ViaService": `ssm.${REGION}.amazonaws.com`, "kms:EncryptionContext:PARAMETER_ARN": parameterArns } },
            ]]);
            const defaults = policyOf(receiverIam(https).policy).Statement;
            assert.ok(!defaults.some((s: any) => asArray<string>(s.Action).some((a) => a.startsWith("kms:"))));
        });

        it("creates the function after its policy and log group, so its first invocation is allowed to write", () => {
            assert.ok(fn.dependencies.includes(receiverIam(https).policy.urn), "depends on the role policy");
            assert.ok(fn.dependencies.includes(https.get(T.logGroup, RECEIVER_LOGS).urn), "depends on the log group");
        });
    });
});
