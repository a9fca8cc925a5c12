/**
 * How deliveries get in: the receiver Lambda, and in front of it either an Application Load Balancer (HTTPS on
 * your domain) or a Lambda Function URL.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { HOOK_PATH_PREFIX, Ingress } from "../shared/limits";
import { Reservation } from "../shared/lambdaConcurrency";
import { ArgsOf, checkIngressOf, checkTokenArguments, resolveSetting } from "../shared/settings";
import { FallbackQueueReference, ReceiverFunction, StoreReference, resolveReceiverArgs } from "./receiverFunction";
import { WebhookLoadBalancer, resolveLoadBalancerArgs } from "./webhookLoadBalancer";

export interface HealthScoreIngestArgs {
    /** Where the receiver archives raw bodies. */
    store: StoreReference;
    /** Where the receiver sends a body the archive does not take (HealthScoreLoader's fallback queue). */
    fallbackQueue: FallbackQueueReference;
    /** The secret path segment of `/hooks/<token>`, as the settings table's `webhookToken` describes. Pass a secret. */
    webhookToken: pulumi.Input<string>;
    /** The token being rotated out, accepted too until SparkPost uses the new one. @default none */
    previousWebhookToken?: pulumi.Input<string>;
    /** An Application Load Balancer or a Lambda Function URL, as the settings table's `ingress` describes. @default "alb" */
    ingress?: Ingress;
    /** The receiver's settings (the settings table's `lambda` group), handed to ReceiverFunction. */
    lambda?: ArgsOf<"lambda">;
    /** The load balancer's settings (the settings table's `alb` group), handed to WebhookLoadBalancer; `alb` ingress only. */
    alb?: ArgsOf<"alb">;
    /** The load balancer's deletion protection (ELB.6). @default true */
    deletionProtection?: boolean;
    /**
     * Other functions' reserved concurrency in this stack: Lambda's rule counts them all against one account quota,
     * so the preview checks the receiver's reservation together with them. @default none
     */
    reservedAlongside?: Reservation[];
}

export class HealthScoreIngest extends pulumi.ComponentResource {
    /** The URL to paste into the SparkPost alert; it holds the token, so it is a secret. */
    public readonly endpointUrl: pulumi.Output<string>;
    public readonly functionName: pulumi.Output<string>;
    /** The receiver's CloudWatch Logs group. */
    public readonly logGroupName: pulumi.Output<string>;
    public readonly receiver: ReceiverFunction;
    public readonly loadBalancer?: WebhookLoadBalancer;

    constructor(name: string, args: HealthScoreIngestArgs, opts?: pulumi.ComponentResourceOptions) {
        const ingress = resolveIngestArgs(name, args);
        super("healthscore:index:HealthScoreIngest", name, {}, opts);
        const { store, fallbackQueue, webhookToken, previousWebhookToken } = args;

        this.receiver = new ReceiverFunction(`${name}-receiver`, { store, fallbackQueue, webhookToken, previousWebhookToken, lambda: args.lambda, reservedAlongside: args.reservedAlongside }, { parent: this });
        this.functionName = this.receiver.functionName;
        this.logGroupName = this.receiver.logGroup.name;

        if (ingress === "alb") {
            this.loadBalancer = new WebhookLoadBalancer(loadBalancerName(name), {
                function: this.receiver.function,
                webhookToken,
                previousWebhookToken,
                alb: args.alb,
                deletionProtection: args.deletionProtection,
            }, { parent: this });
            this.endpointUrl = this.loadBalancer.endpointUrl;
        } else {
            this.endpointUrl = this.createFunctionUrl(name, args.webhookToken);
        }

        this.registerOutputs({ endpointUrl: this.endpointUrl, functionName: this.functionName, logGroupName: this.logGroupName });
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

/**
 * The ingress, once every argument (the children's included) is checked: a bad one fails before the first
 * resource is created, naming the argument.
 */
export function resolveIngestArgs(name: string, args: HealthScoreIngestArgs): Ingress {
    const ingress = resolveSetting("HealthScoreIngest", "ingress", args.ingress);
    checkTokenArguments("HealthScoreIngest", args, ingress);
    checkIngressOf("HealthScoreIngest", "alb", args.alb, ingress);
    resolveReceiverArgs(args);
    if (ingress === "alb") resolveLoadBalancerArgs(loadBalancerName(name), args);
    return ingress;
}
