import assert from "assert";
import { ENV, readLoaderEnvironment, readReceiverEnvironment } from "../../handlers/environment";

const TOKEN = "current-token-0123456789";
const PREVIOUS = "previous-token-0123456789";

const complete = (): Record<string, string | undefined> => ({
    [ENV.bucketName]: "healthscore-bucket",
    [ENV.tableName]: "healthscore-table",
    [ENV.retentionDays]: "45",
    [ENV.token]: TOKEN,
    [ENV.previousToken]: PREVIOUS,
    [ENV.fallbackQueueUrl]: "https://sqs.us-east-1.amazonaws.com/123456789012/fallback",
});

function assertThrowsNaming(env: Record<string, string | undefined>, variable: string, secret?: string, read: (env: Record<string, string | undefined>) => unknown = readReceiverEnvironment): void {
    assert.throws(
        () => read(env),
        (err: Error) => {
            assert.ok(err.message.includes(variable), err.message);
            if (secret) assert.ok(!err.message.includes(secret), "the message must not show the token");
            return true;
        },
    );
}

describe("handlers/environment", () => {
    it("reads every variable the receiver needs: the bucket, the tokens, the fallback queue (the table is the loader's)", () => {
        assert.deepStrictEqual(readReceiverEnvironment(complete()), {
            bucketName: "healthscore-bucket",
            token: TOKEN,
            previousToken: PREVIOUS,
            fallbackQueueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/fallback",
        });
    });

    it("reads every variable the loader needs: the bucket, the table, the retention", () => {
        assert.deepStrictEqual(readLoaderEnvironment(complete()), { bucketName: "healthscore-bucket", tableName: "healthscore-table", retentionDays: 45 });
    });

    it("uses the same names as the component sets", () => {
        assert.deepStrictEqual(ENV, {
            bucketName: "HEALTHSCORE_BUCKET",
            tableName: "HEALTHSCORE_TABLE",
            retentionDays: "HEALTHSCORE_RETENTION_DAYS",
            token: "HEALTHSCORE_WEBHOOK_TOKEN",
            previousToken: "HEALTHSCORE_PREVIOUS_WEBHOOK_TOKEN",
            fallbackQueueUrl: "HEALTHSCORE_FALLBACK_QUEUE_URL",
        });
    });

    it("defaults retention to 30 days and the previous token to none", () => {
        const env = { ...complete(), [ENV.retentionDays]: undefined, [ENV.previousToken]: undefined };
        assert.strictEqual(readLoaderEnvironment(env).retentionDays, 30);
        assert.strictEqual(readReceiverEnvironment(env).previousToken, undefined);
    });

    it("treats an empty previous token as none", () => {
        assert.strictEqual(readReceiverEnvironment({ ...complete(), [ENV.previousToken]: "" }).previousToken, undefined);
    });

    for (const name of [ENV.bucketName, ENV.token, ENV.fallbackQueueUrl]) {
        it(`names ${name} when it is missing or empty (receiver)`, () => {
            assertThrowsNaming({ ...complete(), [name]: undefined }, name);
            assertThrowsNaming({ ...complete(), [name]: "" }, name);
        });
    }
    for (const name of [ENV.bucketName, ENV.tableName]) {
        it(`names ${name} when it is missing or empty (loader)`, () => {
            assertThrowsNaming({ ...complete(), [name]: undefined }, name, undefined, readLoaderEnvironment);
            assertThrowsNaming({ ...complete(), [name]: "" }, name, undefined, readLoaderEnvironment);
        });
    }

    for (const value of ["0", "-1", "1.5", "thirty", "", "Infinity"]) {
        it(`names ${ENV.retentionDays} and shows ${JSON.stringify(value)} when it is not a positive whole number`, () => {
            assertThrowsNaming({ ...complete(), [ENV.retentionDays]: value }, ENV.retentionDays, undefined, readLoaderEnvironment);
            assert.throws(() => readLoaderEnvironment({ ...complete(), [ENV.retentionDays]: value }), new RegExp(JSON.stringify(value)));
        });
    }

    it(`names ${ENV.token} when the token is not valid, without showing it`, () => {
        assertThrowsNaming({ ...complete(), [ENV.token]: "short-secret" }, ENV.token, "short-secret");
        assertThrowsNaming({ ...complete(), [ENV.token]: "has/a/slash/in/the/token" }, ENV.token, "has/a/slash/in/the/token");
    });

    it(`names ${ENV.previousToken} when the previous token is not valid, without showing it`, () => {
        assertThrowsNaming({ ...complete(), [ENV.previousToken]: "old token with spaces" }, ENV.previousToken, "old token with spaces");
    });
});
