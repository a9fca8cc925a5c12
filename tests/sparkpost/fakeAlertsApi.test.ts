/**
 * The fake holds requests to SparkPost's documented contract: were it lenient, the client's tests against it
 * would prove nothing. Raw requests here, no client.
 */
import { strict as assert } from "assert";
import { healthScoreAlert } from "../../sparkpost/alertsApi";
import { FAKE_API_KEY, FakeAlertsApi, useFakeAlertsApi } from "./fakeAlertsApi";

const TARGET = "https://hooks.example.com/hooks/abcdefghijklmnopqrstuvwxyz012345";

async function send(fake: FakeAlertsApi, method: string, path: string, init: { headers?: Record<string, string>; body?: unknown } = {}) {
    const response = await fetch(`${fake.apiBaseUrl}${path}`, {
        method,
        headers: init.headers ?? { Authorization: FAKE_API_KEY, "Content-Type": "application/json" },
        ...(init.body === undefined ? {} : { body: typeof init.body === "string" ? init.body : JSON.stringify(init.body) }),
    });
    return { status: response.status, body: await response.json() as any, retryAfter: response.headers.get("retry-after") };
}

describe("the fake Alerts API", () => {
    const env = useFakeAlertsApi();

    it("creates, lists, reads, updates and deletes an alert in the documented shapes", async () => {
        const created = await send(env.fake, "POST", "/alerts", { body: healthScoreAlert({ name: "Daily health score", target: TARGET }) });
        assert.equal(created.status, 200);
        const id = created.body.results.id;
        assert.ok(Number.isInteger(id));

        const listed = await send(env.fake, "GET", "/alerts");
        assert.deepEqual(listed.body.results, [{ id, name: "Daily health score", metric: "health_score", muted: false, last_triggered: null }]);
        const read = await send(env.fake, "GET", `/alerts/${id}`);
        assert.equal(read.body.results.channels.webhook.target, TARGET);
        assert.ok("last_triggered" in read.body.results);

        const updated = await send(env.fake, "PUT", `/alerts/${id}`, { body: { muted: true } });
        assert.equal(updated.body.results.muted, true);
        assert.equal(updated.body.results.name, "Daily health score");

        assert.deepEqual((await send(env.fake, "DELETE", `/alerts/${id}`)).body, { results: { id } });
        const gone = await send(env.fake, "GET", `/alerts/${id}`);
        assert.equal(gone.status, 404);
        assert.equal(gone.body.errors[0].message, "resource not found");
    });

    it("answers 401 to an unknown key without calling it a contract break", async () => {
        const answer = await send(env.fake, "GET", "/alerts", { headers: { Authorization: "not-the-key" } });
        assert.equal(answer.status, 401);
        assert.equal(answer.body.errors[0].message, "Unauthorized.");
        assert.deepEqual(env.fake.violations, []);
    });

    const breaches: Array<[string, () => Parameters<typeof send>, RegExp]> = [
        ["a scheme word in Authorization", () => [env.fake, "GET", "/alerts", { headers: { Authorization: `Bearer ${FAKE_API_KEY}` } }], /without a scheme word/],
        ["no Authorization", () => [env.fake, "GET", "/alerts", { headers: {} }], /no Authorization/],
        ["a body without Content-Type: application/json", () => [env.fake, "POST", "/alerts", {
            headers: { Authorization: FAKE_API_KEY, "Content-Type": "text/plain" },
            body: healthScoreAlert({ name: "n", target: TARGET }),
        }], /Content-Type must be application\/json/],
        ["an unknown path", () => [env.fake, "GET", "/alert/1"], /no such endpoint/],
        ["a missing required field", () => [env.fake, "POST", "/alerts", { body: { ...healthScoreAlert({ name: "n", target: TARGET }), muted: undefined } }], /muted is required/],
        ["both any_subaccount and subaccounts", () => [env.fake, "POST", "/alerts", { body: { ...healthScoreAlert({ name: "n", target: TARGET }), subaccounts: [1] } }], /exactly one of any_subaccount/],
        ["neither any_subaccount nor subaccounts", () => [env.fake, "POST", "/alerts", { body: { ...healthScoreAlert({ name: "n", target: TARGET }), any_subaccount: undefined } }], /exactly one of any_subaccount/],
        ["a webhook target that is not a URL", () => [env.fake, "POST", "/alerts", { body: healthScoreAlert({ name: "n", target: "hooks/abc" }) }], /channels.webhook.target must be a URL/],
        ["a wrong evaluator", () => [env.fake, "POST", "/alerts", { body: { ...healthScoreAlert({ name: "n", target: TARGET }), threshold_evaluator: { operator: ">", source: "raw", value: "0" } } }], /operator must be gt or lt[\s\S]*value must be a number/],
        ["an unknown field", () => [env.fake, "POST", "/alerts", { body: { ...healthScoreAlert({ name: "n", target: TARGET }), enabled: true } }], /unknown field enabled/],
        ["an empty update", () => [env.fake, "PUT", "/alerts/1001", { body: {} }], /an update must change something/],
        ["a body on a DELETE", () => [env.fake, "DELETE", "/alerts/1001", { body: "{}" }], /a DELETE has no body/],
    ];
    for (const [what, request, problem] of breaches) {
        it(`records ${what} as a contract break and refuses it`, async () => {
            const answer = await send(...request());
            assert.ok(answer.status >= 400 && answer.status < 500, `status ${answer.status}`);
            assert.ok(answer.body.errors.length > 0);
            assert.match(env.fake.violations.join("\n"), problem);
            env.fake.violations.splice(0);
        });
    }

    it("answers scripted failures in order, with Retry-After when asked, then serves again", async () => {
        env.fake.failNext(1, { status: 429, retryAfter: "3" });
        env.fake.failNext(1, { status: 503 });
        const limited = await send(env.fake, "GET", "/alerts");
        const unavailable = await send(env.fake, "GET", "/alerts");
        const served = await send(env.fake, "GET", "/alerts");
        assert.deepEqual([limited.status, limited.retryAfter], [429, "3"]);
        assert.deepEqual([unavailable.status, unavailable.retryAfter], [503, null]);
        assert.equal(served.status, 200);
    });

    it("can fail after doing what was asked, as a gateway that lost the answer", async () => {
        env.fake.failNext(1, { status: 502, afterServing: true });
        const answer = await send(env.fake, "POST", "/alerts", { body: healthScoreAlert({ name: "n", target: TARGET }) });
        assert.equal(answer.status, 502);
        assert.equal(env.fake.alerts.size, 1);
    });
});
