/**
 * The stack's configuration (namespace `healthscore`), parsed and validated once, before any resource exists.
 *
 * Pure: it reads a plain object of the raw strings Pulumi stores (`pulumi config set` values; structured values
 * arrive as JSON text) and returns typed settings or throws a {@link ConfigError} naming the key. No Pulumi here,
 * so every rule is unit-tested without mocks.
 */
import { DEFAULT_RETENTION_DAYS, HOOK_PATH_PREFIX, isValidToken } from "./limits";

export const CONFIG_NAMESPACE = "healthscore";

export type Ingress = "alb" | "function-url";

/** A custom domain for the ALB: an alias record in the hosted zone, and a certificate for it. */
export interface DomainSettings {
    domainName: string;
    hostedZoneId: string;
    /** An existing ACM certificate; when unset, one is requested and validated through DNS in the zone. */
    certificateArn?: string;
}

export interface StackSettings {
    ingress: Ingress;
    /** Only with `ingress: alb`. Without it the ALB serves plain HTTP on its own DNS name (development only). */
    domain?: DomainSettings;
    /** When unset, the program generates one and keeps it in the state. */
    webhookToken?: string;
    /** Still accepted while SparkPost is switched to the new token. */
    previousWebhookToken?: string;
    /** Days DynamoDB keeps history items (TTL). */
    retentionDays: number;
    /** Days S3 keeps raw/ and rejected/ objects. */
    rawRetentionDays: number;
    /** Days S3 keeps alerts/ objects; unset keeps them (the data lake reads them). */
    alertsRetentionDays?: number;
    /** IPv4 CIDRs allowed to reach the ALB. */
    allowedCidrs: string[];
    /** ALB subnets; unset uses the default VPC's default subnets. */
    subnetIds?: string[];
    lambdaMemoryMb: number;
    lambdaTimeoutSeconds: number;
    /** Concurrent executions reserved for the receiver (its cap), or "none" to reserve nothing (small accounts). */
    reservedConcurrency: number | "none";
    logRetentionDays: number;
    /** Customer managed KMS key for the bucket and the table; unset uses S3-managed and AWS-managed keys. */
    kmsKeyArn?: string;
    /** On the table and the ALB. Turn off (and `pulumi up`) before `pulumi destroy`. */
    deletionProtection: boolean;
    /** ALB access logs to their own bucket. */
    accessLogs: boolean;
    accessLogRetentionDays: number;
    /** The data lake's settings; HealthScoreLake applies the defaults and checks them (ARNs, cron, bounds). */
    lake: LakeSettings;
}

/** The stack config's part of the data lake's arguments (see HealthScoreLakeArgs for meaning and defaults). */
export interface LakeSettings {
    lakeReaders?: string[];
    lakeAdmins?: string[];
    manageLakeAdmins?: boolean;
    crawlerSchedule?: string;
    lakePartitionProjection?: boolean;
    athenaBytesScannedCutoff?: number;
    athenaResultsRetentionDays?: number;
}

export const DEFAULTS = {
    ingress: "alb" as Ingress,
    retentionDays: DEFAULT_RETENTION_DAYS,
    rawRetentionDays: 90,
    // SparkPost publishes no egress addresses for alert webhooks, so the ALB cannot be narrowed by default.
    allowedCidrs: ["0.0.0.0/0"],
    lambdaMemoryMb: 256,
    lambdaTimeoutSeconds: 10,
    reservedConcurrency: 10,
    logRetentionDays: 30,
    deletionProtection: true,
    accessLogs: true,
    // The request line in ALB access logs holds the token: keep them briefly.
    accessLogRetentionDays: 7,
} as const;

/** Every key this program reads; anything else in the namespace is a typo and is rejected. */
export const CONFIG_KEYS = [
    "ingress", "domainName", "hostedZoneId", "certificateArn", "webhookToken", "previousWebhookToken",
    "retentionDays", "rawRetentionDays", "alertsRetentionDays", "allowedCidrs", "subnetIds",
    "lambdaMemoryMb", "lambdaTimeoutSeconds", "reservedConcurrency", "logRetentionDays", "kmsKeyArn",
    "deletionProtection", "accessLogs", "accessLogRetentionDays",
    "lakeReaders", "lakeAdmins", "manageLakeAdmins", "crawlerSchedule", "lakePartitionProjection",
    "athenaBytesScannedCutoff", "athenaResultsRetentionDays",
] as const;

export type ConfigKey = typeof CONFIG_KEYS[number];
export type RawConfig = Readonly<Partial<Record<string, string | undefined>>>;

/**
 * An ALB condition value holds at most 128 characters, and the path pattern is `/hooks/<token>`, so the ALB
 * accepts shorter tokens than the handler does.
 */
