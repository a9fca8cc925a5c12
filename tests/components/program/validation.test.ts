/**
 * Components check their arguments before they create anything, and say which argument is wrong. Each check is
 * a plain function the constructor calls before it registers the component (resolve...Args); the last test
 * proves, under mocks, that a refused argument leaves nothing registered.
 */
import * as assert from "assert";
import { HealthScoreIngestArgs, resolveIngestArgs } from "../../../components/healthScoreIngest";
import { resolveLakeArgs } from "../../../components/healthScoreLake";
import { resolveStoreArgs } from "../../../components/healthScoreStore";
import { resolvePrivateBucketArgs } from "../../../components/privateBucket";
import { ConfigError, parseConfig } from "../../../shared/settings";
import { deploy } from "../../support/mocks";

const store = { bucketName: "b", bucketArn: "arn:aws:s3:::b", tableName: "t", tableArn: "arn:aws:dynamodb:us-east-1:123456789012:table/t", retentionDays: 30 };
const fallbackQueue = { url: "https://sqs.us-east-1.amazonaws.com/123456789012/fallback", arn: "arn:aws:sqs:us-east-1:123456789012:fallback" };
const token = "valid-token_0123456789";
const bucket = { bucketName: "b", bucketArn: "arn:aws:s3:::b" };

/** `build` throws an error whose message matches `pattern`. */
function throwsWith(build: () => unknown, pattern: RegExp): void {
    assert.throws(build, (err: unknown) => {
        assert.ok(err instanceof Error, String(err));
        assert.match(err.message, pattern);
        return true;
    });
}

/** HealthScoreIngest's checks, for arguments that differ from a valid set in `changes`. */
function ingest(changes: Partial<HealthScoreIngestArgs>, name = "i"): () => unknown {
    return () => resolveIngestArgs(name, { store, fallbackQueue, webhookToken: token, ...changes });
}

