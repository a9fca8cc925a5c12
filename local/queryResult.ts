/**
 * The answer of a query, whichever engine ran it (DuckDB locally, Athena in AWS), and how the CLI prints it:
 * JSON for machines, a table for people. Pure: no engine, no I/O.
 */
import Table from "cli-table3";
import { tableStyle } from "./tableStyle";
import { printable } from "./terminalText";

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface QueryColumn {
    name: string;
    /** The engine's type name (`BIGINT`, `VARCHAR`; Athena: `bigint`, `varchar`). */
    type: string;
}

export interface QueryResult {
    columns: QueryColumn[];
    /** Keyed by column name; a repeated name gets a `:<n>` suffix, as DuckDB's own JSON output does. */
    rows: Array<Record<string, JsonValue>>;
    /** Something the reader should know about the answer, such as an empty lake. Printed to stderr. */
    notice?: string;
    /** What the answer leaves out and why, such as a lake object that could not be read. Printed to stderr. */
    warnings?: string[];
}

/** Unique keys for the columns' names, in order: `x`, `x:1`, `x:2`. */
export function rowKeys(names: readonly string[]): string[] {
    const seen = new Map<string, number>();
    return names.map((name) => {
        const count = seen.get(name) ?? 0;
        seen.set(name, count + 1);
        return count === 0 ? name : `${name}:${count}`;
    });
}

/** A whole number as a JS number when it is exactly representable, else as its decimal string. */
export function wholeNumber(value: bigint | string): number | string {
    const asBigint = typeof value === "bigint" ? value : BigInt(value);
    const asNumber = Number(asBigint);
    return Number.isSafeInteger(asNumber) ? asNumber : asBigint.toString();
}

/** A DECIMAL's text as a JS number when it has at most 15 significant digits (all exact in a double), else the text. */
export function decimalNumber(text: string): number | string {
    const digits = text.replace(/[-+.]/g, "").replace(/^0+/, "");
    return digits.length <= 15 ? Number(text) : text;
}

export function renderJson(result: QueryResult): string {
    return JSON.stringify(result.rows, null, 2);
}

/** A table with one column per result column; `(no rows)` when there is none. */
export function renderTable(result: QueryResult, options: { plain?: boolean } = {}): string {
    if (result.rows.length === 0) return "(no rows)";
    const keys = rowKeys(result.columns.map((column) => column.name));
    const table = new Table({
        head: result.columns.map((column) => column.name),
        style: tableStyle(options.plain ?? false),
    });
    for (const row of result.rows) table.push(keys.map((key) => formatCell(row[key])));
    const count = `${result.rows.length} row${result.rows.length === 1 ? "" : "s"}`;
    return `${table.toString()}\n${count}`;
}

function formatCell(value: JsonValue | undefined): string {
    if (value === null || value === undefined) return "NULL";
    return printable(typeof value === "object" ? JSON.stringify(value) : String(value));
}
