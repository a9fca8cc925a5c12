/**
 * The Alerts API client against the fake API over real HTTP. Pauses between retries go to an injected sleep that
 * advances a fake clock, so a test of a minute's backoff takes milliseconds and the bounds are exact.
 */
import { strict as assert } from "assert";
import * as http from "http";
import { AddressInfo } from "net";
import {
    AlertsClientOptions, SPARKPOST_API_URLS, SparkPostAlertsClient, SparkPostApiError, checkApiBaseUrl, healthScoreAlert, isSparkPostApiError,
} from "../../sparkpost/alertsApi";
import { FAKE_API_KEY, FakeAlertsApi, useFakeAlertsApi } from "./fakeAlertsApi";

const TARGET = "https://hooks.example.com/hooks/abcdefghijklmnopqrstuvwxyz012345";
const DEFINITION = healthScoreAlert({ name: "Daily health score", target: TARGET });

interface TestClient {
    client: SparkPostAlertsClient;
    /** Every pause the client asked for, in ms. */
    pauses: number[];
}

function testClient(fake: FakeAlertsApi, options: Partial<AlertsClientOptions> = {}): TestClient {
    const pauses: number[] = [];
    let clock = 1_000_000;
    const client = new SparkPostAlertsClient({
        apiKey: FAKE_API_KEY,
        apiBaseUrl: fake.apiBaseUrl,
        timeoutMs: 2_000,
        random: () => 0.5,
        now: () => clock,
        sleep: async (ms) => { pauses.push(ms); clock += ms; },
        ...options,
    });
    return { client, pauses };
}

/** The error a call fails with; whatever it is, it must not hold the key anywhere. */
async function rejection(promise: Promise<unknown>, apiKey = FAKE_API_KEY): Promise<SparkPostApiError> {
    const error = await promise.then(() => undefined, (err) => err);
    assert.ok(isSparkPostApiError(error), `expected a SparkPostApiError, got ${error}`);
    assert.ok(!JSON.stringify({ ...error, message: error.message, stack: error.stack }).includes(apiKey), "the key in the error");
    return error;
}

const calls = (fake: FakeAlertsApi) => fake.requests.map((request) => `${request.method} ${request.path}`);

