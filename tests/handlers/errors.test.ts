import { strict as assert } from "assert";
import { firstAndCount } from "../../handlers/errors";

describe("handlers/errors firstAndCount", () => {
    it("names the first few and counts the rest, so one body's thousands of failures stay one short line", () => {
        assert.equal(firstAndCount(["a", "b"], 3), "a, b");
        assert.equal(firstAndCount(["a", "b", "c", "d", "e"], 3, "; "), "a; b; c and 2 more");
        assert.ok(firstAndCount(Array.from({ length: 5_000 }, (_, i) => `lake partition metric=m${i}/dt=2021-01-01`), 5).length < 300);
    });
});
