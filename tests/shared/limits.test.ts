/** The limits and fixed answers shared by the receiver, the components and the local stack. */
import * as assert from "assert";
import { createReceiver } from "../../handlers/receiver";
import { silentLogger } from "../../handlers/logger";
import type { DeliveryStorage } from "../../handlers/storage";
import {
    HOOK_PATH_PREFIX,
    MAX_ALB_TOKEN_LENGTH,
    MAX_BODY_BYTES,
    NOT_FOUND,
    NOT_FOUND_BODY,
    TOKEN_RULE,
    isValidToken,
    maxTokenLength,
} from "../../shared/limits";
import { TOKEN, hookRequest } from "../support/requests";

/** Storage that fails the test if the receiver touches it. */
const untouchable = new Proxy({}, {
    get(_target, property) {
        throw new Error(`the receiver used storage.${String(property)} for a request it should refuse`);
    },
}) as DeliveryStorage;

describe("shared/limits", () => {
    it("gives each ingress its body limit: 1 MiB behind the ALB, 6 MiB on a Function URL", () => {
        assert.deepStrictEqual(MAX_BODY_BYTES, { alb: 1_048_576, "function-url": 6_291_456 });
    });

    it("fits the longest ALB token exactly in an ALB path pattern's 128 characters", () => {
        assert.strictEqual(MAX_ALB_TOKEN_LENGTH, 121);
        assert.strictEqual(HOOK_PATH_PREFIX.length + MAX_ALB_TOKEN_LENGTH, 128);
        assert.deepStrictEqual([maxTokenLength("alb"), maxTokenLength("function-url")], [121, 128]);
        assert.ok(isValidToken("a".repeat(128)) && !isValidToken("a".repeat(129)) && !isValidToken("a".repeat(15)));
        assert.strictEqual(TOKEN_RULE, "16 to 128 characters of A-Z, a-z, 0-9, \"_\" or \"-\"");
    });

    it("is the receiver's 404 body, byte for byte, for every request off the hook path", async () => {
        const receive = createReceiver({ storage: untouchable, token: TOKEN, logger: silentLogger });
        const refused = [
            hookRequest("[]", { path: "/hooks/wrong-token-0123456789abc" }),
            hookRequest("[]", { method: "GET" }),
            hookRequest("[]", { path: "/" }),
        ];
        for (const request of refused) {
            const response = await receive(request);
            assert.strictEqual(response.statusCode, 404);
            assert.strictEqual(response.body, NOT_FOUND_BODY);
        }
        assert.strictEqual(NOT_FOUND_BODY, JSON.stringify(NOT_FOUND));
    });
});
