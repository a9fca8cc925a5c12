/**
 * What goes into the receiver's deployment archive besides the serialized handler.
 *
 * `CallbackFunction` walks every package in package.json `dependencies` (skipping only @pulumi/* and `aws-sdk`
 * v2), which here would ship the emulators, DuckDB's native binaries and the CLI. The handler needs none of
 * them: its closure requires only the AWS SDK v3, which the nodejs22.x runtime provides, and the packages listed
 * in {@link BUNDLED_PACKAGES}. Everything else is excluded by name, so a dependency added later stays out
 * unless it is added here on purpose.
 */
import type * as pulumi from "@pulumi/pulumi";

/** Packages the handler's closure requires that the Lambda runtime does not provide. */
export const BUNDLED_PACKAGES: readonly string[] = ["superstruct"];

/** The runtime provides the whole AWS SDK for JavaScript v3 (`@aws-sdk/*`). */
export function isRuntimeProvided(packageName: string): boolean {
    return packageName.startsWith("@aws-sdk/");
}

export interface PackageJson {
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
}

/** Excludes every dependency that is not bundled on purpose (devDependencies are never walked). */
export function receiverCodePathOptions(packageJson: PackageJson): pulumi.runtime.CodePathOptions {
    const dependencies = Object.keys(packageJson.dependencies ?? {});
    const missing = BUNDLED_PACKAGES.filter((name) => !dependencies.includes(name));
    if (missing.length > 0) {
        throw new Error(`the receiver bundles ${missing.join(", ")}, which package.json dependencies lack`);
    }
    return { extraExcludePackages: dependencies.filter((name) => !BUNDLED_PACKAGES.includes(name)) };
}
