/**
 * THE settings table: every key of the stack's configuration (namespace `healthscore`), once, with its type,
 * default, bounds or allowed values, whether it is secret, the group (component argument) it belongs to and so the
 * ingress it applies to, and its one-line doc. Everything else reads it:
 *
 * - {@link parseConfig} turns the raw strings Pulumi stores into typed settings, grouped as the components take
 *   them, or throws a {@link ConfigError} naming `healthscore:<key>`;
 * - the components check the arguments they are given and apply their defaults with {@link resolveGroup} and
 *   {@link resolveSetting}, whose errors name the argument (`HealthScoreIngest: lambda.lambdaMemoryMb ...`);
 * - the README's configuration table is rendered from it (shared/settingsReadme.ts, `npm run readme`).
 *
 * Adding a key is one entry in {@link SETTINGS}: its type reaches the settings parseConfig returns and the
 * arguments of the component that takes its group. A new group is one entry in {@link SETTING_GROUPS}, and the
 * component argument that takes it. Pure: no Pulumi, no I/O.
 */
import {
    ALB_PATH_PATTERN_MAX_LENGTH,
    DEFAULT_RETENTION_DAYS,
    GENERATED_TOKEN_LENGTH,
    INGRESSES,
    Ingress,
    MAX_ALB_TOKEN_LENGTH,
    MAX_BODY_BYTES,
    MAX_TOKEN_LENGTH,
    MIN_TOKEN_LENGTH,
    TOKEN_RULE,
    isValidToken,
    maxTokenLength,
} from "./limits";

export const CONFIG_NAMESPACE = "healthscore";

/**
 * What a setting configures, and so which component argument holds it: `stack` settings are arguments of their
 * own (the ingress, deletion protection); every other group is one argument, handed through whole. A group that
 * serves one ingress only is left out of the settings of the other.
 */
export const SETTING_GROUPS = {
    stack: { doc: "the stack as a whole: HealthScoreStore and HealthScoreIngest take them as arguments of their own" },
    token: { doc: "the webhook's tokens: the program makes them secrets (or generates one) for HealthScoreIngest" },
    store: { doc: "HealthScoreStore's `store` argument: retention and encryption of the bucket and the table" },
    lambda: { doc: "ReceiverFunction's `lambda` argument (through HealthScoreIngest)" },
    alb: { doc: "WebhookLoadBalancer's `alb` argument (through HealthScoreIngest)", ingress: "alb" },
    lake: { doc: "HealthScoreLake's `lake` argument (through HealthScoreStore)" },
    loader: { doc: "HealthScoreLoader's `loader` argument: the function that stores what the receiver archived" },
    monitoring: { doc: "HealthScoreMonitoring's `monitoring` argument: where the alarms go" },
    sparkpost: { doc: "the SparkPost alert the program creates when `sparkpostApiKey` is set (components/sparkpostAlert.ts)" },
} as const satisfies Record<string, { doc: string; ingress?: Ingress }>;

export type SettingGroup = keyof typeof SETTING_GROUPS;

/** How one kind of value is read from config text, checked, and shown in the README. */
export interface SettingKind<T> {
    /**
     * The value of a config string (trimmed, not blank); throws a {@link SettingProblem} when it is malformed,
     * quoting it back as `shown` (a secret's is `[secret]`).
     */
    parse(text: string, shown: string): T;
    /**
     * What is wrong with a value, in words that follow the setting's name (`must be ...`), or undefined.
     * `shown` is how the value is quoted back: the config text as given, or the component's argument.
     */
    problem(value: unknown, shown: string): string | undefined;
    /** The values it takes, for the README. */
    values: string;
    /** How a value is written in the README. */
    show(value: T): string;
}

export interface SettingSpec<G extends SettingGroup = SettingGroup, T = unknown, D extends T | undefined = T | undefined> {
    group: G;
    kind: SettingKind<T>;
    /** Applied when the key is unset; none: the key stays unset (its meaning is in {@link defaultDoc}). */
    default: D;
    /** The README's words for the default when it is not a fixed value, or needs saying otherwise. */
    defaultDoc?: string;
    /** Never echoed in an error; `pulumi config set --secret`. */
    secret: boolean;
    /** One line: what the setting does (the README's meaning column). */
    doc: string;
}

/** A malformed value: `problem` follows the setting's name. */
export class SettingProblem extends Error {
    constructor(readonly problem: string) {
        super(problem);
        this.name = "SettingProblem";
    }
}

// ---- kinds ----

const quote = (value: unknown): string => JSON.stringify(value);

/** How a secret value is quoted back: never. */
const SECRET_SHOWN = "[secret]";

function oneOf<const T extends string>(choices: readonly T[]): SettingKind<T> {
    const listed = choices.map(quote).join(" or ");
    const problem = (value: unknown, shown: string) =>
        (choices as readonly unknown[]).includes(value) ? undefined : `must be ${listed}, got ${shown}`;
    return {
        parse(text, shown) {
            const found = problem(text, shown);
            if (found) throw new SettingProblem(found);
            return text as T;
        },
        problem,
        values: choices.map((choice) => `\`${choice}\``).join(" or "),
        show: (value) => `\`${value}\``,
    };
}