export const MAX_ALB_TOKEN_LENGTH = 128 - HOOK_PATH_PREFIX.length;

export class ConfigError extends Error {
    constructor(readonly key: string, problem: string) {
        super(`${CONFIG_NAMESPACE}:${key} ${problem}`);
        this.name = "ConfigError";
    }
}

/** Parses the `healthscore` namespace, keys without their `healthscore:` prefix. */
export function parseConfig(raw: RawConfig): StackSettings {
    rejectUnknownKeys(raw);
    const read = (key: ConfigKey): string | undefined => {
        const value = raw[key]?.trim();
        return value ? value : undefined;
    };

    const ingress = parseIngress(read("ingress"));
    const domain = parseDomain(read("domainName"), read("hostedZoneId"), read("certificateArn"));
    const webhookToken = parseToken("webhookToken", read("webhookToken"), ingress);
    const previousWebhookToken = parseToken("previousWebhookToken", read("previousWebhookToken"), ingress);
    if (webhookToken && webhookToken === previousWebhookToken) {
        throw new ConfigError("previousWebhookToken", "must differ from webhookToken (unset it once the rotation is done)");
    }

    const settings: StackSettings = {
        ingress,
        domain,
        webhookToken,
        previousWebhookToken,
        retentionDays: parseWholeNumber("retentionDays", read("retentionDays"), DEFAULTS.retentionDays, 1, 36_500),
        rawRetentionDays: parseWholeNumber("rawRetentionDays", read("rawRetentionDays"), DEFAULTS.rawRetentionDays, 1, 36_500),
        alertsRetentionDays: parseOptionalWholeNumber("alertsRetentionDays", read("alertsRetentionDays"), 1, 36_500),
        allowedCidrs: parseCidrs(read("allowedCidrs")),
        subnetIds: parseSubnetIds(read("subnetIds")),
        // Lambda's limits: 128 MB to 10,240 MB, 1 s to 900 s.
        lambdaMemoryMb: parseWholeNumber("lambdaMemoryMb", read("lambdaMemoryMb"), DEFAULTS.lambdaMemoryMb, 128, 10_240),
        lambdaTimeoutSeconds: parseWholeNumber("lambdaTimeoutSeconds", read("lambdaTimeoutSeconds"), DEFAULTS.lambdaTimeoutSeconds, 1, 900),
        reservedConcurrency: parseReservedConcurrency(read("reservedConcurrency")),
        logRetentionDays: parseLogRetention(read("logRetentionDays")),
        kmsKeyArn: parseKmsKeyArn(read("kmsKeyArn")),
        deletionProtection: parseBoolean("deletionProtection", read("deletionProtection"), DEFAULTS.deletionProtection),
        accessLogs: parseBoolean("accessLogs", read("accessLogs"), DEFAULTS.accessLogs),
        accessLogRetentionDays: parseWholeNumber("accessLogRetentionDays", read("accessLogRetentionDays"), DEFAULTS.accessLogRetentionDays, 1, 3_650),
        lake: parseLake(read),
    };
    rejectAlbSettingsWithFunctionUrl(raw, settings);
    return settings;
}

/**
 * The lake's keys. HealthScoreLake checks the same rules again (validateLakeArgs in components/dataLake.ts) for
 * callers that skip this parser; checking them here too makes a mistake fail before any resource is registered,
 * with the key named. tests/infra/validation.test.ts keeps the two in agreement.
 */
