import { strict as assert } from "assert";
import {
    GetQueryExecutionCommand,
    GetQueryResultsCommand,
    StartQueryExecutionCommand,
    StopQueryExecutionCommand,
} from "@aws-sdk/client-athena";
import { AthenaQueryError, fromAthena, parseStackOutputs, runAthenaQuery } from "../../local/athena";
import { FakeAthena, page } from "../support/lake/fakeAthena";

const noSleep = async () => undefined;
const options = (client: FakeAthena, extra: Partial<Parameters<typeof runAthenaQuery>[1]> = {}) =>
    ({ client, workgroup: "healthscore-wg", database: "healthscore_dev", sleep: noSleep, ...extra });

const latestColumns: Array<[string, string]> = [["subaccount_id", "bigint"], ["score", "double"], ["triggered_at", "varchar"], ["dt", "varchar"]];

describe("local/athena runAthenaQuery", () => {
    it("starts the query in the stack's workgroup and database, polls until it succeeds, and returns typed rows", async () => {
        const client = new FakeAthena({
            states: ["QUEUED", "RUNNING", "RUNNING", "SUCCEEDED"],
            pages: [page(latestColumns, [
                ["subaccount_id", "score", "triggered_at", "dt"],
                ["-1", "91", "2026-11-27T09:00:03.123Z", "2026-11-27"],
                ["17", "54.999", "2026-11-27T09:00:03.123Z", "2026-11-27"],
            ])],
        });
        const slept: number[] = [];
        const result = await runAthenaQuery("SELECT 1", options(client, { pollIntervalMs: 250, sleep: async (ms) => { slept.push(ms); } }));

        const [start] = client.commandsOf(StartQueryExecutionCommand);
        assert.deepEqual(start.input, {
            QueryString: "SELECT 1",
            WorkGroup: "healthscore-wg",
            QueryExecutionContext: { Catalog: "AwsDataCatalog", Database: "healthscore_dev" },
        });
        assert.equal(client.commandsOf(GetQueryExecutionCommand).length, 4);
        assert.deepEqual(slept, [250, 250, 250]);
        assert.deepEqual(result.columns.map((column) => column.name), ["subaccount_id", "score", "triggered_at", "dt"]);
        assert.deepEqual(result.rows, [
            { subaccount_id: -1, score: 91, triggered_at: "2026-11-27T09:00:03.123Z", dt: "2026-11-27" },
            { subaccount_id: 17, score: 54.999, triggered_at: "2026-11-27T09:00:03.123Z", dt: "2026-11-27" },
        ]);
    });

    it("follows NextToken through every page, dropping the header row of the first page only", async () => {
        const client = new FakeAthena({
            states: ["SUCCEEDED"],
            pages: [
                page([["dt", "varchar"], ["n", "bigint"]], [["dt", "n"], ["2026-11-25", "5"]]),
                page([["dt", "varchar"], ["n", "bigint"]], [["dt", "n"], ["2026-11-26", "4"]]), // a data row that looks like a header
                page([["dt", "varchar"], ["n", "bigint"]], [["2026-11-27", "5"]]),
            ],
        });
        const result = await runAthenaQuery("SELECT dt, n FROM x", options(client, { pageSize: 2 }));
        const fetches = client.commandsOf(GetQueryResultsCommand).map((command) => command.input);
        assert.deepEqual(fetches, [
            { QueryExecutionId: "qe-0001", MaxResults: 2, NextToken: undefined },
            { QueryExecutionId: "qe-0001", MaxResults: 2, NextToken: "page-1" },
            { QueryExecutionId: "qe-0001", MaxResults: 2, NextToken: "page-2" },
        ]);
        assert.deepEqual(result.rows, [
            { dt: "2026-11-25", n: 5 },
            { dt: "dt", n: "n" },
            { dt: "2026-11-26", n: 4 },
            { dt: "2026-11-27", n: 5 },
        ]);
    });

    it("keeps the first row of a statement that is not a SELECT (no header there)", async () => {
        const client = new FakeAthena({ states: ["SUCCEEDED"], statementType: "UTILITY", pages: [page([["col_name", "varchar"]], [["col_name"], ["record_id"]])] });
        const result = await runAthenaQuery("DESCRIBE alerts", options(client));
        assert.deepEqual(result.rows, [{ col_name: "col_name" }, { col_name: "record_id" }]);
    });

    it("answers an empty result with columns and no rows", async () => {
        const client = new FakeAthena({ states: ["SUCCEEDED"], pages: [page(latestColumns, [["subaccount_id", "score", "triggered_at", "dt"]])] });
        const result = await runAthenaQuery("SELECT ...", options(client));
        assert.deepEqual(result.rows, []);
        assert.equal(result.columns.length, 4);
    });

    it("reports a failed query with Athena's message and the execution id", async () => {
        const client = new FakeAthena({
            states: ["RUNNING", "FAILED"],
            failure: { message: "SYNTAX_ERROR: line 1:8: Column 'nope' cannot be resolved", reason: "fallback" },
        });
        await assert.rejects(runAthenaQuery("SELECT nope FROM alerts", options(client)), (err: Error) =>
            err instanceof AthenaQueryError && err.state === "FAILED" && err.queryExecutionId === "qe-0001" &&
            /the query failed \(qe-0001\): SYNTAX_ERROR: line 1:8: Column 'nope' cannot be resolved/.test(err.message));
        assert.equal(client.commandsOf(GetQueryResultsCommand).length, 0);
    });

    it("reports a cancelled query (e.g. over the workgroup's bytes-scanned cutoff) with its reason", async () => {
        const client = new FakeAthena({ states: ["CANCELLED"], failure: { reason: "Query cancelled: the bytes scanned limit was exceeded" } });
        await assert.rejects(runAthenaQuery("SELECT * FROM alerts", options(client)), /was cancelled \(qe-0001\): Query cancelled: the bytes scanned limit/);
    });

    it("stops a query that runs past the timeout and says so", async () => {
        let clock = 0;
        const client = new FakeAthena({ states: ["RUNNING"] });
        await assert.rejects(
            runAthenaQuery("SELECT 1", options(client, { timeoutMs: 3000, pollIntervalMs: 1000, now: () => clock, sleep: async (ms) => { clock += ms; } })),
            (err: Error) => err instanceof AthenaQueryError && /did not finish within 3 s and was stopped/.test(err.message),
        );
        assert.deepEqual(client.commandsOf(StopQueryExecutionCommand).map((command) => command.input), [{ QueryExecutionId: "qe-0001" }]);
        assert.equal(client.commandsOf(GetQueryExecutionCommand).length, 4);
    });
});