const BOOLEAN: SettingKind<boolean> = {
    parse(text, shown) {
        if (text === "true") return true;
        if (text === "false") return false;
        throw new SettingProblem(`must be true or false, got ${shown}`);
    },
    problem: (value, shown) => (typeof value === "boolean" ? undefined : `must be true or false, got ${shown}`),
    values: "`true` or `false`",
    show: String,
};

const thousands = (n: number): string => n.toLocaleString("en-US");

interface WholeNumberOptions<W extends string> {
    /** Besides the range, only these values (CloudWatch Logs' retention periods, say), described as `allowedName`. */
    allowed?: readonly number[];
    allowedName?: string;
    /** A word accepted instead of a number, and what it means (`none` to reserve nothing). */
    word?: { word: W; meaning: string };
}

/** A whole number from `min` (to `max`, when there is one), or the word of `options.word`. */
function wholeNumber<const W extends string = never>(min: number, max?: number, options: WholeNumberOptions<W> = {}): SettingKind<number | W> {
    const range = max === undefined ? `a whole number from ${min}` : `a whole number from ${min} to ${max}`;
    const expected = options.word ? `${range}, or ${options.word.word} ${options.word.meaning}` : range;
    const problem = (value: unknown, shown: string) => {
        if (options.word && value === options.word.word) return undefined;
        const inRange = typeof value === "number" && Number.isSafeInteger(value) && value >= min && (max === undefined || value <= max);
        if (!inRange) return `must be ${expected}, got ${shown}`;
        if (options.allowed && !options.allowed.includes(value)) return `must be one of ${options.allowedName} (${options.allowed.join(", ")}), got ${shown}`;
        return undefined;
    };
    const bounds = max === undefined ? `${thousands(min)} or more` : `${thousands(min)} to ${thousands(max)}`;
    return {
        parse(text, shown) {
            if (options.word && text === options.word.word) return options.word.word;
            if (!/^\d+$/.test(text)) throw new SettingProblem(`must be ${expected}, got ${shown}`);
            return Number(text);
        },
        problem,
        values: options.allowed
            ? `one of ${options.allowedName}: ${options.allowed.join(", ")}`
            : options.word ? `${bounds}, or \`${options.word.word}\`` : bounds,
        show: (value) => (typeof value === "number" ? String(value) : `\`${value}\``),
    };
}

/** A string matching `pattern`; `expected` says what that is, with an example. */
function text(pattern: RegExp, expected: string): SettingKind<string> {
    const problem = (value: unknown, shown: string) =>
        typeof value === "string" && pattern.test(value) ? undefined : `must be ${expected}, got ${shown}`;
    return {
        parse(value, shown) {
            const found = problem(value, shown);
            if (found) throw new SettingProblem(found);
            return value;
        },
        problem,
        values: expected,
        show: (value) => `\`${value}\``,
    };
}

/** A token: never quoted back, since it is a secret. */
const TOKEN: SettingKind<string> = {
    parse(value) {
        if (!isValidToken(value)) throw new SettingProblem(TOKEN_PROBLEM);
        return value;
    },
    problem: (value) => (typeof value === "string" && isValidToken(value) ? undefined : TOKEN_PROBLEM),
    values: `${MIN_TOKEN_LENGTH} to ${MAX_TOKEN_LENGTH} characters of \`A-Za-z0-9_-\`; at most ${MAX_ALB_TOKEN_LENGTH} with \`alb\` (an ALB path pattern holds ${ALB_PATH_PATTERN_MAX_LENGTH})`,
    show: () => SECRET_SHOWN,
};
const TOKEN_PROBLEM = `must be ${TOKEN_RULE} (it stands unescaped in the URL path)`;

interface ListOptions {
    /** Each item must pass this; `expected` says what an item is, with an example. */
    item: (value: string) => boolean;
    expected: string;
    /** The problem of an empty list, when one is not allowed. */
    empty?: string;
    /** The fewest distinct items, and the problem of fewer. */
    distinct?: { min: number; problem: string };
}

/** A list of strings: JSON (`pulumi config set --path` stores JSON) or comma-separated. */
function list(options: ListOptions): SettingKind<string[]> {
    const problem = (value: unknown, shown: string) => {
        if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) return "must be a list of strings";
        const bad = value.find((item) => !options.item(item));
        if (bad !== undefined) return `must hold ${options.expected}, got ${shown === SECRET_SHOWN ? shown : quote(bad)}`;
        if (options.empty && value.length === 0) return options.empty;
        if (options.distinct && new Set(value).size < options.distinct.min) return options.distinct.problem;
        return undefined;
    };
    return {
        parse(textValue) {
            let items: unknown;
            if (textValue.startsWith("[")) {
                try {
                    items = JSON.parse(textValue);
                } catch {
                    throw new SettingProblem("is not valid JSON");
                }
            } else {
                items = textValue.split(",");
            }
            if (!Array.isArray(items) || !items.every((item) => typeof item === "string")) throw new SettingProblem("must be a list of strings");
            return items.map((item: string) => item.trim()).filter((item) => item.length > 0);
        },
        problem,
        values: `${options.expected} (JSON list or comma-separated)`,
        show: (value) => (value.length === 0 ? "none" : `\`${JSON.stringify(value)}\``),
    };
}

