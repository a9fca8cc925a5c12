/**
 * The receiver's plain function settings, as ReceiverFunction passes them to CallbackFunction. The mocks cannot
 * tell an explicit runtime from CallbackFunction's default (both nodejs22.x today), so the runtime is checked here,
 * where leaving it out fails.
 */
import * as assert from "assert";
import { RECEIVER_RUNTIME, receiverFunctionSettings, validateReceiverArgs } from "../../components/receiverFunction";

describe("receiverFunctionSettings", () => {
    it("sets the runtime explicitly (nodejs22.x), on arm64", () => {
        const settings = receiverFunctionSettings({});
        assert.strictEqual(RECEIVER_RUNTIME, "nodejs22.x");
        assert.strictEqual(settings.runtime, RECEIVER_RUNTIME);
        assert.deepStrictEqual(settings.architectures, ["arm64"]);
    });

    it("reserves 10 concurrent executions by default, or the configured number", () => {
        assert.strictEqual(receiverFunctionSettings({}).reservedConcurrentExecutions, 10);
        assert.strictEqual(receiverFunctionSettings({ reservedConcurrency: 3 }).reservedConcurrentExecutions, 3);
    });

    it("leaves reservedConcurrentExecutions out with \"none\" (not 0, which would throttle every request)", () => {
        assert.ok(!("reservedConcurrentExecutions" in receiverFunctionSettings({ reservedConcurrency: "none" })));
    });

    it("takes memory and timeout, 256 MB and 10 s by default", () => {
        const { memorySize, timeout } = receiverFunctionSettings({});
        assert.deepStrictEqual([memorySize, timeout], [256, 10]);
        const configured = receiverFunctionSettings({ memoryMb: 512, timeoutSeconds: 20 });
        assert.deepStrictEqual([configured.memorySize, configured.timeout], [512, 20]);
    });

    it("validateReceiverArgs accepts \"none\" and refuses other words or out-of-range counts", () => {
        const base = { bucketName: "b", bucketArn: "arn:aws:s3:::b", tableName: "t", tableArn: "t", webhookToken: "x", retentionDays: 30 };
        assert.doesNotThrow(() => validateReceiverArgs({ ...base, reservedConcurrency: "none" }));
        assert.throws(() => validateReceiverArgs({ ...base, reservedConcurrency: "nothing" as unknown as "none" }), /reservedConcurrency must be/);
        assert.throws(() => validateReceiverArgs({ ...base, reservedConcurrency: 0 }), /reservedConcurrency must be a whole number from 1 to 1000/);
    });
});
