/**
 * `<data-dir>/outputs.json`: what a running local stack tells the other CLI commands, under the same keys the
 * Pulumi stack exports (`endpointUrl`, `bucketName`, `tableName`, `deadLetterQueueUrl`), plus the emulators' endpoints.
 */
import * as fs from "fs";
import * as path from "path";
import { Option } from "commander";

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
