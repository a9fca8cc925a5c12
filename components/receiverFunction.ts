/**
 * The receiver Lambda: handlers/lambda.ts serialized by `aws.lambda.CallbackFunction`, with its own
 * least-privilege role and its own log group.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { ENV } from "../handlers/environment";
import { createLambdaHandler } from "../handlers/lambda";
import { lambdaAssumeRolePolicy, receiverPolicy } from "./policies/receiverPolicies";
import { receiverCodePathOptions } from "./lambdaPackage";

/** Set explicitly: CallbackFunction's default runtime changes with provider upgrades (and is then ignored on updates). */
export const RECEIVER_RUNTIME = "nodejs22.x";

/** Where the receiver writes; a HealthScoreStore is one. */
export interface StoreReference {
    bucketName: pulumi.Input<string>;
    bucketArn: pulumi.Input<string>;
    tableName: pulumi.Input<string>;
    tableArn: pulumi.Input<string>;
    /** The store's customer managed key, if any: the role may use it through S3 and DynamoDB only. */
    kmsKeyArn?: pulumi.Input<string>;
}

export interface ReceiverFunctionArgs extends StoreReference {
    /** The webhook's secret path segment. Reaches the function as an environment variable. */
    webhookToken: pulumi.Input<string>;
    /** Accepted too while a rotation is under way. @default none */
    previousWebhookToken?: pulumi.Input<string>;
    /** Days DynamoDB keeps history items (their `expires_at`). */
    retentionDays: number;
    /** @default 256 */
    memoryMb?: number;
    /** @default 10 */
    timeoutSeconds?: number;
    /**
     * Concurrent executions reserved, and so the most that can run: a flood of requests is throttled here rather
     * than billed or passed on to DynamoDB. `"none"` reserves nothing (and so caps nothing): for accounts whose
     * concurrency quota is too small to reserve any (new accounts may have 10, all of which Lambda keeps unreserved).
     * @default 10
     */
    reservedConcurrency?: number | "none";
    /** @default 30 */
    logRetentionDays?: number;
}

export class ReceiverFunction extends pulumi.ComponentResource {
    public readonly function: aws.lambda.CallbackFunction<unknown, unknown>;
    public readonly functionName: pulumi.Output<string>;
    public readonly functionArn: pulumi.Output<string>;
    public readonly role: aws.iam.Role;
    public readonly logGroup: aws.cloudwatch.LogGroup;

    constructor(name: string, args: ReceiverFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
        validateReceiverArgs(args);
        super("healthscore:index:ReceiverFunction", name, {}, opts);

        this.logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, {
            retentionInDays: args.logRetentionDays ?? 30,
        }, { parent: this });
        this.role = this.createRole(name);
        const rolePolicy = this.grantLeastPrivilege(name, args);
        this.function = this.createFunction(name, args, rolePolicy);
        this.functionName = this.function.name;
        this.functionArn = this.function.arn;

        this.registerOutputs({ functionName: this.functionName, functionArn: this.functionArn });
    }

    /** Its own role: CallbackFunction's default would attach AWSLambda_FullAccess, AmazonS3FullAccess and more. */
    private createRole(name: string): aws.iam.Role {
        return new aws.iam.Role(`${name}-role`, {
            description: "Receiver of SparkPost Health Score alerts: writes deliveries to its bucket and table.",
            assumeRolePolicy: JSON.stringify(lambdaAssumeRolePolicy()),
        }, { parent: this });
    }

    private grantLeastPrivilege(name: string, args: ReceiverFunctionArgs): aws.iam.RolePolicy {
        const region = aws.getRegionOutput({}, { parent: this });
        const policy = pulumi
            .all([args.bucketArn, args.tableArn, this.logGroup.arn, region.region, args.kmsKeyArn])
            .apply(([bucketArn, tableArn, logGroupArn, regionName, kmsKeyArn]) =>
                JSON.stringify(receiverPolicy({ bucketArn, tableArn, logGroupArn, region: regionName, kmsKeyArn })));
        return new aws.iam.RolePolicy(`${name}-policy`, { role: this.role.id, policy }, { parent: this });
    }

    private createFunction(name: string, args: ReceiverFunctionArgs, rolePolicy: aws.iam.RolePolicy): aws.lambda.CallbackFunction<unknown, unknown> {
        const variables: Record<string, pulumi.Input<string>> = {
            [ENV.bucketName]: args.bucketName,
            [ENV.tableName]: args.tableName,
            [ENV.retentionDays]: String(args.retentionDays),
            [ENV.token]: pulumi.secret(args.webhookToken),
        };
        if (args.previousWebhookToken !== undefined) variables[ENV.previousToken] = pulumi.secret(args.previousWebhookToken);

        return new aws.lambda.CallbackFunction(`${name}-function`, {
            ...receiverFunctionSettings(args),
            callbackFactory: createLambdaHandler as unknown as aws.lambda.CallbackFactory<unknown, unknown>,
            codePathOptions: receiverCodePathOptions(readPackageJson()),
            role: this.role.arn,
            environment: { variables },
            // The handler writes JSON lines itself; Text keeps them as they are.
            loggingConfig: { logFormat: "Text", logGroup: this.logGroup.name },
        }, { parent: this, dependsOn: [rolePolicy, this.logGroup] });
    }
}

/** The function's plain settings, as passed to CallbackFunction: pure, so a unit test sees exactly what is set. */
export function receiverFunctionSettings(args: Pick<ReceiverFunctionArgs, "memoryMb" | "timeoutSeconds" | "reservedConcurrency">): {
    description: string;
    runtime: string;
    architectures: string[];
    memorySize: number;
    timeout: number;
    reservedConcurrentExecutions?: number;
} {
    const reserved = args.reservedConcurrency ?? 10;
    return {
        description: "Receives SparkPost Health Score alert webhooks.",
        // Explicit: CallbackFunction's default would follow provider upgrades.
        runtime: RECEIVER_RUNTIME,
        architectures: ["arm64"],
        memorySize: args.memoryMb ?? 256,
        timeout: args.timeoutSeconds ?? 10,
        // "none": the property is left out, so Lambda reserves nothing (the function uses the unreserved pool).
        ...(reserved === "none" ? {} : { reservedConcurrentExecutions: reserved }),
    };
}

/** The project's package.json, which CallbackFunction also reads to decide what to package. */
function readPackageJson(): { dependencies?: Record<string, string> } {
    return JSON.parse(fs.readFileSync(path.join(__dirname, "..", "package.json"), "utf8"));
}

/** Throws for arguments Lambda would reject; exported so that HealthScoreIngest checks before it creates anything. */
export function validateReceiverArgs(args: ReceiverFunctionArgs): void {
    const ranges: [keyof ReceiverFunctionArgs, number | undefined, number, number][] = [
        ["retentionDays", args.retentionDays, 1, 36_500],
        ["memoryMb", args.memoryMb, 128, 10_240],
        ["timeoutSeconds", args.timeoutSeconds, 1, 900],
        // "none" is the one word accepted; any other value must be a count.
        ["reservedConcurrency", args.reservedConcurrency === "none" ? undefined : args.reservedConcurrency, 1, 1_000],
        ["logRetentionDays", args.logRetentionDays, 1, 3_653],
    ];
    for (const [key, value, min, max] of ranges) {
        if (value !== undefined && (!Number.isInteger(value) || value < min || value > max)) {
            throw new Error(`ReceiverFunction: ${key} must be a whole number from ${min} to ${max}, got ${value}`);
        }
    }
}
