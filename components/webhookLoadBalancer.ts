/**
 * The public entrance for SparkPost: an Application Load Balancer that forwards `POST /hooks/<token>` to the
 * receiver Lambda and answers everything else with a fixed 404 itself.
 *
 * Built from plain `aws.lb` resources rather than awsx's ApplicationLoadBalancer: that is a remote component,
 * whose children do not exist under unit-test mocks (nothing of it could be asserted), and its default security
 * group allows all traffic.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { HOOK_PATH_PREFIX, NOT_FOUND_BODY } from "../shared/limits";
import { ArgsOf, SettingsOf, checkTokenArguments, resolveGroup, resolveSetting } from "../shared/settings";
import { albLogDeliveryStatement } from "./policies/bucketPolicies";
import { PrivateBucket } from "./privateBucket";

/**
 * AWS limits load balancer and target group names to 32 characters, and Pulumi's autonaming appends a dash and
 * 7 random characters to the logical name (`<name>` and `<name>-tg`).
 */
export const MAX_LOAD_BALANCER_NAME_LENGTH = 32 - 8 - "-tg".length;

/** TLS 1.3 and 1.2 only, AWS's recommended policy for HTTPS listeners (ELB.17). */
export const TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";
const ACCESS_LOG_PREFIX = "alb";

export interface WebhookLoadBalancerArgs {
    /** The receiver: the target group's only target. */
    function: aws.lambda.Function;
    /** The token in `/hooks/<token>`; the listener rule forwards only this path (and the previous token's). */
    webhookToken: pulumi.Input<string>;
    /** @default none */
    previousWebhookToken?: pulumi.Input<string>;
    /**
     * The domain, allowed ranges, subnets and access logs: the `alb` group of the settings table
     * (shared/settings.ts), which documents each and gives the defaults. Without `domainName` the ALB serves plain
     * HTTP on its own DNS name: for development only, since the token then crosses the network in clear text.
     */
    alb?: ArgsOf<"alb">;
    /** ALB deletion protection (ELB.6), as the settings table's `deletionProtection`. */
    deletionProtection?: boolean;
}

/** The arguments with the table's defaults applied. */
interface ResolvedLoadBalancerArgs {
    alb: SettingsOf<"alb">;
    deletionProtection: boolean;
}

/** An ALB with HTTPS: the domain, its hosted zone, and a certificate if one is given. */
type Domain = Required<Pick<SettingsOf<"alb">, "domainName" | "hostedZoneId">> & Pick<SettingsOf<"alb">, "certificateArn">;

export class WebhookLoadBalancer extends pulumi.ComponentResource {
    public readonly loadBalancer: aws.lb.LoadBalancer;
    public readonly dnsName: pulumi.Output<string>;
    /** `https://<domain>/hooks/<token>`, or `http://<alb dns>/hooks/<token>` without a domain. Secret. */
    public readonly endpointUrl: pulumi.Output<string>;
    public readonly accessLogBucket?: PrivateBucket;

    constructor(name: string, args: WebhookLoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
        const { alb, deletionProtection } = resolveLoadBalancerArgs(name, args);
        super("healthscore:index:WebhookLoadBalancer", name, {}, opts);
        const domain = domainOf(alb);
        if (!domain) {
            pulumi.log.warn(`${name}: no domainName configured, so the webhook is served over plain HTTP on the load balancer's own name. ` +
                "This is for development only: the token crosses the network in clear text. Set healthscore:domainName and healthscore:hostedZoneId.", this);
        }

        const network = this.findNetwork(alb.subnetIds);
        const securityGroup = this.createSecurityGroup(name, network.vpcId, domain ? 443 : 80, alb.allowedCidrs);
        this.accessLogBucket = alb.accessLogs ? this.createAccessLogBucket(name, alb.accessLogRetentionDays) : undefined;
        this.loadBalancer = this.createLoadBalancer(name, deletionProtection, network.subnetIds, securityGroup);
        this.dnsName = this.loadBalancer.dnsName;

        const listener = domain ? this.createHttpsListener(name, domain) : this.createHttpListener(name);
        const targetGroup = this.attachFunction(name, args.function);
        this.forwardHookPath(name, listener, targetGroup, args);
        if (domain) this.createAliasRecord(name, domain);

        const origin = domain ? pulumi.output(`https://${domain.domainName}`) : pulumi.interpolate`http://${this.dnsName}`;
        this.endpointUrl = pulumi.secret(pulumi.interpolate`${origin}${HOOK_PATH_PREFIX}${args.webhookToken}`);
        this.registerOutputs({ dnsName: this.dnsName, endpointUrl: this.endpointUrl });
    }

