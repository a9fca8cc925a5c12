/**
 * What goes into a function's deployment archive besides the serialized handler.
 *
 * `CallbackFunction` walks every package in package.json `dependencies` (skipping only @pulumi/* and `aws-sdk`
 * v2), which here would ship the emulators, DuckDB's native binaries and the CLI. The handlers need none of
 * them: their closures require only the AWS SDK v3, which the nodejs22.x runtime provides, and the packages
 * listed in {@link BUNDLED_PACKAGES}. Every dependency is excluded by name, so a dependency added later stays
 * out unless it is added here on purpose; of the bundled packages, only the files `require` can reach are
 * shipped (traced by handlers/packageFiles.ts), which keeps each archive small.
 */

/**
 * Packages the handlers' closures require that the Lambda runtime does not provide: superstruct (validation) and
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

/** The part of Pulumi's `CodePathOptions` that decides what goes into the archive besides `__index.js`. */
export interface PackageSelection {
    /** Every dependency, bundled ones included: their whole folders stay out (devDependencies are never walked). */
    extraExcludePackages: string[];
    /** The bundled packages' reachable files, relative to the project root (Pulumi runs there). */
    extraIncludePaths: string[];
}

/** The selection for `bundledFiles`, the bundled packages' files (relative to the project root). */
export function receiverCodePathOptions(packageJson: PackageJson, bundledFiles: readonly string[]): PackageSelection {
    const dependencies = Object.keys(packageJson.dependencies ?? {});
    const missing = BUNDLED_PACKAGES.filter((name) => !dependencies.includes(name));
    if (missing.length > 0) {
        throw new Error(`the functions bundle ${missing.join(", ")}, which package.json dependencies lack`);
    }
    return { extraExcludePackages: dependencies, extraIncludePaths: [...bundledFiles] };
}
