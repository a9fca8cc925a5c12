/**
 * The receiver Lambda: handlers/lambda.ts `createLambdaHandler`, serialized and bundled (packaging/handlerArchive.ts), with its own
 * least-privilege role and its own log group, and its webhook tokens in SSM Parameter Store (SecureString), which
 * it reads on its first request: nothing secret is in the function's configuration, which anyone allowed
 * lambda:GetFunctionConfiguration could read.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { ENV } from "../handlers/environment";
import { createLambdaHandler } from "../handlers/lambda";
import { ArgsOf, CONFIG_NAMESPACE, SettingsOf, checkTokenArguments, resolveGroup } from "../shared/settings";
import { ReservedConcurrency, checkReservedConcurrency, reservedConcurrencyProperty } from "./functionConcurrency";
import { lambdaAssumeRolePolicy, receiverPolicy } from "./policies/receiverPolicies";
import { HANDLER_ENTRY, HandlerFactory, LAMBDA_RUNTIME, handlerArchive } from "../packaging/handlerArchive";
import { Reservation } from "../shared/lambdaConcurrency";

/** Where the receiver archives and the loader stores; a HealthScoreStore is one. */
export interface StoreReference {
    bucketName: pulumi.Input<string>;
    bucketArn: pulumi.Input<string>;
    tableName: pulumi.Input<string>;
    tableArn: pulumi.Input<string>;
    /** The store's customer managed key, if any: the role may use it through S3 and DynamoDB only. */
    kmsKeyArn?: pulumi.Input<string>;
    /** Days the table keeps history items: the loader writes each item's `expires_at` from it. */
    retentionDays: number;
}

/** The queue the receiver sends a body to when the archive does not take it (HealthScoreLoader's fallback queue). */
export interface FallbackQueueReference {
    url: pulumi.Input<string>;
    arn: pulumi.Input<string>;
}

export interface ReceiverFunctionArgs {
    /** Where the receiver archives raw bodies (the loader writes the rest). */
    store: StoreReference;
    /** Where a body goes when the archive does not take it in time. */
    fallbackQueue: FallbackQueueReference;
    /** The webhook's secret path segment. Kept in an SSM SecureString parameter the function reads. */
    webhookToken: pulumi.Input<string>;
    /** Accepted too while a rotation is under way. @default none */
    previousWebhookToken?: pulumi.Input<string>;
    /**
     * Memory, timeout, reserved concurrency and log retention: the `lambda` group of the settings table
     * (shared/settings.ts), which documents each and gives the defaults.
     */
    lambda?: ArgsOf<"lambda">;
    /**
     * Other functions' reserved concurrency in this stack: Lambda's rule counts them all against one account quota,
     * so the preview checks this function's reservation together with them. @default none
     */
    reservedAlongside?: Reservation[];
}

export class ReceiverFunction extends pulumi.ComponentResource {
    public readonly function: aws.lambda.Function;
    public readonly functionName: pulumi.Output<string>;
    public readonly functionArn: pulumi.Output<string>;
    public readonly role: aws.iam.Role;
    public readonly logGroup: aws.cloudwatch.LogGroup;
    /** The SecureString parameters holding the token and, during a rotation, the previous one. */
    public readonly tokenParameters: { token: aws.ssm.Parameter; previousToken?: aws.ssm.Parameter };

    constructor(name: string, args: ReceiverFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
        const lambda = resolveReceiverArgs(args);
        super("healthscore:index:ReceiverFunction", name, {}, opts);

        this.logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, {
            retentionInDays: lambda.logRetentionDays,
        }, { parent: this });
        this.role = this.createRole(name);
        this.tokenParameters = this.storeTokens(name, args);
        const rolePolicy = this.grantLeastPrivilege(name, args.store, args.fallbackQueue);
        this.function = this.createFunction(name, args, lambda, rolePolicy);
        this.functionName = this.function.name;
        this.functionArn = this.function.arn;