export function isIpv4Cidr(cidr: string): boolean {
    const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
    if (!match) return false;
    const octets = match.slice(1, 5).map(Number);
    const prefix = Number(match[5]);
    return octets.every((octet) => octet <= 255) && prefix <= 32;
}

/** An IAM role or user ARN, the principals Lake Formation grants to. */
const IAM_PRINCIPAL_ARN = /^arn:[^:]+:iam::\d{12}:(role|user)\/.+$/;
/** SparkPost's API hosts, by where the account lives (sparkpost/alertsApi.ts holds their URLs). */
export const SPARKPOST_REGIONS = ["us", "eu"] as const;

/** A SparkPost API key: printable ASCII, no spaces; never quoted back, since it is a secret. */
const SPARKPOST_API_KEY = text(/^[\x21-\x7e]+$/, "a SparkPost API key (printable characters, no spaces) with the Alerts: Read/Write permission");

/** An address SNS can send an email subscription's confirmation to. */
const EMAIL_ADDRESSES = list({
    item: (address) => /^[^@\s,]+@[^@\s,]+\.[^@\s,]+$/.test(address),
    expected: "email addresses such as ops@example.com",
});

const IAM_PRINCIPALS = list({
    item: (arn) => IAM_PRINCIPAL_ARN.test(arn),
    expected: "IAM role or user ARNs such as arn:aws:iam::123456789012:role/analysts",
});

/** CloudWatch Logs accepts only these retention periods. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/** Athena's minimum for a workgroup's bytes-scanned cutoff: 10 MiB. */
export const MIN_BYTES_SCANNED_CUTOFF = 10 * 1024 ** 2;

const megabytes = (bytes: number): string => `${bytes / 1024 ** 2} MB`;

/** What the data lake over alerts/ is: a crawled table, a projected one, or nothing at all. */
export const LAKE_MODES = ["none", "crawler", "projection"] as const;
export type LakeMode = (typeof LAKE_MODES)[number];

/**
 * A function's reserved concurrency: a count from 1 (0 would throttle every request: a cap, never an off switch),
 * or `none`. Lambda keeps at least 100 concurrent executions of the account unreserved ("You can reserve up to the
 * Unreserved account concurrency value that is shown, minus 100", Lambda developer guide, configuration-concurrency),
 * so an account whose quota is 100 or less (new accounts start reduced, at 10) can reserve nothing. Shared by every
 * function of the stack.
 */
export const RESERVED_CONCURRENCY = wholeNumber(1, 1_000, { word: { word: "none", meaning: "to reserve nothing" } });
export const RESERVED_CONCURRENCY_DOC = "cap on the function's concurrent executions, or `none` to reserve nothing (the function shares the account's "
    + "unreserved pool). Lambda keeps at least 100 of the account's concurrency unreserved, so a reservation needs a quota of at least "
    + "100 plus every reservation: new accounts, whose quota starts at 10, can reserve nothing. Checked, both reservations together, against the account's quota at "
    + "`pulumi preview` when Service Quotas can be read";

/** The entry of one setting; keeps the group, value and default types for {@link SettingsOf}. */
function setting<const G extends SettingGroup, T, const D extends T | undefined = undefined>(spec: {
    group: G;
    kind: SettingKind<T>;
    default?: D;
    defaultDoc?: string;
    secret?: boolean;
    doc: string;
}): SettingSpec<G, T, D> {
    return { ...spec, default: spec.default as D, secret: spec.secret ?? false };
}

// ---- the table ----

