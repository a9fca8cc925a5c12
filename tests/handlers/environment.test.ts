import assert from "assert";
import { ENV, readReceiverEnvironment } from "../../handlers/environment";

const TOKEN_PARAMETER = "/healthscore/dev/receiver/webhook-token";
const PREVIOUS_PARAMETER = "/healthscore/dev/receiver/previous-webhook-token";

const complete = (): Record<string, string | undefined> => ({
    [ENV.bucketName]: "healthscore-bucket",
    [ENV.tableName]: "healthscore-table",
    [ENV.retentionDays]: "45",
    [ENV.tokenParameter]: TOKEN_PARAMETER,
    [ENV.previousTokenParameter]: PREVIOUS_PARAMETER,
});

function assertThrowsNaming(env: Record<string, string | undefined>, variable: string): void {
    assert.throws(() => readReceiverEnvironment(env), (err: Error) => {
        assert.ok(err.message.includes(variable), err.message);
        return true;
    });
}

describe("handlers/environment", () => {
    it("reads every variable: where to store, and the names of the SSM parameters holding the tokens (never a token)", () => {
        assert.deepStrictEqual(readReceiverEnvironment(complete()), {
            bucketName: "healthscore-bucket",
            tableName: "healthscore-table",
            retentionDays: 45,
            tokenParameter: TOKEN_PARAMETER,
            previousTokenParameter: PREVIOUS_PARAMETER,
        });
    });

    it("uses the same names as the component and the local stack set", () => {
        assert.deepStrictEqual(ENV, {
            bucketName: "HEALTHSCORE_BUCKET",
            tableName: "HEALTHSCORE_TABLE",
            retentionDays: "HEALTHSCORE_RETENTION_DAYS",
            tokenParameter: "HEALTHSCORE_WEBHOOK_TOKEN_PARAMETER",
            previousTokenParameter: "HEALTHSCORE_PREVIOUS_WEBHOOK_TOKEN_PARAMETER",
            tokenVersions: "HEALTHSCORE_WEBHOOK_TOKEN_VERSIONS",
            token: "HEALTHSCORE_WEBHOOK_TOKEN",
            previousToken: "HEALTHSCORE_PREVIOUS_WEBHOOK_TOKEN",
        });
    });

    it("defaults retention to 30 days and the previous token's parameter to none (an empty one too)", () => {
        const read = readReceiverEnvironment({ ...complete(), [ENV.retentionDays]: undefined, [ENV.previousTokenParameter]: undefined });
        assert.strictEqual(read.retentionDays, 30);
        assert.strictEqual(read.previousTokenParameter, undefined);
        assert.strictEqual(readReceiverEnvironment({ ...complete(), [ENV.previousTokenParameter]: "" }).previousTokenParameter, undefined);
    });

    for (const name of [ENV.bucketName, ENV.tableName, ENV.tokenParameter]) {
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
});
