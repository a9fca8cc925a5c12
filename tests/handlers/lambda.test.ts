/**
 * The Lambda entry points as Pulumi ships them: `createLambdaHandler` (the receiver) and
 * `createLoaderLambdaHandler` (the loader) serialized and bundled as the components do (packaging/handlerArchive.ts),
 * written to disk, loaded, and run against the emulators (S3, DynamoDB, and the local SQS emulator), the receiver
 * reading its token from a fake SSM endpoint. Under Pulumi's mocks a serialization failure is a hung output, not an
 * error, so it is proven here directly.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { createLambdaHandler, createLoaderLambdaHandler } from "../../handlers/lambda";
import { bundleHandler } from "../../packaging/handlerArchive";
import { LoaderEventHandler, objectCreatedEvent } from "../../handlers/loaderEvents";
import { fallbackMessageOf } from "../../handlers/fallbackQueue";
import { deliveryIdOf } from "../../handlers/ids";
import { localSqsClient } from "../../local/emulators";
import { SqsEmulator, startSqsEmulator } from "../../local/sqsEmulator";
import { TEST_BUCKET, TEST_TABLE, useEmulators } from "../support/emulators";
import { startFaultProxy, useDynamoDbLocal } from "../support/dynamoDbLocal";
import { HOOK_PATH, TOKEN, fixture } from "../support/requests";
import { emulatorEnvironment, loadSerializedHandler } from "../support/serializedHandler";
import { FakeSsm, startFakeSsm } from "../support/fakeSsm";
import { listKeys, scanItems } from "../support/store";
import { captureStdout, quietly } from "../support/stdout";

const REQUIRES_ONLY = (text: string) => [...new Set([...text.matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1].split("/dist")[0]))].sort();

describe("the serialized Lambda handlers", function () {
    this.timeout(30_000);
    const env = useEmulators();
    // The loader moves latest entries in transactions, which dynalite does not serve.
    const table = useDynamoDbLocal();
    let receiver: { text: string };
    let loader: { text: string };
    let queues: SqsEmulator;
    let queueDir: string;
    let ssm: FakeSsm;
    const tokenParameter = "/healthscore/test/receiver/webhook-token";

    before(async () => {
        receiver = await bundleHandler(createLambdaHandler);
        loader = await bundleHandler(createLoaderLambdaHandler);
        queueDir = fs.mkdtempSync(path.join(os.tmpdir(), "healthscore-sqs-"));
        queues = await startSqsEmulator({ dataDir: queueDir, queues: [{ name: "fallback" }] });
        ssm = await startFakeSsm({ [tokenParameter]: TOKEN });
    });
    after(async () => {
        await ssm?.close();
        await queues?.stop();
        fs.rmSync(queueDir, { recursive: true, force: true });
    });

    const environment = () => ({
        ...emulatorEnvironment(env.emulators, {
            bucketName: TEST_BUCKET, tableName: TEST_TABLE, tokenParameter, ssmEndpoint: ssm.endpoint,
            fallbackQueueUrl: queues.queueUrl("fallback"), sqsEndpoint: queues.endpoint,
        }),
        AWS_ENDPOINT_URL_DYNAMODB: table.local.endpoint,
    });

    it("capture no SDK client, superstruct Struct or Pulumi object: they only require the runtime's SDK and Node's modules", () => {
        for (const serialized of [receiver, loader]) {
            assert.ok(!/@pulumi\//.test(serialized.text), "no @pulumi module in the handler code");
            assert.ok(serialized.text.length < 200_000, `handler code is ${serialized.text.length} characters`);
        }
        // The receiver never touches the table: no DynamoDB client in its code. The loader reads no token: no SSM.
        // superstruct, Powertools' logger and util-dynamodb are in the bundle; what is left to `require` is Node's or the runtime's clients.
        assert.deepEqual(REQUIRES_ONLY(receiver.text), ["@aws-sdk/client-s3", "@aws-sdk/client-sqs", "@aws-sdk/client-ssm", "buffer", "crypto", "http", "node:console", "node:crypto"]);
        assert.deepEqual(REQUIRES_ONLY(loader.text), ["@aws-sdk/client-dynamodb", "@aws-sdk/client-s3", "buffer", "crypto", "node:console", "node:crypto"]);
    });

    it("the receiver reads its token from SSM (again after a failed read), archives a real-shape delivery and answers the ALB 202; then the loader, run with S3's event, stores it, twice with one result", async () => {
        const received = loadSerializedHandler(receiver.text, environment());
        const ssmReadsBefore = ssm.requests.length;
        // A blip: the serialized code must tell it from a final error (a captured Set could not: it came back broken).
        ssm.failNext = 1;
        let deliveryId: string;
        try {
            const result = await quietly(() => received.handler({
                requestContext: { elb: { targetGroupArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/hooks/0123456789abcdef" } },
                httpMethod: "POST",
                path: HOOK_PATH,
                headers: { "content-type": "application/json;charset=utf-8", "user-agent": "axios/0.21.4" },
                body: fixture("real-delivery.json").toString("utf8"),
                isBase64Encoded: false,
            }));
            assert.equal(result.statusCode, 202, result.body);
            assert.equal((result as { statusDescription?: string }).statusDescription, "202 Accepted");
            const summary = JSON.parse(result.body);
            assert.equal(summary.accepted, 3);
            deliveryId = summary.delivery_id;
            assert.deepEqual((await listKeys(env.emulators.s3, TEST_BUCKET)).filter((key) => key.includes(deliveryId)), [`raw/${deliveryId}.json`]);
            assert.equal(ssm.requests.length - ssmReadsBefore, 2, "the token was read from SSM on the second attempt");
        } finally {
            received.dispose();
        }

        // Through a proxy that counts what reaches the table: the loader Lambda runs moves latest entries in transactions.
        const wire = await startFaultProxy(table.local.endpoint, () => undefined);
        const loading = loadSerializedHandler<LoaderEventHandler>(loader.text, { ...environment(), AWS_ENDPOINT_URL_DYNAMODB: wire.endpoint });
        try {
            const answer = await quietly(() => loading.handler(objectCreatedEvent(TEST_BUCKET, `raw/${deliveryId}.json`)));
            assert.deepEqual([...new Set(wire.operations)].sort(), ["BatchWriteItem", "TransactWriteItems"]);
            assert.deepEqual((answer as any).loaded.map((l: any) => [l.accepted, l.rejected]), [[3, 0]]);
            const keys = await listKeys(env.emulators.s3, TEST_BUCKET);
            assert.ok(keys.includes(`alerts/metric=health_score/dt=2026-11-27/${deliveryId}.ndjson`));
            const items = await scanItems(table.local.dynamodb, TEST_TABLE);
            assert.equal(items.filter((item) => item.delivery_id === deliveryId && item.kind === "history").length, 3);
            // Again (S3 may notify twice): every latest entry's condition fails, the transaction is cancelled, nothing changes.
            const again = await quietly(() => loading.handler(objectCreatedEvent(TEST_BUCKET, `raw/${deliveryId}.json`)));
            assert.deepEqual((again as any).loaded.map((l: any) => [l.accepted, l.rejected]), [[3, 0]]);
            assert.deepEqual(await scanItems(table.local.dynamodb, TEST_TABLE), items);
        } finally {
            await wire.close();
            loading.dispose();
        }
    });

    it("the receiver sends the body to the fallback queue when the bucket does not take it, and the loader archives it from there", async () => {
        const body = Buffer.from(JSON.stringify([{ ...JSON.parse(fixture("real-delivery.json").toString("utf8"))[0], filters: { subaccount_id: 4401 } }]));
        const received = loadSerializedHandler(receiver.text, { ...environment(), HEALTHSCORE_BUCKET: "no-such-bucket" });
        try {
            const result = await quietly(() => received.handler({ version: "2.0", rawPath: HOOK_PATH, requestContext: { http: { method: "POST" } }, headers: { "content-type": "application/json" }, body: body.toString("base64"), isBase64Encoded: true }));
            assert.equal(result.statusCode, 202, result.body);
            assert.equal(JSON.parse(result.body).queued, true);
        } finally {
            received.dispose();
        }
        const sqs = localSqsClient(queues.endpoint);
        const { Messages: [message] = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queues.queueUrl("fallback"), MessageAttributeNames: ["All"] }));
        sqs.destroy();
        assert.ok(message, "a message in the fallback queue");
        assert.equal(message.MessageAttributes!.delivery_id.StringValue, deliveryIdOf(body));

        const loading = loadSerializedHandler<LoaderEventHandler>(loader.text, environment());
        try {
            const record = {
                eventSource: "aws:sqs" as const, messageId: message.MessageId!, body: message.Body!,
                messageAttributes: Object.fromEntries(Object.entries(message.MessageAttributes!).map(([n, v]) => [n, { stringValue: v.StringValue, dataType: "String" }])),
            };
            assert.deepEqual(await quietly(() => loading.handler({ Records: [record] })), { batchItemFailures: [] });
            assert.ok((await listKeys(env.emulators.s3, TEST_BUCKET)).includes(`raw/${deliveryIdOf(body)}.json`));
            // A message whose bytes are not the delivery it names is reported, not archived.
            const forged = fallbackMessageOf(deliveryIdOf(Buffer.from("[]")), body, new Date());
            assert.ok(forged.ok);
            const answer = await quietly(() => loading.handler({ Records: [{ ...record, messageId: "forged", body: forged.message.body, messageAttributes: Object.fromEntries(Object.entries(forged.message.attributes).map(([n, v]) => [n, { stringValue: v, dataType: "String" }])) }] }));
            assert.deepEqual(answer, { batchItemFailures: [{ itemIdentifier: "forged" }] });
        } finally {
            loading.dispose();
        }
    });

    describe("their log lines and metrics, as Lambda runs them", () => {
        const body = fixture("real-delivery.json").toString("utf8");
        const context = (requestId: string) => ({ functionName: "healthscore-receiver", functionVersion: "$LATEST", invokedFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:healthscore-receiver", memoryLimitInMB: "256", awsRequestId: requestId });
        const albEvent = (path: string, text: string) => ({
            requestContext: { elb: { targetGroupArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/hooks/0123456789abcdef" } },
            httpMethod: "POST", path, headers: { "content-type": "application/json" }, body: text, isBase64Encoded: false,
        });
        let receiverLines: any[];
        let loaderLines: any[];
        let deliveryId: string;

        before(async () => {
            // Lambda sets it; Powertools reads its cold start from it.
            const lambdaEnvironment = { ...environment(), AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand", HEALTHSCORE_STACK: "prod" };
            const received = loadSerializedHandler(receiver.text, lambdaEnvironment);
            try {
                receiverLines = (await captureStdout(async () => {
                    const first = await received.handler(albEvent(HOOK_PATH, body), context("req-1"));
                    deliveryId = JSON.parse(first.body).delivery_id;
                    await received.handler(albEvent(`/hooks/not-${TOKEN}`, body), context("req-2"));
                })).map((line) => JSON.parse(line));
            } finally {
                received.dispose();
            }
            const loading = loadSerializedHandler<LoaderEventHandler>(loader.text, lambdaEnvironment);
            try {
                loaderLines = (await captureStdout(() => loading.handler(objectCreatedEvent(TEST_BUCKET, `raw/${deliveryId}.json`), context("req-3")))).map((line) => JSON.parse(line));
            } finally {
                loading.dispose();
            }
        });

        it("the receiver writes one Powertools JSON line per request: delivery id, counts, metrics seen, duration, and the cold start only on the first", () => {
            const requests = receiverLines.filter((line) => line.message === "request");
            assert.equal(requests.length, 2);
            const [delivery, probe] = requests;
            assert.deepEqual(
                { level: delivery.level, service: delivery.service, cold_start: delivery.cold_start, function_request_id: delivery.function_request_id, status: delivery.status, delivery_id: delivery.delivery_id, accepted: delivery.accepted, rejected: delivery.rejected, metrics: delivery.metrics },
                { level: "INFO", service: "healthscore", cold_start: true, function_request_id: "req-1", status: 202, delivery_id: deliveryId, accepted: 3, rejected: 0, metrics: { health_score: 3 } });
            assert.equal(typeof delivery.duration_ms, "number");
            assert.deepEqual([probe.cold_start, probe.function_request_id, probe.status, probe.route], [false, "req-2", 404, "other"]);
        });

        it("the receiver writes one EMF document per delivery, with the stack's dimensions, and none for a probe", () => {
            const documents = receiverLines.filter((line) => line._aws);
            assert.equal(documents.length, 1);
            assert.deepEqual([documents[0].service, documents[0].stack, documents[0].Deliveries], ["healthscore", "prod", 1]);
        });

        it("the loader writes its load line (counts, metrics seen, duration) and the delivery's band counts as EMF", () => {
            const [load] = loaderLines.filter((line) => line.message === "load");
            assert.deepEqual([load.delivery_id, load.accepted, load.rejected, load.metrics, load.cold_start], [deliveryId, 3, 0, { health_score: 3 }, true]);
            assert.equal(typeof load.duration_ms, "number");
            const [document] = loaderLines.filter((line) => line._aws);
            assert.deepEqual(
                [document.RecordsAccepted, document.RecordsRejected, document.SubaccountsBad, document.SubaccountsNeedsImprovement, document.SubaccountsGood, document.AccountHealthScore],
                // 54.9995 is stored rounded to 3 decimals, 55: needs improvement, as SparkPost's UI would show it.
                [3, 0, 0, 1, 1, 78.273]);
        });

        it("never logs the token, a path the sender chose, or the body", () => {
            const text = JSON.stringify([...receiverLines, ...loaderLines]);
            assert.ok(!text.includes(TOKEN), "token");
            assert.ok(!text.includes("/hooks/"), "path");
            assert.ok(!text.includes("Daily health score") && !text.includes("triggered_value"), "body");
        });
    });
});
