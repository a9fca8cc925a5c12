/**
 * The SparkPost alert that sends each day's Health Scores to this stack's webhook, as a Pulumi resource: one
 * `pulumi up` wires both ends, a token rotation reaches SparkPost as an in-place update, and `pulumi destroy`
 * deletes the alert. A dynamic resource: SparkPostAlertProvider does the work through SparkPost's Alerts API.
 */
import * as pulumi from "@pulumi/pulumi";
import { SPARKPOST_API_URLS, SparkPostRegion, isSparkPostRegion } from "../sparkpost/alertsApi";
import { SETTINGS } from "../shared/settings";
import { SECRET_PROPERTIES, SparkPostAlertProvider } from "./sparkpostAlertProvider";

/** The settings table's default for `sparkpostAlertName`. */
export const DEFAULT_ALERT_NAME = SETTINGS.sparkpostAlertName.default;

export interface SparkPostAlertArgs {
    /**
     * A SparkPost API key with the "Alerts: Read/Write" permission. Kept secret in the inputs, the outputs and the
     * state (delete and update get only the stored outputs, so the key is stored with them, encrypted).
     */
    apiKey: pulumi.Input<string>;
    /** The webhook endpoint's full URL. It holds the token, so it is a secret too. */
    target: pulumi.Input<string>;
    /** @default "Daily health score" */
    name?: pulumi.Input<string>;
    /**
     * Where the SparkPost account lives: `us` (https://api.sparkpost.com/api/v1) or `eu`
     * (https://api.eu.sparkpost.com/api/v1). A key works only in its own region. Ignored when `apiBaseUrl` is given.
     * @default "us"
     */
    region?: string;
    /** Any API base URL (https), instead of `region`'s. Changing it replaces the alert (another account). */
    apiBaseUrl?: pulumi.Input<string>;
    /** A muted alert sends nothing. @default false */
    muted?: pulumi.Input<boolean>;
}

export class SparkPostAlert extends pulumi.dynamic.Resource {
    /** SparkPost's id of the alert (the resource's id is the same number, as a string). */
    declare readonly alertId: pulumi.Output<number>;
    /** The webhook endpoint the alert posts to. Secret. */
    declare readonly target: pulumi.Output<string>;
    declare readonly name: pulumi.Output<string>;
    declare readonly muted: pulumi.Output<boolean>;
    declare readonly apiBaseUrl: pulumi.Output<string>;

    constructor(name: string, args: SparkPostAlertArgs, opts?: pulumi.CustomResourceOptions) {
        super(new SparkPostAlertProvider(), name, sparkPostAlertProps(args), {
            ...opts,
            additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...SECRET_PROPERTIES],
        }, "healthscore", "SparkPostAlert");
    }
}

/**
 * The resource's properties: defaults resolved, the region turned into its API URL, the key and the target wrapped
 * as secrets whatever the caller passed, and `alertId` declared so that it becomes an output.
 */
export function sparkPostAlertProps(args: SparkPostAlertArgs): pulumi.Inputs {
    return {
        apiKey: pulumi.secret(args.apiKey),
        target: pulumi.secret(args.target),
        name: args.name ?? DEFAULT_ALERT_NAME,
        muted: args.muted ?? false,
        apiBaseUrl: args.apiBaseUrl ?? apiBaseUrlOf(args.region ?? "us"),
        alertId: undefined,
    };
}

function apiBaseUrlOf(region: string): string {
    if (!isSparkPostRegion(region)) {
        throw new Error(`region must be one of ${Object.keys(SPARKPOST_API_URLS).join(", ")}, but it is "${region}".`);
    }
    return SPARKPOST_API_URLS[region as SparkPostRegion];
}
