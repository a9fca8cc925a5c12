/**
 * SDK clients for the emulators or the proxy in front of them. The settings are those of `localClients` in
 * local/emulators.ts; that module also loads the emulators themselves, which a benchmark worker must not pay for.
 */
import { S3Client } from "@aws-sdk/client-s3";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { TABLE_CLIENT_SETTINGS } from "../../handlers/concurrency";
import type { AwsClients, Endpoints } from "./pipeline";

/** The emulators accept any credentials; s3rver's defaults are these. */
export const EMULATOR_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
export const EMULATOR_REGION = "us-east-1";

export function clientsFor(endpoints: Endpoints): AwsClients {
    return {
        s3: new S3Client({
            endpoint: endpoints.s3,
            region: EMULATOR_REGION,
            credentials: EMULATOR_CREDENTIALS,
            forcePathStyle: true,
            // s3rver predates the SDK's default CRC32 checksums and aws-chunked uploads.
            requestChecksumCalculation: "WHEN_REQUIRED",
            responseChecksumValidation: "WHEN_REQUIRED",
        }),
        // Set as the loader's client is in Lambda (handlers/lambda.ts).
        dynamodb: new DynamoDBClient({ endpoint: endpoints.dynamodb, region: EMULATOR_REGION, credentials: EMULATOR_CREDENTIALS, ...TABLE_CLIENT_SETTINGS }),
    };
}

export function destroyClients(clients: AwsClients): void {
    clients.s3.destroy();
    clients.dynamodb.destroy();
}
