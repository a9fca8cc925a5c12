/**
 * The project's pipeline as deployed: the receiver (`buildLambdaHandler`, invoked with the event an ALB sends)
 * archives the raw body and answers; the S3 notification then runs the loader (`buildLoaderHandler`, with the
 * notification's event), which writes the lake and DynamoDB. Both run in the worker's process, their clients through
 * the latency proxy; the notification's own delay is the model's `s3:EventNotification` step.
 */
import { SQSClient } from "@aws-sdk/client-sqs";
import { buildLambdaHandler, buildLoaderHandler } from "../../handlers/lambda";
import { objectCreatedEvent } from "../../handlers/loaderEvents";
import { silentLogger } from "../../handlers/logger";
import { staticTokens } from "../../handlers/tokenSource";
import { rawObjectKey } from "../../shared/layout";
import { toAlbEvent } from "../../local/albEvent";
import { EMULATOR_CREDENTIALS, EMULATOR_REGION } from "./clients";
import { readBackStore } from "./storeReadBack";
import type { PipelineDefinition } from "./pipeline";

const TOKEN = "bench-token_0123456789abcdef";
const METRIC = "health_score";
/** The fallback queue is only written when S3 fails, which the benchmark does not make happen: nothing listens here. */
const UNUSED_QUEUE_URL = "http://127.0.0.1:9/000000000000/unused";

export const asynchronousPipeline: PipelineDefinition = {
    id: "asynchronous",
    title: "this project",
    description: "`buildLambdaHandler` behind an ALB event archives the raw body in S3 and answers 202; the S3 notification " +
        "then runs `buildLoaderHandler`, which writes the lake objects and the DynamoDB history (BatchWriteItem, 25 items " +
        "each) and latest entries (those of 100 records in one TransactWriteItems, every put under its own condition), 64 requests at a time.",
    // The loader's timeout: a delivery not stored by then never will be.
    settleMs: 300_000,
    async create(context) {
        const sqs = new SQSClient({ endpoint: "http://127.0.0.1:9", region: EMULATOR_REGION, credentials: EMULATOR_CREDENTIALS, maxAttempts: 1 });
        const receiver = buildLambdaHandler(
            { bucketName: context.store.bucketName, fallbackQueueUrl: UNUSED_QUEUE_URL },
            { s3: context.proxied.s3, sqs, tokens: staticTokens({ token: TOKEN }), logger: silentLogger },
        );
        const loader = buildLoaderHandler({ ...context.store, retentionDays: 30 }, { ...context.proxied, logger: silentLogger });
        const loads = new Set<Promise<unknown>>();
        return {
            async deliver(delivery) {
                const event = toAlbEvent({
                    method: "POST",
                    url: `/hooks/${TOKEN}`,
                    headers: { "content-type": "application/json;charset=utf-8", "user-agent": "axios/0.21.4" },
                    body: delivery.body,
                });
                const result = await receiver(event);
                const deliveryId = (JSON.parse(result.body) as { delivery_id?: string }).delivery_id;
                if (deliveryId && result.statusCode < 500) {
                    // What S3 and Lambda do after the answer: notify, then invoke the loader asynchronously.
                    const load = context.event("s3:EventNotification")
                        .then(() => loader(objectCreatedEvent(context.store.bucketName, rawObjectKey(deliveryId))))
                        .catch(() => undefined);
                    loads.add(load);
                    void load.finally(() => loads.delete(load));
                }
                return { status: result.statusCode, body: result.body };
            },
            async readBack(delivery, answer) {
                const deliveryId = (JSON.parse(answer.body) as { delivery_id?: string }).delivery_id;
                if (!deliveryId) return { inTable: 0, inLake: 0 };
                return readBackStore(context.direct, context.store, METRIC, deliveryId, delivery.triggeredAt);
            },
            async settled() {
                await Promise.all([...loads]);
            },
            async close() {
                await Promise.all([...loads]);
                sqs.destroy();
            },
        };
    },
};
