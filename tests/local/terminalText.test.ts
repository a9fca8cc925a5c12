import { strict as assert } from "assert";
import { printable } from "../../local/terminalText";
import { renderTable } from "../../local/queryResult";

describe("local/terminalText printable", () => {
    it("shows control characters a sender chose as escapes, so printing them cannot drive the terminal", () => {
        assert.equal(printable("evil\u001b[2J\u001b]0;pwned\u0007\u009b31mRED"), "evil\\u001b[2J\\u001b]0;pwned\\u0007\\u009b31mRED");
        assert.equal(printable("Daily é 😀"), "Daily é 😀");
    });

    it("is applied to every cell `query` prints, strings and structs alike", () => {
        const printed = renderTable({
            columns: [{ name: "name", type: "VARCHAR" }, { name: "filters", type: "STRUCT" }],
            rows: [{ name: "evil\u001b[2J", filters: { ip_pool: "p\u001b[1mBOLD" } }],
        }, { plain: true });
        assert.doesNotMatch(printed, /\u001b/);
        assert.match(printed, /evil\\u001b\[2J/);
    });
});