    /**
     * The given subnets and their VPC, or the default VPC's default subnets (one per Availability Zone). Looked up
     * with plain invokes rather than awsx.ec2.DefaultVpc, which is a remote component (its outputs do not exist
     * under mocks) and would pull @pulumi/docker into the install.
     *
     * Every subnet is looked up and checked (checkSubnetPlacement): the ALB needs two Availability Zones of one
     * VPC. The check runs in an apply, so a bad placement fails the preview, before the load balancer is created.
     */
    private findNetwork(subnetIds: string[] | undefined): { vpcId: pulumi.Output<string>; subnetIds: pulumi.Output<string[]> } {
        const ids = subnetIds !== undefined ? pulumi.output(subnetIds) : this.defaultSubnetIds();
        const placement = ids.apply((list) => pulumi.all(list.map((id) => aws.ec2.getSubnetOutput({ id }, { parent: this }))))
            .apply((subnets) => ({
                vpcId: checkSubnetPlacement(
                    subnets.map((s) => ({ id: s.id, availabilityZone: s.availabilityZone, vpcId: s.vpcId })),
                    subnetIds !== undefined ? "subnetIds" : "the default VPC's default subnets (set subnetIds to choose others)"),
                subnetIds: subnets.map((s) => s.id),
            }));
        return { vpcId: placement.vpcId, subnetIds: placement.subnetIds };
    }

    private defaultSubnetIds(): pulumi.Output<string[]> {
        const vpc = aws.ec2.getVpcOutput({ default: true }, { parent: this });
        return aws.ec2.getSubnetsOutput({
            filters: [{ name: "vpc-id", values: [vpc.id] }, { name: "default-for-az", values: ["true"] }],
        }, { parent: this }).ids;
    }

    /** Inbound on the listener's port only. No egress rules: the ALB invokes a Lambda target through the Lambda service, not the VPC. */
    private createSecurityGroup(name: string, vpcId: pulumi.Input<string>, port: number, cidrs: string[]): aws.ec2.SecurityGroup {
        return new aws.ec2.SecurityGroup(`${name}-sg`, {
            description: "SparkPost Health Score webhook load balancer",
            vpcId,
            ingress: [{ description: "Webhook deliveries", protocol: "tcp", fromPort: port, toPort: port, cidrBlocks: cidrs }],
            egress: [],
        }, { parent: this });
    }

    /**
     * ALB log delivery accepts only S3-managed encryption (SSE-S3), so this bucket never uses the store's KMS key.
     * The logs' request lines hold the token: they expire after a few days.
     */
    private createAccessLogBucket(name: string, retentionDays: number): PrivateBucket {
        const account = aws.getCallerIdentityOutput({}, { parent: this });
        // Not aws.elb.getServiceAccount: it fails in every Region opened since 2022 (albLogDeliveryStatement).
        const region = aws.getRegionOutput({}, { parent: this });
        return new PrivateBucket(`${name}-access-logs`, {
            expirations: [{ id: "expire-access-logs", days: retentionDays }],
            noncurrentVersionDays: 1,
            // Nothing in it is worth keeping once the stack is gone.
            forceDestroy: true,
            policyStatements: (bucketArn) => pulumi.all([account.accountId, region.region]).apply(([accountId, regionName]) =>
                [albLogDeliveryStatement({ bucketArn, prefix: ACCESS_LOG_PREFIX, accountId, region: regionName })]),
        }, { parent: this });
    }

