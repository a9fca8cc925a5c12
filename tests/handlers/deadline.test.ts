/** Retrying within a time budget: each attempt has a deadline, and the whole run ends by the budget. */
import { strict as assert } from "assert";
import { BudgetExhaustedError, retryWithinBudget } from "../../handlers/deadline";
import { describeError } from "../../handlers/errors";

const hang = (signal: AbortSignal) => new Promise<never>((_, reject) => signal.addEventListener("abort", () => reject(new Error("aborted"))));

describe("handlers/deadline", () => {
    it("answers the first success", async () => {
        let calls = 0;
        const value = await retryWithinBudget({ attempts: 3, attemptTimeoutMs: 100, budgetMs: 1_000, backoffBaseMs: 1 }, async () => {
            if (++calls < 2) throw new Error("transient");
            return "ok";
        });
        assert.deepEqual([value, calls], ["ok", 2]);
    });

    it("aborts an attempt that hangs at its deadline, and ends by the budget, naming the attempts and the last error", async () => {
        const started = Date.now();
        const attempts: number[] = [];
        await assert.rejects(retryWithinBudget({ attempts: 5, attemptTimeoutMs: 80, budgetMs: 200, backoffBaseMs: 1 }, (signal, n) => {
            attempts.push(n);
            return hang(signal);
        }), (err: unknown) => {
            assert.ok(err instanceof BudgetExhaustedError);
            assert.match(describeError(err), /^BudgetExhaustedError: \d attempt\(s\) in \d+ ms all failed; the last: Error: aborted/);
            return true;
        });
        const elapsed = Date.now() - started;
        assert.ok(elapsed >= 150 && elapsed < 400, `${elapsed} ms`);
        assert.ok(attempts.length >= 2 && attempts.length <= 3, `${attempts.length} attempts`);
    });

    it("stops at once on an error it is told is final", async () => {
        let calls = 0;
        await assert.rejects(retryWithinBudget({ attempts: 5, attemptTimeoutMs: 100, budgetMs: 1_000, backoffBaseMs: 1 }, async () => {
            calls++;
            throw new RangeError("final");
        }, (err) => err instanceof RangeError), RangeError);
        assert.equal(calls, 1);
    });
});
