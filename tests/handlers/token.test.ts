import assert from "assert";
import fc from "fast-check";
import { assertValidToken, createTokenMatcher, generateToken } from "../../handlers/token";
import { HOOK_PATH_PREFIX, isValidToken } from "../../shared/limits";
import { RUNS } from "./support";

const CURRENT = "current-token-0123456789";
const PREVIOUS = "previous_token-0123456789";

const tokenArb = fc.stringMatching(/^[A-Za-z0-9_-]{16,128}$/);

describe("handlers/token", () => {
    describe("createTokenMatcher / matchesPath", () => {
        const matcher = createTokenMatcher(CURRENT, PREVIOUS);

        it("matches /hooks/<current token>", () => assert.strictEqual(matcher.matchesPath(`/hooks/${CURRENT}`), true));
        it("matches /hooks/<previous token> during a rotation", () => assert.strictEqual(matcher.matchesPath(`/hooks/${PREVIOUS}`), true));
        it("does not match the previous token once it is gone", () => {
            assert.strictEqual(createTokenMatcher(CURRENT).matchesPath(`/hooks/${PREVIOUS}`), false);
            assert.strictEqual(createTokenMatcher(CURRENT, "").matchesPath("/hooks/"), false);
        });

        const refused = [
            ["a wrong token", "/hooks/wrong-token-0123456789"],
            ["a missing token", "/hooks/"],
            ["no slash", "/hooks"],
            ["the root", "/"],
            ["an empty path", ""],
            ["a token prefix", `/hooks/${CURRENT.slice(0, -1)}`],
            ["a longer token", `/hooks/${CURRENT}x`],
            ["a trailing slash", `/hooks/${CURRENT}/`],
            ["a further segment", `/hooks/${CURRENT}/more`],
            ["another prefix", `/hook/${CURRENT}`],
            ["a prefix in front", `/api/hooks/${CURRENT}`],
            ["a doubled slash", `//hooks/${CURRENT}`],
            ["another case", `/HOOKS/${CURRENT}`],
            ["the token in another case", `/hooks/${CURRENT.toUpperCase()}`],
            ["the bare token", `/${CURRENT}`],
            ["an encoded token", `/hooks/${encodeURIComponent(`${CURRENT} `)}`],
        ];
        for (const [what, path] of refused) {
            it(`refuses ${what}`, () => assert.strictEqual(matcher.matchesPath(path), false));
        }

        it("matches exactly the configured tokens, for generated tokens", () => {
            fc.assert(
                fc.property(tokenArb, tokenArb, tokenArb, (current, previous, other) => {
                    fc.pre(other !== current && other !== previous);
                    const m = createTokenMatcher(current, previous);
                    assert.strictEqual(m.matchesPath(`${HOOK_PATH_PREFIX}${current}`), true);
                    assert.strictEqual(m.matchesPath(`${HOOK_PATH_PREFIX}${previous}`), true);
                    assert.strictEqual(m.matchesPath(`${HOOK_PATH_PREFIX}${other}`), false);
                }),
                RUNS,
            );
        });
    });

    describe("valid tokens", () => {
        it("accepts 16 to 128 URL-safe characters", () => {
            for (const token of ["a".repeat(16), "Z".repeat(128), "abc_DEF-0123456789"]) assert.strictEqual(isValidToken(token), true, token);
        });

        for (const [what, token] of [
            ["15 characters", "a".repeat(15)],
            ["129 characters", "a".repeat(129)],
            ["a slash", "abcdefgh/ijklmnop"],
            ["a dot", "abcdefgh.ijklmnop"],
            ["a space", "abcdefgh ijklmnop"],
            ["a percent sign", "abcdefgh%20jklmnop"],
            ["a non-ASCII letter", "abcdefghéijklmnop"],
            ["a newline at the end", "abcdefghijklmnop\n"],
            ["nothing", ""],
        ]) {
            it(`refuses a token with ${what}, without showing it`, () => {
                assert.strictEqual(isValidToken(token), false);
                assert.throws(() => createTokenMatcher(token), (err: Error) => err instanceof TypeError && /^webhook token must be/.test(err.message) && (token === "" || !err.message.includes(token)));
            });
        }

        it("refuses an invalid previous token, naming it", () => {
            assert.throws(() => createTokenMatcher(CURRENT, "too-short"), /^TypeError: previous webhook token must be/);
        });

        it("names the token in assertValidToken's message", () => {
            assert.throws(() => assertValidToken("x", "HEALTHSCORE_WEBHOOK_TOKEN"), /^TypeError: HEALTHSCORE_WEBHOOK_TOKEN must be 16 to 128 characters/);
        });

        it("generates valid, distinct tokens", () => {
            const [a, b] = [generateToken(), generateToken()];
            assert.ok(isValidToken(a) && isValidToken(b));
            assert.strictEqual(a.length, 43);
            assert.notStrictEqual(a, b);
        });
    });

    describe("routeOf", () => {
        const matcher = createTokenMatcher(CURRENT, PREVIOUS);

        it("names the route a path took: hook, previous-token or other", () => {
            assert.strictEqual(matcher.routeOf(`/hooks/${CURRENT}`), "hook");
            assert.strictEqual(matcher.routeOf(`/hooks/${PREVIOUS}`), "previous-token");
            assert.strictEqual(createTokenMatcher(CURRENT).routeOf(`/hooks/${PREVIOUS}`), "other");
            for (const path of ["/", "/health", "/hooks", "/hooks/", "/hookshot/x", "", `/hooks/${CURRENT}/`]) {
                assert.strictEqual(matcher.routeOf(path), "other", path);
            }
        });

        it("agrees with matchesPath on generated paths", () => {
            fc.assert(
                fc.property(
                    fc.constantFrom("", "/", "/prod", "//", "/api/v1", "/İ"),
                    fc.constantFrom("/hooks/", "/Hooks/", "/hook/", "/hooks%2F", "/hooks\\"),
                    fc.constantFrom(CURRENT, PREVIOUS, "other-token-0123456789"),
                    fc.constantFrom("", "/", "/more"),
                    (before, prefix, token, after) => {
                        const path = `${before}${prefix}${token}${after}`;
                        assert.strictEqual(matcher.routeOf(path) !== "other", matcher.matchesPath(path));
                    },
                ),
                RUNS,
            );
        });
    });
});
