/**
 * `query`: SQL over the `alerts` table, locally with DuckDB over the local stack's lake objects, or with
 * `--athena` on a deployed stack. The named queries are the ones the stack saves in its Athena workgroup.
 */
import * as fs from "fs";
import * as path from "path";
import { Command } from "commander";
import { bindParameters, findNamedQuery, NAMED_QUERIES } from "../../shared/lakeQueries";
import type { AthenaSender } from "../athena";
import { dataDirOption, readOutputs } from "../outputs";
import { QueryResult, renderJson, renderTable } from "../queryResult";

export interface QueryOptions {
    /** @default ".data" */
    dataDir: string;
    named?: string;
    /** `name=value` pairs for the named query's parameters. */
    param?: string[];
    /** Shorthand for `--param subaccount_id=<id>`. */
    subaccount?: string;
    json?: boolean;
    athena?: boolean;
    /** `pulumi stack output --json` of the deployed stack. */
    outputs?: string;
    region?: string;
}

export interface QueryIo {
    stdout(text: string): void;
    stderr(text: string): void;
    /** @default an AthenaClient for `region` (or the SDK's default region) */
    athenaClient?(region: string | undefined): AthenaSender & { destroy?(): void };
    /** Tables without colours. @default true unless stdout is a terminal */
    plain?: boolean;
}

const processIo: QueryIo = {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
};

export function queryCommand(io: QueryIo = processIo): Command {
    return new Command("query")
        .description("run SQL over the alerts table: locally with DuckDB, or on the deployed stack with --athena")
        .argument("[sql]", "the SQL to run, e.g. \"SELECT * FROM alerts WHERE metric = 'health_score' AND dt = '2026-11-27'\"")
        .option("--named <name>", `run a named query: ${NAMED_QUERIES.map((query) => query.key).join(", ")}`)
        .option("--subaccount <id>", "the trend query's subaccount (-1 = account overall, 0 = primary account)")
        .option("--param <name=value...>", "a named query's parameter, e.g. limit=5")
        .option("--json", "print the rows as JSON")
        .addOption(dataDirOption("the local stack whose lake to read"))
        .option("--athena", "run on Athena in the deployed stack (needs --outputs)")
        .option("--outputs <file>", "`pulumi stack output --json` of the deployed stack")
        .option("--region <region>", "with --athena, the stack's AWS Region (default: AWS_REGION, or your AWS profile's)")
        .addHelpText("after", `\nNamed queries:\n${NAMED_QUERIES.map((query) => `  ${query.key.padEnd(8)} ${query.description}`).join("\n")}\n`)
        .action(async (sql: string | undefined, options: QueryOptions) => {
            process.exitCode = await runQuery(sql, options, io);
        });
}

/** Runs the command and returns its exit code: 0 with an answer (even an empty one), 1 when anything failed. */
export async function runQuery(sqlArgument: string | undefined, options: QueryOptions, io: QueryIo = processIo): Promise<number> {
    try {
        const sql = resolveSql(sqlArgument, options);
        if (options.outputs && !options.athena) throw new Error("--outputs applies to --athena only; without it the query runs locally");
        const result = options.athena ? await runOnAthena(sql, options, io) : await runLocally(sql, options);
        for (const warning of result.warnings ?? []) io.stderr(`warning: ${warning}\n`);
        if (result.notice) io.stderr(`note: ${result.notice}\n`);
        const plain = io.plain ?? !process.stdout.isTTY;
        io.stdout((options.json ? renderJson(result) : renderTable(result, { plain })) + "\n");
        return 0;
    } catch (err) {
        io.stderr(`error: ${(err as Error).message}\n`);
        return 1;
    }
}

/** The SQL to run: the argument, or a named query with its parameters bound. Exactly one of the two. */
export function resolveSql(sqlArgument: string | undefined, options: Pick<QueryOptions, "named" | "param" | "subaccount">): string {
    const hasSql = sqlArgument !== undefined && sqlArgument.trim() !== "";
    if (hasSql === (options.named !== undefined)) {
        throw new Error(`give either SQL or --named <${NAMED_QUERIES.map((query) => query.key).join("|")}>, not ${hasSql ? "both" : "neither"}`);
    }
    const values = parseParams(options.param ?? []);
    if (options.subaccount !== undefined) values.subaccount_id = options.subaccount;
    if (!options.named) {
        if (Object.keys(values).length > 0) throw new Error("--subaccount and --param apply to named queries only");
        return sqlArgument as string;
    }
    return bindParameters(findNamedQuery(options.named), values);
}

