/**
 * The Lambda entry point, as a factory: `aws.lambda.CallbackFunction` serializes `createLambdaHandler` and
 * calls it once per cold start. Clients and the schema are built here, inside the factory, because the
 * serializer can capture neither an SDK client nor a superstruct Struct from module scope.
 */
import { S3Client } from "@aws-sdk/client-s3";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { readReceiverEnvironment } from "./environment";
import { LambdaHttpEvent, LambdaHttpResult } from "./http";
import { createReceiver, toLambdaHandler } from "./receiver";
import { createAwsStorage } from "./storage";

export type LambdaHandler = (event: LambdaHttpEvent) => Promise<LambdaHttpResult>;

export function createLambdaHandler(): LambdaHandler {
    const environment = readReceiverEnvironment(process.env);
    const storage = createAwsStorage({
        s3: new S3Client({}),
        dynamodb: new DynamoDBClient({}),
        bucketName: environment.bucketName,
        tableName: environment.tableName,
        retentionDays: environment.retentionDays,
    });
    return toLambdaHandler(createReceiver({ storage, token: environment.token, previousToken: environment.previousToken }));
}