describe("component arguments", () => {
    it("HealthScoreStore: rawRetentionDays", () =>
        throwsWith(() => resolveStoreArgs("s", { store: { rawRetentionDays: 0 } }), /HealthScoreStore: store.rawRetentionDays must be a whole number/));

    it("HealthScoreStore: a bad lake argument, before the bucket or table exists", () =>
        throwsWith(() => resolveStoreArgs("s", { lake: { crawlerSchedule: "daily" } }), /lake.crawlerSchedule must be a Glue cron expression/));

    it("HealthScoreIngest: a malformed token, without echoing it", () =>
        throwsWith(ingest({ webhookToken: "not a token!" }), /^HealthScoreIngest: webhookToken must be 16 to 128 characters[^!]*$/));

    it("HealthScoreIngest: a token too long for an ALB path pattern", () =>
        throwsWith(ingest({ webhookToken: "a".repeat(122) }), /webhookToken must be at most 121 characters with ingress alb/));

    it("HealthScoreIngest: ALB settings with function-url", () =>
        throwsWith(ingest({ ingress: "function-url", alb: { allowedCidrs: ["10.0.0.0/8"] } }), /alb.allowedCidrs applies to ingress alb only/));

    it("HealthScoreIngest: an unknown ingress", () =>
        throwsWith(ingest({ ingress: "nlb" as never }), /ingress must be "alb" or "function-url"/));

    it("HealthScoreIngest: one subnet", () =>
        throwsWith(ingest({ alb: { subnetIds: ["subnet-0123456789abcdef0"] } }), /alb.subnetIds needs at least two/));

    it("HealthScoreIngest: a memory size Lambda does not offer", () =>
        throwsWith(ingest({ lambda: { lambdaMemoryMb: 64 } }), /lambda.lambdaMemoryMb must be a whole number from 128/));

    it("HealthScoreIngest: a name too long for AWS's 32-character load balancer names", () =>
        throwsWith(ingest({}, "healthscore-production"), /name "healthscore-production-lb" is longer than 21 characters/));

    it("HealthScoreLake: a reader that is not an IAM ARN", () =>
        throwsWith(() => resolveLakeArgs("l", { ...bucket, lake: { lakeReaders: ["analysts"] } }), /lake.lakeReaders must hold IAM role or user ARNs/));

    it("the program: a bad lake value in the stack config fails before the program runs", () =>
        assert.throws(() => parseConfig({ webhookToken: token, lakeReaders: "analysts" }), (err: unknown) => err instanceof ConfigError && err.key === "lakeReaders"));

    // One rule, from the settings table, whichever way the value arrives: the error names the config key, or the
    // component's argument.
    describe("the stack config and HealthScoreLake's argument refuse the same lake values", () => {
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
            it(what, () => {
                assert.throws(() => parseConfig(raw), (err: unknown) => err instanceof ConfigError && err.key === key && err.message.startsWith(`healthscore:${key} `));
                throwsWith(() => resolveLakeArgs("l", { ...bucket, lake: args }), new RegExp(`^HealthScoreLake: lake\\.${key} `));
            });
        }

        it("and accept the same good values", () => {
            const { lake } = parseConfig({
                lakeReaders: `${arn}, arn:aws:iam::123456789012:user/dana`, manageLakeAdmins: "true", lakeAdmins: `["${arn}"]`,
                crawlerSchedule: "cron(0 6 * * ? *)", lake: "projection", athenaBytesScannedCutoff: "10485760", athenaResultsRetentionDays: "1",
            });
            assert.deepStrictEqual(resolveLakeArgs("l", { ...bucket, lake }).settings, lake);
        });
    });

    it("PrivateBucket: two rules with one id", () =>
        throwsWith(() => resolvePrivateBucketArgs({ expirations: [{ id: "x", days: 1 }, { id: "x", days: 2 }] }), /two rules with id "x"/));

    it("every component refuses a bad argument before it registers anything, itself included (mocks)", async () => {
        const components = {
            HealthScoreStore: (await import("../../../components/healthScoreStore")).HealthScoreStore,
            HealthScoreIngest: (await import("../../../components/healthScoreIngest")).HealthScoreIngest,
            HealthScoreLake: (await import("../../../components/healthScoreLake")).HealthScoreLake,
            ReceiverFunction: (await import("../../../components/receiverFunction")).ReceiverFunction,
            PrivateBucket: (await import("../../../components/privateBucket")).PrivateBucket,
            HealthScoreLoader: (await import("../../../components/healthScoreLoader")).HealthScoreLoader,
        };
        const refused: Array<[component: string, build: () => unknown, error: RegExp]> = [
            ["HealthScoreStore", () => new components.HealthScoreStore("s", { store: { rawRetentionDays: 0 } }), /store.rawRetentionDays/],
            ["HealthScoreIngest", () => new components.HealthScoreIngest("i", { store, fallbackQueue, webhookToken: token, alb: { subnetIds: ["subnet-0123456789abcdef0"] } }), /alb.subnetIds/],
            ["HealthScoreLake", () => new components.HealthScoreLake("l", { ...bucket, lake: { lakeReaders: ["analysts"] } }), /lake.lakeReaders/],
            ["ReceiverFunction", () => new components.ReceiverFunction("r", { store, fallbackQueue, webhookToken: token, lambda: { lambdaTimeoutSeconds: 0 } }), /lambda.lambdaTimeoutSeconds/],
            ["HealthScoreLoader", () => new components.HealthScoreLoader("lo", { store, loader: { loaderMaxEventAgeSeconds: 30 } }), /loader.loaderMaxEventAgeSeconds/],
            ["PrivateBucket", () => new components.PrivateBucket("p", { expirations: [{ id: "x", days: 0 }] }), /expirations\[x\].days/],
        ];
        const deployment = await deploy(() => {
            for (const [, build, pattern] of refused) throwsWith(build, pattern);
            return {};
        });
        assert.deepStrictEqual(deployment.resources.map((r) => r.name), []);
    });
});
