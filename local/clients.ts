/**
 * SDK clients for a local stack's emulators. Apart from local/emulators.ts, which also loads the emulators
 * themselves (s3rver, dynalite): a command that only talks to a running stack should not pay for loading them.
 */
import { S3Client } from "@aws-sdk/client-s3";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";

/** The emulators accept any credentials; s3rver's defaults are these. */
const LOCAL_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
const LOCAL_REGION = "us-east-1";

/** Clients for emulators that are already running (another process's local stack, or a test's). */
export function localClients(endpoints: { s3Endpoint: string; dynamodbEndpoint: string }): { s3: S3Client; dynamodb: DynamoDBClient } {
    return { s3: localS3Client(endpoints.s3Endpoint), dynamodb: localDynamoDbClient(endpoints.dynamodbEndpoint) };
}

export function localS3Client(endpoint: string): S3Client {
    return new S3Client({
        endpoint,
        region: LOCAL_REGION,
        credentials: LOCAL_CREDENTIALS,
        forcePathStyle: true,
        // s3rver predates the SDK's default CRC32 checksums and aws-chunked uploads.
        requestChecksumCalculation: "WHEN_REQUIRED",
        responseChecksumValidation: "WHEN_REQUIRED",
    });
}

export function localDynamoDbClient(endpoint: string): DynamoDBClient {
    return new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
}
