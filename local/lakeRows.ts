/**
 * The rows of the named queries the page and the pools read, typed: DuckDB and Athena both answer numbers as
 * numbers (or, past 2^53, as strings) and days as strings; anything else means the query is not the one expected.
 */
import type { DailySubaccountScore } from "../shared/pools";
import type { ScoreDrop } from "./page/scorePage";
import { JsonValue, QueryResult } from "./queryResult";

/** The `daily` named query's rows. */
export function dailyScoresOf(result: QueryResult): DailySubaccountScore[] {
    return result.rows.map((row) => ({
        subaccount_id: numberField(row, "subaccount_id", "daily"),
        dt: dayField(row, "dt", "daily"),
        score: numberField(row, "score", "daily"),
    }));
}

/** The `drops` named query's rows. */
export function dropsOf(result: QueryResult): ScoreDrop[] {
    return result.rows.map((row) => ({
        subaccount_id: numberField(row, "subaccount_id", "drops"),
        previous_dt: dayField(row, "previous_dt", "drops"),
        dt: dayField(row, "dt", "drops"),
        previous_score: numberField(row, "previous_score", "drops"),
        score: numberField(row, "score", "drops"),
        score_drop: numberField(row, "score_drop", "drops"),
    }));
}

function numberField(row: Record<string, JsonValue>, column: string, query: string): number {
    const value = typeof row[column] === "string" ? Number(row[column]) : row[column];
    if (typeof value !== "number" || !Number.isFinite(value)) {
        throw new Error(`the ${query} query answered ${column} = ${JSON.stringify(row[column] ?? null)}, not a number`);
    }
    return value;
}

function dayField(row: Record<string, JsonValue>, column: string, query: string): string {
    const value = row[column];
    if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(value)) {
        throw new Error(`the ${query} query answered ${column} = ${JSON.stringify(value ?? null)}, not a day (YYYY-MM-DD)`);
    }
    return value;
}