export const SETTINGS = {
    ingress: setting({
        group: "stack",
        kind: oneOf(INGRESSES),
        default: "alb",
        doc: `how deliveries get in: an Application Load Balancer (deliveries up to ${megabytes(MAX_BODY_BYTES.alb)}) or a Lambda Function URL `
            + `(up to ${megabytes(MAX_BODY_BYTES["function-url"])}, no fixed cost)`,
    }),
    deletionProtection: setting({
        group: "stack",
        kind: BOOLEAN,
        default: true,
        doc: "on the table and the ALB; turn it off (and `pulumi up`) before `pulumi destroy`",
    }),

    webhookToken: setting({
        group: "token",
        kind: TOKEN,
        secret: true,
        defaultDoc: `generated: ${GENERATED_TOKEN_LENGTH} letters and digits, kept (encrypted) in the state`,
        doc: "the secret path segment of `/hooks/<token>`: SparkPost sends no credentials, so the token is what keeps others out. "
            + "Kept in an SSM SecureString parameter the function reads, never in its configuration",
    }),
    previousWebhookToken: setting({
        group: "token",
        kind: TOKEN,
        secret: true,
        doc: "still accepted during a rotation, by the listener rule and the handler",
    }),

    retentionDays: setting({
        group: "store",
        kind: wholeNumber(1, 36_500),
        default: DEFAULT_RETENTION_DAYS,
        doc: "days DynamoDB keeps history items (TTL on `expires_at`)",
    }),
    rawRetentionDays: setting({
        group: "store",
        kind: wholeNumber(1, 36_500),
        default: 90,
        doc: "days S3 keeps `raw/` and `rejected/` objects",
    }),
    alertsRetentionDays: setting({
        group: "store",
        kind: wholeNumber(1, 36_500),
        defaultDoc: "kept",
        doc: "days S3 keeps `alerts/` (the lake's rows)",
    }),
    kmsKeyArn: setting({
        group: "store",
        // A key ARN, not an alias: IAM policies grant on keys, and an alias ARN would grant nothing.
        kind: text(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/, "a KMS key ARN such as arn:aws:kms:us-east-1:123456789012:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0 (not an alias)"),
        defaultDoc: "none (S3-managed and AWS-managed keys)",
        doc: "a customer-managed KMS key for the bucket, the table, the token parameters and Athena's query results; a key of the stack's "
            + "Region (checked at `pulumi preview`). Its key policy must let the stack's roles use it: see [The data lake](#the-data-lake)",
    }),

    lambdaMemoryMb: setting({
        group: "lambda",
        // Lambda's limits.
        kind: wholeNumber(128, 10_240),
        default: 256,
        doc: "the receiver's memory, in MB",
    }),
    lambdaTimeoutSeconds: setting({
        group: "lambda",
        kind: wholeNumber(1, 900),
        default: 10,
        doc: "the receiver's timeout; raise it to 30 to 60 above a few thousand subaccounts (see [Performance](#performance))",
    }),
    reservedConcurrency: setting({
        group: "lambda",
        kind: RESERVED_CONCURRENCY,
        default: "none" as number | "none",
        doc: RESERVED_CONCURRENCY_DOC,
    }),
    logRetentionDays: setting({
        group: "lambda",
        kind: wholeNumber(1, 3_653, { allowed: LOG_RETENTION_DAYS, allowedName: "CloudWatch Logs' periods" }),
        default: 30,
        doc: "retention of the functions' log groups (the receiver's and the loader's)",
    }),

    loaderMemoryMb: setting({
        group: "loader",
        kind: wholeNumber(128, 10_240),
        // Lambda gives CPU in proportion to memory (a full vCPU at 1,769 MB): 1,024 MB is about 0.6 vCPU, which
        // validates a 6 MB delivery in about 2.5 s and keeps its ~60 MB of records and SDK buffers well inside.
        default: 1_024,
        doc: "the loader's memory, in MB (its CPU grows with it)",
    }),
    loaderTimeoutSeconds: setting({
        group: "loader",
        kind: wholeNumber(1, 900),
        // Sized for the largest delivery, 6 MB through a Function URL (about 27,000 elements), at the latency
        // model's p99 (bench/latency/awsLatency.ts) with 64 requests in flight: 1,080 BatchWriteItem and 27,000
        // conditional PutItem (latest entries), whose round trips overlap but whose SDK work does not (about 1.2 ms
        // of CPU each, BENCHMARKS.md), about 50 s at the loader's 0.6 vCPU; reading and judging it, about 3 s; the
        // lake objects, usually one or two, at worst one per element (a metric or day each): 27,000 x 200 ms / 64,
        // about 85 s. About 140 s at worst: 300 s leaves twice that.
        default: 300,
        doc: "the loader's timeout: long enough for a 6 MB delivery (about 27,000 elements) at the slow end of AWS's latencies, see [Delivery guarantees](#delivery-guarantees)",
    }),
    loaderReservedConcurrency: setting({
        group: "loader",
        kind: RESERVED_CONCURRENCY,
        default: "none" as number | "none",
        doc: RESERVED_CONCURRENCY_DOC,
    }),
    loaderMaxEventAgeSeconds: setting({
        group: "loader",
        // FunctionEventInvokeConfig's bounds.
        kind: wholeNumber(60, 21_600),
        default: 21_600,
        doc: "how long Lambda keeps retrying an S3 notification it could not run (throttled, or the function failing) before it goes to the dead-letter queue; 21,600 s (6 hours) is Lambda's most",
    }),

    alarmEmails: setting({
        group: "monitoring",
        kind: EMAIL_ADDRESSES,
        default: [] as string[],
        doc: "addresses subscribed to the alarms' SNS topic (each must confirm the subscription from the email AWS sends); "
            + "without any, the topic still takes the alarms for whatever else subscribes to it",
    }),

    sparkpostApiKey: setting({
        group: "sparkpost",
        kind: SPARKPOST_API_KEY,
        secret: true,
        defaultDoc: "none: no alert is created (create it by hand, see [Deploy to AWS](#deploy-to-aws))",
        doc: "a SparkPost API key with the Alerts: Read/Write permission; with it, `pulumi up` creates (and `pulumi destroy` deletes) the "
            + "Health Score alert that posts to `endpointUrl`, and a token rotation updates it. Kept secret in the state",
    }),
    sparkpostRegion: setting({
        group: "sparkpost",
        kind: oneOf(SPARKPOST_REGIONS),
        default: "us",
        doc: "where the SparkPost account lives: `us` (api.sparkpost.com) or `eu` (api.eu.sparkpost.com); a key works in its own only",
    }),
    sparkpostApiUrl: setting({
        group: "sparkpost",
        kind: text(/^https?:\/\/[^\s]+$/, "an API base URL such as https://api.sparkpost.com/api/v1 (http only for a local stand-in)"),
        defaultDoc: "`sparkpostRegion`'s",
        doc: "any SparkPost API base URL instead of `sparkpostRegion`'s (an enterprise host, or a stand-in for tests); changing it replaces the alert",
    }),
    sparkpostAlertName: setting({
        group: "sparkpost",
        kind: text(/^(?=.*\S)[^\x00-\x1f\x7f]+$/, "a name that is not blank and holds no control character"),
        default: "Daily health score",
        doc: "the alert's name in SparkPost's UI",
    }),
    sparkpostAlertMuted: setting({
        group: "sparkpost",
        kind: BOOLEAN,
        default: false,
        doc: "mute the alert: SparkPost then sends nothing, and the heartbeat alarm fires after 26 hours",
    }),

    domainName: setting({
        group: "alb",
        kind: text(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, "a lower-case DNS name such as alerts.example.com"),
        defaultDoc: "none",
        doc: "the HTTPS name; needs `hostedZoneId`. Without it: plain HTTP on the ALB's own name, for development only (the program warns)",
    }),
    hostedZoneId: setting({
        group: "alb",
        kind: text(/^Z[A-Z0-9]{1,31}$/, "a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ"),
        doc: "the Route 53 zone of `domainName`, for the alias record and the certificate's validation",
    }),
    certificateArn: setting({
        group: "alb",
        kind: text(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/, "an ACM certificate ARN"),
        defaultDoc: "requested and DNS-validated",
        doc: "an existing ACM certificate for `domainName`",
    }),
    allowedCidrs: setting({
        group: "alb",
        // The ALB is IPv4-only (ipAddressType ipv4), so an IPv6 range would allow nothing.
        kind: list({ item: isIpv4Cidr, expected: "IPv4 CIDRs such as 203.0.113.0/24", empty: "is empty: nobody could reach the webhook" }),
        // SparkPost publishes no egress addresses for alert webhooks, so the ALB cannot be narrowed by default.
        default: ["0.0.0.0/0"] as string[],
        doc: "IPv4 ranges allowed to the listener (443; 80 without `domainName`). SparkPost publishes no addresses for alerts",
    }),
    subnetIds: setting({
        group: "alb",
        kind: list({
            item: (id) => /^subnet-[0-9a-f]{8,17}$/.test(id),
            expected: "subnet ids such as subnet-0123abcd",
            // An ALB needs subnets in at least two Availability Zones; two distinct ids is what can be checked here.
            distinct: { min: 2, problem: "needs at least two different subnets, in different Availability Zones" },
        }),
        defaultDoc: "the default VPC's default subnets",
        doc: "at least two, in one VPC, one per Availability Zone; checked by looking them up, so `pulumi preview` fails naming `subnetIds` otherwise",
    }),
    accessLogs: setting({
        group: "alb",
        kind: BOOLEAN,
        default: true,
        doc: "access logs to their own bucket (SSE-S3, the only encryption ALB log delivery accepts)",
    }),
    accessLogRetentionDays: setting({
        group: "alb",
        kind: wholeNumber(1, 3_650),
        // The request line in ALB access logs holds the token: keep them briefly.
        default: 7,
        doc: "days access logs are kept: short, because their request lines hold the token",
    }),

    lake: setting({
        group: "lake",
        kind: oneOf(LAKE_MODES),
        default: "crawler",
        doc: "the data lake over alerts/: `crawler` (a Glue table kept up to date by a daily crawler), `projection` (the table defined in code "
            + "with partition projection: no crawler, a new day queryable at once) or `none` (no Lake Formation, Glue or Athena at all, and no "
            + "lake outputs). `crawler` and `projection` need the identity that runs Pulumi to be a Lake Formation admin, checked at `pulumi preview`",
    }),
    lakeReaders: setting({
        group: "lake",
        kind: IAM_PRINCIPALS,
        default: [] as string[],
        doc: "IAM roles or users granted SELECT and DESCRIBE on the lake's tables",
    }),
    crawlerSchedule: setting({
        group: "lake",
        kind: text(/^cron\(.+\)$/, "a Glue cron expression such as \"cron(0 10 * * ? *)\""),
        // SparkPost evaluates health score alerts around 09:00 UTC: crawl an hour later, when the day's files are in.
        default: "cron(0 10 * * ? *)",
        doc: "when the Glue crawler runs (UTC), a while after the daily alert",
    }),
    manageLakeAdmins: setting({
        group: "lake",
        kind: BOOLEAN,
        default: false,
        doc: "add `lakeAdmins` to the account's Lake Formation admins, keeping the admins and every other data lake setting the account has "
            + "(account-wide: off unless asked for; never removes an admin, not even on `pulumi destroy`)",
    }),
    lakeAdmins: setting({
        group: "lake",
        kind: IAM_PRINCIPALS,
        default: [] as string[],
        doc: "the Lake Formation admins to add with `manageLakeAdmins`; `pulumi preview` fails unless the identity that runs Pulumi is one of them or already an admin",
    }),
    athenaBytesScannedCutoff: setting({
        group: "lake",
        kind: wholeNumber(MIN_BYTES_SCANNED_CUTOFF),
        // The whole lake is far smaller; a query that scans more has lost its partition filter.
        default: 1024 ** 3,
        defaultDoc: "1073741824 (1 GiB)",
        doc: "the workgroup cancels a query that scans more bytes (Athena's minimum is 10 MiB)",
    }),
    athenaResultsRetentionDays: setting({
        group: "lake",
        kind: wholeNumber(1, 36_500),
        default: 30,
        doc: "days Athena query results are kept",
    }),
} as const;

