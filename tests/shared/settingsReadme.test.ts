/** The README's configuration table is the settings table, rendered: every key, default, value range and doc. */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { SETTINGS, SettingKey, SettingSpec, ingressOf } from "../../shared/settings";
import { TABLE_END, TABLE_START, settingsTableMarkdown, withSettingsTable } from "../../shared/settingsReadme";

const README = fs.readFileSync(path.join(__dirname, "..", "..", "README.md"), "utf8");

describe("shared/settingsReadme", () => {
    it("README.md's configuration table is the one the settings table renders (run `npm run readme` after changing a setting)", () => {
        assert.strictEqual(withSettingsTable(README), README);
    });

    it("has one row per key, in the table's order, saying which are secret and which apply to the ALB only", () => {
        const section = README.slice(README.indexOf(TABLE_START), README.indexOf(TABLE_END));
        const rows = section.split("\n").filter((line) => line.startsWith("| `"));
        const keys = Object.keys(SETTINGS) as SettingKey[];
        assert.deepStrictEqual(rows.map((row) => /^\| `(\w+)`/.exec(row)![1]), keys);
        for (const [i, key] of keys.entries()) {
            const spec = SETTINGS[key] as SettingSpec;
            assert.strictEqual(rows[i].includes("(secret)"), spec.secret, key);
            assert.strictEqual(rows[i].includes("| ALB only. "), ingressOf(key) === "alb", key);
        }
    });

    it("shows each fixed default as the value parseConfig applies", () => {
        const table = settingsTableMarkdown();
        assert.ok(table.includes("| `lambdaMemoryMb` | 256 | 128 to 10,240 |"), table);
        assert.ok(table.includes("| `allowedCidrs` | `[\"0.0.0.0/0\"]` |"), table);
        assert.ok(table.includes("| `reservedConcurrency` | `none` | 1 to 1,000, or `none` |"), table);
        assert.ok(table.includes("| `lake` | `crawler` | `none` or `crawler` or `projection` |"), table);
    });

    it("refuses a README without its markers, rather than losing the table", () => {
        assert.throws(() => withSettingsTable("# a README\n"), /must hold/);
    });
});
