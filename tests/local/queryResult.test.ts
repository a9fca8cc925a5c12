import { strict as assert } from "assert";
import { decimalNumber, renderJson, renderTable, rowKeys, wholeNumber } from "../../local/queryResult";

describe("local/queryResult", () => {
    it("keeps whole numbers exact: a number when safe, else a string", () => {
        assert.equal(wholeNumber(42n), 42);
        assert.equal(wholeNumber(-1n), -1);
        assert.equal(wholeNumber(2n ** 60n), "1152921504606846976");
        assert.equal(wholeNumber("9007199254740991"), 9007199254740991);
    });

    it("turns decimals into numbers up to 15 significant digits", () => {
        assert.equal(decimalNumber("23.274"), 23.274);
        assert.equal(decimalNumber("-0.001"), -0.001);
        assert.equal(decimalNumber("1234567890.1234567"), "1234567890.1234567");
    });

    it("gives repeated column names distinct keys", () => {
        assert.deepEqual(rowKeys(["x", "y", "x", "x"]), ["x", "y", "x:1", "x:2"]);
    });

    it("renders rows as JSON or as a plain table with a row count", () => {
        const result = { columns: [{ name: "subaccount_id", type: "BIGINT" }, { name: "filters", type: "STRUCT" }], rows: [{ subaccount_id: 17, filters: { ip_pool: null } }, { subaccount_id: -1, filters: null }] };
        assert.deepEqual(JSON.parse(renderJson(result)), result.rows);
        const table = renderTable(result, { plain: true });
        assert.match(table, /│ 17\s+│ \{"ip_pool":null\} │/);
        assert.match(table, /│ -1\s+│ NULL\s+│/);
        assert.ok(!table.includes("\u001b["), "no colour codes when plain");
        assert.match(table, /\n2 rows$/);
        assert.equal(renderTable({ columns: result.columns, rows: [] }), "(no rows)");
    });
});
