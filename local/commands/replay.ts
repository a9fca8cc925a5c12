import { Command } from "commander";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { bucketPrefixes } from "../../shared/layout";
import { localClients } from "../emulators";
import { dataDirOption, readOutputs } from "../outputs";

interface ReplayOptions {
    dataDir: string;
    url?: string;
    bucket?: string;
}

/** What happened to one key: the endpoint's answer, or why it could not be posted. */
export interface ReplayOutcome {
    key: string;
    ok: boolean;
    line: string;
}

/**
 * Posts archived raw bodies again. Storing is idempotent (ids come from content, objects are written only if
 * absent, items are keyed by record id), so a replay writes exactly what a failed write left out. A key that
 * fails does not stop the others: each key's outcome is printed, and the exit code is 1 if any failed.
 */
export function replayCommand(): Command {
    return new Command("replay")
        .description("POST archived raw bodies (raw/<delivery_id>.json) to the endpoint again")
        .argument("<keys...>", "raw object keys, as named in a response's warnings or the logs")
        .addOption(dataDirOption("the local stack to read from and post to"))
        .option("--bucket <name>", "read from this S3 bucket with your AWS credentials instead of the local stack's")
        .option("--url <url>", "post to this endpoint (a deployed stack's endpointUrl) instead of the local stack's")
        .action(async (keys: string[], options: ReplayOptions) => {
            const local = options.bucket && options.url ? undefined : readOutputs(options.dataDir);
            const s3 = options.bucket ? new S3Client({}) : localClients(local!).s3;
            const bucket = options.bucket ?? local!.bucketName;
            const url = options.url ?? local!.endpointUrl;
            try {
                let failed = 0;
                for (const key of keys) {
                    const outcome = await replayKey(s3, bucket, url, key);
                    (outcome.ok ? process.stdout : process.stderr).write(`${outcome.line}\n`);
                    if (!outcome.ok) failed++;
                }
                if (failed > 0) {
                    process.stderr.write(`${failed} of ${keys.length} keys failed; the others were replayed\n`);
                    process.exitCode = 1;
                }
            } finally {
                s3.destroy();
            }
        });
}

/** Reads one raw object and posts it; never throws, so that one bad key cannot stop a replay. */
export async function replayKey(s3: S3Client, bucket: string, url: string, key: string): Promise<ReplayOutcome> {
    if (!key.startsWith(bucketPrefixes.raw)) {
        return { key, ok: false, line: `${key}: not a raw object key (${bucketPrefixes.raw}<delivery_id>.json)` };
    }
    let body: Buffer;
    try {
        const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        body = Buffer.from(await object.Body!.transformToByteArray());
    } catch (err) {
        return { key, ok: false, line: `${key}: could not read s3://${bucket}/${key}: ${describe(err)}` };
    }
    try {
        const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json;charset=utf-8" }, body });
        return { key, ok: response.ok, line: `${key}: ${response.status} ${await response.text()}` };
    } catch (err) {
        return { key, ok: false, line: `${key}: could not post it to the endpoint: ${describe(err)}` };
    }
}

function describe(err: unknown): string {
    if (!(err instanceof Error)) return String(err);
    const cause = err.cause instanceof Error ? ` (${err.cause.message})` : "";
    return `${err.name}: ${err.message}${cause}`;
}
