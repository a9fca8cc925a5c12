/**
 * The asynchronous loader under mocks: its function and least-privilege role, the S3 notification on raw/ and the
 * permission it needs, the encrypted fallback and dead-letter queues, the event source mapping and the on-failure
 * destination. Then its deployment archive's `__index.js`, run against the emulators.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as aws from "@pulumi/aws";
import { ACCOUNT_ID, Deployment, deploy, physicalName, RecordedResource } from "../../support/mocks";
import { captureStdout } from "../../support/stdout";
import { TEST_BUCKET, TEST_TABLE, useEmulators } from "../../support/emulators";
import { useDynamoDbLocal } from "../../support/dynamoDbLocal";
import { emulatorEnvironment } from "../../support/serializedHandler";
import { listKeys, scanItems } from "../../support/store";
import { ENV } from "../../../handlers/environment";
import { objectCreatedEvent } from "../../../handlers/loaderEvents";
import { createObjectStorage } from "../../../handlers/storage";
import { Archive, layOutArchive, readArchive } from "./archive";
import { bundleHandler } from "../../../packaging/handlerArchive";
import { createLoaderLambdaHandler } from "../../../handlers/lambda";
import { LOADER, T } from "./types";
import { asArray, deployConfig, deployed, KMS_KEY_ARN, policyOf, VariantName, VARIANTS as CONFIGS } from "./variants";

const VARIANTS: VariantName[] = ["https", "configured", "functionUrl", "dev"];

function loaderOf(deployment: Deployment): Record<keyof typeof LOADER, RecordedResource> {
    const component = deployment.only(T.loader);
    const types: Record<keyof typeof LOADER, string> = {
        function: T.function, role: T.role, policy: T.rolePolicy, logs: T.logGroup, fallbackQueue: T.queue, deadLetterQueue: T.queue,
        invokeConfig: T.invokeConfig, eventSource: T.eventSourceMapping, s3Permission: T.permission, notification: T.bucketNotification,
    };
    return Object.fromEntries(Object.entries(LOADER).map(([key, name]) => {
        const resource = deployment.get(types[key as keyof typeof LOADER], name);
        assert.strictEqual(resource.parent, component.urn, `${name} is the loader's`);
        return [key, resource];
    })) as Record<keyof typeof LOADER, RecordedResource>;
}

describe("loader (mocks)", () => {
    const deployments = {} as Record<VariantName, Deployment>;
    let https: Deployment;
    let loader: Record<keyof typeof LOADER, RecordedResource>;

    before(async function () {
        this.timeout(60_000);
        for (const variant of VARIANTS) deployments[variant] = await deployed(variant);
        https = deployments.https;
        loader = loaderOf(https);
    });

    describe("function", () => {
        it("is the serialized handler on nodejs22.x, arm64, with its own role", () => {
            const fn = loader.function.inputs;
            assert.deepStrictEqual([fn.handler, fn.runtime, fn.architectures, fn.role], ["__index.handler", "nodejs22.x", ["arm64"], loader.role.state.arn]);
        });

        it("is sized for a 6 MB delivery: 1,024 MB and 300 s by default, as configured otherwise", () => {
            assert.deepStrictEqual([loader.function.inputs.memorySize, loader.function.inputs.timeout], [1024, 300]);
            const configured = loaderOf(deployments.configured).function.inputs;
            assert.deepStrictEqual([configured.memorySize, configured.timeout, configured.reservedConcurrentExecutions], [2048, 600, 3]);
        });

        it("reserves no concurrency by default (Lambda keeps 100 unreserved; new accounts have 10 in all)", () => {
            for (const variant of ["https", "functionUrl", "dev"] as const) {
                assert.ok(!("reservedConcurrentExecutions" in loaderOf(deployments[variant]).function.inputs), variant);
            }
        });

        describe("a reservation is checked at preview as the receiver's is (components/functionConcurrency.ts)", () => {
            it("fails the preview in an account whose quota is 10, naming healthscore:loaderReservedConcurrency and saying what to set", async () => {
                await assert.rejects(deployConfig({ ...CONFIGS.configured, reservedConcurrency: "none" }, { account: { lambdaConcurrencyQuota: 10 } }), (err: Error) => {
                    assert.match(err.message, /healthscore:loaderReservedConcurrency is 3, but the account's Lambda concurrency quota in us-east-1 is 10 .*at most 0 can be reserved\. Set healthscore:loaderReservedConcurrency none/);
                    return true;
                });
            });

            it("reserves it when the quota leaves room (103 allows 3), and deploys it with a warning naming the setting when the quota cannot be read", async () => {
                const allowed = await deployConfig({ ...CONFIGS.configured, reservedConcurrency: "none" }, { account: { lambdaConcurrencyQuota: 103 } });
                assert.strictEqual(loaderOf(allowed).function.inputs.reservedConcurrentExecutions, 3);
                const unread = await deployConfig({ ...CONFIGS.configured, reservedConcurrency: "none" }, { account: { lambdaConcurrencyQuota: "denied" } });
                assert.strictEqual(loaderOf(unread).function.inputs.reservedConcurrentExecutions, 3);
                assert.ok(unread.warnings.some((w) => /healthscore:loaderReservedConcurrency 3 is not checked .*servicequotas:GetServiceQuota/.test(w)), unread.warnings.join("\n"));
                assert.deepStrictEqual(unread.errors, []);
            });
        });

        it("gets the bucket, the table, the retention and the stack (its metrics' dimension), and no secret", () => {
            assert.deepStrictEqual(loader.function.inputs.environment.variables, {
                [ENV.bucketName]: physicalName("healthscore-data-bucket"),
                [ENV.tableName]: physicalName("healthscore-table"),
                [ENV.retentionDays]: "30",
                [ENV.stack]: "test",
            });
            assert.deepStrictEqual(loader.function.secretInputs, []);
        });

        it("logs to its own log group, with the stack's log retention, and is created after its policy and log group", () => {
            assert.strictEqual(loader.function.inputs.loggingConfig.logGroup, physicalName(LOADER.logs));
            assert.strictEqual(loader.logs.inputs.retentionInDays, 30);
            assert.strictEqual(loaderOf(deployments.configured).logs.inputs.retentionInDays, 90);
            assert.ok(loader.function.dependencies.includes(loader.policy.urn) && loader.function.dependencies.includes(loader.logs.urn));
        });
    });

    describe("role", () => {
        it("is assumed by Lambda only and has no managed policy", () => {
            assert.deepStrictEqual(policyOf(loader.role, "assumeRolePolicy").Statement, [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }]);
            assert.deepStrictEqual(https.all(T.rolePolicyAttachment).filter((a) => a.inputs.role === physicalName(LOADER.role)), []);
        });

        it("grants exactly, statement by statement: raw/ read; raw/, alerts/, rejected/ writes; table puts; the fallback queue drained; the dead-letter queue sent to; its log streams", () => {
            const bucket = https.get(T.bucket, "healthscore-data-bucket").state.arn;
            const table = https.get(T.table, "healthscore-table").state.arn;
            assert.strictEqual(loader.policy.inputs.role, physicalName(LOADER.role));
            assert.deepStrictEqual(policyOf(loader.policy).Statement.map((s: any) => [s.Effect, s.Action, s.Resource, s.Condition]), [
                ["Allow", "s3:GetObject", `${bucket}/raw/*`, undefined],
                ["Allow", "s3:PutObject", [`${bucket}/raw/*`, `${bucket}/alerts/*`, `${bucket}/rejected/*`], undefined],
                ["Allow", ["dynamodb:BatchWriteItem", "dynamodb:PutItem"], table, undefined],
                ["Allow", ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"], loader.fallbackQueue.state.arn, undefined],
                ["Allow", "sqs:SendMessage", loader.deadLetterQueue.state.arn, undefined],
                ["Allow", ["logs:CreateLogStream", "logs:PutLogEvents"], `${loader.logs.state.arn}:log-stream:*`, undefined],
            ]);
        });

        it("uses the configured KMS key only through S3 and DynamoDB", () => {
            const kms = policyOf(loaderOf(deployments.configured).policy).Statement.filter((s: any) => asArray<string>(s.Action).some((a) => a.startsWith("kms:")));
            assert.deepStrictEqual(kms.map((s: any) => [s.Resource, s.Condition]), [[KMS_KEY_ARN, { StringEquals: { "kms:ViaService": ["s3.us-east-1.amazonaws.com", "dynamodb.us-east-1.amazonaws.com"] } }]]);
        });
    });

    describe("S3 notification", () => {
        it("invokes the loader for every object created under raw/, through aws.s3.BucketNotification on the data bucket", () => {
            assert.deepStrictEqual(loader.notification.inputs, {
                bucket: physicalName("healthscore-data-bucket"),
                lambdaFunctions: [{ lambdaFunctionArn: loader.function.state.arn, events: ["s3:ObjectCreated:*"], filterPrefix: "raw/" }],
            });
            assert.strictEqual(https.all(T.bucketNotification).length, 1, "one notification configuration per bucket");
        });

        it("lets only S3, for this bucket in this account, invoke the loader; and is put after that permission", () => {
            const permission = loader.s3Permission.inputs;
            assert.deepStrictEqual([permission.action, permission.principal, permission.function, permission.sourceArn, permission.sourceAccount],
                ["lambda:InvokeFunction", "s3.amazonaws.com", physicalName(LOADER.function), https.get(T.bucket, "healthscore-data-bucket").state.arn, ACCOUNT_ID]);
            assert.ok(loader.notification.dependencies.includes(loader.s3Permission.urn));
        });
    });

    describe("queues", () => {
        it("are encrypted with SQS-managed keys, take 1 MiB messages and keep them 14 days", () => {
            for (const queue of [loader.fallbackQueue, loader.deadLetterQueue]) {
                assert.deepStrictEqual([queue.inputs.sqsManagedSseEnabled, queue.inputs.maxMessageSize, queue.inputs.messageRetentionSeconds], [true, 1_048_576, 1_209_600], queue.name);
                assert.strictEqual(queue.inputs.kmsMasterKeyId, undefined);
            }
        });

        it("hide a fallback message for 6 times the loader's timeout, and move it to the dead letters after 5 receives", () => {
            assert.strictEqual(loader.fallbackQueue.inputs.visibilityTimeoutSeconds, 1_800);
            assert.strictEqual(loaderOf(deployments.configured).fallbackQueue.inputs.visibilityTimeoutSeconds, 3_600);
            assert.deepStrictEqual(JSON.parse(loader.fallbackQueue.inputs.redrivePolicy), { deadLetterTargetArn: loader.deadLetterQueue.state.arn, maxReceiveCount: 5 });
        });

        it("drain the fallback queue into the loader through an event source mapping that reports failed messages one by one", () => {
            const mapping = loader.eventSource.inputs;
            assert.deepStrictEqual([mapping.eventSourceArn, mapping.functionName, mapping.batchSize, mapping.functionResponseTypes],
                [loader.fallbackQueue.state.arn, physicalName(LOADER.function), 5, ["ReportBatchItemFailures"]]);
            assert.ok(loader.eventSource.dependencies.includes(loader.policy.urn), "created once the role may receive");
        });
    });

    describe("asynchronous invocation", () => {
        it("retries a failed event twice, for up to 6 hours (as configured otherwise), then sends it to the dead-letter queue", () => {
            const config = loader.invokeConfig.inputs;
            assert.deepStrictEqual([config.functionName, config.maximumRetryAttempts, config.maximumEventAgeInSeconds, config.destinationConfig],
                [physicalName(LOADER.function), 2, 21_600, { onFailure: { destination: loader.deadLetterQueue.state.arn } }]);
            assert.strictEqual(loaderOf(deployments.configured).invokeConfig.inputs.maximumEventAgeInSeconds, 3_600);
        });

        it("is configured after the role policy that lets it send to the destination (Lambda checks it at creation)", () => {
            assert.ok(loader.invokeConfig.dependencies.includes(loader.policy.urn));
        });

        it("fails as Lambda does when no policy lets the function send to the destination (the mocks hold the program to it)", async function () {
            this.timeout(30_000);
            await assert.rejects(deploy(() => {
                const queue = new aws.sqs.Queue("orphan-dlq", {});
                new aws.lambda.FunctionEventInvokeConfig("orphan-async", { functionName: "f", destinationConfig: { onFailure: { destination: queue.arn } } });
                return {};
            }), /InvalidParameterValueException: The destination ARN arn:aws:sqs:.*orphan-dlq.* is invalid/);
        });
    });

    describe("deployment archive", () => {
        let archive: Archive;
        before(async function () {
            this.timeout(30_000);
            archive = await readArchive(https, LOADER.function);
        });

        it("holds one file, __index.js: the bundle handlerArchive.ts builds from createLoaderLambdaHandler", async () => {
            assert.deepStrictEqual([...archive.text.keys()], ["__index.js"]);
            assert.deepStrictEqual([...archive.files.keys()], []);
            assert.strictEqual(archive.text.get("__index.js"), (await bundleHandler(createLoaderLambdaHandler)).text);
        });

        describe("run against the emulators", () => {
            const context = useEmulators();
            // The loader moves latest entries in transactions, which dynalite does not serve.
            const table = useDynamoDbLocal();
            let dir: string;
            const saved: Record<string, string | undefined> = {};

            before(() => {
                dir = layOutArchive(archive);
                const environment = { ...emulatorEnvironment(context.emulators, { bucketName: TEST_BUCKET, tableName: TEST_TABLE }), AWS_ENDPOINT_URL_DYNAMODB: table.local.endpoint };
                for (const [name, value] of Object.entries({ ...environment, [ENV.retentionDays]: "30" })) {
                    saved[name] = process.env[name];
                    process.env[name] = value;
                }
            });
            after(() => {
                for (const [name, value] of Object.entries(saved)) {
                    if (value === undefined) delete process.env[name];
                    else process.env[name] = value;
                }
                fs.rmSync(dir, { recursive: true, force: true });
            });

            it("loads a raw delivery named by an S3 notification into the lake and the table", async () => {
                const body = fs.readFileSync(path.join(__dirname, "..", "..", "fixtures", "real-delivery.json"));
                const { deliveryIdOf } = await import("../../../handlers/ids");
                const id = deliveryIdOf(body);
                await createObjectStorage({ s3: context.emulators.s3, bucketName: TEST_BUCKET }).archiveRaw(`raw/${id}.json`, body, new Date("2026-11-27T09:00:05.000Z"));
                const handler = require(path.join(dir, "__index.js")).handler;
                let answer;
                const logged = await captureStdout(async () => { answer = await handler(objectCreatedEvent(TEST_BUCKET, `raw/${id}.json`)); });
                assert.ok(logged.some((line) => JSON.parse(line).message === "load"), logged.join("\n"));
                assert.deepStrictEqual((answer as any).loaded.map((l: any) => [l.deliveryId, l.accepted, l.receivedAt]), [[id, 3, "2026-11-27T09:00:05.000Z"]]);
                assert.ok((await listKeys(context.emulators.s3, TEST_BUCKET)).includes(`alerts/metric=health_score/dt=2026-11-27/${id}.ndjson`));
                assert.strictEqual((await scanItems(table.local.dynamodb, TEST_TABLE)).filter((item) => item.kind === "history").length, 3);
            });
        });
    });
});
