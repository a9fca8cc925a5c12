/**
 * The loader and what makes it durable: a Lambda function (handlers/lambda.ts `createLoaderLambdaHandler`,
 * serialized and bundled as the receiver's is) that S3 invokes for every object created under raw/; the fallback
 * queue the receiver sends a body to when the archive does not take it, drained by the same function; and the
 * dead-letter queue where an event ends when Lambda's retries are spent.
 *
 *     receiver -> raw/ --(ObjectCreated, async invoke, 2 retries, up to 6 h)--> loader -> alerts/, rejected/, table
 *        \-> fallback queue --(event source mapping)--> loader -> raw/ (which notifies the loader again)
 *     a failed async event -> dead-letter queue (on-failure destination); a fallback message received 5 times -> the same
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { ENV } from "../handlers/environment";
import { createLoaderLambdaHandler } from "../handlers/lambda";
import { bucketPrefixes } from "../shared/layout";
import { MAX_SQS_MESSAGE_BYTES } from "../handlers/fallbackQueue";
import { ArgsOf, CONFIG_NAMESPACE, SettingsOf, resolveGroup } from "../shared/settings";
import { Reservation } from "../shared/lambdaConcurrency";
import { checkReservedConcurrency } from "./functionConcurrency";
import { lambdaAssumeRolePolicy } from "./policies/receiverPolicies";
import { loaderPolicy } from "./policies/loaderPolicies";
import { FunctionSettings, StoreReference, functionSettings, serializedHandler } from "./receiverFunction";

/** SQS keeps a message at most 14 days: the dead letters and the fallback's bodies wait that long for a person. */
export const QUEUE_RETENTION_SECONDS = 1_209_600;

/** Lambda retries a failed asynchronous event at most twice (FunctionEventInvokeConfig's bounds are 0 to 2). */
export const LOADER_RETRY_ATTEMPTS = 2;

/** A fallback message that failed to archive this many times goes to the dead-letter queue. */
export const FALLBACK_MAX_RECEIVE_COUNT = 5;

/**
 * Fallback messages per loader invocation: each is up to 1 MiB and a synchronous invocation carries at most 6 MB,
 * so 5 fit with room for the event's envelope.
 */
export const FALLBACK_BATCH_SIZE = 5;

/** Lambda's advice for a queue an event source mapping drains: a visibility timeout of 6 times the function's timeout. */
const VISIBILITY_TIMEOUT_FACTOR = 6;
/** SQS's largest visibility timeout, 12 hours. */
const MAX_VISIBILITY_TIMEOUT_SECONDS = 43_200;

export interface HealthScoreLoaderArgs {
    /** Where the loader reads raw/ and writes the lake, rejected/ and the table. */
    store: StoreReference & { bucketName: pulumi.Input<string> };
    /** Memory, timeout, reserved concurrency and event age: the `loader` group of the settings table. */
    loader?: ArgsOf<"loader">;
    /** Retention of the loader's log group. @default 30 */
    logRetentionDays?: number;
    /**
     * Other functions' reserved concurrency in this stack: Lambda's rule counts them all against one account quota,
     * so the preview checks this function's reservation together with them. @default none
     */
    reservedAlongside?: Reservation[];
}

export class HealthScoreLoader extends pulumi.ComponentResource {
    public readonly function: aws.lambda.Function;
    public readonly functionName: pulumi.Output<string>;
    public readonly role: aws.iam.Role;
    public readonly logGroup: aws.cloudwatch.LogGroup;
    /** Where the receiver sends a body the archive does not take. */
    public readonly fallbackQueue: aws.sqs.Queue;
    /** Where failed events and poisoned fallback messages wait for `replay --dead-letters`. */
    public readonly deadLetterQueue: aws.sqs.Queue;