// ---- types derived from the table ----

type Table = typeof SETTINGS;
export type SettingKey = keyof Table;
type ValueOf<K extends SettingKey> = Table[K]["kind"] extends SettingKind<infer T> ? T : never;
type KeysOf<G extends SettingGroup> = { [K in SettingKey]: Table[K]["group"] extends G ? K : never }[SettingKey];
type Defaulted<K extends SettingKey> = undefined extends Table[K]["default"] ? false : true;
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** A group's settings with the defaults applied: keys without a default may be unset. */
export type SettingsOf<G extends SettingGroup> = Simplify<
    { -readonly [K in KeysOf<G> as Defaulted<K> extends true ? K : never]: ValueOf<K> } &
    { -readonly [K in KeysOf<G> as Defaulted<K> extends true ? never : K]?: ValueOf<K> }
>;

/** What a component takes for a group: any key may be left out, for its default. */
export type ArgsOf<G extends SettingGroup> = Partial<SettingsOf<G>>;

/** Groups that serve one ingress only (the load balancer's), and so may be absent. */
type IngressGroup = { [G in SettingGroup]: (typeof SETTING_GROUPS)[G] extends { ingress: Ingress } ? G : never }[SettingGroup];

/**
 * The stack's settings, defaults applied: the `stack` group's keys at the top, every other group under its name;
 * a group of one ingress only with that ingress (`alb` with `ingress: alb`).
 */
