import { strict as assert } from "assert";
import { LOCAL_TARGET_GROUP_ARN, matchesListenerRule, toAlbEvent } from "../../local/albEvent";
import { MAX_BODY_BYTES } from "../../shared/limits";
import { toHttpRequest } from "../../handlers/http";

describe("local ALB stand-in", () => {
    describe("listener rule", () => {
        const tokens = ["current-token-0123456789", "previous-token-0123456789"];
        it("forwards POST /hooks/<token> for the current and the previous token", () => {
            assert.ok(matchesListenerRule("POST", "/hooks/current-token-0123456789", tokens));
            assert.ok(matchesListenerRule("POST", "/hooks/previous-token-0123456789", tokens));
        });
        it("is case-sensitive and exact, like an ALB path pattern without wildcards", () => {
            assert.ok(!matchesListenerRule("POST", "/hooks/CURRENT-TOKEN-0123456789", tokens));
            assert.ok(!matchesListenerRule("POST", "/hooks/current-token-0123456789/", tokens));
            assert.ok(!matchesListenerRule("POST", "/HOOKS/current-token-0123456789", tokens));
            assert.ok(!matchesListenerRule("GET", "/hooks/current-token-0123456789", tokens));
        });
    });

    describe("event", () => {
        const body = Buffer.from('[{"alert_id":1}]');
        it("is the ALB's single-value event: lower-case headers, path without query, text body", () => {
            const event = toAlbEvent({ method: "POST", url: "/hooks/t?x=1&y=2", headers: { "Content-Type": "application/json;charset=utf-8", "X-Multi": ["a", "b"] }, body });
            assert.deepEqual(event, {
                requestContext: { elb: { targetGroupArn: LOCAL_TARGET_GROUP_ARN } },
                httpMethod: "POST",
                path: "/hooks/t",
                queryStringParameters: { x: "1", y: "2" },
                headers: { "content-type": "application/json;charset=utf-8", "x-multi": "b" },
                body: body.toString("utf8"),
                isBase64Encoded: false,
            });
        });
        it("passes the path and query parameters as received, neither normalised nor decoded", () => {
            const event = toAlbEvent({ method: "POST", url: "/hooks/../hooks/t?a=b%20c&flag&__proto__=x", headers: {}, body });
            assert.equal(event.path, "/hooks/../hooks/t");
            assert.deepEqual(Object.entries(event.queryStringParameters), [["a", "b%20c"], ["flag", ""], ["__proto__", "x"]]);
        });
        it("base64-encodes bodies of non-text types, encoded bodies, and bytes that are not UTF-8", () => {
            const binary = toAlbEvent({ method: "POST", url: "/", headers: { "content-type": "application/octet-stream" }, body });
            assert.equal(binary.isBase64Encoded, true);
            assert.equal(Buffer.from(binary.body!, "base64").toString("utf8"), body.toString("utf8"));
            assert.equal(toAlbEvent({ method: "POST", url: "/", headers: { "content-type": "application/json", "content-encoding": "gzip" }, body }).isBase64Encoded, true);
            const invalid = Buffer.from([0x5b, 0xff, 0x5d]);
            const event = toAlbEvent({ method: "POST", url: "/", headers: { "content-type": "application/json" }, body: invalid });
            assert.equal(event.isBase64Encoded, true);
            assert.deepEqual(Buffer.from(toHttpRequest(event).body), invalid, "the handler gets the bytes as sent");
        });
        it("uses the ALB's limit for Lambda targets", () => {
            assert.equal(MAX_BODY_BYTES.alb, 1_048_576);
        });
    });
});
