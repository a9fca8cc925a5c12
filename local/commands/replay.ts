/**
 * `replay`: runs the loader again over raw deliveries (by first arrival, or by id) or over the dead letters, on the
 * local stack (its loader, in this process, against its emulators) or on a deployed stack (its loader function,
 * invoked synchronously, with your AWS credentials). Storing is idempotent: any number of replays gives the same
 * store. Every key's outcome is printed; the exit code is 1 if any failed.
 */
import * as fs from "fs";
import { Command } from "commander";
import { SingleBar } from "cli-progress";
import { S3Client } from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { buildLoaderHandler } from "../../handlers/lambda";
import { silentLogger } from "../../handlers/logger";
import { EMULATOR_LATEST_WRITES, localClients, localSqsClient } from "../clients";
import { parseDay } from "../arguments";
import { dataDirOption, readRunningOutputs } from "../outputs";
import { ReplayOutcome, ReplayTarget, listDeadLetters, replayDeadLetters, replayKey, selectKeys } from "../replay";

export interface ReplayOptions {
    dataDir: string;
    from?: string;
    to?: string;
    delivery?: string[];
    deadLetters?: boolean;
    list?: boolean;
    outputs?: string;
    region?: string;
    progress?: boolean;
}

export interface ReplayIo {
    stdout(text: string): void;
    stderr(text: string): void;
    /** Whether stderr is a terminal, where a progress bar may be drawn. @default process.stderr.isTTY */
    terminal?: boolean;
}

const processIo: ReplayIo = {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
};

/** From this many keys on, a run on a terminal shows a progress bar. */
const PROGRESS_FROM = 20;

export function replayCommand(io: ReplayIo = processIo): Command {
    return new Command("replay")
        .description("run the loader again over raw deliveries or the dead letters, on the local stack or (with --outputs) a deployed one")
        .option("--from <YYYY-MM-DD>", "deliveries that first arrived on or after this day (UTC)", parseDay)
        .option("--to <YYYY-MM-DD>", "deliveries that first arrived on or before this day (UTC)", parseDay)
        .option("--delivery <id>", "a delivery, by its delivery_id (repeatable)", (id: string, ids: string[] = []) => [...ids, id])
        .option("--dead-letters", "load what each dead letter names, removing the letter once it is stored")
        .option("--list", "only list the deliveries or dead letters a replay would take; change nothing")
        .option("--progress", "draw a progress bar even when stderr is not a terminal")
        .addOption(dataDirOption("the local stack to replay on"))
        .option("--outputs <file>", "replay on a deployed stack: its `pulumi stack output --json`")
        .option("--region <region>", "the deployed stack's AWS Region (default: AWS_REGION)")
        .action(async (options: ReplayOptions) => {
            process.exitCode = await runReplay(options, io);
        });
}

/** Runs the command and answers its exit code: 0 when every key was stored, 1 otherwise. */
export async function runReplay(options: ReplayOptions, io: ReplayIo = processIo): Promise<number> {
    let target: ReplayTarget | undefined;
    try {
        const ranged = options.from !== undefined || options.to !== undefined || (options.delivery?.length ?? 0) > 0;
        if (ranged === !!options.deadLetters) throw new Error("say what to replay: --from/--to, --delivery ID, or --dead-letters (one of them)");
        target = options.outputs ? deployedTarget(options.outputs, options.region) : localTarget(options.dataDir);

        if (options.deadLetters) {
            if (options.list) {
                const letters = await listDeadLetters(target);
                io.stdout(letters.map((line) => `${line}\n`).join(""));
                io.stderr(`${letters.length} dead letter(s) in ${target.name}\n`);
                return 0;
            }
            const outcomes = await replayDeadLetters(target, (outcome) => (outcome.ok ? io.stdout : io.stderr)(`${outcome.line}\n`));
            return summarize(outcomes, "dead letter deliveries", io);
        }

        const keys = await selectKeys(target, { from: options.from, to: options.to, deliveries: options.delivery });
        if (options.list) {
            io.stdout(keys.map((key) => `${key}\n`).join(""));
            io.stderr(`${keys.length} deliveries in ${target.name}\n`);
            return 0;
        }
        if (keys.length === 0) {
            io.stderr(`no raw delivery in ${target.name} matches; nothing replayed\n`);
            return 0;
        }
        const outcomes = await replayAll(target, keys, io, !!options.progress);
        return summarize(outcomes, "deliveries", io);
    } catch (err) {
        io.stderr(`error: ${(err as Error).message}\n`);
        return 1;
    } finally {
        target?.close();
    }
}

/**
 * One key after another (the loader parallelizes each delivery's writes itself). On a terminal with many keys, a
 * progress bar (cli-progress) on stderr, and the outcomes once it is done, so the two do not interleave.
 */
