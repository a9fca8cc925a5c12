/**
 * Where the commands that read scores (`report`, `pools`) read them: the local stack (its DynamoDB emulator and
 * DuckDB over its lake objects) or a deployed stack (its DynamoDB table and Athena, with the user's AWS
 * credentials). Thin adapters: each returns the reads the pure code needs.
 */
import { AthenaClient } from "@aws-sdk/client-athena";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { createTableReader } from "../handlers/reads";
import { AlertRecord } from "../handlers/records";
import { ATHENA_OUTPUTS, AthenaSender, runAthenaQuery } from "./athena";
import { localBucketDir } from "./commands/query";
import { localClients } from "./clients";
import { readOutputs } from "./outputs";
import { openLocalLake } from "./query";
import { QueryResult } from "./queryResult";
import { PulumiOptions, StackOutputsSource, deployedOutputs, resolveRegion, wantsDeployedStack } from "./stackOutputs";

/** SQL over the `alerts` table, whichever engine runs it. */
export interface Lake {
    query(sql: string): Promise<QueryResult>;
    close(): void;
}

/** What the commands reach AWS with; tests pass emulators and fakes. */
export interface AwsIo {
    /** @default an AthenaClient for the region */
    athenaClient?(region: string): AthenaSender & { destroy?(): void };
    /** @default a DynamoDBClient for the region */
    dynamodbClient?(region: string): DynamoDBClient;
    /** The Region of the AWS config file's profile. @default the SDK's */
    sdkRegion?(): Promise<string | undefined>;
    /** How the Pulumi CLI runs for `--stack`. */
    pulumi?: PulumiOptions;
}

export interface ScoreSourceOptions extends StackOutputsSource {
    /** The local stack's data dir, read when neither `stack` nor `outputs` is given. */
    dataDir: string;
    /** Read a deployed stack's lake with Athena. */
    athena?: boolean;
    region?: string;
}

/** The reads behind a page or a pools run; `close` releases every client. */
export interface ScoreSources {
    /** Where the scores come from, for people: `the local stack in .data`, `stack prod (eu-west-1)`. */
    description: string;
    latest(): Promise<AlertRecord[]>;
    /** Undefined when the lake is not to be read (a deployed stack without --athena). */
    lake?: Lake;
    close(): void;
}

export interface SourceNeeds {
    /** Latest scores from DynamoDB (the page); pools read the lake only. */
    table: boolean;
}

/**
 * Opens the local stack's reads, or a deployed stack's: `--stack`/`--outputs` choose a deployed stack, whose
 * lake is read only with `--athena` (Athena bills each query, at least 10 MB scanned).
 */
export async function openScoreSources(options: ScoreSourceOptions, needs: SourceNeeds, io: AwsIo = {}): Promise<ScoreSources> {
    if (!wantsDeployedStack(options)) {
        if (options.athena) throw new Error("--athena reads a deployed stack's lake: give --stack NAME or --outputs FILE");
        if (options.region) throw new Error("--region applies to a deployed stack (--stack or --outputs) only");
        return openLocalSources(options.dataDir, needs);
    }
    const keys = [...(needs.table ? (["tableName"] as const) : []), ...(options.athena ? ATHENA_OUTPUTS : [])];
    const outputs = await deployedOutputs<string>(options, keys, io.pulumi);
    const region = await resolveRegion(options.region, io.sdkRegion ?? sdkRegion);
    const dynamodb = needs.table ? (io.dynamodbClient ?? ((r: string) => new DynamoDBClient({ region: r })))(region) : undefined;
    const athena = options.athena ? (io.athenaClient ?? ((r: string) => new AthenaClient({ region: r })))(region) : undefined;
    const lake: Lake | undefined = athena && {
        query: (sql) => runAthenaQuery(sql, { client: athena, workgroup: outputs.athenaWorkgroupName, database: outputs.glueDatabaseName }),
        close: () => athena.destroy?.(),
    };
    return {
        description: `${options.stack !== undefined ? `stack ${options.stack}` : options.outputs} (${region})`,
        latest: () => tableLatest(dynamodb, outputs.tableName),
        lake,
        close() {
            dynamodb?.destroy();
            lake?.close();
        },
    };
}

async function openLocalSources(dataDir: string, needs: SourceNeeds): Promise<ScoreSources> {
    const outputs = readOutputs(dataDir);
    const dynamodb = needs.table ? localClients(outputs).dynamodb : undefined;
    const lake = await openLocalLake({ bucketDir: localBucketDir(dataDir) });
    return {
        description: `the local stack in ${dataDir}`,
        latest: () => tableLatest(dynamodb, outputs.tableName),
        lake,
        close() {
            dynamodb?.destroy();
            lake.close();
        },
    };
}

async function tableLatest(dynamodb: DynamoDBClient | undefined, tableName: string): Promise<AlertRecord[]> {
    if (!dynamodb) throw new Error("the scores were opened without the table (SourceNeeds.table)");
    return createTableReader({ dynamodb, tableName }).latest("health_score");
}

/** The Region the SDK would use without one given (the AWS config file's profile). */
async function sdkRegion(): Promise<string | undefined> {
    const client = new DynamoDBClient({});
    try {
        return await client.config.region();
    } finally {
        client.destroy();
    }
}
