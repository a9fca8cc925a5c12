/**
 * The SparkPost alert in the program, under mocks: registered (with the alarms, the topic and the dashboard) when
 * `sparkpostApiKey` is set, absent without it; its key and target secret in the inputs, the outputs and the state;
 * and its provider, as registered, run against the fake Alerts API with the inputs the program gave it.
 */
import { strict as assert } from "assert";
import { Deployment, RecordedResource, REDACTED } from "../../support/mocks";
import { loadDynamicProvider } from "../../support/dynamicProvider";
import { FAKE_API_KEY, FakeAlertsApi } from "../../sparkpost/fakeAlertsApi";
import type { SparkPostAlertProvider } from "../../../components/sparkpostAlertProvider";
import { T } from "./types";
import { TOKEN, deployConfig, deployed } from "./variants";

const ALERT_TYPE = "pulumi-nodejs:dynamic/healthscore:SparkPostAlert";

describe("the SparkPost alert in the program (mocks)", () => {
    let fake: FakeAlertsApi;
    let withKey: Deployment;
    let alert: RecordedResource;

    before(async function () {
        this.timeout(60_000);
        fake = await FakeAlertsApi.start();
        withKey = await deployConfig({
            ingress: "function-url", webhookToken: TOKEN, sparkpostApiKey: FAKE_API_KEY, sparkpostApiUrl: fake.apiBaseUrl,
            sparkpostAlertName: "Health scores to the lake",
        });
        alert = withKey.get(ALERT_TYPE, "healthscore-sparkpost-alert");
    });
    after(async () => {
        await fake?.close();
    });

    it("registers the alert, the alarms, their topic and the dashboard, with no error", () => {
        assert.deepStrictEqual(withKey.errors, []);
        assert.strictEqual(withKey.all(ALERT_TYPE).length, 1);
        assert.strictEqual(withKey.all(T.alarm).length, 7);
        assert.ok(withKey.all(T.alarm).some((a) => a.name.endsWith("-heartbeat")));
        assert.strictEqual(withKey.all(T.topic).length, 1);
        assert.strictEqual(withKey.all(T.dashboard).length, 1);
    });

    it("points the alert at the endpoint, with the configured name, once the ingest is in place", () => {
        assert.strictEqual(alert.inputs.target, withKey.outputs.endpointUrl);
        assert.ok(alert.inputs.target.endsWith(`/hooks/${TOKEN}`));
        assert.deepStrictEqual([alert.inputs.name, alert.inputs.muted, alert.inputs.apiBaseUrl], ["Health scores to the lake", false, fake.apiBaseUrl]);
        assert.ok(alert.dependencies.includes(withKey.only(T.ingest).urn), "depends on the ingest");
    });

    it("keeps the key and the target (it holds the token) secret: inputs, outputs, and nothing of either in the stored provider", () => {
        assert.deepStrictEqual([...alert.secretInputs].sort(), ["apiKey", "target"]);
        assert.deepStrictEqual([alert.publicInputs.apiKey, alert.publicInputs.target], [REDACTED, REDACTED]);
        assert.deepStrictEqual([...alert.additionalSecretOutputs].sort(), ["apiKey", "target"]);
        const stored = JSON.stringify(alert.publicInputs);
        assert.ok(!stored.includes(FAKE_API_KEY) && !stored.includes(TOKEN), "a secret in clear in the state");
        assert.strictEqual(withKey.secretOutputs.endpointUrl, true);
    });

    it("exports sparkpostAlertId", () => {
        assert.ok("sparkpostAlertId" in withKey.outputs, Object.keys(withKey.outputs).join(", "));
    });

    it("creates the alert SparkPost expects when its registered provider runs with the registered inputs", async () => {
        const provider = loadDynamicProvider<SparkPostAlertProvider>(alert.inputs.__provider);
        const { __provider, alertId, ...inputs } = alert.inputs;
        const checked = await provider.check!(inputs, inputs);
        assert.deepStrictEqual(checked.failures, []);
        const { id } = await provider.create(checked.inputs!);
        const stored = fake.alerts.get(Number(id))!;
        assert.deepStrictEqual([stored.name, stored.channels], ["Health scores to the lake", { webhook: { target: withKey.outputs.endpointUrl } }]);
        assert.deepStrictEqual(fake.violations, []);
    });

    it("registers no alert, and fails nothing, without sparkpostApiKey", async () => {
        const without = await deployed("functionUrl");
        assert.deepStrictEqual(without.errors, []);
        assert.deepStrictEqual(without.resources.filter((r) => r.type.includes("SparkPostAlert")), []);
        assert.ok(!("sparkpostAlertId" in without.outputs));
        assert.strictEqual(without.all(T.alarm).length, 7, "the alarms are there all the same");
    });

    it("refuses sparkpostApiUrl without a key, naming it", async () => {
        await assert.rejects(deployConfig({ ingress: "function-url", sparkpostApiUrl: "https://api.sparkpost.com/api/v1" }), /healthscore:sparkpostApiUrl is set but sparkpostApiKey is not/);
    });
});
