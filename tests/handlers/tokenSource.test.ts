/**
 * The token sources: ssmTokens with the real @aws-sdk/client-ssm against a fake SSM endpoint over HTTP
 * (tests/support/fakeSsm.ts), and the Lambda assembly reading them once, on the first request.
 */
import { strict as assert } from "assert";
import { SSMClient } from "@aws-sdk/client-ssm";
import { buildLambdaHandler } from "../../handlers/lambda";
import { silentLogger } from "../../handlers/logger";
import { MetricValues } from "../../handlers/metrics";
import { TOKEN_BUDGET, ssmTokens, staticTokens } from "../../handlers/tokenSource";
import { ARCHIVE_BUDGET, FALLBACK_BUDGET } from "../../handlers/durableArchive";
import { SETTINGS } from "../../shared/settings";
import { FakeSsm, startFakeSsm } from "../support/fakeSsm";
import { TEST_BUCKET, useEmulators } from "../support/emulators";
import { toAlbEvent } from "../../local/albEvent";
import { localSqsClient } from "../../local/clients";
import { HOOK_PATH, TOKEN, fixture } from "../support/requests";

const TOKEN_PARAMETER = "/healthscore/test/receiver/webhook-token";
const PREVIOUS_PARAMETER = "/healthscore/test/receiver/previous-webhook-token";
const PREVIOUS = "previous-token_9876543210zyxwvu";

/** The event the ALB gives the function for a POST of `body` to `path`. */
function albEvent({ path = HOOK_PATH, body }: { path?: string; body: Buffer | string }) {
    return toAlbEvent({ method: "POST", url: path, headers: { "content-type": "application/json;charset=utf-8" }, body: Buffer.from(body) });
}

