/**
 * The Lambda entry points, as factories: packaging/handlerArchive.ts serializes `createLambdaHandler` (the
 * receiver) and `createLoaderLambdaHandler` (the loader), and `__index.js` calls them once per cold start. Clients and the
 * schema are built inside the factories, because the serializer can capture neither an SDK client nor a
 * superstruct Struct from module scope.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { ArchiveEnvironment, LoaderEnvironment, readLoaderEnvironment, readReceiverEnvironment } from "./environment";
import { createSqsFallbackQueue } from "./fallbackQueue";
import { LambdaHttpEvent, LambdaHttpResult, jsonResponse, toHttpRequest, toLambdaResult } from "./http";
import { createLoader } from "./loader";
import { LoaderEventHandler, createLoaderEventHandler } from "./loaderEvents";
import { FunctionLogger, InvocationContext, Logger, functionLogger, jsonLogger } from "./logger";
import { powertoolsLogger } from "./lambdaLogger";
import { MetricsPublisher, emfMetrics } from "./metrics";
import { Receiver, createReceiver, toLambdaHandler } from "./receiver";
import { TABLE_CLIENT_SETTINGS } from "./concurrency";
import { LatestWrites, createAwsStorage, createObjectStorage } from "./storage";
import { Sender, dynamoDbSdk, onFirstUse, s3Sdk, sqsSdk, ssmSdk } from "./sdk";
import { TokenSource, ssmTokens } from "./tokenSource";
import { metricDimensions } from "../shared/observability";

/** Lambda's context as the second argument (absent when a test or the benchmark calls it). */
export type LambdaHandler = (event: LambdaHttpEvent, context?: InvocationContext) => Promise<LambdaHttpResult>;

/** How a function reports: JSON log lines through Powertools' Logger, and EMF metrics with the stack's dimensions. */
export interface Observability {
    logger?: Logger | FunctionLogger;
    metrics?: MetricsPublisher;
}

/** A deployed function's logger and metrics, built in its factory (neither can be captured from module scope). */
export function lambdaObservability(stack: string): Required<Observability> {
    return { logger: powertoolsLogger(), metrics: emfMetrics({ dimensions: metricDimensions(stack) }) };
}

export interface HandlerDependencies extends Observability {
    s3: Sender<S3Client>;
    sqs: Sender<SQSClient>;
    /** The webhook tokens: read from SSM in Lambda, given directly to the local stack. */
    tokens: TokenSource;
}

/**
 * What Lambda runs for the receiver: configuration from the environment, clients from the runtime's SDK, tokens
 * from SSM. One attempt per call: the receiver retries the token read, the archive and its fallback itself,
 * within time budgets (tokenSource.ts, durableArchive.ts), whatever retry defaults the runtime's SDK version has.
 *
 * No SDK package is loaded at initialisation (handlers/sdk.ts): the first request loads SSM's to read the
 * tokens, then S3's and SQS's, each before any deadline starts (on a small function's share of a vCPU, loading a
 * client takes long enough to eat a budget meant for the network). The first delivery thus waits for what
 * initialisation used to do, and every later one finds the clients ready.
 */
export function createLambdaHandler(): LambdaHandler {
    const environment = readReceiverEnvironment(process.env);
    const s3 = onFirstUse(() => new (s3Sdk().S3Client)({ maxAttempts: 1 }));
    const sqs = onFirstUse(() => new (sqsSdk().SQSClient)({ maxAttempts: 1 }));
    const ssm = onFirstUse(() => new (ssmSdk().SSMClient)({ maxAttempts: 1 }));
    const readTokens = ssmTokens(ssm, { token: environment.tokenParameter, previousToken: environment.previousTokenParameter });
    const tokens: TokenSource = async () => {
        ssm.load();
        const read = await readTokens();
        s3.load();
        sqs.load();
        return read;
    };
    return buildLambdaHandler(environment, { s3, sqs, tokens, ...lambdaObservability(environment.stack) });
}

/**
 * The one assembly of a receiver, shared by Lambda and the local stack; only the clients' endpoints and the token
 * source differ. The tokens are loaded on the first request and kept for the life of the instance; a load that
 * fails is answered 503 (the load balancer's 502 would say less) and tried again on the next request.
 */
export function buildLambdaHandler(environment: ArchiveEnvironment, dependencies: HandlerDependencies): LambdaHandler {
    const logger = functionLogger(dependencies.logger ?? jsonLogger());
    const { metrics } = dependencies;
    const storage = createObjectStorage({ s3: dependencies.s3, bucketName: environment.bucketName });
    const fallback = createSqsFallbackQueue(dependencies.sqs, environment.fallbackQueueUrl);
    let receiver: Promise<Receiver> | undefined;
    const loadReceiver = (): Promise<Receiver> => {
        receiver ??= dependencies.tokens().then(
            (tokens) => createReceiver({ storage, fallback, token: tokens.token, previousToken: tokens.previousToken, logger, metrics }),
            (err: Error) => {
                receiver = undefined;
                throw err;
            });
        return receiver;
    };
    return async (event, context) => {
        logger.startInvocation(context);
        let receive: Receiver;
        try {
            receive = await loadReceiver();
        } catch (err) {
            logger.error("the webhook tokens could not be loaded; nothing was stored", { error: (err as Error).message });
            metrics?.publish({ DeliveriesNotKept: [1] });
            return toLambdaResult(toHttpRequest(event).source, jsonResponse(503, { message: "the receiver is not ready; nothing was stored" }));
        }
        return toLambdaHandler(receive)(event);
    };
}

export interface LoaderDependencies extends Observability {
    s3: Sender<S3Client>;
    dynamodb: Sender<DynamoDBClient>;
    /** How the table takes latest entries: transactions in AWS (the default), puts against dynalite. */
    latestWrites?: LatestWrites;
}

/**
 * What Lambda runs for the loader. The SDK's retries are set, not left to the runtime's version: 3 attempts per
 * call, and the loader's own retries of DynamoDB's unprocessed items (storage.ts) on top; Lambda's asynchronous
 * retries (two, a minute or two apart) then cover an outage longer than that.
 */
export function createLoaderLambdaHandler(): LoaderEventHandler {
    const environment = readLoaderEnvironment(process.env);
    return buildLoaderHandler(environment, {
        s3: onFirstUse(() => new (s3Sdk().S3Client)({ maxAttempts: 3 })),
        dynamodb: onFirstUse(() => new (dynamoDbSdk().DynamoDBClient)({ maxAttempts: 3, ...TABLE_CLIENT_SETTINGS })),
        ...lambdaObservability(environment.stack),
    });
}

/** The one assembly of a loader, shared by Lambda, the local stack and `replay`. */
export function buildLoaderHandler(environment: LoaderEnvironment, dependencies: LoaderDependencies): LoaderEventHandler {
    const logger = functionLogger(dependencies.logger ?? jsonLogger());
    const storage = createAwsStorage({ ...dependencies, ...environment });
    return createLoaderEventHandler({ load: createLoader({ storage, logger }), archive: storage, logger, metrics: dependencies.metrics });
}
