/**
 * The configurations the mocks tests deploy, each deployed once (on first use) and shared by the test files.
 * Import tests/support/mocks before this module: it installs the mocks.
 */
import type { RawConfig } from "../../../shared/settings";
import { deploy, Deployment, DeployOptions } from "../../support/mocks";

export const TOKEN = "current-token_0123456789abcdefABCDEF";
export const PREVIOUS_TOKEN = "previous-token_9876543210zyxwvuZYXWVU";
export const DOMAIN = "alerts.example.com";
export const ZONE_ID = "Z0123456789ABCDEFGHIJ";
export const CERTIFICATE_ARN = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555";
export const KMS_KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
export const GIVEN_SUBNETS = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"];
export const GIVEN_CIDRS = ["203.0.113.0/24", "198.51.100.0/24"];
export const ALARM_EMAILS = ["ops@example.com", "oncall@example.com"];
export const LAKE_READERS = ["arn:aws:iam::123456789012:role/analysts", "arn:aws:iam::123456789012:user/dana"];

export const VARIANTS = {
    /** Production defaults: HTTPS on a domain, a requested certificate, a generated token. */
    https: { domainName: DOMAIN, hostedZoneId: ZONE_ID },
    /** Everything configured away from its default. */
    configured: {
        domainName: DOMAIN,
        hostedZoneId: ZONE_ID,
        certificateArn: CERTIFICATE_ARN,
        webhookToken: TOKEN,
        previousWebhookToken: PREVIOUS_TOKEN,
        allowedCidrs: JSON.stringify(GIVEN_CIDRS),
        subnetIds: GIVEN_SUBNETS.join(","),
        kmsKeyArn: KMS_KEY_ARN,
        deletionProtection: "false",
        accessLogs: "false",
        retentionDays: "60",
        rawRetentionDays: "30",
        alertsRetentionDays: "400",
        lambdaMemoryMb: "512",
        lambdaTimeoutSeconds: "20",
        reservedConcurrency: "5",
        logRetentionDays: "90",
        loaderMemoryMb: "2048",
        loaderTimeoutSeconds: "600",
        loaderReservedConcurrency: "3",
        loaderMaxEventAgeSeconds: "3600",
        alarmEmails: ALARM_EMAILS.join(", "),
    },
    /** No domain: plain HTTP on the ALB's name, for development. */
    http: { webhookToken: TOKEN },
    /** A Function URL instead of the ALB. */
    functionUrl: { ingress: "function-url", webhookToken: TOKEN },
    /** The dev stack (Pulumi.dev.yaml's healthscore keys): a Function URL, a generated token, no lake. */
    dev: { ingress: "function-url", lake: "none", deletionProtection: "false", logRetentionDays: "14" },
    /** The lake's settings through the stack config: a projected table instead of the crawler, readers, results retention. */
    lake: {
        ingress: "function-url",
        webhookToken: TOKEN,
        lake: "projection",
        lakeReaders: LAKE_READERS.join(", "),
        athenaResultsRetentionDays: "7",
    },
} satisfies Record<string, RawConfig>;

export type VariantName = keyof typeof VARIANTS;

const deployments = new Map<VariantName, Promise<Deployment>>();
let queue: Promise<unknown> = Promise.resolve();

/** The deployment of a variant; deployed once, one variant at a time (the mocks record one run at a time). */
export function deployed(variant: VariantName): Promise<Deployment> {
    let deployment = deployments.get(variant);
    if (!deployment) {
        deployment = deployConfig(VARIANTS[variant]);
        deployments.set(variant, deployment);
    }
    return deployment;
}

/**
 * Deploys the program for any configuration (one meant to fail, say), in the same queue as the variants. Rejects
 * if the program fails, an apply included: every output is awaited.
 */
export function deployConfig(raw: RawConfig, options: DeployOptions = {}): Promise<Deployment> {
    const deployment = queue.then(async () => {
        const { parseConfig } = await import("../../../shared/settings");
        const { createProgram } = await import("../../../components/program");
        return deploy(() => ({ ...createProgram(parseConfig(raw)) }), options);
    });
    queue = deployment.catch(() => undefined);
    return deployment;
}

export function policyOf(resource: { inputs: any }, key = "policy"): any {
    return JSON.parse(resource.inputs[key]);
}

export function asArray<T>(value: T | T[] | undefined): T[] {
    return value === undefined ? [] : Array.isArray(value) ? value : [value];
}
