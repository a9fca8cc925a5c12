/**
 * SparkPostAlert's dynamic provider against the fake Alerts API: as a module, and as Pulumi ships it (serialized
 * into the resource's `__provider` input and loaded from that text in the dynamic provider's process).
 * No Pulumi mocks here: the program's mocks module owns setMocks.
 */
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_ALERT_NAME, sparkPostAlertProps } from "../../components/sparkpostAlert";
import { SparkPostAlertInputs, SparkPostAlertOutputs, SparkPostAlertProvider, inputProblems } from "../../components/sparkpostAlertProvider";
import { SPARKPOST_API_URLS, SparkPostApiError, isSparkPostApiError } from "../../sparkpost/alertsApi";
import { FAKE_API_KEY, FakeAlertsApi, useFakeAlertsApi } from "../sparkpost/fakeAlertsApi";
import { loadDynamicProvider } from "../support/dynamicProvider";
import { SPARKPOST_REGIONS } from "../../shared/settings";

const TARGET = "https://hooks.example.com/hooks/abcdefghijklmnopqrstuvwxyz012345";
const ROTATED_TARGET = "https://hooks.example.com/hooks/ZYXWVUTSRQPONMLKJIHGFEDCBA987654";
const ROTATED_KEY = "abcdefabcdefabcdefabcdefabcdefabcdefabcd";
/** What the engine sends for a value a preview does not know yet. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Fast retries: the policy's shape is the client's business, tested there. */
const fastProvider = () => new SparkPostAlertProvider({ retry: { baseDelayMs: 1, maxDelayMs: 2 } });

function inputsFor(fake: FakeAlertsApi, changes: Partial<SparkPostAlertInputs> = {}): SparkPostAlertInputs {
    return { apiKey: FAKE_API_KEY, apiBaseUrl: fake.apiBaseUrl, name: DEFAULT_ALERT_NAME, target: TARGET, muted: false, ...changes };
}

async function failure(promise: Promise<unknown>): Promise<Error> {
    const error = await promise.then(() => undefined, (err) => err);
    assert.ok(error instanceof Error, `expected an error, got ${error}`);
    assert.ok(!`${error.message}\n${error.stack}`.includes(FAKE_API_KEY), "the key in the error");
    assert.ok(!`${error.message}`.includes(TARGET), "the target (it holds the token) in the error");
    return error;
}