function parseLake(read: (key: ConfigKey) => string | undefined): LakeSettings {
    const principals = (key: ConfigKey) => {
        const value = read(key);
        if (value === undefined) return undefined;
        const arns = parseList(key, value);
        const bad = arns.find((arn) => !IAM_PRINCIPAL_ARN.test(arn));
        if (bad !== undefined) {
            throw new ConfigError(key, `must hold IAM role or user ARNs such as arn:aws:iam::123456789012:role/analysts, got ${JSON.stringify(bad)}`);
        }
        return arns;
    };
    const flag = (key: ConfigKey) => {
        const value = read(key);
        return value === undefined ? undefined : parseBoolean(key, value, false);
    };
    const lake: LakeSettings = {
        lakeReaders: principals("lakeReaders"),
        lakeAdmins: principals("lakeAdmins"),
        manageLakeAdmins: flag("manageLakeAdmins"),
        crawlerSchedule: read("crawlerSchedule"),
        lakePartitionProjection: flag("lakePartitionProjection"),
        // Athena's minimum cutoff is 10 MiB.
        athenaBytesScannedCutoff: parseOptionalWholeNumber("athenaBytesScannedCutoff", read("athenaBytesScannedCutoff"), 10 * 1024 * 1024, Number.MAX_SAFE_INTEGER),
        athenaResultsRetentionDays: parseOptionalWholeNumber("athenaResultsRetentionDays", read("athenaResultsRetentionDays"), 1, 36_500),
    };
    if (lake.crawlerSchedule !== undefined && !/^cron\(.+\)$/.test(lake.crawlerSchedule)) {
        throw new ConfigError("crawlerSchedule", `must be a Glue cron expression such as "cron(0 10 * * ? *)", got ${JSON.stringify(lake.crawlerSchedule)}`);
    }
    // DataLakeSettings replaces the account's Lake Formation admins: only on purpose, and never with nobody.
    if (lake.manageLakeAdmins === true && (lake.lakeAdmins ?? []).length === 0) {
        throw new ConfigError("manageLakeAdmins", "is true but lakeAdmins is empty: that would remove every Lake Formation admin of the account");
    }
    if (lake.manageLakeAdmins !== true && (lake.lakeAdmins ?? []).length > 0) {
        throw new ConfigError("lakeAdmins", "is set but manageLakeAdmins is not: set manageLakeAdmins to true to replace the account's Lake Formation admins");
    }
    return lake;
}

/** An IAM role or user ARN, the principals Lake Formation grants to. */
const IAM_PRINCIPAL_ARN = /^arn:[^:]+:iam::\d{12}:(role|user)\/.+$/;

function rejectUnknownKeys(raw: RawConfig): void {
    const known = new Set<string>(CONFIG_KEYS);
    for (const key of Object.keys(raw)) {
        if (!known.has(key)) {
            throw new ConfigError(key, `is not a setting of this program (known: ${CONFIG_KEYS.join(", ")})`);
        }
    }
}

function parseIngress(value: string | undefined): Ingress {
    if (value === undefined) return DEFAULTS.ingress;
    if (value === "alb" || value === "function-url") return value;
    throw new ConfigError("ingress", `must be "alb" or "function-url", got ${JSON.stringify(value)}`);
}

function parseDomain(domainName?: string, hostedZoneId?: string, certificateArn?: string): DomainSettings | undefined {
    if (domainName === undefined) {
        if (hostedZoneId !== undefined) throw new ConfigError("hostedZoneId", "is set but domainName is not: set both, or neither");
        if (certificateArn !== undefined) throw new ConfigError("certificateArn", "is set but domainName is not: the certificate is for the domain");
        return undefined;
    }
    if (!/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(domainName)) {
        throw new ConfigError("domainName", `must be a lower-case DNS name such as alerts.example.com, got ${JSON.stringify(domainName)}`);
    }
    if (hostedZoneId === undefined) {
        throw new ConfigError("domainName", "needs hostedZoneId: the Route 53 hosted zone that holds the alias record (and the certificate's validation record)");
    }
    if (!/^Z[A-Z0-9]{1,31}$/.test(hostedZoneId)) {
        throw new ConfigError("hostedZoneId", `must be a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ, got ${JSON.stringify(hostedZoneId)}`);
    }
    if (certificateArn !== undefined && !/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/.test(certificateArn)) {
        throw new ConfigError("certificateArn", `must be an ACM certificate ARN, got ${JSON.stringify(certificateArn)}`);
    }
    return { domainName, hostedZoneId, certificateArn };
}

function parseToken(key: ConfigKey, value: string | undefined, ingress: Ingress): string | undefined {
    if (value === undefined) return undefined;
    // Never echo a token in an error: it is a secret.
    if (!isValidToken(value)) {
        throw new ConfigError(key, "must be 16 to 128 characters of A-Z, a-z, 0-9, \"_\" or \"-\" (it stands unescaped in the URL path)");
    }
    if (ingress === "alb" && value.length > MAX_ALB_TOKEN_LENGTH) {
        throw new ConfigError(key, `must be at most ${MAX_ALB_TOKEN_LENGTH} characters with ingress alb (an ALB path pattern holds 128)`);
    }
    return value;
}

function parseWholeNumber(key: ConfigKey, value: string | undefined, fallback: number, min: number, max: number): number {
    return parseOptionalWholeNumber(key, value, min, max) ?? fallback;
}