export type StackSettings = Simplify<
    SettingsOf<"stack"> &
    { [G in Exclude<SettingGroup, "stack" | IngressGroup>]: SettingsOf<G> } &
    { [G in IngressGroup]?: SettingsOf<G> }
>;

export type RawConfig = Readonly<Partial<Record<string, string | undefined>>>;

const KEYS = Object.keys(SETTINGS) as SettingKey[];

/** The one ingress a group serves, if it serves one only. */
function groupIngress(group: SettingGroup): Ingress | undefined {
    return (SETTING_GROUPS[group] as { ingress?: Ingress }).ingress;
}

/** The one ingress a key applies to (its group's), if it applies to one only: set with the other, it is refused. */
export function ingressOf(key: SettingKey): Ingress | undefined {
    return groupIngress(SETTINGS[key].group);
}

function keysOf(group: SettingGroup): SettingKey[] {
    return KEYS.filter((key) => SETTINGS[key].group === group);
}

// ---- rules across keys ----

/** A problem with one key of a group, given the others. */
interface RuleProblem {
    key: SettingKey;
    problem: string;
}

/** What the rules know besides the group: the ingress (an ALB routes shorter tokens). */
interface RuleContext {
    ingress: Ingress;
}

/** The rules that relate a group's keys; they run on values that each passed their own check. */
const GROUP_RULES: { [G in SettingGroup]?: (values: SettingsOf<G>, context: RuleContext) => RuleProblem | undefined } = {
    token(tokens, { ingress }) {
        for (const key of ["webhookToken", "previousWebhookToken"] as const) {
            const token = tokens[key];
            if (token !== undefined && token.length > maxTokenLength(ingress)) {
                return { key, problem: `must be at most ${maxTokenLength(ingress)} characters with ingress ${ingress} (an ALB path pattern holds ${ALB_PATH_PATTERN_MAX_LENGTH})` };
            }
        }
        if (tokens.webhookToken !== undefined && tokens.webhookToken === tokens.previousWebhookToken) {
            return { key: "previousWebhookToken", problem: "must differ from webhookToken (unset it once the rotation is done)" };
        }
        return undefined;
    },
    alb(alb) {
        if (alb.domainName === undefined) {
            if (alb.hostedZoneId !== undefined) return { key: "hostedZoneId", problem: "is set but domainName is not: set both, or neither" };
            if (alb.certificateArn !== undefined) return { key: "certificateArn", problem: "is set but domainName is not: the certificate is for the domain" };
        } else if (alb.hostedZoneId === undefined) {
            return { key: "domainName", problem: "needs hostedZoneId: the Route 53 hosted zone that holds the alias record (and the certificate's validation record)" };
        }
        return undefined;
    },
    sparkpost(sparkpost) {
        if (sparkpost.sparkpostApiKey === undefined && sparkpost.sparkpostApiUrl !== undefined) {
            return { key: "sparkpostApiUrl", problem: "is set but sparkpostApiKey is not: without a key no alert is created" };
        }
        return undefined;
    },
    lake(lake) {
        if (lake.lake === "none") {
            if (lake.lakeReaders.length > 0) return { key: "lakeReaders", problem: "is set but lake is none: there is no lake to read (set lake to crawler or projection)" };
            if (lake.manageLakeAdmins) return { key: "manageLakeAdmins", problem: "is true but lake is none: without a lake the stack needs no Lake Formation admin" };
        }
        // DataLakeSettings is account-wide: only on purpose, and with someone to add.
        if (lake.manageLakeAdmins && lake.lakeAdmins.length === 0) {
            return { key: "manageLakeAdmins", problem: "is true but lakeAdmins is empty: give the admins to add, the identity that runs Pulumi among them" };
        }
        if (!lake.manageLakeAdmins && lake.lakeAdmins.length > 0) {
            return { key: "lakeAdmins", problem: "is set but manageLakeAdmins is not: set manageLakeAdmins to true to add them to the account's Lake Formation admins" };
        }
        return undefined;
    },
};

