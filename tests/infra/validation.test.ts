/** Components check their arguments before they create anything, and say which argument is wrong. */
import * as assert from "assert";
import { Deployment, deploy } from "../support/mocks";

describe("component arguments (mocks)", () => {
    let modules: {
        HealthScoreStore: typeof import("../../components/healthScoreStore").HealthScoreStore;
        HealthScoreIngest: typeof import("../../components/healthScoreIngest").HealthScoreIngest;
        PrivateBucket: typeof import("../../components/privateBucket").PrivateBucket;
    };
    const store = { bucketName: "b", bucketArn: "arn:aws:s3:::b", tableName: "t", tableArn: "arn:aws:dynamodb:us-east-1:123456789012:table/t" };
    const token = "valid-token_0123456789";

    before(async () => {
        modules = {
            HealthScoreStore: (await import("../../components/healthScoreStore")).HealthScoreStore,
            HealthScoreIngest: (await import("../../components/healthScoreIngest")).HealthScoreIngest,
            PrivateBucket: (await import("../../components/privateBucket")).PrivateBucket,
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

    it("PrivateBucket: two rules with one id", () =>
        rejects(() => new modules.PrivateBucket("p", { expirations: [{ id: "x", days: 1 }, { id: "x", days: 2 }] }), /two rules with id "x"/));
});