    constructor(name: string, args: HealthScoreLoaderArgs, opts?: pulumi.ComponentResourceOptions) {
        const loader = resolveLoaderArgs(args);
        super("healthscore:index:HealthScoreLoader", name, {}, opts);

        this.deadLetterQueue = this.createQueue(`${name}-dead-letters`, {});
        this.fallbackQueue = this.createQueue(`${name}-fallback`, {
            // A message being archived stays hidden this long; Lambda's advice is 6 times the function's timeout.
            visibilityTimeoutSeconds: Math.min(MAX_VISIBILITY_TIMEOUT_SECONDS, VISIBILITY_TIMEOUT_FACTOR * loader.loaderTimeoutSeconds),
            redrivePolicy: this.deadLetterQueue.arn.apply((deadLetterTargetArn) => JSON.stringify({ deadLetterTargetArn, maxReceiveCount: FALLBACK_MAX_RECEIVE_COUNT })),
        });
        this.logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, { retentionInDays: args.logRetentionDays ?? 30 }, { parent: this });
        this.role = new aws.iam.Role(`${name}-role`, {
            description: "Loader of SparkPost Health Score deliveries: raw/ to the lake, rejected/ and the table.",
            assumeRolePolicy: JSON.stringify(lambdaAssumeRolePolicy()),
        }, { parent: this });
        const rolePolicy = this.grantLeastPrivilege(name, args.store);
        this.function = this.createFunction(name, args.store, loader, args.reservedAlongside ?? [], rolePolicy);
        this.functionName = this.function.name;

        this.retryThenDeadLetter(name, loader, rolePolicy);
        this.drainFallbackQueue(name, rolePolicy);
        this.runOnRawObjects(name, args.store);

