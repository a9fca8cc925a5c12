/**
 * Reads the `healthscore` namespace of the stack's configuration as the raw strings Pulumi stores, for
 * parseConfig. Secrets arrive decrypted: parseConfig validates them, and the program wraps them in
 * pulumi.secret before any resource sees them.
 */
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_NAMESPACE, RawConfig } from "../shared/settings";

export function readStackConfig(): RawConfig {
    const prefix = `${CONFIG_NAMESPACE}:`;
    const raw: Record<string, string> = {};
    for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
        if (key.startsWith(prefix)) raw[key.slice(prefix.length)] = value;
    }
    return raw;
}
