/**
 * The receiver's plain function settings, as ReceiverFunction passes them to CallbackFunction. The mocks cannot
 * tell an explicit runtime from CallbackFunction's default (both nodejs22.x today), so the runtime is checked here,
 * where leaving it out fails.
 */
import * as assert from "assert";
import { ReceiverFunctionArgs, receiverFunctionSettings, resolveReceiverArgs } from "../../components/receiverFunction";
import { ArgsOf } from "../../shared/settings";
import { LAMBDA_RUNTIME } from "../../packaging/handlerArchive";

const BASE: ReceiverFunctionArgs = {
    store: { bucketName: "b", bucketArn: "arn:aws:s3:::b", tableName: "t", tableArn: "t", retentionDays: 30 },
    fallbackQueue: { url: "https://sqs.us-east-1.amazonaws.com/123456789012/fallback", arn: "arn:aws:sqs:us-east-1:123456789012:fallback" },
    webhookToken: "valid-token_0123456789",
};

/** The settings CallbackFunction gets for these `lambda` arguments, the table's defaults applied. */
function settingsFor(lambda: ArgsOf<"lambda"> = {}): ReturnType<typeof receiverFunctionSettings> {
    return receiverFunctionSettings(resolveReceiverArgs({ ...BASE, lambda }));
}

describe("receiverFunctionSettings", () => {
    it("sets the runtime explicitly (nodejs22.x), on arm64", () => {
        const settings = settingsFor();
        assert.strictEqual(LAMBDA_RUNTIME, "nodejs22.x");
        assert.strictEqual(settings.runtime, LAMBDA_RUNTIME);
        assert.deepStrictEqual(settings.architectures, ["arm64"]);
    });

    it("reserves nothing by default (Lambda keeps 100 of the account unreserved), or the configured number", () => {
        assert.ok(!("reservedConcurrentExecutions" in settingsFor()));
        assert.strictEqual(settingsFor({ reservedConcurrency: 3 }).reservedConcurrentExecutions, 3);
    });

    it("leaves reservedConcurrentExecutions out with \"none\" (not 0, which would throttle every request)", () => {
        assert.ok(!("reservedConcurrentExecutions" in settingsFor({ reservedConcurrency: "none" })));
    });

    it("takes memory and timeout, 256 MB and 10 s by default", () => {
        const { memorySize, timeout } = settingsFor();
        assert.deepStrictEqual([memorySize, timeout], [256, 10]);
        const configured = settingsFor({ lambdaMemoryMb: 512, lambdaTimeoutSeconds: 20 });
        assert.deepStrictEqual([configured.memorySize, configured.timeout], [512, 20]);
    });

    it("resolveReceiverArgs accepts \"none\" and refuses other words or out-of-range counts", () => {
        assert.doesNotThrow(() => resolveReceiverArgs({ ...BASE, lambda: { reservedConcurrency: "none" } }));
        assert.throws(() => resolveReceiverArgs({ ...BASE, lambda: { reservedConcurrency: "nothing" as unknown as "none" } }), /reservedConcurrency must be/);
        assert.throws(() => resolveReceiverArgs({ ...BASE, lambda: { reservedConcurrency: 0 } }), /reservedConcurrency must be a whole number from 1 to 1000/);
    });
});
