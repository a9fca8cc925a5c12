/** parseConfig: defaults, and an error that names the key for every mistake. Pure: no Pulumi. */
import * as assert from "assert";
import { MAX_ALB_TOKEN_LENGTH } from "../../shared/limits";
import {
    ArgumentError, ConfigError, parseConfig, RawConfig, resolveGroup, resolveSetting, SETTINGS, SettingKey, SettingSpec,
} from "../../shared/settings";

const TOKEN = "abcdefghijklmnopqrstuvwxyz012345";
const DOMAIN = { domainName: "alerts.example.com", hostedZoneId: "Z0123456789ABCDEFGHIJ" };

function rejects(raw: RawConfig, key: string, pattern: RegExp): void {
    assert.throws(() => parseConfig(raw), (err: unknown) => {
        assert.ok(err instanceof ConfigError, String(err));
        assert.strictEqual(err.key, key);
        assert.ok(err.message.startsWith(`healthscore:${key} `), err.message);
        assert.match(err.message, pattern);
        return true;
    });
}

describe("parseConfig", () => {
    it("gives the documented defaults for an empty config", () => {
        // Keys without a default (a domain, a token, a KMS key...) stay unset.
        assert.deepStrictEqual(parseConfig({}), {
            ingress: "alb",
            deletionProtection: true,
            token: {},
            store: { retentionDays: 30, rawRetentionDays: 90 },
            lambda: { lambdaMemoryMb: 256, lambdaTimeoutSeconds: 10, reservedConcurrency: "none", logRetentionDays: 30 },
            loader: { loaderMemoryMb: 1024, loaderTimeoutSeconds: 300, loaderReservedConcurrency: "none", loaderMaxEventAgeSeconds: 21600 },
            lake: {
                lake: "crawler",
                lakeReaders: [],
                crawlerSchedule: "cron(0 10 * * ? *)",
                manageLakeAdmins: false,
                lakeAdmins: [],
                athenaBytesScannedCutoff: 1024 ** 3,
                athenaResultsRetentionDays: 30,
            },
            alb: { allowedCidrs: ["0.0.0.0/0"], accessLogs: true, accessLogRetentionDays: 7 },
            monitoring: { alarmEmails: [] },
            sparkpost: { sparkpostRegion: "us", sparkpostAlertName: "Daily health score", sparkpostAlertMuted: false },
        });
        assert.strictEqual(SETTINGS.lambdaTimeoutSeconds.default, 10);
    });

    it("reads every setting", () => {
        const settings = parseConfig({
            ...DOMAIN,
            certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555",
            webhookToken: TOKEN,
            previousWebhookToken: `${TOKEN}-old`,
            retentionDays: "60", rawRetentionDays: "14", alertsRetentionDays: "365",
            allowedCidrs: '["203.0.113.0/24", "198.51.100.7/32"]',
            subnetIds: "subnet-0123456789abcdef0, subnet-0fedcba9876543210",
            lambdaMemoryMb: "512", lambdaTimeoutSeconds: "30", reservedConcurrency: "3", logRetentionDays: "365",
            kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
            deletionProtection: "false", accessLogs: "false", accessLogRetentionDays: "3",
        });
        const { alb, store, lambda } = settings;
        assert.deepStrictEqual([alb?.domainName, alb?.hostedZoneId, alb?.certificateArn],
            [DOMAIN.domainName, DOMAIN.hostedZoneId, "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"]);
        assert.deepStrictEqual(alb?.allowedCidrs, ["203.0.113.0/24", "198.51.100.7/32"]);
        assert.deepStrictEqual(alb?.subnetIds, ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]);
        assert.deepStrictEqual(
            [store.retentionDays, store.rawRetentionDays, store.alertsRetentionDays, lambda.lambdaMemoryMb, lambda.lambdaTimeoutSeconds,
                lambda.reservedConcurrency, lambda.logRetentionDays, settings.deletionProtection, alb?.accessLogs, alb?.accessLogRetentionDays],
            [60, 14, 365, 512, 30, 3, 365, false, false, 3]);
        assert.strictEqual(store.kmsKeyArn, "arn:aws:kms:us-east-1:123456789012:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
        assert.deepStrictEqual(settings.token, { webhookToken: TOKEN, previousWebhookToken: `${TOKEN}-old` });
    });

    it("takes function-url ingress", () => {
        const settings = parseConfig({ ingress: "function-url" });
        assert.strictEqual(settings.ingress, "function-url");
        assert.strictEqual(settings.alb, undefined, "no load balancer settings without a load balancer");
    });

    it("rejects an unknown key (a typo would otherwise be ignored)", () => {
        rejects({ domainname: "alerts.example.com" }, "domainname", /not a setting of this program/);
    });

    it("rejects an unknown ingress", () => rejects({ ingress: "api-gateway" }, "ingress", /"alb" or "function-url"/));

    it("rejects domainName without hostedZoneId, and hostedZoneId or certificateArn without domainName", () => {
        rejects({ domainName: "alerts.example.com" }, "domainName", /needs hostedZoneId/);
        rejects({ hostedZoneId: "Z0123456789ABCDEFGHIJ" }, "hostedZoneId", /domainName is not/);
        rejects({ certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/abc" }, "certificateArn", /domainName is not/);
    });

    it("rejects a malformed domain, zone id or certificate ARN", () => {
        rejects({ ...DOMAIN, domainName: "https://alerts.example.com" }, "domainName", /DNS name/);
        rejects({ ...DOMAIN, hostedZoneId: "example.com" }, "hostedZoneId", /hosted zone id/);
        rejects({ ...DOMAIN, certificateArn: "arn:aws:iam::123456789012:server-certificate/x" }, "certificateArn", /ACM certificate ARN/);
    });

    it("rejects settings that only shape the ALB with function-url ingress", () => {
        rejects({ ingress: "function-url", ...DOMAIN }, "domainName", /ingress alb only/);
        rejects({ ingress: "function-url", allowedCidrs: "10.0.0.0/8" }, "allowedCidrs", /ingress alb only/);
        rejects({ ingress: "function-url", accessLogs: "true" }, "accessLogs", /ingress alb only/);
    });

    it("rejects a token that could not stand in a URL path, without echoing it", () => {
        const secret = "has spaces and / slashes, 32 chars";
        assert.throws(() => parseConfig({ webhookToken: secret }), (err: Error) => !err.message.includes(secret) && /webhookToken must be 16 to 128/.test(err.message));
        rejects({ webhookToken: "short" }, "webhookToken", /16 to 128/);
        rejects({ previousWebhookToken: "a".repeat(129) }, "previousWebhookToken", /16 to 128/);
    });

    it("rejects a token longer than an ALB path pattern holds, but not with a Function URL", () => {
        const long = "a".repeat(MAX_ALB_TOKEN_LENGTH + 1);
        rejects({ webhookToken: long }, "webhookToken", /at most 121 characters with ingress alb/);
        assert.strictEqual(parseConfig({ ingress: "function-url", webhookToken: long }).token.webhookToken, long);
        assert.strictEqual(parseConfig({ webhookToken: "a".repeat(MAX_ALB_TOKEN_LENGTH) }).token.webhookToken?.length, 121);
    });

    it("rejects a previous token equal to the current one", () => {
        rejects({ webhookToken: TOKEN, previousWebhookToken: TOKEN }, "previousWebhookToken", /must differ/);
    });

    it("rejects numbers out of range or not whole", () => {
        rejects({ retentionDays: "0" }, "retentionDays", /whole number from 1/);
        rejects({ lambdaTimeoutSeconds: "901" }, "lambdaTimeoutSeconds", /from 1 to 900/);
        rejects({ lambdaMemoryMb: "64" }, "lambdaMemoryMb", /from 128 to 10240/);
        rejects({ reservedConcurrency: "0" }, "reservedConcurrency", /from 1/);
        rejects({ rawRetentionDays: "7.5" }, "rawRetentionDays", /whole number/);
        rejects({ logRetentionDays: "10" }, "logRetentionDays", /CloudWatch Logs' periods/);
    });

    it("reservedConcurrency: none by default (Lambda keeps 100 of the account unreserved), a count from 1 to 1000, or none", () => {
        assert.strictEqual(parseConfig({}).lambda.reservedConcurrency, "none");
        assert.strictEqual(parseConfig({ reservedConcurrency: "1" }).lambda.reservedConcurrency, 1);
        assert.strictEqual(parseConfig({ reservedConcurrency: "1000" }).lambda.reservedConcurrency, 1000);
        assert.strictEqual(parseConfig({ reservedConcurrency: "none" }).lambda.reservedConcurrency, "none");
        assert.strictEqual(parseConfig({ reservedConcurrency: " none " }).lambda.reservedConcurrency, "none", "trimmed like every value");
        for (const bad of ["0", "1001", "-1", "2.5", "None", "off", "false", "unlimited"]) {
            rejects({ reservedConcurrency: bad }, "reservedConcurrency", new RegExp(`whole number from 1 to 1000, or none to reserve nothing, got "${bad}"`));
        }
    });

    it("rejects booleans that are not true or false", () => rejects({ deletionProtection: "yes" }, "deletionProtection", /true or false/));

    it("rejects allowed CIDRs that are not IPv4 ranges, or none", () => {
        rejects({ allowedCidrs: "::/0" }, "allowedCidrs", /IPv4 CIDRs/);
        rejects({ allowedCidrs: "10.0.0.0/33" }, "allowedCidrs", /IPv4 CIDRs/);
        rejects({ allowedCidrs: "[]" }, "allowedCidrs", /empty/);
        rejects({ allowedCidrs: "[1, 2]" }, "allowedCidrs", /list of strings/);
        rejects({ allowedCidrs: "[oops" }, "allowedCidrs", /not valid JSON/);
    });

    it("rejects fewer than two distinct subnets, or things that are not subnet ids", () => {
        rejects({ subnetIds: "subnet-0123456789abcdef0" }, "subnetIds", /at least two/);
        rejects({ subnetIds: "subnet-0123456789abcdef0,subnet-0123456789abcdef0" }, "subnetIds", /at least two/);
        rejects({ subnetIds: "subnet-0123456789abcdef0,vpc-0123456789abcdef0" }, "subnetIds", /subnet ids/);
    });

    it("rejects a KMS alias where a key ARN is needed", () => {
        rejects({ kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:alias/healthscore" }, "kmsKeyArn", /not an alias/);
    });

    describe("data lake keys", () => {
        const ANALYSTS = "arn:aws:iam::123456789012:role/analysts";
        const DANA = "arn:aws:iam::123456789012:user/dana";

        it("reads every lake setting", () => {
            assert.deepStrictEqual(parseConfig({
                lakeReaders: `${ANALYSTS}, ${DANA}`,
                lakeAdmins: JSON.stringify([ANALYSTS]),
                manageLakeAdmins: "true",
                crawlerSchedule: "cron(0 6 * * ? *)",
                lake: "projection",
                athenaBytesScannedCutoff: "104857600",
                athenaResultsRetentionDays: "7",
            }).lake, {
                lakeReaders: [ANALYSTS, DANA],
                lakeAdmins: [ANALYSTS],
                manageLakeAdmins: true,
                crawlerSchedule: "cron(0 6 * * ? *)",
                lake: "projection",
                athenaBytesScannedCutoff: 104857600,
                athenaResultsRetentionDays: 7,
            });
        });

        it("takes lists as JSON or comma-separated, and booleans false too", () => {
            assert.deepStrictEqual(parseConfig({ lakeReaders: JSON.stringify([ANALYSTS, DANA]) }).lake.lakeReaders, [ANALYSTS, DANA]);
            assert.deepStrictEqual(parseConfig({ lakeReaders: `${ANALYSTS},${DANA},` }).lake.lakeReaders, [ANALYSTS, DANA]);
            assert.deepStrictEqual(parseConfig({ lakeReaders: "[]" }).lake.lakeReaders, []);
            assert.deepStrictEqual(
                [parseConfig({ accessLogs: "false" }).alb?.accessLogs, parseConfig({ manageLakeAdmins: "false" }).lake.manageLakeAdmins],
                [false, false]);
        });

        it("takes the bounds: a 10 MiB cutoff (Athena's minimum) and 1 to 36500 days of results", () => {
            assert.strictEqual(parseConfig({ athenaBytesScannedCutoff: "10485760" }).lake.athenaBytesScannedCutoff, 10 * 1024 * 1024);
            assert.strictEqual(parseConfig({ athenaResultsRetentionDays: "1" }).lake.athenaResultsRetentionDays, 1);
            assert.strictEqual(parseConfig({ athenaResultsRetentionDays: "36500" }).lake.athenaResultsRetentionDays, 36_500);
        });

        it("rejects readers and admins that are not IAM role or user ARNs, or not a list of strings", () => {
            rejects({ lakeReaders: "analysts" }, "lakeReaders", /IAM role or user ARNs.*"analysts"/);
            rejects({ lakeReaders: `${ANALYSTS}, arn:aws:iam::123456789012:group/g` }, "lakeReaders", /IAM role or user ARNs/);
            rejects({ lakeReaders: "[oops" }, "lakeReaders", /not valid JSON/);
            rejects({ lakeReaders: "[1]" }, "lakeReaders", /list of strings/);
            rejects({ manageLakeAdmins: "true", lakeAdmins: "root" }, "lakeAdmins", /IAM role or user ARNs/);
        });

        it("lake: crawler by default, projection, or none; anything else refused", () => {
            assert.deepStrictEqual(["crawler", "projection", "none"].map((mode) => parseConfig({ lake: mode }).lake.lake), ["crawler", "projection", "none"]);
            rejects({ lake: "athena" }, "lake", /must be "none" or "crawler" or "projection", got "athena"/);
        });

        it("lake none: refuses readers or managed admins, which would do nothing", () => {
            rejects({ lake: "none", lakeReaders: ANALYSTS }, "lakeReaders", /lake is none/);
            rejects({ lake: "none", manageLakeAdmins: "true", lakeAdmins: ANALYSTS }, "manageLakeAdmins", /lake is none/);
        });

        it("a stack that still sets lakePartitionProjection is told the command that sets lake instead, for its value", () => {
            rejects({ lakePartitionProjection: "true" }, "lakePartitionProjection",
                /no longer read.*`pulumi config rm healthscore:lakePartitionProjection && pulumi config set healthscore:lake projection`/);
            rejects({ lakePartitionProjection: "false" }, "lakePartitionProjection", /pulumi config set healthscore:lake crawler`$/);
        });

        it("rejects adding no Lake Formation admin, or admins without manageLakeAdmins", () => {
            rejects({ manageLakeAdmins: "true" }, "manageLakeAdmins", /lakeAdmins is empty/);
            rejects({ manageLakeAdmins: "true", lakeAdmins: "[]" }, "manageLakeAdmins", /lakeAdmins is empty/);
            rejects({ lakeAdmins: ANALYSTS }, "lakeAdmins", /set manageLakeAdmins to true/);
            rejects({ lakeAdmins: ANALYSTS, manageLakeAdmins: "false" }, "lakeAdmins", /set manageLakeAdmins to true/);
        });

        it("rejects booleans that are not true or false", () => {
            rejects({ accessLogs: "yes" }, "accessLogs", /true or false/);
            rejects({ manageLakeAdmins: "1" }, "manageLakeAdmins", /true or false/);
        });

        it("rejects a schedule that is not a Glue cron expression", () => {
            rejects({ crawlerSchedule: "daily" }, "crawlerSchedule", /Glue cron expression/);
            rejects({ crawlerSchedule: "0 10 * * ? *" }, "crawlerSchedule", /Glue cron expression/);
        });

        it("rejects a cutoff under 10 MiB and retention out of range or not whole", () => {
            rejects({ athenaBytesScannedCutoff: "10485759" }, "athenaBytesScannedCutoff", /from 10485760/);
            rejects({ athenaBytesScannedCutoff: "1GB" }, "athenaBytesScannedCutoff", /whole number/);
            rejects({ athenaResultsRetentionDays: "0" }, "athenaResultsRetentionDays", /from 1 to 36500/);
            rejects({ athenaResultsRetentionDays: "36501" }, "athenaResultsRetentionDays", /from 1 to 36500/);
            rejects({ athenaResultsRetentionDays: "7.5" }, "athenaResultsRetentionDays", /whole number/);
        });
    });

    it("reads alarmEmails as a list of addresses, and refuses anything that is not one, naming it", () => {
        assert.deepStrictEqual(parseConfig({ alarmEmails: "ops@example.com, oncall@example.org" }).monitoring.alarmEmails, ["ops@example.com", "oncall@example.org"]);
        assert.deepStrictEqual(parseConfig({ alarmEmails: '["ops@example.com"]' }).monitoring.alarmEmails, ["ops@example.com"]);
        rejects({ alarmEmails: "ops@example.com, ops" }, "alarmEmails", /email addresses such as ops@example.com, got "ops"/);
    });

    it("reads the SparkPost alert's settings, and refuses an API URL without a key", () => {
        assert.deepStrictEqual(parseConfig({ sparkpostApiKey: "0123456789abcdef", sparkpostRegion: "eu", sparkpostAlertMuted: "true" }).sparkpost,
            { sparkpostApiKey: "0123456789abcdef", sparkpostRegion: "eu", sparkpostAlertName: "Daily health score", sparkpostAlertMuted: true });
        rejects({ sparkpostRegion: "EU1" }, "sparkpostRegion", /must be "us" or "eu", got "EU1"/);
        rejects({ sparkpostApiKey: "with space" }, "sparkpostApiKey", /got \[secret\]$/);
        rejects({ sparkpostApiUrl: "https://sparkpost.example/api/v1" }, "sparkpostApiUrl", /is set but sparkpostApiKey is not/);
    });

    it("treats blank values as unset", () => {
        const { alb } = parseConfig({ domainName: " ", hostedZoneId: "" });
        assert.deepStrictEqual([alb?.domainName, alb?.hostedZoneId], [undefined, undefined]);
    });
    describe("the settings table", () => {
        const keys = Object.keys(SETTINGS) as SettingKey[];

        it("refuses a malformed value of every key from the stack config, naming healthscore:<key> and not echoing secrets", () => {
            // Any other text is a valid alert name.
            const malformed: Partial<Record<SettingKey, string>> = { sparkpostAlertName: "daily\u0007" };
            for (const key of keys) {
                const text = malformed[key] ?? "not valid!";
                assert.throws(() => parseConfig({ [key]: text }), (err: unknown) => {
                    assert.ok(err instanceof ConfigError && err.key === key, `${key}: ${String(err)}`);
                    assert.ok(err.message.startsWith(`healthscore:${key} `), err.message);
                    // Quoted as JSON, so that a control character shows as its escape.
                    assert.strictEqual(err.message.includes(JSON.stringify(text)), !(SETTINGS[key] as SettingSpec).secret, err.message);
                    return true;
                });
            }
        });

        it("refuses a value of the wrong type for every key as a component argument, naming <group>.<key> (or the key of a stack setting)", () => {
            for (const key of keys) {
                const { group } = SETTINGS[key] as SettingSpec;
                const wrong = { not: "a setting value" } as never;
                const check = group === "stack"
                    ? () => resolveSetting("Component", key as "ingress", wrong)
                    : () => resolveGroup("Component", group, { [key]: wrong });
                const argument = group === "stack" ? key : `${group}.${key}`;
                assert.throws(check, (err: unknown) => err instanceof ArgumentError && err.message.startsWith(`Component: ${argument} `), key);
            }
        });

        it("documents every key in one line, and every default passes its own rule", () => {
            for (const key of keys) {
                const spec = SETTINGS[key] as SettingSpec;
                assert.ok(spec.doc.length > 10 && !spec.doc.includes("\n"), key);
                if (spec.default !== undefined) assert.strictEqual(spec.kind.problem(spec.default, "the default"), undefined, `${key}: its default breaks its own rule`);
            }
        });
    });
});
