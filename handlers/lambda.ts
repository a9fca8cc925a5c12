/**
 * The Lambda entry point, as a factory: `aws.lambda.CallbackFunction` serializes `createLambdaHandler` and
 * calls it once per cold start. Clients and the schema are built here, inside the factory, because the
 * serializer can capture neither an SDK client nor a superstruct Struct from module scope.
 */
import { S3Client } from "@aws-sdk/client-s3";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SSMClient } from "@aws-sdk/client-ssm";
import { StoreEnvironment, readReceiverEnvironment } from "./environment";
import { LambdaHttpEvent, LambdaHttpResult, jsonResponse, toHttpRequest, toLambdaResult } from "./http";
import { Logger, jsonLogger } from "./logger";
import { Receiver, createReceiver, toLambdaHandler } from "./receiver";
import { createAwsStorage } from "./storage";
import { TokenSource, ssmTokens } from "./tokenSource";

export type LambdaHandler = (event: LambdaHttpEvent) => Promise<LambdaHttpResult>;

export interface HandlerDependencies {
    s3: S3Client;
    dynamodb: DynamoDBClient;
    /** The webhook tokens: read from SSM in Lambda, given directly to the local stack. */
    tokens: TokenSource;
    logger?: Logger;
}

/** What Lambda runs: configuration from the environment, clients from the runtime's SDK, tokens from SSM. */
export function createLambdaHandler(): LambdaHandler {
    const environment = readReceiverEnvironment(process.env);
    const tokens = ssmTokens(new SSMClient({}), { token: environment.tokenParameter, previousToken: environment.previousTokenParameter });
    return buildLambdaHandler(environment, { s3: new S3Client({}), dynamodb: new DynamoDBClient({}), tokens });
}

/**
 * The one assembly of a handler, shared by Lambda and the local stack; only the clients' endpoints and the token
 * source differ. The tokens are loaded on the first request and kept for the life of the instance; a load that
 * fails is answered 503 (the load balancer's 502 would say less) and tried again on the next request.
 */
export function buildLambdaHandler(environment: StoreEnvironment, dependencies: HandlerDependencies): LambdaHandler {
    const logger = dependencies.logger ?? jsonLogger();
    const storage = createAwsStorage({
        s3: dependencies.s3,
        dynamodb: dependencies.dynamodb,
        bucketName: environment.bucketName,
        tableName: environment.tableName,
        retentionDays: environment.retentionDays,
    });
    let receiver: Promise<Receiver> | undefined;
    const loadReceiver = (): Promise<Receiver> => {
        receiver ??= dependencies.tokens().then(
            (tokens) => createReceiver({ storage, token: tokens.token, previousToken: tokens.previousToken, logger }),
            (err: Error) => {
                receiver = undefined;
                throw err;
            });
        return receiver;
    };
    return async (event) => {
        let receive: Receiver;
        try {
            receive = await loadReceiver();
        } catch (err) {
            logger.error("the webhook tokens could not be loaded; nothing was stored", { error: (err as Error).message });
            return toLambdaResult(toHttpRequest(event).source, jsonResponse(503, { message: "the receiver is not ready; nothing was stored" }));
        }
        return toLambdaHandler(receive)(event);
    };
}
