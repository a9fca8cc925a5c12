/**
 * The dynamic provider behind SparkPostAlert: creates, reads, updates and deletes one SparkPost alert through the
 * Alerts API client.
 *
 * Pulumi serializes this provider like a closure into the resource's `__provider` input and runs it in its own
 * process (`@pulumi/pulumi/cmd/dynamic-provider`), so it captures nothing but plain data and the client's files:
 * every client is built inside the method that uses it, and `@pulumi/pulumi` is imported for its types only.
 *
 * How the key stays secret: that process configures the provider with `acceptSecrets: false`, so its methods see
 * plain values and return plain outputs (a secret returned from a dynamic provider fails, pulumi/pulumi#3012). The
 * engine then marks secret each output whose input of the same name was secret (`annotateSecrets` after Check,
 * Create, Read and Update in pkg/resource/plugin/provider_plugin.go), and SparkPostAlert adds the same names to
 * `additionalSecretOutputs`. Delete and Update receive only the old outputs, so the key is one of them.
 */
import type * as pulumi from "@pulumi/pulumi";
import { AlertChanges, SparkPostAlertsClient, checkApiBaseUrl, healthScoreAlert, isSparkPostApiError, isUsableApiKey } from "../sparkpost/alertsApi";
import { RetryPolicy } from "../sparkpost/retry";

/** What the provider receives: SparkPostAlert resolves defaults and the region before. */
export interface SparkPostAlertInputs {
    apiKey: string;
    apiBaseUrl: string;
    name: string;
    target: string;
    muted: boolean;
}

export interface SparkPostAlertOutputs extends SparkPostAlertInputs {
    alertId: number;
}

/** Plain data only: it is serialized with the provider. */
export interface SparkPostAlertProviderOptions {
    timeoutMs?: number;
    retry?: Partial<RetryPolicy>;
}

/** The inputs that hold secrets; the outputs of the same names are secret too. */
export const SECRET_PROPERTIES = ["apiKey", "target"] as const;

/** Changing these updates the alert in place; only a change of account (the API base URL) replaces it. */
const UPDATABLE = ["apiKey", "name", "target", "muted"] as const;

/** What the engine sends for a value not known yet (a preview): `unknownValue` in @pulumi/pulumi/runtime/rpc. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export class SparkPostAlertProvider implements pulumi.dynamic.ResourceProvider<SparkPostAlertInputs, SparkPostAlertOutputs> {
    constructor(private readonly options: SparkPostAlertProviderOptions = {}) {}

    /** Refuses what SparkPost would refuse or what is unsafe to send; writes the base URL one way only. */
    async check(_olds: SparkPostAlertInputs, news: SparkPostAlertInputs): Promise<pulumi.dynamic.CheckResult<SparkPostAlertInputs>> {
        const failures = inputProblems(news).map(([property, reason]) => ({ property, reason }));
        if (failures.length > 0 || news.apiBaseUrl === UNKNOWN) return { inputs: news, failures };
        return { inputs: { ...news, apiBaseUrl: checkApiBaseUrl(news.apiBaseUrl) }, failures };
    }

    async diff(_id: string, olds: SparkPostAlertOutputs, news: SparkPostAlertInputs): Promise<pulumi.dynamic.DiffResult> {
        const replaces = olds.apiBaseUrl === news.apiBaseUrl ? [] : ["apiBaseUrl"];
        const updates = UPDATABLE.filter((property) => olds[property] !== news[property]);
        return {
            changes: replaces.length > 0 || updates.length > 0,
            replaces,
            stables: replaces.length > 0 ? [] : ["alertId"],
            // Create the new alert before deleting the old one: no day goes without a delivery.
            deleteBeforeReplace: false,
        };
    }

    async create(inputs: SparkPostAlertInputs): Promise<pulumi.dynamic.CreateResult<SparkPostAlertOutputs>> {
        const alertId = await this.client(inputs).createAlert(healthScoreAlert(inputs));
        return { id: String(alertId), outs: outputsOf(inputs, alertId) };
    }

    /** `pulumi refresh`: the alert as SparkPost has it now, or gone (an empty id) when it was deleted there. */
    async read(id: string, props?: SparkPostAlertOutputs): Promise<pulumi.dynamic.ReadResult<SparkPostAlertOutputs>> {
        if (!props?.apiKey || !props.apiBaseUrl) {
            throw new Error(`Reading SparkPost alert ${id} needs the API key and base URL from the stack's state; `
                + "importing an existing alert is not supported (an alert with the same name and target is adopted on create).");
        }
        const alertId = alertIdOf(id);
        try {
            const alert = await this.client(props).getAlert(alertId);
            return {
                id,
                props: {
                    ...outputsOf(props, alertId),
                    name: alert.name,
                    muted: alert.muted,
                    // No webhook channel any more: an empty target, which the next update puts back.
                    target: alert.channels?.webhook?.target ?? "",
                },
            };
        } catch (err) {
            if (isSparkPostApiError(err, "not_found")) return {};
            throw err;
        }
    }

    /** PUTs only the fields that changed; a new key alone is proven by reading the alert with it. */
    async update(id: string, olds: SparkPostAlertOutputs, news: SparkPostAlertInputs): Promise<pulumi.dynamic.UpdateResult<SparkPostAlertOutputs>> {
        const alertId = alertIdOf(id);
        const changes: AlertChanges = {
            ...(olds.name !== news.name ? { name: news.name } : {}),
            ...(olds.muted !== news.muted ? { muted: news.muted } : {}),
            ...(olds.target !== news.target ? { channels: { webhook: { target: news.target } } } : {}),
        };
        const client = this.client(news);
        try {
            if (Object.keys(changes).length > 0) await client.updateAlert(alertId, changes);
            else await client.getAlert(alertId);
        } catch (err) {
            if (isSparkPostApiError(err, "not_found")) {
                throw new Error(`${err.message} Run \`pulumi refresh\` so that the stack forgets it, then \`pulumi up\` creates it again.`);
            }
            throw err;
        }
        return { outs: outputsOf(news, alertId) };
    }

    /** An alert already deleted in SparkPost is gone, as asked. */
    async delete(id: string, props: SparkPostAlertOutputs): Promise<void> {
        try {
            await this.client(props).deleteAlert(alertIdOf(id));
        } catch (err) {
            if (isSparkPostApiError(err, "not_found")) return;
            throw err;
        }
    }

    private client(inputs: Pick<SparkPostAlertInputs, "apiKey" | "apiBaseUrl">): SparkPostAlertsClient {
        return new SparkPostAlertsClient({
            apiKey: inputs.apiKey,
            apiBaseUrl: inputs.apiBaseUrl,
            ...(this.options.timeoutMs === undefined ? {} : { timeoutMs: this.options.timeoutMs }),
            ...(this.options.retry === undefined ? {} : { retry: this.options.retry }),
        });
    }
}