describe("SparkPost Alerts API client", () => {
    const env = useFakeAlertsApi();

    describe("requests", () => {
        it("creates the Health Score alert with the documented request: the key as is, JSON, the feed's body", async () => {
            const { client } = testClient(env.fake);

            const id = await client.createAlert(DEFINITION);

            assert.deepEqual(calls(env.fake), ["GET /alerts", "POST /alerts"]);
            const post = env.fake.requests[1];
            assert.equal(post.headers.authorization, FAKE_API_KEY);
            assert.equal(post.headers["content-type"], "application/json");
            assert.deepEqual(post.json, {
                name: "Daily health score",
                metric: "health_score",
                muted: false,
                any_subaccount: true,
                filters: [],
                threshold_evaluator: { operator: "gt", source: "raw", value: 0 },
                channels: { webhook: { target: TARGET } },
            });
            assert.equal(env.fake.alerts.get(id)?.name, "Daily health score");
        });

        it("reads an alert with last_triggered", async () => {
            const { client } = testClient(env.fake);
            const id = await client.createAlert(DEFINITION);
            env.fake.alerts.get(id)!.last_triggered = "2026-11-27T09:00:03.123Z";

            const alert = await client.getAlert(id);

            assert.equal(alert.id, id);
            assert.equal(alert.channels.webhook?.target, TARGET);
            assert.equal(alert.last_triggered, "2026-11-27T09:00:03.123Z");
        });

        it("updates only the fields given", async () => {
            const { client } = testClient(env.fake);
            const id = await client.createAlert(DEFINITION);
            const newTarget = `${TARGET}-rotated`;

            await client.updateAlert(id, { channels: { webhook: { target: newTarget } } });

            assert.deepEqual(env.fake.requests.at(-1)?.json, { channels: { webhook: { target: newTarget } } });
            assert.equal((env.fake.alerts.get(id)!.channels as any).webhook.target, newTarget);
            assert.equal(env.fake.alerts.get(id)!.name, "Daily health score");
        });

        it("deletes an alert, and reports a second delete as not_found", async () => {
            const { client } = testClient(env.fake);
            const id = await client.createAlert(DEFINITION);

            await client.deleteAlert(id);
            const error = await rejection(client.deleteAlert(id));

            assert.equal(env.fake.alerts.size, 0);
            assert.deepEqual([error.kind, error.status, error.attempts], ["not_found", 404, 1]);
            assert.match(error.message, new RegExp(`while deleting alert ${id} at http://127\\.0\\.0\\.1:\\d+: the alert no longer exists`));
        });

        it("uses the US host by default", async () => {
            const urls: string[] = [];
            const client = new SparkPostAlertsClient({
                apiKey: FAKE_API_KEY,
                fetch: async (url) => {
                    urls.push(String(url));
                    return new Response(JSON.stringify({ results: { id: 7, name: "n", metric: "health_score" } }), { status: 200 });
                },
            });

            await client.getAlert(7);

            assert.deepEqual(urls, ["https://api.sparkpost.com/api/v1/alerts/7"]);
            assert.equal(SPARKPOST_API_URLS.eu, "https://api.eu.sparkpost.com/api/v1");
        });
    });

    describe("create, whose POST must not be repeated blindly", () => {
        it("adopts the alert a failed POST did create, rather than posting a second one", async () => {
            const { client, pauses } = testClient(env.fake);
            env.fake.failNext(1, { status: 502, afterServing: true }, "POST /alerts");

            const id = await client.createAlert(DEFINITION);

            assert.deepEqual(calls(env.fake), ["GET /alerts", "POST /alerts", "GET /alerts", `GET /alerts/${id}`]);
            assert.deepEqual([...env.fake.alerts.keys()], [id]);
            assert.equal(pauses.length, 1);
        });

        it("posts again after a 5xx that created nothing, passing over another stack's alert of the same name", async () => {
            const { client } = testClient(env.fake);
            const other = env.fake.seedAlert({ ...DEFINITION, channels: { webhook: { target: `${TARGET}-other-stack` } } });
            env.fake.failNext(1, { status: 500 }, "POST /alerts");

            const id = await client.createAlert(DEFINITION);

            assert.deepEqual(calls(env.fake), [
                "GET /alerts", `GET /alerts/${other}`, "POST /alerts",
                "GET /alerts", `GET /alerts/${other}`, "POST /alerts",
            ]);
            assert.notEqual(id, other);
            assert.equal(env.fake.alerts.size, 2);
        });

        it("adopts an alert of the same name, metric and target left by an earlier deployment", async () => {
            const { client } = testClient(env.fake);
            const earlier = env.fake.seedAlert({ ...DEFINITION });

            const id = await client.createAlert(DEFINITION);

            assert.equal(id, earlier);
            assert.deepEqual(calls(env.fake), ["GET /alerts", `GET /alerts/${earlier}`]);
        });

        it("posts again at once after a 429, which did nothing", async () => {
            const { client, pauses } = testClient(env.fake);
            env.fake.failNext(1, { status: 429, retryAfter: "2" }, "POST /alerts");

            await client.createAlert(DEFINITION);

            assert.deepEqual(calls(env.fake), ["GET /alerts", "POST /alerts", "POST /alerts"]);
            assert.deepEqual(pauses, [2_000]);
        });
    });

    describe("errors, for users", () => {
        it("401: names the key and the two regions, without retrying or quoting the key", async () => {
            const wrongKey = "ffffffffffffffffffffffffffffffffffffffff";
            const { client } = testClient(env.fake, { apiKey: wrongKey });

            const error = await rejection(client.getAlert(1001), wrongKey);

            assert.deepEqual([error.kind, error.status, error.attempts, env.fake.requests.length], ["unauthorized", 401, 1, 1]);
            assert.match(error.message, /^SparkPost rejected the API key \(401 Unauthorized\) while reading alert 1001/);
            assert.match(error.message, /https:\/\/api\.sparkpost\.com\/api\/v1.*https:\/\/api\.eu\.sparkpost\.com\/api\/v1/);
            assert.deepEqual(error.apiMessages, ["Unauthorized."]);
        });

        it("403: names the permission the key lacks", async () => {
            const { client } = testClient(env.fake);
            env.fake.failNext(1, { status: 403 });

            const error = await rejection(client.listAlerts());

            assert.deepEqual([error.kind, error.status, error.attempts], ["forbidden", 403, 1]);
            assert.match(error.message, /"Alerts: Read\/Write" permission/);
        });

        it("422: gives SparkPost's field messages", async () => {
            const { client } = testClient(env.fake);
            const id = await client.createAlert(DEFINITION);
            env.fake.failNext(1, {
                status: 422,
                errors: [{ message: "invalid data format/type", description: "channels.webhook.target must be a valid URL", code: "1300" }],
            });

            const error = await rejection(client.updateAlert(id, { name: "Renamed" }));

            assert.deepEqual([error.kind, error.status, error.attempts], ["invalid", 422, 1]);
            assert.deepEqual(error.apiMessages, ["invalid data format/type: channels.webhook.target must be a valid URL"]);
            assert.match(error.message, /SparkPost said: invalid data format\/type: channels\.webhook\.target must be a valid URL\./);
        });

        for (const status of [401, 403, 404, 422] as const) {
            it(`does not retry a ${status}`, async () => {
                const { client, pauses } = testClient(env.fake);
                env.fake.failNext(3, { status });

                const error = await rejection(client.listAlerts());

                assert.deepEqual([error.status, error.attempts, env.fake.requests.length, pauses.length], [status, 1, 1, 0]);
            });
        }

        it("cuts the key out of whatever SparkPost writes", async () => {
            const { client } = testClient(env.fake);
            env.fake.failNext(1, { status: 422, errors: [{ message: `key ${FAKE_API_KEY} is not valid here` }] });

            const error = await rejection(client.listAlerts());

            assert.deepEqual(error.apiMessages, ["key [redacted] is not valid here"]);
        });

        it("cuts the webhook token out of a target SparkPost quotes back", async () => {
            const { client } = testClient(env.fake);
            const token = "secret-token-0123456789abcdef";
            env.fake.failNext(1, { status: 422, errors: [{ message: `target https://hooks.example.com/hooks/${token} did not answer`, description: `"https://x/hooks/${token}?a=1"` }] });

            const error = await rejection(client.listAlerts());

            assert.ok(!error.message.includes(token), error.message);
            assert.deepEqual(error.apiMessages, ['target https://hooks.example.com/hooks/[redacted] did not answer: "https://x/hooks/[redacted]?a=1"']);
        });

        it("refuses a key that could not be sent as a header, without quoting it", () => {
            for (const apiKey of ["", "two words", "key\nInjected: header"]) {
                assert.throws(() => new SparkPostAlertsClient({ apiKey }), (err: Error) =>
                    /API key is empty, or holds spaces/.test(err.message) && (apiKey === "" || !err.message.includes(apiKey)));
            }
        });
    });

    describe("retries", () => {
        it("429: waits what Retry-After asks, then succeeds", async () => {
            const { client, pauses } = testClient(env.fake);
            env.fake.failNext(2, { status: 429, retryAfter: "7" });

            await client.listAlerts();

            assert.deepEqual(pauses, [7_000, 7_000]);
            assert.equal(env.fake.requests.length, 3);
        });

        it("429 without Retry-After: backs off exponentially with jitter", async () => {
            const { client, pauses } = testClient(env.fake, { random: () => 0.5 });
            env.fake.failNext(3, { status: 429 });

            await client.listAlerts();

            assert.deepEqual(pauses, [750, 1_500, 3_000]);
        });

        it("429 that persists: gives up after the last attempt, saying how many", async () => {
            const { client, pauses } = testClient(env.fake);
            env.fake.failNext(10, { status: 429, retryAfter: "1" });

            const error = await rejection(client.listAlerts());

            assert.deepEqual([error.kind, error.status, error.attempts, pauses.length], ["rate_limited", 429, 5, 4]);
            assert.match(error.message, /kept answering 429 Too Many Requests while listing the alerts at .* \(5 attempts in 4 s\)/);
        });

        it("429 asking for longer than the time allowed: fails at once, saying what it asked", async () => {
            const { client, pauses } = testClient(env.fake);
            env.fake.failNext(1, { status: 429, retryAfter: "3600" });

            const error = await rejection(client.listAlerts());

            assert.deepEqual([error.attempts, pauses.length], [1, 0]);
            assert.match(error.message, /asking to wait 3600 s/);
        });

        it("stops when the next pause would end past the total time allowed", async () => {
            const { client, pauses } = testClient(env.fake, {
                random: () => 1,
                retry: { maxAttempts: 10, baseDelayMs: 1_000, maxDelayMs: 60_000, maxTotalMs: 5_000 },
            });
            env.fake.failNext(10, { status: 503 });

            const error = await rejection(client.listAlerts());

            assert.deepEqual(pauses, [1_000, 2_000]); // then 4,000 ms more would end at 7 s
            assert.equal(error.attempts, 3);
        });

        it("5xx: retries, then succeeds", async () => {
            const { client } = testClient(env.fake);
            env.fake.failNext(2, { status: 503 });
            env.fake.failNext(1, { status: 500 });

            await client.listAlerts();

            assert.equal(env.fake.requests.length, 4);
        });

        it("5xx that persists: reports the status after the last attempt", async () => {
            const { client } = testClient(env.fake);
            env.fake.failNext(5, { status: 502 });

            const error = await rejection(client.listAlerts());

            assert.deepEqual([error.kind, error.status, error.attempts], ["server", 502, 5]);
            assert.match(error.message, /^SparkPost answered 502 while listing the alerts .*: its API is failing; try again later\. SparkPost said: Bad gateway\.$/);
        });

        it("a network error: retries, then says it could not reach the API", async () => {
            const closed = await FakeAlertsApi.start();
            await closed.close();
            const { client, pauses } = testClient(closed);

            const error = await rejection(client.listAlerts());

            assert.deepEqual([error.kind, error.status, error.attempts, pauses.length], ["network", undefined, 5, 4]);
            assert.match(error.message, /^Could not reach SparkPost while listing the alerts at http:\/\/127\.0\.0\.1:\d+ \(5 attempts in .*\): fetch failed \(ECONNREFUSED\)/);
        });

        it("a request that gets no answer times out and is tried again", async () => {
            const { client } = testClient(env.fake, { timeoutMs: 100 });
            env.fake.stallNext(1);

            const alerts = await client.listAlerts();

            assert.deepEqual(alerts, []);
            assert.equal(env.fake.requests.length, 2);
        });

        it("no answer at all: reports the timeout", async () => {
            const { client } = testClient(env.fake, { timeoutMs: 100, retry: { maxAttempts: 2 } });
            env.fake.stallNext(2);

            const error = await rejection(client.getAlert(1001));

            assert.deepEqual([error.kind, error.attempts], ["timeout", 2]);
            assert.match(error.message, /^SparkPost did not answer within 0\.1 s while reading alert 1001/);
        });

        it("does not follow a redirect, which would carry the key elsewhere", async () => {
            const redirecting = http.createServer((_req, res) => res.writeHead(301, { Location: "https://elsewhere.example/api/v1/alerts" }).end());
            await new Promise<void>((resolve) => redirecting.listen(0, "127.0.0.1", resolve));
            try {
                const { port } = redirecting.address() as AddressInfo;
                const client = new SparkPostAlertsClient({ apiKey: FAKE_API_KEY, apiBaseUrl: `http://127.0.0.1:${port}/api/v1` });

                const error = await rejection(client.listAlerts());

                assert.deepEqual([error.kind, error.status, error.attempts], ["unexpected", 301, 1]);
                assert.match(error.message, /redirects to https:\/\/elsewhere\.example/);
            } finally {
                redirecting.close();
            }
        });
    });

    describe("checkApiBaseUrl", () => {
        it("keeps https URLs, without a trailing slash", () => {
            assert.equal(checkApiBaseUrl("https://api.eu.sparkpost.com/api/v1/"), "https://api.eu.sparkpost.com/api/v1");
            assert.equal(checkApiBaseUrl("http://127.0.0.1:8125/api/v1"), "http://127.0.0.1:8125/api/v1");
        });

        it("refuses plain http off the loopback interface, credentials, queries and non-URLs, naming apiBaseUrl", () => {
            for (const url of ["http://api.sparkpost.com/api/v1", "https://user:pw@api.sparkpost.com/api/v1", "https://api.sparkpost.com/api/v1?x=1", "api.sparkpost.com"]) {
                assert.throws(() => checkApiBaseUrl(url), /^Error: apiBaseUrl must/);
            }
        });
    });
});
