/**
 * A stand-in for AthenaClient: implements `send` for the four commands the runner uses, from a script of states
 * and result pages, and records every command it was sent.
 */
import {
    GetQueryExecutionCommand,
    GetQueryResultsCommand,
    ResultSet,
    StartQueryExecutionCommand,
    StopQueryExecutionCommand,
} from "@aws-sdk/client-athena";
import type { AthenaCommand, AthenaSender } from "../../../local/athena";

export interface FakeAthenaScript {
    /** States returned by successive GetQueryExecution calls; the last one repeats. */
    states: Array<"QUEUED" | "RUNNING" | "SUCCEEDED" | "FAILED" | "CANCELLED">;
    statementType?: "DML" | "DDL" | "UTILITY";
    failure?: { message?: string; reason?: string };
    /** Result pages in order; each but the last gets a NextToken. */
    pages?: ResultSet[];
}

export class FakeAthena implements AthenaSender {
    readonly sent: AthenaCommand[] = [];
    destroyed = false;
    private polls = 0;

    constructor(private readonly script: FakeAthenaScript, readonly id = "qe-0001") {}

    async send(command: AthenaCommand): Promise<unknown> {
        this.sent.push(command);
        if (command instanceof StartQueryExecutionCommand) return { QueryExecutionId: this.id };
        if (command instanceof GetQueryExecutionCommand) {
            const state = this.script.states[Math.min(this.polls++, this.script.states.length - 1)];
            return {
                QueryExecution: {
                    QueryExecutionId: this.id,
                    StatementType: this.script.statementType ?? "DML",
                    Status: {
                        State: state,
                        StateChangeReason: this.script.failure?.reason,
                        AthenaError: this.script.failure?.message ? { ErrorMessage: this.script.failure.message } : undefined,
                    },
                },
            };
        }
        if (command instanceof GetQueryResultsCommand) {
            const pages = this.script.pages ?? [];
            const index = command.input.NextToken ? Number(command.input.NextToken.replace("page-", "")) : 0;
            if (index >= pages.length) throw new Error(`no page ${index}`);
            return { ResultSet: pages[index], NextToken: index + 1 < pages.length ? `page-${index + 1}` : undefined };
        }
        if (command instanceof StopQueryExecutionCommand) return {};
        throw new Error(`FakeAthena does not know ${(command as object).constructor.name}`);
    }

    destroy(): void {
        this.destroyed = true;
    }

    commandsOf<T>(type: new (...args: never[]) => T): T[] {
        return this.sent.filter((command): command is AthenaCommand & T => command instanceof type);
    }
}

/** Athena's page shape: strings only, a missing VarCharValue for NULL. */
export function page(columns: Array<[string, string]> | undefined, rows: Array<Array<string | null>>): ResultSet {
    return {
        ...(columns ? { ResultSetMetadata: { ColumnInfo: columns.map(([Name, Type]) => ({ Name, Label: Name, Type })) } } : {}),
        Rows: rows.map((row) => ({ Data: row.map((value) => (value === null ? {} : { VarCharValue: value })) })),
    };
}
