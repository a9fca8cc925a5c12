import { Command } from "commander";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { localClients } from "../emulators";
import { dataDirOption, readOutputs } from "../outputs";

interface ReplayOptions {
    dataDir: string;
    url?: string;
    bucket?: string;
}

/**
 * Posts archived raw bodies again. Storing is idempotent (ids come from content, objects are written only if
 * absent, items are keyed by record id), so a replay writes exactly what a failed write left out.
 */
export function replayCommand(): Command {
    return new Command("replay")
        .description("POST archived raw bodies (raw/dt=.../<delivery_id>.json) to the endpoint again")
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
                for (const key of keys) {
                    if (!key.startsWith("raw/")) throw new Error(`${key} is not a raw object key (raw/dt=YYYY-MM-DD/<delivery_id>.json)`);
                    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
                    const body = Buffer.from(await object.Body!.transformToByteArray());
                    const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json;charset=utf-8" }, body });
                    process.stdout.write(`${key}: ${response.status} ${await response.text()}\n`);
                    if (!response.ok) process.exitCode = 1;
                }
            } finally {
                s3.destroy();
            }
        });
}
