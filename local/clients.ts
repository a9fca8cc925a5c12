/**
 * SDK clients for a local stack's emulators. Apart from local/emulators.ts, which also loads the emulators
 * themselves (s3rver, dynalite): a command that only talks to a running stack should not pay for loading them.
 * Each client's package is loaded when that client is made, for the same reason: `latest` needs DynamoDB only, and
 * each SDK client package takes tens to hundreds of milliseconds to load.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { TABLE_CLIENT_SETTINGS } from "../handlers/concurrency";
import type { LatestWrites } from "../handlers/storage";

/** The emulators accept any credentials; s3rver's defaults are these. */
const LOCAL_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
const LOCAL_REGION = "us-east-1";

/** The SDK's own retry settings for a local client (the receiver's make one attempt per call, as in Lambda). */
export interface LocalClientOptions {
    maxAttempts?: number;
}

/**
 * How storage moves latest entries against dynalite: one conditional put at a time, since dynalite serves no
 * TransactWriteItems (its actions list none). In AWS the loader uses transactions (handlers/storage.ts), which
 * the tests and the benchmark run against DynamoDB Local (local/dynamoDbLocal.ts).
 */
export const EMULATOR_LATEST_WRITES: LatestWrites = "puts";

/** Clients for emulators that are already running (another process's local stack, or a test's). */
export function localClients(endpoints: { s3Endpoint: string; dynamodbEndpoint: string }, options: LocalClientOptions = {}): { s3: S3Client; dynamodb: DynamoDBClient } {
    return { s3: localS3Client(endpoints.s3Endpoint, options), dynamodb: localDynamoDbClient(endpoints.dynamodbEndpoint, options) };
}

export function localS3Client(endpoint: string, options: LocalClientOptions = {}): S3Client {
    const { S3Client } = require("@aws-sdk/client-s3") as typeof import("@aws-sdk/client-s3");
    return new S3Client({
        ...options,
        endpoint,
        region: LOCAL_REGION,
        credentials: LOCAL_CREDENTIALS,
        forcePathStyle: true,
        // s3rver predates the SDK's default CRC32 checksums and aws-chunked uploads.
        requestChecksumCalculation: "WHEN_REQUIRED",
        responseChecksumValidation: "WHEN_REQUIRED",
    });
}

export function localDynamoDbClient(endpoint: string, options: LocalClientOptions = {}): DynamoDBClient {
    const { DynamoDBClient } = require("@aws-sdk/client-dynamodb") as typeof import("@aws-sdk/client-dynamodb");
    // Set as the loader's client is in Lambda (handlers/lambda.ts).
    return new DynamoDBClient({ ...options, endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, ...TABLE_CLIENT_SETTINGS });
}

/** A client of the local SQS emulator (local/sqsEmulator.ts). */
export function localSqsClient(endpoint: string, options: LocalClientOptions = {}): SQSClient {
    const { SQSClient } = require("@aws-sdk/client-sqs") as typeof import("@aws-sdk/client-sqs");
    return new SQSClient({ ...options, endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
}