        this.registerOutputs({ functionName: this.functionName, deadLetterQueueUrl: this.deadLetterQueue.url, fallbackQueueUrl: this.fallbackQueue.url });
    }

    /** Encrypted with SQS-owned keys (SSE-SQS: no key to manage, nothing for the roles to be granted), 1 MiB, 14 days. */
    private createQueue(name: string, extra: Partial<aws.sqs.QueueArgs>): aws.sqs.Queue {
        return new aws.sqs.Queue(name, {
            sqsManagedSseEnabled: true,
            // The provider's default is still 256 KiB (its docs); a fallback body may be up to 1 MiB.
            maxMessageSize: MAX_SQS_MESSAGE_BYTES,
            messageRetentionSeconds: QUEUE_RETENTION_SECONDS,
            ...extra,
        }, { parent: this });
    }

    private grantLeastPrivilege(name: string, store: StoreReference): aws.iam.RolePolicy {
        const region = aws.getRegionOutput({}, { parent: this });
        const policy = pulumi
            .all([store.bucketArn, store.tableArn, this.fallbackQueue.arn, this.deadLetterQueue.arn, this.logGroup.arn, region.region, store.kmsKeyArn])
            .apply(([bucketArn, tableArn, fallbackQueueArn, deadLetterQueueArn, logGroupArn, regionName, kmsKeyArn]) =>
                JSON.stringify(loaderPolicy({ bucketArn, tableArn, fallbackQueueArn, deadLetterQueueArn, logGroupArn, region: regionName, kmsKeyArn })));
        return new aws.iam.RolePolicy(`${name}-policy`, { role: this.role.id, policy }, { parent: this });
    }

    private createFunction(name: string, store: HealthScoreLoaderArgs["store"], loader: SettingsOf<"loader">,
        reservedAlongside: readonly Reservation[], rolePolicy: aws.iam.RolePolicy): aws.lambda.Function {
        return new aws.lambda.Function(`${name}-function`, {
            ...loaderFunctionSettings(loader),
            ...serializedHandler(createLoaderLambdaHandler),
            role: this.role.arn,
            environment: {
                variables: {
                    [ENV.bucketName]: store.bucketName,
                    [ENV.tableName]: store.tableName,
                    [ENV.retentionDays]: String(store.retentionDays),
                    // The `stack` dimension of its metrics, which the stack's alarms watch.
                    [ENV.stack]: pulumi.getStack(),
                },
            },
            loggingConfig: { logFormat: "Text", logGroup: this.logGroup.name },
        }, {
            parent: this,
            dependsOn: checkReservedConcurrency(loaderReservation(loader), reservedAlongside, this, [rolePolicy, this.logGroup]),
        });
    }

    /**
     * Lambda retries a failed asynchronous event (2 times, about 1 and 2 minutes apart; a throttled one for up to
     * the event age), then sends it to the dead-letter queue with the original event inside.
     */
    private retryThenDeadLetter(name: string, loader: SettingsOf<"loader">, rolePolicy: aws.iam.RolePolicy): void {
        new aws.lambda.FunctionEventInvokeConfig(`${name}-async`, {
            functionName: this.function.name,
            maximumRetryAttempts: LOADER_RETRY_ATTEMPTS,
            maximumEventAgeInSeconds: loader.loaderMaxEventAgeSeconds,
            destinationConfig: { onFailure: { destination: this.deadLetterQueue.arn } },
            // Lambda checks the role may send to the destination when the config is created.
        }, { parent: this, dependsOn: [rolePolicy] });
    }

    /** The fallback queue runs the loader; failed messages only go back (ReportBatchItemFailures). */
    private drainFallbackQueue(name: string, rolePolicy: aws.iam.RolePolicy): void {
        new aws.lambda.EventSourceMapping(`${name}-fallback-source`, {
            eventSourceArn: this.fallbackQueue.arn,
            functionName: this.function.name,
            batchSize: FALLBACK_BATCH_SIZE,
            functionResponseTypes: ["ReportBatchItemFailures"],
            // Lambda checks the role may receive from the queue when the mapping is created.
        }, { parent: this, dependsOn: [rolePolicy] });
    }

    /**
     * S3 invokes the loader for each object created under raw/. The permission names the bucket and the account:
     * a bucket ARN holds no account, so a same-named bucket elsewhere (after a delete) could invoke it otherwise.
     * S3 tests the destination when the notification is put, so the permission comes first.
     */
    private runOnRawObjects(name: string, store: HealthScoreLoaderArgs["store"]): void {
        const account = aws.getCallerIdentityOutput({}, { parent: this });
        const permission = new aws.lambda.Permission(`${name}-s3-invoke`, {
            action: "lambda:InvokeFunction",
            function: this.function.name,
            principal: "s3.amazonaws.com",
            sourceArn: store.bucketArn,
            sourceAccount: account.accountId,
        }, { parent: this });
        // Not bucket.onObjectCreated: that registers its resources at process exit. One configuration per bucket.
        new aws.s3.BucketNotification(`${name}-raw-notification`, {
            bucket: store.bucketName,
            lambdaFunctions: [{ lambdaFunctionArn: this.function.arn, events: ["s3:ObjectCreated:*"], filterPrefix: bucketPrefixes.raw }],
        }, { parent: this, dependsOn: [permission] });
    }
}

/** The loader's plain settings. */
export function loaderFunctionSettings(loader: SettingsOf<"loader">): FunctionSettings {
    return functionSettings("Loads archived SparkPost Health Score deliveries into the lake and the table.",
        loader.loaderMemoryMb, loader.loaderTimeoutSeconds, loader.loaderReservedConcurrency);
}

/** The `loader` settings with their defaults, once each is checked (errors name the argument). */
export function resolveLoaderArgs(args: HealthScoreLoaderArgs): SettingsOf<"loader"> {
    return resolveGroup("HealthScoreLoader", "loader", args.loader);
}

/** The loader's reservation, named by the setting that chose it (the program checks the receiver's beside it). */
export function loaderReservation(loader: Pick<SettingsOf<"loader">, "loaderReservedConcurrency">): Reservation {
    return { setting: `${CONFIG_NAMESPACE}:loaderReservedConcurrency`, reserved: loader.loaderReservedConcurrency };
}
