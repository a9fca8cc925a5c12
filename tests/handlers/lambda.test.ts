/**
 * The Lambda entry point as Pulumi ships it: `createLambdaHandler` serialized by the same function
 * `aws.lambda.CallbackFunction` uses, written to disk, loaded, and run against the emulators. Under Pulumi's
 * mocks a serialization failure is a hung output, not an error, so it is proven here directly.
 */
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { createLambdaHandler } from "../../handlers/lambda";
import { TEST_BUCKET, TEST_TABLE, useEmulators } from "../support/emulators";
import { HOOK_PATH, TOKEN, fixture } from "../support/requests";
import { emulatorEnvironment, loadSerializedHandler } from "../support/serializedHandler";
import { listKeys, scanItems } from "../support/store";

describe("the serialized Lambda handler", function () {
    this.timeout(30_000);
    const env = useEmulators();
    let serialized: { text: string; exportName: string };

    before(async () => {
        serialized = await pulumi.runtime.serializeFunction(createLambdaHandler, { isFactoryFunction: true });
    });

    it("captures no SDK client, superstruct Struct or Pulumi object: only requires them", () => {
        assert.equal(serialized.exportName, "handler");
        assert.ok(!/@pulumi\//.test(serialized.text), "no @pulumi module in the handler code");
        const required = [...serialized.text.matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1].split("/dist")[0]).sort();
        assert.deepEqual([...new Set(required)], ["@aws-sdk/client-dynamodb", "@aws-sdk/client-s3", "@aws-sdk/util-dynamodb", "buffer", "crypto", "http", "superstruct"]);
        assert.ok(serialized.text.length < 200_000, `handler code is ${serialized.text.length} characters`);
    });

    it("stores a real-shape delivery in the emulators, answering the ALB", async () => {
        const loaded = loadSerializedHandler(serialized.text, emulatorEnvironment(env.emulators, { bucketName: TEST_BUCKET, tableName: TEST_TABLE, token: TOKEN }));
        try {
            const result = await loaded.handler({
                requestContext: { elb: { targetGroupArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/hooks/0123456789abcdef" } },
                httpMethod: "POST",
                path: HOOK_PATH,
                headers: { "content-type": "application/json;charset=utf-8", "user-agent": "axios/0.21.4" },
                body: fixture("real-delivery.json").toString("utf8"),
                isBase64Encoded: false,
            });
            assert.equal(result.statusCode, 200, result.body);
            assert.equal((result as { statusDescription?: string }).statusDescription, "200 OK");
            const summary = JSON.parse(result.body);
            assert.equal(summary.accepted, 3);
            const keys = await listKeys(env.emulators.s3, TEST_BUCKET);
            assert.ok(keys.some((key) => key.startsWith("raw/") && key.endsWith(`${summary.delivery_id}.json`)));
            assert.ok(keys.includes(`alerts/metric=health_score/dt=2026-11-27/${summary.delivery_id}.ndjson`));
            const items = await scanItems(env.emulators.dynamodb, TEST_TABLE);
            assert.equal(items.filter((item) => item.delivery_id === summary.delivery_id && item.kind === "history").length, 3);
        } finally {
            loaded.dispose();
        }
    });
});
