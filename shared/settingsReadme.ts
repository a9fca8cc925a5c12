/**
 * The README's configuration table, rendered from the settings table: one row per key, in the table's order.
 * `npm run readme` writes it into README.md between the two markers; a test fails when they differ.
 */
import { SETTINGS, SettingKey, SettingSpec, ingressOf } from "./settings";

export const TABLE_START = "<!-- settings table: generated from shared/settings.ts by `npm run readme` -->";
export const TABLE_END = "<!-- end of settings table -->";

const INGRESS_NAMES = { alb: "ALB", "function-url": "Function URL" } as const;

export function settingsTableMarkdown(): string {
    const rows = (Object.keys(SETTINGS) as SettingKey[]).map((key) => {
        const spec = SETTINGS[key] as SettingSpec;
        const name = `\`${key}\`${spec.secret ? " (secret)" : ""}`;
        const defaultText = spec.defaultDoc ?? (spec.default === undefined ? "none" : spec.kind.show(spec.default));
        const only = ingressOf(key);
        const meaning = only ? `${INGRESS_NAMES[only]} only. ${capitalize(spec.doc)}` : spec.doc;
        return `| ${name} | ${defaultText} | ${spec.kind.values} | ${meaning} |`;
    });
    return ["| key | default | values | meaning |", "|---|---|---|---|", ...rows].join("\n");
}

/** `readme` with the text between the markers replaced by the current table; throws when a marker is missing. */
export function withSettingsTable(readme: string): string {
    const start = readme.indexOf(TABLE_START);
    const end = readme.indexOf(TABLE_END);
    if (start < 0 || end < start) throw new Error(`README.md must hold "${TABLE_START}" and, after it, "${TABLE_END}"`);
    return `${readme.slice(0, start + TABLE_START.length)}\n${settingsTableMarkdown()}\n${readme.slice(end)}`;
}

function capitalize(text: string): string {
    return text.charAt(0).toUpperCase() + text.slice(1);
}
