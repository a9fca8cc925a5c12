/**
 * How deliveries get in: the receiver Lambda, and in front of it either an Application Load Balancer (HTTPS on
 * your domain) or a Lambda Function URL.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { DEFAULT_RETENTION_DAYS, HOOK_PATH_PREFIX, isValidToken } from "../shared/limits";
import { ReceiverFunction, ReceiverFunctionArgs, StoreReference, validateReceiverArgs } from "./receiverFunction";
import { validateLoadBalancerArgs, WebhookLoadBalancer, WebhookLoadBalancerArgs } from "./webhookLoadBalancer";

export type IngressKind = "alb" | "function-url";

/** The load balancer's settings, for `ingress: alb` only; documented on WebhookLoadBalancerArgs. */
export type AlbSettings = Pick<WebhookLoadBalancerArgs,
    "domain" | "allowedCidrs" | "subnetIds" | "deletionProtection" | "accessLogs" | "accessLogRetentionDays">;

export interface HealthScoreIngestArgs extends AlbSettings {
    /** Where the receiver writes. */
    store: StoreReference;
    /**
     * The secret path segment of `/hooks/<token>`: 16 to 128 URL-safe characters (at most 121 with an ALB, whose
     * path pattern holds 128). Pass a secret.
     */
    webhookToken: pulumi.Input<string>;
    /** The token being rotated out, accepted too until SparkPost uses the new one. @default none */
    previousWebhookToken?: pulumi.Input<string>;
    /** Days DynamoDB keeps history items. @default 30 */
    retentionDays?: number;
    /**
     * `alb`: an Application Load Balancer, HTTPS on `domain` (requests up to 1 MB, about $16 a month).
     * `function-url`: a Lambda Function URL (requests up to 6 MB, no fixed cost, an AWS-generated host name).
     * @default "alb"
     */
    ingress?: IngressKind;
    /** @default 256 */
    lambdaMemoryMb?: number;
    /** @default 10 */
    lambdaTimeoutSeconds?: number;
    /** Reserved (and so maximum) concurrent executions, or "none" to reserve nothing. @default 10 */
    reservedConcurrency?: number | "none";
    /** CloudWatch Logs retention of the function's log group. @default 30 */
    logRetentionDays?: number;
}

export class HealthScoreIngest extends pulumi.ComponentResource {
    /** The URL to paste into the SparkPost alert; it holds the token, so it is a secret. */
    public readonly endpointUrl: pulumi.Output<string>;
    public readonly functionName: pulumi.Output<string>;
    public readonly receiver: ReceiverFunction;
    public readonly loadBalancer?: WebhookLoadBalancer;

    constructor(name: string, args: HealthScoreIngestArgs, opts?: pulumi.ComponentResourceOptions) {
        validate(name, args);
        super("healthscore:index:HealthScoreIngest", name, {}, opts);
        const ingress = args.ingress ?? "alb";

        this.receiver = new ReceiverFunction(`${name}-receiver`, receiverArgs(args), { parent: this });
        this.functionName = this.receiver.functionName;

        if (ingress === "alb") {
            this.loadBalancer = new WebhookLoadBalancer(loadBalancerName(name), { function: this.receiver.function, ...loadBalancerArgs(args) }, { parent: this });
            this.endpointUrl = this.loadBalancer.endpointUrl;
        } else {
            this.endpointUrl = this.createFunctionUrl(name, args.webhookToken);
        }

        this.registerOutputs({ endpointUrl: this.endpointUrl, functionName: this.functionName });
    }