describe("local/athena fromAthena", () => {
    it("types values by the column's type, NULL as null", () => {
        assert.equal(fromAthena(undefined, "bigint"), null);
        assert.equal(fromAthena("42", "integer"), 42);
        assert.equal(fromAthena("9007199254740993", "bigint"), "9007199254740993");
        assert.equal(fromAthena("78.273", "double"), 78.273);
        assert.equal(fromAthena("NaN", "double"), "NaN");
        assert.equal(fromAthena("23.274", "decimal(6,3)"), 23.274);
        assert.equal(fromAthena("true", "boolean"), true);
        assert.equal(fromAthena("", "varchar"), "");
        assert.equal(fromAthena("{subaccount_id=17}", "row(subaccount_id bigint)"), "{subaccount_id=17}");
    });
});

describe("local/athena parseStackOutputs", () => {
    it("reads the workgroup and database from `pulumi stack output --json`", () => {
        const text = JSON.stringify({ athenaWorkgroupName: "wg", glueDatabaseName: "db", endpointUrl: "https://x" });
        assert.deepEqual(parseStackOutputs(text, "out.json"), { athenaWorkgroupName: "wg", glueDatabaseName: "db" });
    });

    it("says what is missing or broken", () => {
        assert.throws(() => parseStackOutputs("{", "out.json"), /out.json is not JSON/);
        assert.throws(() => parseStackOutputs(JSON.stringify({ glueDatabaseName: "db" }), "out.json"), /out.json lacks athenaWorkgroupName/);
        assert.throws(() => parseStackOutputs("null", "out.json"), /lacks athenaWorkgroupName and glueDatabaseName/);
    });
});
