import assert from "assert";
import { ENV, readReceiverEnvironment } from "../../handlers/environment";

const TOKEN = "current-token-0123456789";
const PREVIOUS = "previous-token-0123456789";

const complete = (): Record<string, string | undefined> => ({
    [ENV.bucketName]: "healthscore-bucket",
    [ENV.tableName]: "healthscore-table",
    [ENV.retentionDays]: "45",
    [ENV.token]: TOKEN,
    [ENV.previousToken]: PREVIOUS,
});

function assertThrowsNaming(env: Record<string, string | undefined>, variable: string, secret?: string): void {
    assert.throws(
        () => readReceiverEnvironment(env),
        (err: Error) => {
            assert.ok(err.message.includes(variable), err.message);
            if (secret) assert.ok(!err.message.includes(secret), "the message must not show the token");
            return true;
        },
    );
}

describe("handlers/environment", () => {
    it("reads every variable", () => {
        assert.deepStrictEqual(readReceiverEnvironment(complete()), {
            bucketName: "healthscore-bucket",
            tableName: "healthscore-table",
            retentionDays: 45,
            token: TOKEN,
            previousToken: PREVIOUS,
        });
    });

    it("uses the same names as the component sets", () => {
        assert.deepStrictEqual(ENV, {
            bucketName: "HEALTHSCORE_BUCKET",
            tableName: "HEALTHSCORE_TABLE",
            retentionDays: "HEALTHSCORE_RETENTION_DAYS",
            token: "HEALTHSCORE_WEBHOOK_TOKEN",
            previousToken: "HEALTHSCORE_PREVIOUS_WEBHOOK_TOKEN",
        });
    });

    it("defaults retention to 30 days and the previous token to none", () => {
        const env = { ...complete(), [ENV.retentionDays]: undefined, [ENV.previousToken]: undefined };
        const read = readReceiverEnvironment(env);
        assert.strictEqual(read.retentionDays, 30);
        assert.strictEqual(read.previousToken, undefined);
    });

    it("treats an empty previous token as none", () => {
        assert.strictEqual(readReceiverEnvironment({ ...complete(), [ENV.previousToken]: "" }).previousToken, undefined);
    });

    for (const name of [ENV.bucketName, ENV.tableName, ENV.token]) {
        it(`names ${name} when it is missing or empty`, () => {
            assertThrowsNaming({ ...complete(), [name]: undefined }, name);
            assertThrowsNaming({ ...complete(), [name]: "" }, name);
        });
    }

    for (const value of ["0", "-1", "1.5", "thirty", "", "Infinity"]) {
        it(`names ${ENV.retentionDays} and shows ${JSON.stringify(value)} when it is not a positive whole number`, () => {
            assertThrowsNaming({ ...complete(), [ENV.retentionDays]: value }, ENV.retentionDays);
            assert.throws(() => readReceiverEnvironment({ ...complete(), [ENV.retentionDays]: value }), new RegExp(JSON.stringify(value)));
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
