import { strict as assert } from "assert";
import { reservationProblem } from "../../shared/lambdaConcurrency";

describe("shared/lambdaConcurrency reservationProblem", () => {
    const receiver = (reserved: number | "none") => ({ setting: "healthscore:reservedConcurrency", reserved });
    const loader = (reserved: number | "none") => ({ setting: "healthscore:loaderReservedConcurrency", reserved });

    it("allows up to the quota minus the 100 Lambda keeps unreserved", () => {
        assert.strictEqual(reservationProblem([receiver(900)], 1000, "eu-west-1"), undefined);
        assert.match(reservationProblem([receiver(901)], 1000, "eu-west-1") ?? "",
            /^healthscore:reservedConcurrency is 901, but the account's Lambda concurrency quota in eu-west-1 is 1000 .*at most 900 can be reserved\. Set healthscore:reservedConcurrency none/);
    });

    it("counts the stack's reservations together, as Lambda counts the account's: each fits alone, not both", () => {
        assert.strictEqual(reservationProblem([receiver(500)], 1000, "us-east-1"), undefined);
        assert.strictEqual(reservationProblem([loader(500)], 1000, "us-east-1"), undefined);
        const problem = reservationProblem([receiver(500), loader(401)], 1000, "us-east-1");
        assert.match(problem ?? "", /^healthscore:reservedConcurrency \(500\) and healthscore:loaderReservedConcurrency \(401\) reserve 901 together, .*at most 900 can be reserved/);
        assert.match(problem ?? "", /Set healthscore:reservedConcurrency or healthscore:loaderReservedConcurrency none/);
        assert.strictEqual(reservationProblem([receiver(500), loader(400)], 1000, "us-east-1"), undefined);
    });

    it("ignores none, and nothing can be reserved under a quota of 100 or less (new accounts start at 10)", () => {
        assert.strictEqual(reservationProblem([receiver("none"), loader("none")], 10, "us-east-1"), undefined);
        assert.match(reservationProblem([receiver("none"), loader(1)], 10, "us-east-1") ?? "", /^healthscore:loaderReservedConcurrency is 1, .*at most 0 can be reserved/);
    });
});
