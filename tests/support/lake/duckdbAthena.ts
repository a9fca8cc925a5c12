/**
 * An Athena that answers with DuckDB: each StartQueryExecution runs its SQL on a local lake (the same SQL the
 * named queries save in Athena), and GetQueryResults pages the answer in Athena's shape (every value a string,
 * a header row first, Athena's type names), so a command's Athena path is tested end to end on real data.
 */
import {
    GetQueryExecutionCommand,
    GetQueryResultsCommand,
    StartQueryExecutionCommand,
    StartQueryExecutionCommandInput,
    StopQueryExecutionCommand,
} from "@aws-sdk/client-athena";
import type { AthenaCommand, AthenaSender } from "../../../local/athena";
import type { LocalLake } from "../../../local/query";
import type { JsonValue, QueryResult } from "../../../local/queryResult";
import { page } from "./fakeAthena";

type Execution = { result: QueryResult } | { error: string };

export class DuckDbAthena implements AthenaSender {
    readonly started: StartQueryExecutionCommandInput[] = [];
    destroyed = false;
    private readonly executions = new Map<string, Execution>();

    constructor(private readonly lake: Pick<LocalLake, "query">) {}

    async send(command: AthenaCommand): Promise<unknown> {
        if (command instanceof StartQueryExecutionCommand) {
            this.started.push(command.input);
            const id = `qe-${this.started.length}`;
            try {
                this.executions.set(id, { result: await this.lake.query(command.input.QueryString ?? "") });
            } catch (err) {
                this.executions.set(id, { error: (err as Error).message });
            }
            return { QueryExecutionId: id };
        }
        if (command instanceof GetQueryExecutionCommand) {
            const execution = this.execution(command.input.QueryExecutionId);
            const status = "error" in execution ? { State: "FAILED", AthenaError: { ErrorMessage: execution.error } } : { State: "SUCCEEDED" };
            return { QueryExecution: { QueryExecutionId: command.input.QueryExecutionId, StatementType: "DML", Status: status } };
        }
        if (command instanceof GetQueryResultsCommand) {
            const execution = this.execution(command.input.QueryExecutionId);
            if ("error" in execution) throw new Error("InvalidRequestException: the query failed");
            const { columns, rows } = execution.result;
            const all = [columns.map((column) => column.name), ...rows.map((row) => columns.map((column) => athenaText(row[column.name])))];
            const size = command.input.MaxResults ?? 1000;
            const start = command.input.NextToken ? Number(command.input.NextToken) : 0;
            const next = start + size < all.length ? String(start + size) : undefined;
            return { ResultSet: page(columns.map((column) => [column.name, athenaType(column.type)]), all.slice(start, start + size)), NextToken: next };
        }
        if (command instanceof StopQueryExecutionCommand) return {};
        throw new Error(`DuckDbAthena does not know ${(command as object).constructor.name}`);
    }

    destroy(): void {
        this.destroyed = true;
    }

    private execution(id: string | undefined): Execution {
        const execution = this.executions.get(id ?? "");
        if (!execution) throw new Error(`InvalidRequestException: no query execution ${id}`);
        return execution;
    }
}

function athenaText(value: JsonValue | undefined): string | null {
    if (value === null || value === undefined) return null;
    return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/** DuckDB's type names as Athena (Trino) spells them. */
function athenaType(duckdbType: string): string {
    const type = duckdbType.toUpperCase();
    if (type === "VARCHAR") return "varchar";
    if (type === "DOUBLE" || type === "FLOAT") return "double";
    if (type === "BIGINT" || type === "HUGEINT") return "bigint";
    if (type === "INTEGER") return "integer";
    if (type.startsWith("DECIMAL")) return type.toLowerCase();
    if (type === "BOOLEAN") return "boolean";
    return "varchar";
}