    private createLoadBalancer(name: string, deletionProtection: boolean, subnets: pulumi.Input<string[]>, securityGroup: aws.ec2.SecurityGroup): aws.lb.LoadBalancer {
        // Named like the component itself: AWS allows 32 characters, and Pulumi appends 8 (see resolveLoadBalancerArgs).
        return new aws.lb.LoadBalancer(name, {
            loadBalancerType: "application",
            internal: false,
            ipAddressType: "ipv4",
            subnets,
            securityGroups: [securityGroup.id],
            // Headers that are not valid HTTP never reach the function (ELB.4).
            dropInvalidHeaderFields: true,
            // Requests that could be read two ways are refused (ELB.12/ELB.14): SparkPost sends plain HTTP/1.1.
            desyncMitigationMode: "strictest",
            enableDeletionProtection: deletionProtection,
            accessLogs: this.accessLogBucket && { bucket: this.accessLogBucket.bucketName, prefix: ACCESS_LOG_PREFIX, enabled: true },
        }, { parent: this, dependsOn: this.accessLogBucket ? [this.accessLogBucket.policy] : [] });
    }

    /** HTTPS only (ELB.18: no plain-HTTP listener at all; a redirect is no use to a webhook POST). */
    private createHttpsListener(name: string, domain: Domain): aws.lb.Listener {
        const certificateArn = domain.certificateArn ?? this.requestCertificate(name, domain);
        return new aws.lb.Listener(`${name}-https`, {
            loadBalancerArn: this.loadBalancer.arn,
            port: 443,
            protocol: "HTTPS",
            sslPolicy: TLS_POLICY,
            certificateArn,
            defaultActions: [notFound()],
        }, { parent: this });
    }

    /** Development only (see the warning): the ALB's own DNS name has no certificate. */
    private createHttpListener(name: string): aws.lb.Listener {
        return new aws.lb.Listener(`${name}-http`, {
            loadBalancerArn: this.loadBalancer.arn,
            port: 80,
            protocol: "HTTP",
            defaultActions: [notFound()],
        }, { parent: this });
    }

    /** An ACM certificate validated through a record in the hosted zone; the listener waits for the validation. */
    private requestCertificate(name: string, domain: Domain): pulumi.Output<string> {
        const certificate = new aws.acm.Certificate(`${name}-certificate`, {
            domainName: domain.domainName,
            validationMethod: "DNS",
        }, { parent: this });
        const option = certificate.domainValidationOptions.apply((options) => options[0]);
        const record = new aws.route53.Record(`${name}-certificate-validation-record`, {
            zoneId: domain.hostedZoneId,
            name: option.resourceRecordName,
            type: option.resourceRecordType,
            records: [option.resourceRecordValue],
            ttl: 300,
            allowOverwrite: true,
        }, { parent: this });
        const validation = new aws.acm.CertificateValidation(`${name}-certificate-validation`, {
            certificateArn: certificate.arn,
            validationRecordFqdns: [record.fqdn],
        }, { parent: this });
        return validation.certificateArn;
    }

    /**
     * The Lambda target group, the permission for Elastic Load Balancing to invoke the function from this target
     * group only, and then the attachment: registering a target needs the permission to exist already.
     */
    private attachFunction(name: string, fn: aws.lambda.Function): aws.lb.TargetGroup {
        const targetGroup = new aws.lb.TargetGroup(`${name}-tg`, {
            targetType: "lambda",
            lambdaMultiValueHeadersEnabled: false,
        }, { parent: this });
        const permission = new aws.lambda.Permission(`${name}-invoke-permission`, {
            action: "lambda:InvokeFunction",
            function: fn.name,
            principal: "elasticloadbalancing.amazonaws.com",
            sourceArn: targetGroup.arn,
        }, { parent: this });
        new aws.lb.TargetGroupAttachment(`${name}-tg-attachment`, {
            targetGroupArn: targetGroup.arn,
            targetId: fn.arn,
        }, { parent: this, dependsOn: [permission] });
        return targetGroup;
    }