        this.registerOutputs({ functionName: this.functionName, functionArn: this.functionArn });
    }

    /** Its own role, with only what the receiver does (policies/receiverPolicies.ts). */
    private createRole(name: string): aws.iam.Role {
        return new aws.iam.Role(`${name}-role`, {
            description: "Receiver of SparkPost Health Score alerts: archives deliveries in raw/ (or the fallback queue).",
            assumeRolePolicy: JSON.stringify(lambdaAssumeRolePolicy()),
        }, { parent: this });
    }

    /**
     * The tokens as SecureString parameters, under `/<project>/<stack>/<component>/`, encrypted with the store's key
     * when there is one (else AWS's aws/ssm key, with which ssm:GetParameter on the parameter is the only gate).
     * The provider keeps `value` secret in the state.
     */
    private storeTokens(name: string, args: ReceiverFunctionArgs): { token: aws.ssm.Parameter; previousToken?: aws.ssm.Parameter } {
        const parameter = (suffix: string, value: pulumi.Input<string>, description: string) => new aws.ssm.Parameter(`${name}-${suffix}`, {
            name: `/${pulumi.getProject()}/${pulumi.getStack()}/${name}/${suffix}`,
            type: "SecureString",
            value: pulumi.secret(value),
            keyId: args.store.kmsKeyArn,
            description,
        }, { parent: this });
        return {
            token: parameter("webhook-token", args.webhookToken, "The SparkPost webhook's token (/hooks/<token>), read by the receiver"),
            ...(args.previousWebhookToken !== undefined
                ? { previousToken: parameter("previous-webhook-token", args.previousWebhookToken, "The webhook token being rotated out, still accepted") }
                : {}),
        };
    }

    private grantLeastPrivilege(name: string, store: StoreReference, fallbackQueue: FallbackQueueReference): aws.iam.RolePolicy {
        const region = aws.getRegionOutput({}, { parent: this });
        // The parameters' ARNs as the provider reports them: one built from a name with a leading slash would hold
        // `parameter//...`, which matches nothing.
        const parameterArns = pulumi.all([this.tokenParameters.token.arn, this.tokenParameters.previousToken?.arn])
            .apply((arns) => arns.filter((arn): arn is string => arn !== undefined));
        const policy = pulumi
            .all([store.bucketArn, fallbackQueue.arn, this.logGroup.arn, region.region, store.kmsKeyArn, parameterArns])
            .apply(([bucketArn, fallbackQueueArn, logGroupArn, regionName, kmsKeyArn, tokenParameterArns]) =>
                JSON.stringify(receiverPolicy({ bucketArn, fallbackQueueArn, logGroupArn, region: regionName, kmsKeyArn, tokenParameterArns })));
        return new aws.iam.RolePolicy(`${name}-policy`, { role: this.role.id, policy }, { parent: this });
    }

    private createFunction(
        name: string,
        args: ReceiverFunctionArgs,
        lambda: SettingsOf<"lambda">,
        rolePolicy: aws.iam.RolePolicy,
    ): aws.lambda.Function {
        // Names only: the function reads the tokens from SSM.
        const variables: Record<string, pulumi.Input<string>> = {
            [ENV.bucketName]: args.store.bucketName,
            [ENV.fallbackQueueUrl]: args.fallbackQueue.url,
            [ENV.tokenParameter]: this.tokenParameters.token.name,
            // The `stack` dimension of its metrics, which the stack's alarms watch.
            [ENV.stack]: pulumi.getStack(),
        };
        if (this.tokenParameters.previousToken) variables[ENV.previousTokenParameter] = this.tokenParameters.previousToken.name;
        // A running instance keeps the tokens it read: a changed version makes Lambda start instances that read again.
        variables[ENV.tokenVersions] = pulumi.all([this.tokenParameters.token.version, this.tokenParameters.previousToken?.version])
            .apply((versions) => versions.filter((version) => version !== undefined).join(","));

        return new aws.lambda.Function(`${name}-function`, {
            ...receiverFunctionSettings(lambda),
            ...serializedHandler(createLambdaHandler),
            role: this.role.arn,
            environment: { variables },
            // The handler writes JSON lines itself; Text keeps them as they are.
            loggingConfig: { logFormat: "Text", logGroup: this.logGroup.name },
        }, {
            parent: this,
            dependsOn: checkReservedConcurrency(receiverReservation(lambda), args.reservedAlongside ?? [], this, [rolePolicy, this.logGroup]),
        });
    }
}

/** The receiver's reservation, named by the setting that chose it (the program checks the loader's beside it). */
export function receiverReservation(lambda: Pick<SettingsOf<"lambda">, "reservedConcurrency">): Reservation {
    return { setting: `${CONFIG_NAMESPACE}:reservedConcurrency`, reserved: lambda.reservedConcurrency };
}

/** A function's plain settings: pure, so a unit test sees exactly what is set. */
export interface FunctionSettings {
    description: string;
    runtime: string;
    architectures: string[];
    memorySize: number;
    timeout: number;
    reservedConcurrentExecutions?: number;
}

export function receiverFunctionSettings(lambda: SettingsOf<"lambda">): FunctionSettings {
    return functionSettings("Receives SparkPost Health Score alert webhooks.", lambda.lambdaMemoryMb, lambda.lambdaTimeoutSeconds, lambda.reservedConcurrency);
}

/** The settings every function of the stack shares (runtime, architecture), and its own. */
export function functionSettings(description: string, memorySize: number, timeout: number, reservedConcurrency: ReservedConcurrency): FunctionSettings {
    return {
        description,
        runtime: LAMBDA_RUNTIME,
        architectures: ["arm64"],
        memorySize,
        timeout,
        ...reservedConcurrencyProperty(reservedConcurrency),
    };
}

/** A function's code: `factory` serialized and bundled for the functions' runtime, and the entry Lambda calls. */
export function serializedHandler(factory: HandlerFactory): Pick<aws.lambda.FunctionArgs, "code" | "handler"> {
    return { code: handlerArchive(factory), handler: HANDLER_ENTRY };
}

/**
 * The `lambda` settings with their defaults, once every argument Lambda would reject is refused (errors name the
 * argument). HealthScoreIngest calls it too, before it creates anything.
 */
export function resolveReceiverArgs(args: ReceiverFunctionArgs): SettingsOf<"lambda"> {
    checkTokenArguments("ReceiverFunction", args, "function-url");
    resolveGroup("ReceiverFunction", "store", { retentionDays: args.store.retentionDays });
    return resolveGroup("ReceiverFunction", "lambda", args.lambda);
}
