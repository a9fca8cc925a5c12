/**
 * The same queries on a deployed stack, through Athena: start, poll until done, fetch every page. The client is
 * passed in (anything with the SDK client's `send`), so the polling and paging are tested against a fake.
 */
import {
    GetQueryExecutionCommand,
    GetQueryExecutionCommandOutput,
    GetQueryResultsCommand,
    GetQueryResultsCommandOutput,
    Row,
    StartQueryExecutionCommand,
    StartQueryExecutionCommandOutput,
    StopQueryExecutionCommand,
} from "@aws-sdk/client-athena";
import { JsonValue, QueryColumn, QueryResult, decimalNumber, rowKeys, wholeNumber } from "./queryResult";
import { parseOutputs, readOutputsFile, requireOutputs } from "./stackOutputs";

export type AthenaCommand = StartQueryExecutionCommand | GetQueryExecutionCommand | GetQueryResultsCommand | StopQueryExecutionCommand;

/** What the runner needs of `AthenaClient`. */
export interface AthenaSender {
    send(command: AthenaCommand): Promise<unknown>;
}

export interface AthenaRunOptions {
    client: AthenaSender;
    /** The stack's `athenaWorkgroupName`: its enforced settings say where results go and how much may be scanned. */
    workgroup: string;
    /** The stack's `glueDatabaseName`, so that `alerts` needs no qualifier. */
    database: string;
    /** @default 1000 */
    pollIntervalMs?: number;
    /** The query is stopped and reported after this long. @default 300000 (5 minutes) */
    timeoutMs?: number;
    /** Rows per GetQueryResults page (Athena allows at most 1000). @default 1000 */
    pageSize?: number;
    sleep?: (ms: number) => Promise<void>;
    now?: () => number;
}

export class AthenaQueryError extends Error {
    constructor(message: string, readonly queryExecutionId?: string, readonly state?: string) {
        super(message);
        this.name = "AthenaQueryError";
    }
}

export interface StackOutputs {
    athenaWorkgroupName: string;
    glueDatabaseName: string;
}

/** Reads the two names the runner needs from `pulumi stack output --json > FILE`. */
export function readStackOutputs(file: string): StackOutputs {
    return requireOutputs(readOutputsFile(file), ATHENA_OUTPUTS, file);
}

export function parseStackOutputs(text: string, file: string): StackOutputs {
    return requireOutputs(parseOutputs(text, file), ATHENA_OUTPUTS, file);
}

/** The stack outputs that name where Athena queries run. */
export const ATHENA_OUTPUTS = ["athenaWorkgroupName", "glueDatabaseName"] as const;

export async function runAthenaQuery(sql: string, options: AthenaRunOptions): Promise<QueryResult> {
    const pollIntervalMs = options.pollIntervalMs ?? 1000;
    const timeoutMs = options.timeoutMs ?? 300_000;
    const pageSize = options.pageSize ?? 1000;
    const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    const now = options.now ?? Date.now;
    const { client } = options;

    const started = (await client.send(new StartQueryExecutionCommand({
        QueryString: sql,
        WorkGroup: options.workgroup,
        QueryExecutionContext: { Catalog: "AwsDataCatalog", Database: options.database },
    }))) as StartQueryExecutionCommandOutput;
    const id = started.QueryExecutionId;
    if (!id) throw new AthenaQueryError("Athena did not return a query execution id");

    const deadline = now() + timeoutMs;
    let statementType: string | undefined;
    for (;;) {
        const { QueryExecution: execution } = (await client.send(new GetQueryExecutionCommand({ QueryExecutionId: id }))) as GetQueryExecutionCommandOutput;
        const state = execution?.Status?.State;
        statementType = execution?.StatementType;
        if (state === "SUCCEEDED") break;
        if (state === "FAILED" || state === "CANCELLED") {
            const reason = execution?.Status?.AthenaError?.ErrorMessage ?? execution?.Status?.StateChangeReason ?? "no reason given";
            throw new AthenaQueryError(`the query ${state === "FAILED" ? "failed" : "was cancelled"} (${id}): ${reason}`, id, state);
        }
        if (now() >= deadline) {
            await client.send(new StopQueryExecutionCommand({ QueryExecutionId: id }));
            throw new AthenaQueryError(`the query did not finish within ${Math.round(timeoutMs / 1000)} s and was stopped (${id})`, id, state);
        }
        await sleep(pollIntervalMs);
    }

    let columns: QueryColumn[] = [];
    const rows: QueryResult["rows"] = [];
    let nextToken: string | undefined;
    let firstPage = true;
    do {
        const page = (await client.send(new GetQueryResultsCommand({ QueryExecutionId: id, MaxResults: pageSize, NextToken: nextToken }))) as GetQueryResultsCommandOutput;
        if (firstPage) {
            columns = (page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((info) => ({ name: info.Name ?? "", type: info.Type ?? "varchar" }));
        }
        let pageRows = page.ResultSet?.Rows ?? [];
        // The first row of a SELECT's first page repeats the column names.
        if (firstPage && statementType === "DML" && isHeaderRow(pageRows[0], columns)) pageRows = pageRows.slice(1);
        rows.push(...pageRows.map((row) => toRow(row, columns)));
        nextToken = page.NextToken;
        firstPage = false;
    } while (nextToken);
    return { columns, rows };
}

function isHeaderRow(row: Row | undefined, columns: QueryColumn[]): boolean {
    const values = row?.Data?.map((datum) => datum.VarCharValue) ?? [];
    return values.length === columns.length && values.every((value, i) => value === columns[i].name);
}

function toRow(row: Row, columns: QueryColumn[]): Record<string, JsonValue> {
    const keys = rowKeys(columns.map((column) => column.name));
    const data = row.Data ?? [];
    return Object.fromEntries(columns.map((column, i) => [keys[i], fromAthena(data[i]?.VarCharValue, column.type)]));
}

/** Athena returns every value as text (NULL as no value): typed back by the column's type, as DuckDB's rows are. */
export function fromAthena(text: string | undefined, type: string): JsonValue {
    if (text === undefined) return null;
    const base = type.toLowerCase().replace(/\(.*$/, "");
    switch (base) {
        case "tinyint":
        case "smallint":
        case "integer":
        case "int":
        case "bigint":
            return /^-?\d+$/.test(text) ? wholeNumber(text) : text;
        case "double":
        case "float":
        case "real": {
            const value = Number(text);
            return Number.isFinite(value) ? value : text;
        }
        case "decimal":
            return decimalNumber(text);
        case "boolean":
            return text === "true" ? true : text === "false" ? false : text;
        default:
            return text;
    }
}
