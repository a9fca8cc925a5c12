/**
 * The Lambda entry point, as a factory: `aws.lambda.CallbackFunction` serializes `createLambdaHandler` and
 * calls it once per cold start. Clients and the schema are built here, inside the factory, because the
 * serializer can capture neither an SDK client nor a superstruct Struct from module scope.
 */
import { S3Client } from "@aws-sdk/client-s3";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { ReceiverEnvironment, readReceiverEnvironment } from "./environment";
import { LambdaHttpEvent, LambdaHttpResult } from "./http";
import { Logger } from "./logger";
import { createReceiver, toLambdaHandler } from "./receiver";
import { createAwsStorage } from "./storage";

export type LambdaHandler = (event: LambdaHttpEvent) => Promise<LambdaHttpResult>;

export interface HandlerDependencies {
    s3: S3Client;
    dynamodb: DynamoDBClient;
    logger?: Logger;
}

/** What Lambda runs: configuration from the environment, clients from the runtime's SDK. */
export function createLambdaHandler(): LambdaHandler {
    return buildLambdaHandler(readReceiverEnvironment(process.env), { s3: new S3Client({}), dynamodb: new DynamoDBClient({}) });
}

/** The one assembly of a handler, shared by Lambda and the local stack; only the clients' endpoints differ. */
export function buildLambdaHandler(environment: ReceiverEnvironment, dependencies: HandlerDependencies): LambdaHandler {
    const storage = createAwsStorage({
        s3: dependencies.s3,
        dynamodb: dependencies.dynamodb,
        bucketName: environment.bucketName,
        tableName: environment.tableName,
        retentionDays: environment.retentionDays,
    });
    return toLambdaHandler(createReceiver({
        storage,
        token: environment.token,
        previousToken: environment.previousToken,
        logger: dependencies.logger,
    }));
}
