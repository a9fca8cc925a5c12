/** Components check their arguments before they create anything, and say which argument is wrong. */
import * as assert from "assert";
import { Deployment, deploy } from "../../support/mocks";

describe("component arguments (mocks)", () => {
    let modules: {
        HealthScoreStore: typeof import("../../../components/healthScoreStore").HealthScoreStore;
        HealthScoreIngest: typeof import("../../../components/healthScoreIngest").HealthScoreIngest;
        PrivateBucket: typeof import("../../../components/privateBucket").PrivateBucket;
        HealthScoreLake: typeof import("../../../components/healthScoreLake").HealthScoreLake;
    };
    const store = { bucketName: "b", bucketArn: "arn:aws:s3:::b", tableName: "t", tableArn: "arn:aws:dynamodb:us-east-1:123456789012:table/t" };
    const token = "valid-token_0123456789";

    before(async () => {
        modules = {
            HealthScoreStore: (await import("../../../components/healthScoreStore")).HealthScoreStore,
            HealthScoreIngest: (await import("../../../components/healthScoreIngest")).HealthScoreIngest,
            PrivateBucket: (await import("../../../components/privateBucket")).PrivateBucket,
            HealthScoreLake: (await import("../../../components/healthScoreLake")).HealthScoreLake,
        };
    });

    /** Throws with `pattern`, and registers nothing. */
    async function rejects(build: () => unknown, pattern: RegExp): Promise<void> {
        let error: unknown;
        const deployment: Deployment = await deploy(() => {
            try { build(); } catch (err) { error = err; }
            return {};
        });
        assert.ok(error instanceof Error, "did not throw");
        assert.match(error.message, pattern);
        assert.deepStrictEqual(deployment.resources.map((r) => r.name), []);
    }

    it("HealthScoreStore: rawRetentionDays", () => rejects(() => new modules.HealthScoreStore("s", { rawRetentionDays: 0 }), /HealthScoreStore: rawRetentionDays must be a whole number/));

    it("HealthScoreStore: a bad lake argument, before the bucket or table exists", () =>
        rejects(() => new modules.HealthScoreStore("s", { lake: { crawlerSchedule: "daily" } }), /crawlerSchedule must be a Glue cron expression/));

    it("HealthScoreIngest: a malformed token, without echoing it", () =>
        rejects(() => new modules.HealthScoreIngest("i", { store, webhookToken: "not a token!" }), /^HealthScoreIngest: webhookToken must be 16 to 128 characters[^!]*$/));

    it("HealthScoreIngest: a token too long for an ALB path pattern", () =>
        rejects(() => new modules.HealthScoreIngest("i", { store, webhookToken: "a".repeat(122) }), /webhookToken must be at most 121 characters with an ALB/));

    it("HealthScoreIngest: ALB settings with function-url", () =>
        rejects(() => new modules.HealthScoreIngest("i", { store, webhookToken: token, ingress: "function-url", allowedCidrs: ["10.0.0.0/8"] }), /allowedCidrs apply to ingress "alb" only/));

    it("HealthScoreIngest: an unknown ingress", () =>
        rejects(() => new modules.HealthScoreIngest("i", { store, webhookToken: token, ingress: "nlb" as never }), /ingress must be "alb" or "function-url"/));

    it("HealthScoreIngest: one subnet", () =>
        rejects(() => new modules.HealthScoreIngest("i", { store, webhookToken: token, subnetIds: ["subnet-1"] }), /subnetIds needs at least two/));

    it("HealthScoreIngest: a memory size Lambda does not offer", () =>
        rejects(() => new modules.HealthScoreIngest("i", { store, webhookToken: token, lambdaMemoryMb: 64 }), /memoryMb must be a whole number from 128/));

    it("HealthScoreIngest: a name too long for AWS's 32-character load balancer names", () =>
        rejects(() => new modules.HealthScoreIngest("healthscore-production", { store, webhookToken: token }), /name "healthscore-production-lb" is longer than 21 characters/));

    it("HealthScoreLake: a reader that is not an IAM ARN", () =>
        rejects(() => new modules.HealthScoreLake("l", { bucketName: "b", bucketArn: "arn:aws:s3:::b", lakeReaders: ["analysts"] }), /lakeReaders must hold IAM role or user ARNs/));

    it("the program: a bad lake value in the stack config fails before any resource is registered", async () => {
        const { parseConfig, ConfigError } = await import("../../../shared/settings");
        const { createProgram } = await import("../../../components/program");
        let error: unknown;
        const deployment: Deployment = await deploy(() => {
            try { return { ...createProgram(parseConfig({ webhookToken: token, lakeReaders: "analysts" })) }; } catch (err) { error = err; }
            return {};
        });
        assert.ok(error instanceof ConfigError && error.key === "lakeReaders", String(error));
        assert.deepStrictEqual(deployment.resources.map((r) => r.name), []);
    });

    // parseConfig checks the lake's keys so that a mistake stops before anything is registered; HealthScoreLake
    // checks them again for callers that skip the parser. The two must refuse the same values.
    describe("parseConfig and HealthScoreLake refuse the same lake values", () => {
        const arn = "arn:aws:iam::123456789012:role/x";
        const cases: Array<[string, Record<string, string>, Record<string, unknown>, string]> = [
            ["a reader that is not an IAM ARN", { lakeReaders: "analysts" }, { lakeReaders: ["analysts"] }, "lakeReaders"],
            ["a group ARN as reader", { lakeReaders: "arn:aws:iam::123456789012:group/g" }, { lakeReaders: ["arn:aws:iam::123456789012:group/g"] }, "lakeReaders"],
            ["an admin that is not an IAM ARN", { manageLakeAdmins: "true", lakeAdmins: "me" }, { manageLakeAdmins: true, lakeAdmins: ["me"] }, "lakeAdmins"],
            ["admins managed but none given", { manageLakeAdmins: "true" }, { manageLakeAdmins: true }, "manageLakeAdmins"],
            ["admins given but not managed", { lakeAdmins: arn }, { lakeAdmins: [arn] }, "lakeAdmins"],
            ["a schedule that is not a cron expression", { crawlerSchedule: "daily" }, { crawlerSchedule: "daily" }, "crawlerSchedule"],
            ["a cutoff under Athena's minimum", { athenaBytesScannedCutoff: "10485759" }, { athenaBytesScannedCutoff: 10485759 }, "athenaBytesScannedCutoff"],
            ["a retention of zero days", { athenaResultsRetentionDays: "0" }, { athenaResultsRetentionDays: 0 }, "athenaResultsRetentionDays"],
        ];
        for (const [what, raw, args, key] of cases) {
            it(what, async () => {
                const { parseConfig, ConfigError } = await import("../../../shared/settings");
                const { validateLakeArgs } = await import("../../../components/healthScoreLake");
                assert.throws(() => parseConfig(raw), (err: unknown) => err instanceof ConfigError && err.key === key);
                assert.throws(() => validateLakeArgs({ bucketName: "b", bucketArn: "arn:aws:s3:::b", ...args }), new RegExp(key));
            });
        }

        it("and accept the same good values", async () => {
            const { parseConfig } = await import("../../../shared/settings");
            const { validateLakeArgs } = await import("../../../components/healthScoreLake");
            const lake = parseConfig({
                lakeReaders: `${arn}, arn:aws:iam::123456789012:user/dana`, manageLakeAdmins: "true", lakeAdmins: `["${arn}"]`,
                crawlerSchedule: "cron(0 6 * * ? *)", lakePartitionProjection: "true", athenaBytesScannedCutoff: "10485760", athenaResultsRetentionDays: "1",
            }).lake;
            assert.doesNotThrow(() => validateLakeArgs({ bucketName: "b", bucketArn: "arn:aws:s3:::b", ...lake }));
        });
    });

    it("PrivateBucket: two rules with one id", () =>
        rejects(() => new modules.PrivateBucket("p", { expirations: [{ id: "x", days: 1 }, { id: "x", days: 2 }] }), /two rules with id "x"/));
});
