/**
 * The webhook token is a secret: in every variant it may appear only inside secret inputs (the SSM parameters'
 * values, the listener rule's path conditions) and in the secret endpointUrl output; never in the function's
 * configuration. Everything else is scanned for it:
 * every resource's name, every input stored in clear (secret values redacted by the mocks), every invoke's
 * inputs, every message logged through pulumi.log, and every other output.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { Deployment } from "../../support/mocks";
import { HOOK_PATH_PREFIX } from "../../../shared/limits";
import { T } from "./types";
import { deployed, VariantName, VARIANTS } from "./variants";

const VARIANT_NAMES = Object.keys(VARIANTS) as VariantName[];

/** The only inputs that may hold a token, and they must be secret. */
const SECRET_HOLDERS = [
    { type: "aws:ssm/parameter:Parameter", input: "value" },
    { type: T.listenerRule, input: "conditions" },
];

/** The tokens of a deployment: the one in its endpoint URL (generated or configured), and any configured ones. */
function tokensOf(variant: VariantName, deployment: Deployment): string[] {
    const url = deployment.outputs.endpointUrl as string;
    const raw = VARIANTS[variant] as Record<string, string | undefined>;
    const tokens = [url.slice(url.lastIndexOf(HOOK_PATH_PREFIX) + HOOK_PATH_PREFIX.length), raw.webhookToken, raw.previousWebhookToken]
        .filter((token): token is string => token !== undefined);
    return [...new Set(tokens)];
}

describe("the webhook token stays secret (mocks)", () => {
    const deployments = {} as Record<VariantName, Deployment>;

    before(async function () {
        this.timeout(60_000);
        for (const variant of VARIANT_NAMES) deployments[variant] = await deployed(variant);
    });

    it("finds the token(s) of every variant where they belong, so the scan below is not vacuous", () => {
        for (const variant of VARIANT_NAMES) {
            const deployment = deployments[variant];
            const tokens = tokensOf(variant, deployment);
            assert.ok(tokens.length >= 1 && tokens.every((token) => token.length >= 16), `${variant}: ${tokens.length} tokens`);
            const parameters = deployment.all("aws:ssm/parameter:Parameter");
            for (const token of tokens) assert.ok(parameters.some((p) => p.inputs.value === token), `${variant}: a token is in no SSM parameter`);
            for (const parameter of parameters) assert.deepStrictEqual(parameter.secretInputs, ["value"], variant);
            for (const rule of deployment.all(T.listenerRule)) {
                for (const token of tokens) assert.ok(JSON.stringify(rule.inputs.conditions).includes(token), `${variant}: ${rule.name}`);
            }
        }
        assert.ok(VARIANT_NAMES.some((variant) => deployments[variant].all(T.listenerRule).length > 0), "some variant has the ALB's rule");
    });

    it("holds the token only in secret inputs of the SSM parameters and the listener rule", () => {
        for (const variant of VARIANT_NAMES) {
            const deployment = deployments[variant];
            const tokens = tokensOf(variant, deployment);
            for (const resource of deployment.resources) {
                const label = `${variant}: ${resource.type} ${resource.name}`;
                for (const token of tokens) {
                    assert.ok(!resource.name.includes(token), `${label}: token in the name`);
                    assert.ok(!JSON.stringify(resource.publicInputs).includes(token), `${label}: token in an input stored in clear`);
                    for (const [input, value] of Object.entries(resource.inputs)) {
                        if (!JSON.stringify(value ?? null).includes(token)) continue;
                        assert.ok(SECRET_HOLDERS.some((h) => h.type === resource.type && h.input === input), `${label}: token in ${input}`);
                    }
                }
            }
        }
    });

    // Debug messages are left out: the program logs none (asserted next), and the Pulumi SDK's own debug trace of each
    // RegisterResource response echoes the resource's state, secrets included (visible only with debug logging on).
    it("logs no token (info, warning or error), passes none to an invoke, and exports it only in the secret endpointUrl", () => {
        for (const variant of VARIANT_NAMES) {
            const deployment = deployments[variant];
            const messages = deployment.logs.filter((entry) => entry.level !== "debug");
            assert.ok(messages.length > 0 || variant !== "http", "the http variant warns, so messages are recorded");
            for (const token of tokensOf(variant, deployment)) {
                assert.deepStrictEqual(messages.filter((entry) => entry.message.includes(token)), [], `${variant}: logged`);
                assert.deepStrictEqual(deployment.calls.filter((call) => JSON.stringify(call.inputs).includes(token)).map((call) => call.token), [], variant);
                const exported = Object.keys(deployment.outputs).filter((key) => JSON.stringify(deployment.outputs[key] ?? null).includes(token));
                // The current token is in the URL; a previous one (rotation) in no output at all.
                const current = (deployment.outputs.endpointUrl as string).endsWith(`${HOOK_PATH_PREFIX}${token}`);
                assert.deepStrictEqual(exported, current ? ["endpointUrl"] : [], `${variant}: outputs holding a token`);
                assert.strictEqual(deployment.secretOutputs.endpointUrl, true, variant);
            }
        }
    });

    it("the components log nothing at debug level (the level the scan above leaves out)", () => {
        const dir = path.join(__dirname, "..", "..", "..", "components");
        for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
            assert.ok(!/log\.debug\(/.test(fs.readFileSync(path.join(dir, file), "utf8")), file);
        }
    });
});