/** The outputs, field by field: nothing else of the inputs (the serialized provider among them) is copied. */
function outputsOf(inputs: SparkPostAlertInputs, alertId: number): SparkPostAlertOutputs {
    return {
        alertId,
        apiKey: inputs.apiKey,
        apiBaseUrl: inputs.apiBaseUrl,
        name: inputs.name,
        target: inputs.target,
        muted: inputs.muted,
    };
}

function alertIdOf(id: string): number {
    if (!/^[1-9]\d*$/.test(id)) throw new Error(`"${id}" is not a SparkPost alert id.`);
    return Number(id);
}

/**
 * [property, reason] for each input that SparkPost would refuse or that is unsafe to send; values not known yet
 * (a preview) are checked when they are. Reasons never quote the key or the target (it holds the webhook token).
 */
export function inputProblems(inputs: Partial<Record<keyof SparkPostAlertInputs, unknown>>): Array<[keyof SparkPostAlertInputs, string]> {
    const problems: Array<[keyof SparkPostAlertInputs, string]> = [];
    const known = (value: unknown) => value !== UNKNOWN;
    if (known(inputs.apiKey) && !isUsableApiKey(inputs.apiKey)) {
        problems.push(["apiKey", "apiKey must be a SparkPost API key: printable characters, no spaces."]);
    }
    if (known(inputs.apiBaseUrl)) {
        try {
            checkApiBaseUrl(String(inputs.apiBaseUrl));
        } catch (err) {
            problems.push(["apiBaseUrl", (err as Error).message]);
        }
    }
    if (known(inputs.name) && !(typeof inputs.name === "string" && inputs.name.trim() !== "")) {
        problems.push(["name", "name must be a non-empty string."]);
    }
    if (known(inputs.target) && !isHttpUrl(inputs.target)) {
        problems.push(["target", "target must be the webhook endpoint's absolute http(s) URL (its value is not shown: it holds the token)."]);
    }
    if (known(inputs.muted) && typeof inputs.muted !== "boolean") {
        problems.push(["muted", "muted must be true or false."]);
    }
    return problems;
}

function isHttpUrl(value: unknown): boolean {
    if (typeof value !== "string") return false;
    try {
        return ["http:", "https:"].includes(new URL(value).protocol);
    } catch {
        return false;
    }
}
