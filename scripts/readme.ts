/**
 * `npm run readme`: writes the configuration table, rendered from the settings table (shared/settings.ts), into
 * README.md between its markers. Run it after adding or changing a setting; tests/shared/settingsReadme.test.ts
 * fails until the README matches.
 */
import * as fs from "fs";
import * as path from "path";
import { withSettingsTable } from "../shared/settingsReadme";

const readmePath = path.join(__dirname, "..", "README.md");
const before = fs.readFileSync(readmePath, "utf8");
const after = withSettingsTable(before);
if (after === before) {
    process.stdout.write("README.md's configuration table is up to date.\n");
} else {
    fs.writeFileSync(readmePath, after);
    process.stdout.write("README.md's configuration table rewritten from shared/settings.ts.\n");
}