function parseParams(pairs: string[]): Record<string, string> {
    const values: Record<string, string> = {};
    for (const pair of pairs) {
        const match = /^([a-z_][a-z0-9_]*)=(.*)$/i.exec(pair);
        if (!match) throw new Error(`--param takes name=value, got ${JSON.stringify(pair)}`);
        values[match[1]] = match[2];
    }
    return values;
}

async function runLocally(sql: string, options: QueryOptions): Promise<QueryResult> {
    // DuckDB is loaded only to run a query here, not for --athena or --help.
    const { listLakeObjects, openLocalLake } = require("../query") as typeof import("../query");
    const bucketDir = localBucketDir(options.dataDir);
    const lake = await openLocalLake({ bucketDir });
    try {
        const result = await lake.query(sql);
        if (result.rows.length === 0 && !result.notice) {
            return { ...result, notice: `no rows matched; the lake holds ${describeLake(listLakeObjects(bucketDir), bucketDir)}` };
        }
        return result;
    } finally {
        lake.close();
    }
}

/** Where the local stack keeps its bucket: outputs.json says, relative to where `start` ran (the project root). */
export function localBucketDir(dataDir: string): string {
    const outputs = readOutputs(dataDir);
    if (outputs.bucketDir && fs.existsSync(outputs.bucketDir)) return outputs.bucketDir;
    // The emulators keep a bucket at <data-dir>/s3/<bucket>, whatever directory the stack was started from.
    return path.join(dataDir, "s3", outputs.bucketName);
}

export const MISSING_REGION = "--athena needs the stack's AWS Region: pass --region <region> (the stack's aws:region), or set AWS_REGION";

function athenaClient(region: string | undefined): AthenaSender & { destroy(): void } {
    const { AthenaClient } = require("@aws-sdk/client-athena") as typeof import("@aws-sdk/client-athena");
    return new AthenaClient(region ? { region } : {});
}

/** `metric=health_score for dt 2026-11-01 to 2026-11-27 (12 objects)`: what a query could have found. */
export function describeLake(objectPaths: readonly string[], bucketDir: string): string {
    const days = new Map<string, string[]>();
    for (const objectPath of objectPaths) {
        const match = /metric=([^/\\]+)[/\\]dt=([^/\\]+)[/\\]/.exec(path.relative(bucketDir, objectPath));
        if (!match) continue;
        days.set(match[1], [...(days.get(match[1]) ?? []), match[2]]);
    }
    if (days.size === 0) return "no alert objects";
    const parts = [...days.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([metric, list]) => {
        const sorted = [...new Set(list)].sort();
        return `metric=${metric} for dt ${sorted[0]}${sorted.length > 1 ? ` to ${sorted[sorted.length - 1]}` : ""}`;
    });
    return `${parts.join(", ")} (${objectPaths.length} object${objectPaths.length === 1 ? "" : "s"})`;
}

async function runOnAthena(sql: string, options: QueryOptions, io: QueryIo): Promise<QueryResult> {
    if (!options.outputs) throw new Error("--athena needs --outputs <file>, written with `pulumi stack output --json > <file>`");
    const { readStackOutputs, runAthenaQuery } = require("../athena") as typeof import("../athena");
    const outputs = readStackOutputs(options.outputs);
    const client = io.athenaClient ? io.athenaClient(options.region) : athenaClient(options.region);
    try {
        return await runAthenaQuery(sql, { client, workgroup: outputs.athenaWorkgroupName, database: outputs.glueDatabaseName });
    } catch (err) {
        // The SDK's words when neither --region, AWS_REGION nor the profile gives one.
        if ((err as Error).message === "Region is missing") throw new Error(MISSING_REGION);
        throw err;
    } finally {
        client.destroy?.();
    }
}