// ---- resolving: checks, defaults, rules ----

type Fail = (key: SettingKey, problem: string) => never;

/** A group's values with every key checked, the defaults applied, and the group's rules checked. */
function resolve<G extends SettingGroup>(group: G, values: Readonly<Record<string, unknown>>, context: RuleContext, fail: Fail, shown: (key: SettingKey) => string): SettingsOf<G> {
    const resolved: Record<string, unknown> = {};
    for (const key of keysOf(group)) {
        const spec = SETTINGS[key] as SettingSpec;
        const value = values[key];
        if (value === undefined) {
            if (spec.default !== undefined) resolved[key] = structuredClone(spec.default);
            continue;
        }
        const problem = spec.kind.problem(value, spec.secret ? SECRET_SHOWN : shown(key));
        if (problem) fail(key, problem);
        resolved[key] = value;
    }
    const rule = GROUP_RULES[group] as ((values: SettingsOf<G>, context: RuleContext) => RuleProblem | undefined) | undefined;
    const broken = rule?.(resolved as SettingsOf<G>, context);
    if (broken) fail(broken.key, broken.problem);
    return resolved as SettingsOf<G>;
}

/** A component argument that is wrong; the message names the component and the argument. */
export class ArgumentError extends Error {
    constructor(readonly component: string, readonly argument: string, problem: string) {
        super(`${component}: ${argument} ${problem}`);
        this.name = "ArgumentError";
    }
}

/**
 * A component's argument for a group (`lambda`, `alb`, ...): every key checked against the table, the defaults
 * applied, the group's rules checked. Errors name `<component>: <argument>.<key>`.
 */
export function resolveGroup<G extends SettingGroup>(
    component: string,
    group: G,
    args: ArgsOf<G> | undefined,
    options: { ingress?: Ingress } = {},
): SettingsOf<G> {
    return resolveArguments(component, group, args, group, options.ingress);
}

/** {@link resolveGroup}, for keys that are arguments of their own when `argument` is undefined. */
function resolveArguments<G extends SettingGroup>(component: string, group: G, args: ArgsOf<G> | undefined, argument: string | undefined, ingress?: Ingress): SettingsOf<G> {
    const name = (key: string) => (argument === undefined ? key : `${argument}.${key}`);
    const unknown = Object.keys(args ?? {}).filter((key) => !(keysOf(group) as string[]).includes(key));
    if (unknown.length > 0) throw new ArgumentError(component, name(unknown[0]), `is not a setting of ${argument ?? group} (known: ${keysOf(group).join(", ")})`);
    const fail: Fail = (key, problem) => { throw new ArgumentError(component, name(key), problem); };
    const values = (args ?? {}) as Record<string, unknown>;
    return resolve(group, values, { ingress: ingress ?? SETTINGS.ingress.default }, fail, (key) => quote(values[key]));
}

/** One setting given to a component as an argument of its own (`ingress`, `deletionProtection`), checked and defaulted. */
export function resolveSetting<K extends KeysOf<"stack">>(component: string, key: K, value: ValueOf<K> | undefined): ValueOf<K> {
    const resolved = resolveArguments(component, "stack", { [key]: value } as ArgsOf<"stack">, undefined) as Record<string, unknown>;
    return resolved[key] as ValueOf<K>;
}

