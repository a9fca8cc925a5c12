/**
 * The Lambda entry points, as factories: `aws.lambda.CallbackFunction` serializes `createLambdaHandler` (the
 * receiver) and `createLoaderLambdaHandler` (the loader) and calls them once per cold start. Clients and the
 * schema are built inside the factories, because the serializer can capture neither an SDK client nor a
 * superstruct Struct from module scope.
 */
import { S3Client } from "@aws-sdk/client-s3";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import { LoaderEnvironment, ReceiverEnvironment, readLoaderEnvironment, readReceiverEnvironment } from "./environment";
import { createSqsFallbackQueue } from "./fallbackQueue";
import { LambdaHttpEvent, LambdaHttpResult } from "./http";
import { createLoader } from "./loader";
import { LoaderEventHandler, createLoaderEventHandler } from "./loaderEvents";
import { Logger, jsonLogger } from "./logger";
import { createReceiver, toLambdaHandler } from "./receiver";
import { createAwsStorage, createObjectStorage } from "./storage";

export type LambdaHandler = (event: LambdaHttpEvent) => Promise<LambdaHttpResult>;

export interface HandlerDependencies {
    s3: S3Client;
    sqs: SQSClient;
    logger?: Logger;
}

/**
 * What Lambda runs for the receiver: configuration from the environment, clients from the runtime's SDK. One
 * attempt per call: the receiver retries the archive itself, within its time budget (durableArchive.ts), whatever
 * retry defaults the runtime's SDK version has.
 */
export function createLambdaHandler(): LambdaHandler {
    return buildLambdaHandler(readReceiverEnvironment(process.env), { s3: new S3Client({ maxAttempts: 1 }), sqs: new SQSClient({ maxAttempts: 1 }) });
}

/** The one assembly of a receiver, shared by Lambda and the local stack; only the clients' endpoints differ. */
export function buildLambdaHandler(environment: ReceiverEnvironment, dependencies: HandlerDependencies): LambdaHandler {
    const storage = createObjectStorage({ s3: dependencies.s3, bucketName: environment.bucketName });
    return toLambdaHandler(createReceiver({
        storage,
        fallback: createSqsFallbackQueue(dependencies.sqs, environment.fallbackQueueUrl),
        token: environment.token,
        previousToken: environment.previousToken,
        logger: dependencies.logger,
    }));
}

export interface LoaderDependencies {
    s3: S3Client;
    dynamodb: DynamoDBClient;
    logger?: Logger;
}

/**
 * What Lambda runs for the loader. The SDK's retries are set, not left to the runtime's version: 3 attempts per
 * call, and the loader's own retries of DynamoDB's unprocessed items (storage.ts) on top; Lambda's asynchronous
 * retries (two, a minute or two apart) then cover an outage longer than that.
 */
export function createLoaderLambdaHandler(): LoaderEventHandler {
    return buildLoaderHandler(readLoaderEnvironment(process.env), { s3: new S3Client({ maxAttempts: 3 }), dynamodb: new DynamoDBClient({ maxAttempts: 3 }) });
}

/** The one assembly of a loader, shared by Lambda, the local stack and `replay`. */
export function buildLoaderHandler(environment: LoaderEnvironment, dependencies: LoaderDependencies): LoaderEventHandler {
    const logger = dependencies.logger ?? jsonLogger();
    const storage = createAwsStorage({ ...dependencies, ...environment });
    return createLoaderEventHandler({ load: createLoader({ storage, logger }), archive: storage, logger });
}