    /**
     * A public Function URL: SparkPost sends no credentials (authorization NONE), so the token path is the guard,
     * checked by the handler. Since October 2025 a public URL needs both permissions below.
     */
    private createFunctionUrl(name: string, token: pulumi.Input<string>): pulumi.Output<string> {
        const functionName = this.receiver.functionName;
        const url = new aws.lambda.FunctionUrl(`${name}-url`, {
            functionName,
            authorizationType: "NONE",
            invokeMode: "BUFFERED",
        }, { parent: this });
        new aws.lambda.Permission(`${name}-url-permission`, {
            action: "lambda:InvokeFunctionUrl",
            function: functionName,
            principal: "*",
            functionUrlAuthType: "NONE",
        }, { parent: this });
        new aws.lambda.Permission(`${name}-url-invoke-permission`, {
            action: "lambda:InvokeFunction",
            function: functionName,
            principal: "*",
            // Only through the URL: nobody may call Invoke on the function directly.
            invokedViaFunctionUrl: true,
        }, { parent: this });
        // functionUrl ends with "/".
        return pulumi.secret(pulumi.interpolate`${url.functionUrl.apply((u) => u.replace(/\/$/, ""))}${HOOK_PATH_PREFIX}${token}`);
    }
}

function loadBalancerName(name: string): string {
    return `${name}-lb`;
}

function receiverArgs(args: HealthScoreIngestArgs): ReceiverFunctionArgs {
    return {
        bucketName: args.store.bucketName,
        bucketArn: args.store.bucketArn,
        tableName: args.store.tableName,
        tableArn: args.store.tableArn,
        kmsKeyArn: args.store.kmsKeyArn,
        webhookToken: args.webhookToken,
        previousWebhookToken: args.previousWebhookToken,
        retentionDays: args.retentionDays ?? DEFAULT_RETENTION_DAYS,
        memoryMb: args.lambdaMemoryMb,
        timeoutSeconds: args.lambdaTimeoutSeconds,
        reservedConcurrency: args.reservedConcurrency,
        logRetentionDays: args.logRetentionDays,
    };
}

function loadBalancerArgs(args: HealthScoreIngestArgs): Omit<WebhookLoadBalancerArgs, "function"> {
    return {
        webhookToken: args.webhookToken,
        previousWebhookToken: args.previousWebhookToken,
        domain: args.domain,
        allowedCidrs: args.allowedCidrs,
        subnetIds: args.subnetIds,
        deletionProtection: args.deletionProtection,
        accessLogs: args.accessLogs,
        accessLogRetentionDays: args.accessLogRetentionDays,
    };
}

/** Every argument, the children's included, is checked before the first resource is created. */
function validate(name: string, args: HealthScoreIngestArgs): void {
    const ingress = args.ingress ?? "alb";
    if (ingress !== "alb" && ingress !== "function-url") {
        throw new Error(`HealthScoreIngest: ingress must be "alb" or "function-url", got ${JSON.stringify(ingress)}`);
    }
    for (const [key, token] of [["webhookToken", args.webhookToken], ["previousWebhookToken", args.previousWebhookToken]] as const) {
        // Outputs (a generated token) are checked where they are made; plain strings here. Never echo a token.
        if (typeof token === "string" && !isValidToken(token)) {
            throw new Error(`HealthScoreIngest: ${key} must be 16 to 128 characters of A-Z, a-z, 0-9, "_" or "-"`);
        }
        if (typeof token === "string" && ingress === "alb" && HOOK_PATH_PREFIX.length + token.length > 128) {
            throw new Error(`HealthScoreIngest: ${key} must be at most ${128 - HOOK_PATH_PREFIX.length} characters with an ALB, whose path patterns hold 128`);
        }
    }
    if (ingress === "function-url") {
        const albOnly = (["domain", "allowedCidrs", "subnetIds", "accessLogs", "accessLogRetentionDays"] as const).filter((key) => args[key] !== undefined);
        if (albOnly.length > 0) {
            throw new Error(`HealthScoreIngest: ${albOnly.join(", ")} apply to ingress "alb" only, not "function-url"`);
        }
    }
    validateReceiverArgs(receiverArgs(args));
    if (ingress === "alb") validateLoadBalancerArgs(loadBalancerName(name), loadBalancerArgs(args));
}
