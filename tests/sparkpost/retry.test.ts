import { strict as assert } from "assert";
import { RetryPolicy, backoffDelayMs, mayRetry, retryAfterMs } from "../../sparkpost/retry";

const POLICY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 1_000, maxDelayMs: 8_000, maxTotalMs: 30_000 };

describe("retry policy", () => {
    describe("backoffDelayMs", () => {
        it("doubles from the base delay up to the cap, between half and all of each step", () => {
            const lowest = [1, 2, 3, 4, 5].map((attempt) => backoffDelayMs(POLICY, attempt, () => 0));
            const highest = [1, 2, 3, 4, 5].map((attempt) => backoffDelayMs(POLICY, attempt, () => 1));
            assert.deepEqual(lowest, [500, 1_000, 2_000, 4_000, 4_000]);
            assert.deepEqual(highest, [1_000, 2_000, 4_000, 8_000, 8_000]);
        });

        it("spreads clients by the random share", () => {
            assert.equal(backoffDelayMs(POLICY, 2, () => 0.25), 1_250);
        });
    });

    describe("retryAfterMs", () => {
        const now = Date.parse("2026-11-27T09:00:00Z");

        it("reads delay-seconds", () => {
            assert.equal(retryAfterMs("120", now), 120_000);
            assert.equal(retryAfterMs(" 0 ", now), 0);
        });

        it("reads an HTTP date, never below zero", () => {
            assert.equal(retryAfterMs("Fri, 27 Nov 2026 09:00:30 GMT", now), 30_000);
            assert.equal(retryAfterMs("Fri, 27 Nov 2026 08:00:00 GMT", now), 0);
        });

        it("leaves an absent or unreadable header to the backoff", () => {
            assert.equal(retryAfterMs(null, now), undefined);
            assert.equal(retryAfterMs(undefined, now), undefined);
            assert.equal(retryAfterMs("soon", now), undefined);
            assert.equal(retryAfterMs("-5", now), undefined);
        });
    });

    describe("mayRetry", () => {
        it("stops at the last attempt", () => {
            assert.equal(mayRetry(POLICY, 4, 0, 0), true);
            assert.equal(mayRetry(POLICY, 5, 0, 0), false);
        });

        it("stops when the pause would end past the total time allowed", () => {
            assert.equal(mayRetry(POLICY, 1, 20_000, 10_000), true);
            assert.equal(mayRetry(POLICY, 1, 20_000, 10_001), false);
        });
    });
});