/**
 * The tokens a component is given, where they are plain strings (a generated token is an Output, checked where it
 * is made): each a valid token, short enough for the ingress, and the previous one not the current one.
 */
export function checkTokenArguments(component: string, tokens: { webhookToken?: unknown; previousWebhookToken?: unknown }, ingress: Ingress): void {
    const plain = (value: unknown) => (typeof value === "string" ? value : undefined);
    resolveArguments(component, "token", { webhookToken: plain(tokens.webhookToken), previousWebhookToken: plain(tokens.previousWebhookToken) }, undefined, ingress);
}

/** Refuses keys of `args` that apply to another ingress than `ingress`, naming `<group>.<key>`. */
export function checkIngressOf<G extends SettingGroup>(component: string, group: G, args: ArgsOf<G> | undefined, ingress: Ingress): void {
    for (const key of Object.keys(args ?? {}) as SettingKey[]) {
        const only = Object.hasOwn(SETTINGS, key) ? ingressOf(key) : undefined;
        if (only !== undefined && only !== ingress) throw new ArgumentError(component, `${group}.${key}`, `applies to ingress ${only} only, not ${ingress}`);
    }
}

// ---- the stack config ----

export class ConfigError extends Error {
    constructor(readonly key: string, problem: string) {
        super(`${CONFIG_NAMESPACE}:${key} ${problem}`);
        this.name = "ConfigError";
    }
}

/**
 * Parses the `healthscore` namespace, keys without their `healthscore:` prefix: the raw strings Pulumi stores
 * (`pulumi config set` values; structured values arrive as JSON text). Blank values count as unset. Throws a
 * {@link ConfigError} naming the key; a secret is never quoted back.
 */
export function parseConfig(raw: RawConfig): StackSettings {
    const texts = readTexts(raw);
    const typed: Partial<Record<SettingKey, unknown>> = {};
    for (const [key, value] of Object.entries(texts) as [SettingKey, string][]) {
        const spec = SETTINGS[key] as SettingSpec;
        try {
            typed[key] = spec.kind.parse(value, spec.secret ? SECRET_SHOWN : quote(value));
        } catch (err) {
            if (err instanceof SettingProblem) throw new ConfigError(key, err.problem);
            throw err;
        }
    }
    const fail: Fail = (key, problem) => { throw new ConfigError(key, problem); };
    const shown = (key: SettingKey) => quote(texts[key]);
    const stack = resolve("stack", typed, { ingress: SETTINGS.ingress.default }, fail, shown);
    rejectKeysOfOtherIngress(texts, stack.ingress);
    const settings: Record<string, unknown> = { ...stack };
    for (const group of Object.keys(SETTING_GROUPS) as SettingGroup[]) {
        const only = groupIngress(group);
        if (group === "stack" || (only !== undefined && only !== stack.ingress)) continue;
        settings[group] = resolve(group, typed, { ingress: stack.ingress }, fail, shown);
    }
    return settings as StackSettings;
}

/**
 * Keys earlier versions read, and what to set instead: a stack that still sets one is told how to move on, rather
 * than that the key is unknown (or, worse, that its meaning was silently dropped).
 */
const RETIRED_KEYS: Record<string, (value: string | undefined) => string> = {
    lakePartitionProjection: (value) => {
        const mode = value?.trim() === "true" ? "projection" : "crawler";
        return `is no longer read: the lake's mode is now healthscore:lake (none, crawler or projection). For the same stack as before, run `
            + `\`pulumi config rm ${CONFIG_NAMESPACE}:lakePartitionProjection && pulumi config set ${CONFIG_NAMESPACE}:lake ${mode}\``;
    },
};

/** The non-blank values, trimmed; an unknown key is a typo, never a silent default. */
function readTexts(raw: RawConfig): Partial<Record<SettingKey, string>> {
    const texts: Partial<Record<SettingKey, string>> = {};
    for (const [key, value] of Object.entries(raw)) {
        if (Object.hasOwn(RETIRED_KEYS, key)) throw new ConfigError(key, RETIRED_KEYS[key](value));
        if (!Object.hasOwn(SETTINGS, key)) throw new ConfigError(key, `is not a setting of this program (known: ${KEYS.join(", ")})`);
        const trimmed = value?.trim();
        if (trimmed) texts[key as SettingKey] = trimmed;
    }
    return texts;
}

/** Settings that only shape the ALB are mistakes with a Function URL: say so rather than ignore them. */
function rejectKeysOfOtherIngress(texts: Partial<Record<SettingKey, string>>, ingress: Ingress): void {
    for (const key of Object.keys(texts) as SettingKey[]) {
        const only = ingressOf(key);
        if (only !== undefined && only !== ingress) {
            const why = only === "alb" ? "; a Function URL has its own lambda-url.<region>.on.aws address and no load balancer" : "";
            throw new ConfigError(key, `applies to ingress ${only} only${why}`);
        }
    }
}
