/**
 * What goes into the receiver's deployment archive besides the serialized handler.
 *
 * `CallbackFunction` walks every package in package.json `dependencies` (skipping only @pulumi/* and `aws-sdk`
 * v2), which here would ship the emulators, DuckDB's native binaries and the CLI. The handler needs none of
 * them: its closure requires only the AWS SDK v3, which the nodejs22.x runtime provides, and the packages listed
 * in {@link BUNDLED_PACKAGES}. Everything else is excluded by name, so a dependency added later stays out
 * unless it is added here on purpose.
 */

/**
 * Packages the handler's closure requires that the Lambda runtime does not provide: superstruct (validation) and
 * Powertools' Logger (the functions' JSON log lines), which brings @aws-lambda-powertools/commons and
 * @aws/lambda-invoke-store along as its dependencies.
 */
export const BUNDLED_PACKAGES: readonly string[] = ["superstruct", "@aws-lambda-powertools/logger"];

/** The runtime provides the whole AWS SDK for JavaScript v3 (`@aws-sdk/*`). */
export function isRuntimeProvided(packageName: string): boolean {
    return packageName.startsWith("@aws-sdk/");
}

export interface PackageJson {
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
}

/** Excludes every dependency that is not bundled on purpose (devDependencies are never walked). */
/** The part of Pulumi's `CodePathOptions` that decides which packages go into the archive. */
export interface PackageSelection {
    extraExcludePackages: string[];
}

export function receiverCodePathOptions(packageJson: PackageJson): PackageSelection {
    const dependencies = Object.keys(packageJson.dependencies ?? {});
    const missing = BUNDLED_PACKAGES.filter((name) => !dependencies.includes(name));
    if (missing.length > 0) {
        throw new Error(`the receiver bundles ${missing.join(", ")}, which package.json dependencies lack`);
    }
    return { extraExcludePackages: dependencies.filter((name) => !BUNDLED_PACKAGES.includes(name)) };
}