describe("SparkPostAlert", () => {
    const env = useFakeAlertsApi();

    describe("properties", () => {
        it("defaults the name, unmuted, the US API, and declares alertId as an output", async () => {
            const props = sparkPostAlertProps({ apiKey: FAKE_API_KEY, target: TARGET });

            assert.deepEqual([props.name, props.muted, props.apiBaseUrl, "alertId" in props], [DEFAULT_ALERT_NAME, false, SPARKPOST_API_URLS.us, true]);
        });

        it("wraps the key and the target as secrets, even when given in clear", async () => {
            const props = sparkPostAlertProps({ apiKey: FAKE_API_KEY, target: TARGET });

            assert.equal(await pulumi.isSecret(props.apiKey as pulumi.Output<string>), true);
            assert.equal(await pulumi.isSecret(props.target as pulumi.Output<string>), true);
        });

        it("knows the regions the settings table offers (sparkpostRegion), and no other", () => {
            assert.deepEqual(Object.keys(SPARKPOST_API_URLS), [...SPARKPOST_REGIONS]);
        });

        it("takes the EU host by region, any base URL before the region, and refuses an unknown region by name", () => {
            assert.equal(sparkPostAlertProps({ apiKey: "k", target: TARGET, region: "eu" }).apiBaseUrl, "https://api.eu.sparkpost.com/api/v1");
            assert.equal(sparkPostAlertProps({ apiKey: "k", target: TARGET, region: "eu", apiBaseUrl: "https://sp.example/api/v1" }).apiBaseUrl, "https://sp.example/api/v1");
            assert.throws(() => sparkPostAlertProps({ apiKey: "k", target: TARGET, region: "EU1" }), /^Error: region must be one of us, eu, but it is "EU1"\.$/);
        });
    });

    describe("check", () => {
        it("accepts good inputs, writing the base URL without a trailing slash (a slash is no change of account)", async () => {
            const news = inputsFor(env.fake, { apiBaseUrl: `${SPARKPOST_API_URLS.eu}/` });

            const result = await fastProvider().check(news, news);

            assert.deepEqual(result, { inputs: { ...news, apiBaseUrl: SPARKPOST_API_URLS.eu }, failures: [] });
        });

        it("names each bad input, quoting neither the key nor the target", () => {
            const problems = inputProblems({ apiKey: "has space", apiBaseUrl: "http://api.sparkpost.com/api/v1", name: " ", target: "hooks/secret-token", muted: "no" });

            assert.deepEqual(problems.map(([property]) => property), ["apiKey", "apiBaseUrl", "name", "target", "muted"]);
            assert.ok(!JSON.stringify(problems).includes("has space") && !JSON.stringify(problems).includes("secret-token"));
        });

        it("leaves values a preview does not know yet to the update", () => {
            assert.deepEqual(inputProblems({ ...inputsFor(env.fake), target: UNKNOWN, apiKey: UNKNOWN }), []);
        });
    });

    describe("diff", () => {
        const olds = (fake: FakeAlertsApi): SparkPostAlertOutputs => ({ ...inputsFor(fake), alertId: 1001 });
        const cases: Array<[string, Partial<SparkPostAlertInputs>, { changes: boolean; replaces: string[] }]> = [
            ["nothing changed", {}, { changes: false, replaces: [] }],
            ["a rotated token (the target)", { target: ROTATED_TARGET }, { changes: true, replaces: [] }],
            ["a target not known yet (preview)", { target: UNKNOWN }, { changes: true, replaces: [] }],
            ["the name", { name: "Scores" }, { changes: true, replaces: [] }],
            ["muted", { muted: true }, { changes: true, replaces: [] }],
            ["a rotated key of the same account", { apiKey: ROTATED_KEY }, { changes: true, replaces: [] }],
            ["the API base URL (another account or region)", { apiBaseUrl: SPARKPOST_API_URLS.eu }, { changes: true, replaces: ["apiBaseUrl"] }],
        ];
        for (const [what, changes, expected] of cases) {
            it(`${expected.replaces.length ? "replaces" : expected.changes ? "updates in place" : "does nothing"} on ${what}`, async () => {
                const result = await fastProvider().diff("1001", olds(env.fake), inputsFor(env.fake, changes));

                assert.deepEqual({ changes: result.changes, replaces: result.replaces }, expected);
                assert.equal(result.deleteBeforeReplace, false);
            });
        }
    });

    describe("against the API", () => {
        it("creates the alert and keeps the key and the target in its outputs, for update and delete", async () => {
            const provider = fastProvider();
            const inputs = { ...inputsFor(env.fake), __provider: "serialized provider text" };

            const result = await provider.create(inputs);

            const alert = env.fake.alerts.get(Number(result.id))!;
            assert.deepEqual([alert.metric, alert.any_subaccount, alert.channels], ["health_score", true, { webhook: { target: TARGET } }]);
            assert.deepEqual(result.outs, { ...inputsFor(env.fake), alertId: Number(result.id) });
        });

        it("reads the alert as SparkPost has it (refresh)", async () => {
            const provider = fastProvider();
            const { id, outs } = await provider.create(inputsFor(env.fake));
            Object.assign(env.fake.alerts.get(Number(id))!, { muted: true, channels: { emails: ["ops@example.com"] } });

            const read = await provider.read(id, outs);

            assert.equal(read.id, id);
            assert.deepEqual(read.props, { ...outs, muted: true, target: "" });
        });

        it("reads an alert deleted in SparkPost as gone", async () => {
            const provider = fastProvider();
            const { id, outs } = await provider.create(inputsFor(env.fake));
            env.fake.alerts.delete(Number(id));

            const read = await provider.read(id, outs);

            assert.equal(read.id, undefined);
        });

        it("updates a changed target in place, PUTting only the webhook channel", async () => {
            const provider = fastProvider();
            const { id, outs } = await provider.create(inputsFor(env.fake));
            const news = inputsFor(env.fake, { target: ROTATED_TARGET });

            const updated = await provider.update(id, outs!, news);

            const put = env.fake.requests.at(-1)!;
            assert.deepEqual([put.method, put.path, put.json], ["PUT", `/alerts/${id}`, { channels: { webhook: { target: ROTATED_TARGET } } }]);
            assert.deepEqual(env.fake.alerts.get(Number(id))!.channels, { webhook: { target: ROTATED_TARGET } });
            assert.deepEqual(updated.outs, { ...news, alertId: Number(id) });
        });

        it("updates the name and muted alone", async () => {
            const provider = fastProvider();
            const { id, outs } = await provider.create(inputsFor(env.fake));

            await provider.update(id, outs!, inputsFor(env.fake, { name: "Scores", muted: true }));

            assert.deepEqual(env.fake.requests.at(-1)!.json, { name: "Scores", muted: true });
        });

        it("proves a rotated key by reading the alert with it, and keeps it for delete", async () => {
            const provider = fastProvider();
            const { id, outs } = await provider.create(inputsFor(env.fake));
            env.fake.acceptKey(ROTATED_KEY);
            env.fake.revokeKey(FAKE_API_KEY);

            const updated = await provider.update(id, outs!, inputsFor(env.fake, { apiKey: ROTATED_KEY }));
            await provider.delete(id, updated.outs!);

            assert.deepEqual(env.fake.requests.slice(-2).map((r) => [r.method, r.headers.authorization]), [["GET", ROTATED_KEY], ["DELETE", ROTATED_KEY]]);
            assert.equal(env.fake.alerts.size, 0);
        });

        it("says to refresh when updating an alert deleted in SparkPost", async () => {
            const provider = fastProvider();
            const { id, outs } = await provider.create(inputsFor(env.fake));
            env.fake.alerts.delete(Number(id));

            const error = await failure(provider.update(id, outs!, inputsFor(env.fake, { target: ROTATED_TARGET })));

            assert.match(error.message, /404 Not Found.*Run `pulumi refresh`/);
        });

        it("deletes the alert, and takes an alert already deleted as deleted", async () => {
            const provider = fastProvider();
            const { id, outs } = await provider.create(inputsFor(env.fake));

            await provider.delete(id, outs!);
            await provider.delete(id, outs!);

            assert.deepEqual(env.fake.requests.slice(-2).map((r) => `${r.method} ${r.path}`), [`DELETE /alerts/${id}`, `DELETE /alerts/${id}`]);
            assert.equal(env.fake.alerts.size, 0);
        });
    });

    describe("errors", () => {
        it("401 on create: a bad key, named as such", async () => {
            const error = await failure(fastProvider().create(inputsFor(env.fake, { apiKey: ROTATED_KEY })));

            assert.ok(isSparkPostApiError(error, "unauthorized"));
            assert.match(error.message, /rejected the API key/);
        });

        it("403 on create: the key lacks the Alerts permission", async () => {
            env.fake.failNext(1, { status: 403 });

            const error = await failure(fastProvider().create(inputsFor(env.fake)));

            assert.match(error.message, /Alerts: Read\/Write/);
        });

        it("422 on update: SparkPost's field messages", async () => {
            const provider = fastProvider();
            const { id, outs } = await provider.create(inputsFor(env.fake));
            env.fake.failNext(1, { status: 422, errors: [{ message: "invalid data format/type", description: "name is too long" }] }, `PUT /alerts/${id}`);

            const error = await failure(provider.update(id, outs!, inputsFor(env.fake, { name: "x".repeat(500) })));

            assert.match(error.message, /\(422\) while updating alert \d+.*name is too long/);
        });

        it("429 on delete: retried after the pause asked", async () => {
            const provider = fastProvider();
            const { id, outs } = await provider.create(inputsFor(env.fake));
            env.fake.failNext(2, { status: 429, retryAfter: "0" });

            await provider.delete(id, outs!);

            assert.equal(env.fake.alerts.size, 0);
        });

        it("5xx that persists on read: reported, not taken for a deletion", async () => {
            const provider = fastProvider();
            const { id, outs } = await provider.create(inputsFor(env.fake));
            env.fake.failNext(5, { status: 503 });

            const error = await failure(provider.read(id, outs));

            assert.match(error.message, /SparkPost answered 503 while reading alert \d+ .*\(5 attempts/);
        });
    });

    describe("as Pulumi serializes it", () => {
        /**
         * The way @pulumi/pulumi's dynamic.Resource builds its `__provider` input: serializeFunction(() => provider,
         * { allowSecrets: true }), the provider being the one SparkPostAlert constructs (no options).
         */
        async function serialize(provider: SparkPostAlertProvider) {
            return pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
        }

        const load = (text: string) => loadDynamicProvider<SparkPostAlertProvider>(text);

        it("captures no module, Pulumi object or secret: the text requires nothing", async () => {
            const serialized = await serialize(new SparkPostAlertProvider());

            assert.equal(serialized.exportName, "handler");
            assert.equal(serialized.containsSecrets, false);
            assert.deepEqual([...serialized.text.matchAll(/require\(([^)]*)\)/g)].map((match) => match[1]), []);
            assert.ok(!/@pulumi\//.test(serialized.text), "no @pulumi module in the provider's code");
            assert.ok(serialized.text.length < 100_000, `provider code is ${serialized.text.length} characters`);
        });

        it("checks, creates, reads, updates on a rotated target, and deletes twice, against the API", async () => {
            const provider = load((await serialize(new SparkPostAlertProvider())).text);
            const inputs = inputsFor(env.fake);

            assert.deepEqual((await provider.check!(inputs, inputs)).failures, []);
            const { id, outs } = await provider.create(inputs);
            assert.equal((await provider.read!(id, outs)).id, id);
            const news = inputsFor(env.fake, { target: ROTATED_TARGET });
            assert.deepEqual(await provider.diff!(id, outs!, news), { changes: true, replaces: [], stables: ["alertId"], deleteBeforeReplace: false });
            const updated = await provider.update!(id, outs!, news);
            assert.deepEqual(env.fake.alerts.get(Number(id))!.channels, { webhook: { target: ROTATED_TARGET } });
            await provider.delete!(id, updated.outs!);
            await provider.delete!(id, updated.outs!);
            assert.equal(env.fake.alerts.size, 0);
            assert.deepEqual(env.fake.requests.map((r) => r.method), ["GET", "POST", "GET", "PUT", "DELETE", "DELETE"]);
        });

        it("retries a 429 and a 503, and reports a bad key with its own error type, all from the serialized code", async () => {
            const provider = load((await serialize(new SparkPostAlertProvider())).text);
            env.fake.failNext(1, { status: 429, retryAfter: "0" }, "GET /alerts");
            env.fake.failNext(1, { status: 503, retryAfter: "0" }, "GET /alerts");

            const { id } = await provider.create(inputsFor(env.fake));
            const error = await failure(provider.delete!(id, { ...inputsFor(env.fake, { apiKey: ROTATED_KEY }), alertId: Number(id) }));

            assert.ok(env.fake.alerts.has(Number(id)));
            assert.deepEqual([error.name, (error as SparkPostApiError).kind, error.message.split(" (")[0]], ["SparkPostApiError", "unauthorized", "SparkPost rejected the API key"]);
        });
    });
});
