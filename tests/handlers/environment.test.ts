import assert from "assert";
import { ENV, readLoaderEnvironment, readReceiverEnvironment } from "../../handlers/environment";

const TOKEN_PARAMETER = "/healthscore/dev/receiver/webhook-token";
const PREVIOUS_PARAMETER = "/healthscore/dev/receiver/previous-webhook-token";

const complete = (): Record<string, string | undefined> => ({
    [ENV.bucketName]: "healthscore-bucket",
    [ENV.tableName]: "healthscore-table",
    [ENV.retentionDays]: "45",
    [ENV.tokenParameter]: TOKEN_PARAMETER,
    [ENV.previousTokenParameter]: PREVIOUS_PARAMETER,
    [ENV.fallbackQueueUrl]: "https://sqs.us-east-1.amazonaws.com/123456789012/fallback",
    [ENV.stack]: "dev",
});

function assertThrowsNaming(env: Record<string, string | undefined>, variable: string, read: (env: Record<string, string | undefined>) => unknown = readReceiverEnvironment): void {
    assert.throws(() => read(env), (err: Error) => {
        assert.ok(err.message.includes(variable), err.message);
        return true;
    });
}

describe("handlers/environment", () => {
    it("reads every variable the receiver needs: the bucket, the fallback queue, the stack (its metrics' dimension), and the names of the SSM parameters holding the tokens (never a token; the table is the loader's)", () => {
        assert.deepStrictEqual(readReceiverEnvironment(complete()), {
            bucketName: "healthscore-bucket",
            fallbackQueueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/fallback",
            tokenParameter: TOKEN_PARAMETER,
            previousTokenParameter: PREVIOUS_PARAMETER,
            stack: "dev",
        });
    });

    it("reads every variable the loader needs: the bucket, the table, the retention, the stack", () => {
        assert.deepStrictEqual(readLoaderEnvironment(complete()), { bucketName: "healthscore-bucket", tableName: "healthscore-table", retentionDays: 45, stack: "dev" });
    });

    it("uses the same names as the components and the local stack set", () => {
        assert.deepStrictEqual(ENV, {
            bucketName: "HEALTHSCORE_BUCKET",
            tableName: "HEALTHSCORE_TABLE",
            retentionDays: "HEALTHSCORE_RETENTION_DAYS",
            tokenParameter: "HEALTHSCORE_WEBHOOK_TOKEN_PARAMETER",
            previousTokenParameter: "HEALTHSCORE_PREVIOUS_WEBHOOK_TOKEN_PARAMETER",
            tokenVersions: "HEALTHSCORE_WEBHOOK_TOKEN_VERSIONS",
            token: "HEALTHSCORE_WEBHOOK_TOKEN",
            previousToken: "HEALTHSCORE_PREVIOUS_WEBHOOK_TOKEN",
            fallbackQueueUrl: "HEALTHSCORE_FALLBACK_QUEUE_URL",
            stack: "HEALTHSCORE_STACK",
        });
    });

    it("defaults retention to 30 days and the previous token's parameter to none (an empty one too)", () => {
        const env = { ...complete(), [ENV.retentionDays]: undefined, [ENV.previousTokenParameter]: undefined };
        assert.strictEqual(readLoaderEnvironment(env).retentionDays, 30);
        assert.strictEqual(readReceiverEnvironment(env).previousTokenParameter, undefined);
        assert.strictEqual(readReceiverEnvironment({ ...complete(), [ENV.previousTokenParameter]: "" }).previousTokenParameter, undefined);
    });

    for (const name of [ENV.bucketName, ENV.tokenParameter, ENV.fallbackQueueUrl, ENV.stack]) {
        it(`names ${name} when it is missing or empty (receiver)`, () => {
            assertThrowsNaming({ ...complete(), [name]: undefined }, name);
            assertThrowsNaming({ ...complete(), [name]: "" }, name);
        });
    }
    for (const name of [ENV.bucketName, ENV.tableName, ENV.stack]) {
        it(`names ${name} when it is missing or empty (loader)`, () => {
            assertThrowsNaming({ ...complete(), [name]: undefined }, name, readLoaderEnvironment);
            assertThrowsNaming({ ...complete(), [name]: "" }, name, readLoaderEnvironment);
        });
    }

    for (const value of ["0", "-1", "1.5", "thirty", "", "Infinity"]) {
        it(`names ${ENV.retentionDays} and shows ${JSON.stringify(value)} when it is not a positive whole number`, () => {
            assertThrowsNaming({ ...complete(), [ENV.retentionDays]: value }, ENV.retentionDays, readLoaderEnvironment);
            assert.throws(() => readLoaderEnvironment({ ...complete(), [ENV.retentionDays]: value }), new RegExp(JSON.stringify(value)));
        });
    }
});