function ssmClient(fake: FakeSsm): SSMClient {
    return new SSMClient({ endpoint: fake.endpoint, region: "us-east-1", credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" }, maxAttempts: 1 });
}

describe("handlers/tokenSource", function () {
    this.timeout(20_000);
    let fake: FakeSsm;
    let ssm: SSMClient;

    beforeEach(async () => {
        fake = await startFakeSsm({ [TOKEN_PARAMETER]: TOKEN, [PREVIOUS_PARAMETER]: PREVIOUS });
        ssm = ssmClient(fake);
    });
    afterEach(async () => {
        ssm.destroy();
        await fake.close();
    });

    it("ssmTokens reads each parameter with one signed GetParameter, asking SSM to decrypt it", async () => {
        const tokens = await ssmTokens(ssm, { token: TOKEN_PARAMETER, previousToken: PREVIOUS_PARAMETER })();
        assert.deepEqual(tokens, { token: TOKEN, previousToken: PREVIOUS });
        const requests = [...fake.requests].sort((a, b) => String(a.body.Name).localeCompare(String(b.body.Name)));
        assert.deepEqual(requests.map((r) => [r.target, r.contentType, r.signed, r.body]), [
            ["AmazonSSM.GetParameter", "application/x-amz-json-1.1", true, { Name: PREVIOUS_PARAMETER, WithDecryption: true }],
            ["AmazonSSM.GetParameter", "application/x-amz-json-1.1", true, { Name: TOKEN_PARAMETER, WithDecryption: true }],
        ]);
    });

    it("ssmTokens reads no previous token unless a parameter is named", async () => {
        assert.deepEqual(await ssmTokens(ssm, { token: TOKEN_PARAMETER })(), { token: TOKEN });
        assert.equal(fake.requests.length, 1);
    });

    it("ssmTokens fails naming a missing parameter", async () => {
        await assert.rejects(ssmTokens(ssm, { token: "/healthscore/test/none" })(), /SSM parameter \/healthscore\/test\/none could not be read: ParameterNotFound/);
    });

    it("ssmTokens refuses a parameter whose value is not a valid token, naming it without showing the value", async () => {
        fake.parameters.set(TOKEN_PARAMETER, "short secret");
        await assert.rejects(ssmTokens(ssm, { token: TOKEN_PARAMETER })(), (err: Error) => {
            assert.match(err.message, new RegExp(`SSM parameter ${TOKEN_PARAMETER} must be`));
            assert.ok(!err.message.includes("short secret"));
            return true;
        });
    });

    describe("a slow SSM", () => {
        const budget = { attempts: 3, attemptTimeoutMs: 100, budgetMs: 250, backoffBaseMs: 10 };

        it("ssmTokens gives up within its budget when SSM does not answer, naming the parameter, after several attempts", async () => {
            fake.delayMs = 5_000;
            const started = Date.now();
            await assert.rejects(ssmTokens(ssm, { token: TOKEN_PARAMETER }, budget)(),
                new RegExp(`SSM parameter ${TOKEN_PARAMETER} could not be read: BudgetExhaustedError: [23] attempt\\(s\\)`));
            const elapsed = Date.now() - started;
            assert.ok(elapsed < budget.budgetMs + 200, `took ${elapsed} ms, budget ${budget.budgetMs} ms`);
            assert.ok(fake.requests.length >= 2, `${fake.requests.length} request(s)`);
        });

        it("ssmTokens takes an answer that is slow but within an attempt's deadline", async () => {
            fake.delayMs = 30;
            assert.deepEqual(await ssmTokens(ssm, { token: TOKEN_PARAMETER }, budget)(), { token: TOKEN });
        });

        it("ssmTokens does not retry a missing parameter", async () => {
            await assert.rejects(ssmTokens(ssm, { token: "/healthscore/test/none" }, budget)(), /ParameterNotFound/);
            assert.equal(fake.requests.length, 1);
        });

        it("the default budget, with the archive's and the fallback's, ends within the receiver's default timeout", () => {
            const worstCaseMs = TOKEN_BUDGET.budgetMs + ARCHIVE_BUDGET.budgetMs + FALLBACK_BUDGET.budgetMs;
            assert.ok(worstCaseMs < SETTINGS.lambdaTimeoutSeconds.default * 1000, `${worstCaseMs} ms`);
        });
    });

    describe("buildLambdaHandler with tokens from SSM", () => {
        const env = useEmulators();
        // S3 takes every body here, so the fallback queue is never written: nothing listens at its endpoint.
        const sqs = localSqsClient("http://127.0.0.1:9", { maxAttempts: 1 });
        after(() => sqs.destroy());
        const handlerWith = (tokens: ReturnType<typeof ssmTokens>) => buildLambdaHandler(
            { bucketName: TEST_BUCKET, fallbackQueueUrl: "http://127.0.0.1:9/000000000000/unused" },
            { s3: env.emulators.s3, sqs, tokens, logger: silentLogger });

        it("reads the tokens once, on the first request (not when built), and serves both tokens", async () => {
            const handler = handlerWith(ssmTokens(ssm, { token: TOKEN_PARAMETER, previousToken: PREVIOUS_PARAMETER }));
            assert.equal(fake.requests.length, 0, "nothing read while the instance initialises");
            assert.equal((await handler(albEvent({ body: fixture("real-delivery.json") }))).statusCode, 202);
            assert.equal((await handler(albEvent({ path: `/hooks/${PREVIOUS}`, body: fixture("real-delivery.json") }))).statusCode, 202);
            assert.equal((await handler(albEvent({ path: "/hooks/wrong-token-0123456789", body: "[]" }))).statusCode, 404);
            assert.equal(fake.requests.length, 2, "one read per parameter for the life of the instance");
        });

        it("answers 503 while SSM cannot be read, storing nothing and counting the request as not kept, and reads again on the next request", async () => {
            const published: MetricValues[] = [];
            const handler = buildLambdaHandler(
                { bucketName: TEST_BUCKET, fallbackQueueUrl: "http://127.0.0.1:9/000000000000/unused" },
                { s3: env.emulators.s3, sqs, tokens: ssmTokens(ssm, { token: TOKEN_PARAMETER }), logger: silentLogger, metrics: { publish: (values) => published.push(values) } });
            fake.failing = true;
            const refused = await handler(albEvent({ body: fixture("real-delivery.json") }));
            assert.equal(refused.statusCode, 503);
            assert.match(refused.body, /not ready; nothing was stored/);
            assert.deepEqual(published, [{ DeliveriesNotKept: [1] }]);
            fake.failing = false;
            assert.equal((await handler(albEvent({ body: fixture("real-delivery.json") }))).statusCode, 202);
        });

        it("staticTokens serves the given tokens (the local stack's source)", async () => {
            const handler = handlerWith(staticTokens({ token: TOKEN }));
            assert.equal((await handler(albEvent({ path: HOOK_PATH, body: fixture("real-delivery.json") }))).statusCode, 202);
        });
    });
});