async function replayAll(target: ReplayTarget, keys: string[], io: ReplayIo, forceProgress: boolean): Promise<ReplayOutcome[]> {
    const showBar = forceProgress || ((io.terminal ?? process.stderr.isTTY === true) && keys.length >= PROGRESS_FROM);
    const bar = showBar ? new SingleBar({ stream: process.stderr, format: "replay [{bar}] {value}/{total} deliveries, {failed} failed, eta {eta}s", noTTYOutput: forceProgress }) : undefined;
    const outcomes: ReplayOutcome[] = [];
    bar?.start(keys.length, 0, { failed: 0 });
    for (const key of keys) {
        const outcome = await replayKey(target, key);
        outcomes.push(outcome);
        if (bar) bar.increment(1, { failed: outcomes.filter((o) => !o.ok).length });
        else (outcome.ok ? io.stdout : io.stderr)(`${outcome.line}\n`);
    }
    if (bar) {
        bar.stop();
        for (const outcome of outcomes) (outcome.ok ? io.stdout : io.stderr)(`${outcome.line}\n`);
    }
    return outcomes;
}

function summarize(outcomes: ReplayOutcome[], what: string, io: ReplayIo): number {
    const failed = outcomes.filter((outcome) => !outcome.ok).length;
    io.stderr(`${outcomes.length} ${what}: ${outcomes.length - failed} stored, ${failed} failed\n`);
    return failed > 0 ? 1 : 0;
}

/** The local stack's loader, in this process, against its emulators (which must be running: else it says so). */
function localTarget(dataDir: string): ReplayTarget {
    const outputs = readRunningOutputs(dataDir);
    if (!outputs.sqsEndpoint) throw new Error(`the local stack at ${dataDir} predates the asynchronous loader: restart it with \`npm start\``);
    const { s3, dynamodb } = localClients(outputs);
    const sqs = localSqsClient(outputs.sqsEndpoint);
    const handler = buildLoaderHandler({ bucketName: outputs.bucketName, tableName: outputs.tableName, retentionDays: outputs.retentionDays }, { s3, dynamodb, latestWrites: EMULATOR_LATEST_WRITES, logger: silentLogger });
    return {
        name: `the local stack at ${dataDir}`,
        s3,
        bucketName: outputs.bucketName,
        sqs,
        deadLetterQueueUrl: outputs.deadLetterQueueUrl,
        invoke: (event) => handler(event),
        close() {
            s3.destroy();
            dynamodb.destroy();
            sqs.destroy();
        },
    };
}

/** The outputs replay needs from `pulumi stack output --json`. */
interface DeployedOutputs {
    bucketName: string;
    loaderFunctionName: string;
    deadLetterQueueUrl: string;
}

export function readDeployedOutputs(file: string): DeployedOutputs {
    let parsed: Record<string, unknown>;
    try {
        parsed = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (err) {
        throw new Error(`cannot read ${file}: write it with \`pulumi stack output --json > ${file}\` (${(err as Error).message})`);
    }
    const missing = (["bucketName", "loaderFunctionName", "deadLetterQueueUrl"] as const).filter((key) => typeof parsed[key] !== "string");
    if (missing.length > 0) throw new Error(`${file} lacks ${missing.join(", ")}: is it \`pulumi stack output --json\` of a stack deployed by this version?`);
    return parsed as unknown as DeployedOutputs;
}

/** A deployed stack's loader function, invoked synchronously, and its bucket and dead-letter queue, with your credentials. */
function deployedTarget(file: string, regionOption: string | undefined): ReplayTarget {
    const outputs = readDeployedOutputs(file);
    const region = regionOption ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
    if (!region) throw new Error("replay on a deployed stack needs its AWS Region: pass --region (e.g. --region us-east-1) or set AWS_REGION");
    const s3 = new S3Client({ region });
    const sqs = new SQSClient({ region });
    const lambda = new LambdaClient({ region });
    return {
        name: `function ${outputs.loaderFunctionName} in ${region}`,
        s3,
        bucketName: outputs.bucketName,
        sqs,
        deadLetterQueueUrl: outputs.deadLetterQueueUrl,
        async invoke(event) {
            const response = await lambda.send(new InvokeCommand({
                FunctionName: outputs.loaderFunctionName,
                InvocationType: "RequestResponse",
                Payload: Buffer.from(JSON.stringify(event)),
            }));
            const text = response.Payload ? Buffer.from(response.Payload).toString("utf8") : "null";
            if (response.FunctionError) {
                const error = safeJson(text) as { errorMessage?: string } | undefined;
                throw new Error(`the loader failed: ${error?.errorMessage ?? text}`);
            }
            return safeJson(text);
        },
        close() {
            s3.destroy();
            sqs.destroy();
            lambda.destroy();
        },
    };
}

function safeJson(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return undefined;
    }
}