    /**
     * `POST /hooks/<token>` (and the previous token during a rotation) goes to the function. Path patterns are
     * case-sensitive, so only the exact token matches; tokens hold no `*` or `?`, so they match literally.
     */
    private forwardHookPath(name: string, listener: aws.lb.Listener, targetGroup: aws.lb.TargetGroup, args: WebhookLoadBalancerArgs): void {
        const paths = pulumi.all([args.webhookToken, args.previousWebhookToken]).apply(([token, previous]) =>
            [token, previous].filter((t): t is string => !!t).map((t) => `${HOOK_PATH_PREFIX}${t}`));
        new aws.lb.ListenerRule(`${name}-hook-rule`, {
            listenerArn: listener.arn,
            priority: 10,
            conditions: [
                { httpRequestMethod: { values: ["POST"] } },
                { pathPattern: { values: pulumi.secret(paths) } },
            ],
            actions: [{ type: "forward", targetGroupArn: targetGroup.arn }],
        }, { parent: this });
    }

    private createAliasRecord(name: string, domain: Domain): void {
        new aws.route53.Record(`${name}-alias`, {
            zoneId: domain.hostedZoneId,
            name: domain.domainName,
            type: "A",
            // Lambda target groups have no health checks to evaluate.
            aliases: [{ name: this.loadBalancer.dnsName, zoneId: this.loadBalancer.zoneId, evaluateTargetHealth: false }],
        }, { parent: this });
    }
}

/**
 * Anything but the hook path: a 404 from the ALB itself, which never invokes the function. The body is the
 * receiver's own 404, so a probe cannot tell the ALB's answer from the function's.
 */
function notFound(): aws.types.input.lb.ListenerDefaultAction {
    return {
        type: "fixed-response",
        fixedResponse: { contentType: "application/json", statusCode: "404", messageBody: NOT_FOUND_BODY },
    };
}

export interface SubnetPlacement {
    id: string;
    availabilityZone: string;
    vpcId: string;
}

/**
 * The VPC of the ALB's subnets, once they are known to suit an ALB: subnets of one VPC, in at least two
 * Availability Zones, and (as CreateLoadBalancer requires) one subnet per zone. Throws naming `what` (the
 * `subnetIds` argument, or the default subnets that stand in for it).
 */
export function checkSubnetPlacement(subnets: SubnetPlacement[], what = "subnetIds"): string {
    const describe = () => subnets.map((s) => `${s.id} (${s.availabilityZone}, ${s.vpcId})`).join(", ") || "none";
    const vpcs = [...new Set(subnets.map((s) => s.vpcId))];
    if (vpcs.length > 1) {
        throw new Error(`WebhookLoadBalancer: ${what} must all be in one VPC, got ${describe()}`);
    }
    const zones = new Set(subnets.map((s) => s.availabilityZone));
    if (zones.size < 2) {
        throw new Error(`WebhookLoadBalancer: ${what} must span at least two Availability Zones (an ALB needs two), got ${describe()}`);
    }
    if (zones.size !== subnets.length) {
        throw new Error(`WebhookLoadBalancer: ${what} may hold only one subnet per Availability Zone, got ${describe()}`);
    }
    return vpcs[0];
}

/** The domain to serve HTTPS on, if one is configured (the settings table's rules pair it with its zone). */
function domainOf(alb: SettingsOf<"alb">): Domain | undefined {
    if (alb.domainName === undefined || alb.hostedZoneId === undefined) return undefined;
    return { domainName: alb.domainName, hostedZoneId: alb.hostedZoneId, certificateArn: alb.certificateArn };
}

/**
 * The arguments with the settings table's defaults, once every one AWS would reject is refused (errors name the
 * argument). HealthScoreIngest calls it too, before it creates anything.
 */
export function resolveLoadBalancerArgs(name: string, args: Omit<WebhookLoadBalancerArgs, "function">): ResolvedLoadBalancerArgs {
    if (name.length > MAX_LOAD_BALANCER_NAME_LENGTH) {
        throw new Error(`WebhookLoadBalancer: name ${JSON.stringify(name)} is longer than ${MAX_LOAD_BALANCER_NAME_LENGTH} characters; ` +
            "AWS limits load balancer and target group names to 32, and Pulumi appends 8");
    }
    checkTokenArguments("WebhookLoadBalancer", args, "alb");
    return {
        alb: resolveGroup("WebhookLoadBalancer", "alb", args.alb, { ingress: "alb" }),
        deletionProtection: resolveSetting("WebhookLoadBalancer", "deletionProtection", args.deletionProtection),
    };
}
