/**
 * `<data-dir>/outputs.json`: what a running local stack tells the other CLI commands, under the same keys the
 * Pulumi stack exports (`endpointUrl`, `bucketName`, `tableName`, `deadLetterQueueUrl`), plus the emulators' endpoints.
 */
import * as fs from "fs";
import * as path from "path";
import { Option } from "commander";
import { lockHolder } from "./dataDirLock";

export const DEFAULT_DATA_DIR = ".data";

/** `--data-dir <dir>`, which every command takes to find a local stack; `role` says what it is for. */
export function dataDirOption(role: string): Option {
    return new Option("--data-dir <dir>", role).default(DEFAULT_DATA_DIR);
}

export interface LocalOutputs {
    endpointUrl: string;
    bucketName: string;
    tableName: string;
    /** Where failed loads wait for `replay --dead-letters`, as in the deployed stack's outputs. */
    deadLetterQueueUrl: string;
    s3Endpoint: string;
    dynamodbEndpoint: string;
    /** The local SQS emulator (local/sqsEmulator.ts), which holds the fallback and dead-letter queues. */
    sqsEndpoint: string;
    fallbackQueueUrl: string;
    /** Days history items are kept: the loader writes each item's `expires_at` from it. */
    retentionDays: number;
    /** Where s3rver keeps the bucket's objects on disk (`<key>._S3rver_object`). */
    bucketDir: string;
}

export function outputsPath(dataDir: string): string {
    return path.join(dataDir, "outputs.json");
}

export function writeOutputs(dataDir: string, outputs: LocalOutputs): void {
    fs.writeFileSync(outputsPath(dataDir), JSON.stringify(outputs, null, 2) + "\n", { mode: 0o600 });
}

/** What a command that talks to a stack says when none runs at its data dir. */
export class NoLocalStackError extends Error {
    constructor(readonly dataDir: string) {
        super(`no local stack is running at ${dataDir}: start one with \`${startCommand(dataDir)}\` (in another terminal), then try again`);
        this.name = "NoLocalStackError";
    }
}

/** How to start a stack at `dataDir`, as the README says it. */
export function startCommand(dataDir: string): string {
    return dataDir === DEFAULT_DATA_DIR ? "npm start" : `npm start -- --data-dir ${dataDir}`;
}

/**
 * The outputs of the stack running at `dataDir`; throws {@link NoLocalStackError} when none runs there (its
 * outputs.json outlives it, with endpoints nothing answers on any more).
 */
export function readRunningOutputs(dataDir: string): LocalOutputs {
    if (!lockHolder(dataDir)) throw new NoLocalStackError(dataDir);
    return readOutputs(dataDir);
}

/** The outputs the last stack at `dataDir` wrote, whether or not it still runs (`query` reads its files). */
export function readOutputs(dataDir: string): LocalOutputs {
    const file = outputsPath(dataDir);
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch {
        throw new Error(`no local stack found: ${file} does not exist. Start one with \`npm start\` (or pass --data-dir).`);
    }
    return JSON.parse(text) as LocalOutputs;
}
