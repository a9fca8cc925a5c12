/**
 * Today's receiver, assembled as Lambda runs it (`buildLambdaHandler`) and invoked with the event an ALB sends:
 * it archives the raw body, then writes the lake and DynamoDB before it answers.
 */
import { buildLambdaHandler } from "../../handlers/lambda";
import { staticTokens } from "../../handlers/tokenSource";
import { silentLogger } from "../../handlers/logger";
import { toAlbEvent } from "../../local/albEvent";
import { readBackStore } from "./storeReadBack";
import type { PipelineDefinition } from "./pipeline";

const TOKEN = "bench-token_0123456789abcdef";
const METRIC = "health_score";

export const currentPipeline: PipelineDefinition = {
    id: "current",
    title: "this project",
    description: "`buildLambdaHandler` behind an ALB event: raw body to S3, then the lake objects and the DynamoDB " +
        "history (BatchWriteItem, 25 items each) and latest entries (one conditional PutItem per subaccount), 8 requests at a time.",
    settleMs: 0,
    async create(context) {
        const handler = buildLambdaHandler(
            { ...context.store, retentionDays: 30 },
            { ...context.proxied, tokens: staticTokens({ token: TOKEN }), logger: silentLogger },
        );
        return {
            async deliver(delivery) {
                const event = toAlbEvent({
                    method: "POST",
                    url: `/hooks/${TOKEN}`,
                    headers: { "content-type": "application/json;charset=utf-8", "user-agent": "axios/0.21.4" },
                    body: delivery.body,
                });
                const result = await handler(event);
                return { status: result.statusCode, body: result.body };
            },
            async readBack(delivery, answer) {
                const deliveryId = (JSON.parse(answer.body) as { delivery_id?: string }).delivery_id;
                if (!deliveryId) return { inTable: 0, inLake: 0 };
                return readBackStore(context.direct, context.store, METRIC, deliveryId, delivery.triggeredAt);
            },
            async close() {
                // The clients belong to the harness.
            },
        };
    },
};
