/**
 * `pools`: each subaccount's pool from its daily scores (the `daily` named query, locally with DuckDB or on a
 * deployed stack with Athena), by thresholds with hysteresis (shared/pools.ts), as JSON or CSV for automation.
 */
import * as fs from "fs";
import { Command, InvalidArgumentError, Option } from "commander";
import { stringify } from "csv-stringify/sync";
import { StructError, array, assert as assertShape, number, object, optional, string } from "superstruct";
import { bindParameters, findNamedQuery } from "../../shared/lakeQueries";
import { DEFAULT_POOL_CONFIG, PoolAssignment, PoolConfig, assignPools, poolConfig } from "../../shared/pools";
import { AwsIo, ScoreSourceOptions, openScoreSources } from "../deployed";
import { dailyScoresOf } from "../lakeRows";
import { dataDirOption } from "../outputs";
import { wantsDeployedStack } from "../stackOutputs";

export interface PoolsOptions extends ScoreSourceOptions {
    /** A JSON file: `{"thresholds": [55, 80], "hysteresis": 2, "names": ["bad", "needs improvement", "good"]}`. */
    config?: string;
    thresholds?: number[];
    hysteresis?: number;
    /** @default 30 */
    days: number;
    /** @default "json" */
    format: "json" | "csv";
}

export interface PoolsIo extends AwsIo {
    stdout(text: string): void;
    stderr(text: string): void;
}

const processIo: PoolsIo = {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
};

/** The columns of the output, in order (CSV header and JSON keys). */
export const POOL_COLUMNS: ReadonlyArray<keyof PoolAssignment> = ["subaccount_id", "pool", "pool_index", "score", "dt", "plain_pool", "since", "changes", "days"];

export function poolsCommand(io: PoolsIo = processIo): Command {
    return new Command("pools")
        .description("assign each subaccount to a pool by its daily scores, with hysteresis, as JSON or CSV")
        .option("--thresholds <scores>", `where each next pool starts, ascending (default ${DEFAULT_POOL_CONFIG.thresholds.join(",")}: SparkPost's bands)`, parseThresholds)
        .option("--hysteresis <points>", `points a score must pass a threshold by to change pool (default ${DEFAULT_POOL_CONFIG.hysteresis})`, parseNumber)
        .option("--config <file>", 'a JSON file: {"thresholds": [55, 80], "hysteresis": 2, "names": ["bad", "needs improvement", "good"]}; options override it')
        .option("--days <n>", "the window of daily scores, up to the lake's latest day", parseDays, 30)
        .addOption(new Option("--format <format>", "the output").choices(["json", "csv"]).default("json"))
        .addOption(dataDirOption("the local stack whose lake to read (without --stack or --outputs)"))
        .option("--athena", "read a deployed stack's lake with Athena (with --stack or --outputs)")
        .option("--stack <name>", "a deployed stack: its outputs from `pulumi stack output --json --show-secrets --stack NAME`")
        .option("--outputs <file>", "a deployed stack: its outputs saved with `pulumi stack output --json`")
        .option("--region <region>", "the deployed stack's AWS Region (default: AWS_REGION, else your AWS profile's)")
        .addHelpText("after", "\nA subaccount moves up past a threshold t when its score reaches t + hysteresis, and down below t when it falls\n" +
            "below t - hysteresis; its first day in the window is assigned plainly. The account overall is left out.\n")
        .action(async (options: PoolsOptions) => {
            process.exitCode = await runPools(options, io);
        });
}

/** Prints the assignments and returns the exit code: 0 with an answer (even an empty one), 1 on any failure. */
export async function runPools(options: PoolsOptions, io: PoolsIo = processIo): Promise<number> {
    try {
        const config = poolConfig({
            ...(options.config ? readPoolConfigFile(options.config) : {}),
            ...(options.thresholds ? { thresholds: options.thresholds } : {}),
            ...(options.hysteresis !== undefined ? { hysteresis: options.hysteresis } : {}),
        });
        if (wantsDeployedStack(options) && !options.athena) throw new Error("pools read the lake: add --athena to read the deployed stack's lake with Athena");
        const sources = await openScoreSources(options, { table: false }, io);
        let assignments: PoolAssignment[];
        try {
            const result = await sources.lake!.query(bindParameters(findNamedQuery("daily"), { days: options.days }));
            for (const warning of result.warnings ?? []) io.stderr(`warning: ${warning}\n`);
            if (result.notice) io.stderr(`note: ${result.notice}\n`);
            assignments = assignPools(dailyScoresOf(result), config);
        } finally {
            sources.close();
        }
        io.stdout(options.format === "csv" ? renderCsv(assignments) : JSON.stringify(assignments, null, 2) + "\n");
        return 0;
    } catch (err) {
        io.stderr(`error: ${(err as Error).message}\n`);
        return 1;
    }
}

export function renderCsv(assignments: readonly PoolAssignment[]): string {
    return stringify(assignments.map((assignment) => POOL_COLUMNS.map((column) => assignment[column])), { header: true, columns: [...POOL_COLUMNS] });
}

const PoolConfigFile = object({
    thresholds: optional(array(number())),
    hysteresis: optional(number()),
    names: optional(array(string())),
});

/** A pools config file: unknown keys are refused, so that a typo is an error rather than a silent default. */
export function readPoolConfigFile(file: string): Partial<PoolConfig> {
    let value: unknown;
    try {
        value = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (err) {
        throw new Error(`cannot read the pools config ${file}: ${(err as Error).message}`);
    }
    try {
        assertShape(value, PoolConfigFile);
    } catch (err) {
        const failure = err as StructError;
        const keys = Object.keys(PoolConfigFile.schema).join(", ");
        if (failure.type === "never") throw new Error(`the pools config ${file} has an unknown key "${failure.path.join(".")}": its keys are ${keys}`);
        throw new Error(`the pools config ${file}: ${failure.message}`);
    }
    return value;
}

function parseThresholds(value: string): number[] {
    const parts = value.split(",").map((part) => part.trim());
    const numbers = parts.map(Number);
    if (parts.some((part) => part === "") || numbers.some((n) => !Number.isFinite(n))) {
        throw new InvalidArgumentError(`not a comma-separated list of scores, e.g. 55,80: ${value}`);
    }
    return numbers;
}

function parseNumber(value: string): number {
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n)) throw new InvalidArgumentError(`not a number: ${value}`);
    return n;
}

function parseDays(value: string): number {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`not a whole number of days ≥ 1: ${value}`);
    return n;
}