function parseOptionalWholeNumber(key: ConfigKey, value: string | undefined, min: number, max: number): number | undefined {
    if (value === undefined) return undefined;
    const number = Number(value);
    if (!/^\d+$/.test(value) || number < min || number > max) {
        throw new ConfigError(key, `must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
    }
    return number;
}

/**
 * A count from 1 (0 would throttle every request: a cap, never an off switch), or `none` to reserve nothing: an
 * account whose concurrency quota is 10 (some new accounts) cannot reserve any, since Lambda keeps 10 unreserved.
 */
function parseReservedConcurrency(value: string | undefined): number | "none" {
    if (value === undefined) return DEFAULTS.reservedConcurrency;
    if (value === "none") return "none";
    const number = Number(value);
    if (!/^\d+$/.test(value) || number < 1 || number > 1_000) {
        throw new ConfigError("reservedConcurrency", `must be a whole number from 1 to 1000, or none to reserve nothing, got ${JSON.stringify(value)}`);
    }
    return number;
}

function parseBoolean(key: ConfigKey, value: string | undefined, fallback: boolean): boolean {
    if (value === undefined) return fallback;
    if (value === "true") return true;
    if (value === "false") return false;
    throw new ConfigError(key, `must be true or false, got ${JSON.stringify(value)}`);
}

/** CloudWatch Logs accepts only these retention periods. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

function parseLogRetention(value: string | undefined): number {
    const days = parseWholeNumber("logRetentionDays", value, DEFAULTS.logRetentionDays, 1, 3653);
    if (!(LOG_RETENTION_DAYS as readonly number[]).includes(days)) {
        throw new ConfigError("logRetentionDays", `must be one of CloudWatch Logs' periods (${LOG_RETENTION_DAYS.join(", ")}), got ${days}`);
    }
    return days;
}

/** A list as JSON (`pulumi config set --path 'healthscore:allowedCidrs[0]' ...` stores JSON) or comma-separated. */
function parseList(key: ConfigKey, value: string): string[] {
    let items: unknown;
    if (value.startsWith("[")) {
        try {
            items = JSON.parse(value);
        } catch {
            throw new ConfigError(key, "is not valid JSON");
        }
    } else {
        items = value.split(",");
    }
    if (!Array.isArray(items) || !items.every((item) => typeof item === "string")) {
        throw new ConfigError(key, "must be a list of strings");
    }
    return items.map((item: string) => item.trim()).filter((item) => item.length > 0);
}

function parseCidrs(value: string | undefined): string[] {
    if (value === undefined) return [...DEFAULTS.allowedCidrs];
    const cidrs = parseList("allowedCidrs", value);
    if (cidrs.length === 0) throw new ConfigError("allowedCidrs", "is empty: nobody could reach the webhook");
    for (const cidr of cidrs) {
        if (!isIpv4Cidr(cidr)) {
            // The ALB is IPv4-only (ipAddressType ipv4), so an IPv6 range would allow nothing.
            throw new ConfigError("allowedCidrs", `must hold IPv4 CIDRs such as 203.0.113.0/24, got ${JSON.stringify(cidr)}`);
        }
    }
    return cidrs;
}

export function isIpv4Cidr(cidr: string): boolean {
    const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
    if (!match) return false;
    const octets = match.slice(1, 5).map(Number);
    const prefix = Number(match[5]);
    return octets.every((octet) => octet <= 255) && prefix <= 32;
}

function parseSubnetIds(value: string | undefined): string[] | undefined {
    if (value === undefined) return undefined;
    const ids = parseList("subnetIds", value);
    for (const id of ids) {
        if (!/^subnet-[0-9a-f]{8,17}$/.test(id)) throw new ConfigError("subnetIds", `must hold subnet ids such as subnet-0123abcd, got ${JSON.stringify(id)}`);
    }
    // An ALB needs subnets in at least two Availability Zones; two distinct ids is what can be checked here.
    if (new Set(ids).size < 2) throw new ConfigError("subnetIds", "needs at least two different subnets, in different Availability Zones");
    return ids;
}

function parseKmsKeyArn(value: string | undefined): string | undefined {
    if (value === undefined) return undefined;
    // A key ARN, not an alias: IAM policies grant on keys, and an alias ARN would grant nothing.
    if (!/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/.test(value)) {
        throw new ConfigError("kmsKeyArn", `must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>, not an alias), got ${JSON.stringify(value)}`);
    }
    return value;
}

/** Settings that only shape the ALB are mistakes with a Function URL: say so rather than ignore them. */
function rejectAlbSettingsWithFunctionUrl(raw: RawConfig, settings: StackSettings): void {
    if (settings.ingress !== "function-url") return;
    const albOnly: ConfigKey[] = ["domainName", "hostedZoneId", "certificateArn", "allowedCidrs", "subnetIds", "accessLogs", "accessLogRetentionDays"];
    for (const key of albOnly) {
        if (raw[key]?.trim()) {
            throw new ConfigError(key, "applies to ingress alb only; a Function URL has its own lambda-url.<region>.on.aws address and no load balancer");
        }
    }
}
