/**
 * What ships beside the functions' serialized code: the files of their bundled packages that `require` can
 * reach, not the whole folders (README, type declarations, source maps, the ESM twin of every CommonJS file). Node's own resolution
 * decides each step (`require.resolve`, with the package's `exports` and `main`), so what is traced is exactly
 * what the runtime will load.
 *
 * A specifier is followed when it is a string literal in `require("...")` or `import("...")`; built-in modules
 * and {@link TraceOptions.provided} ones (the runtime's AWS SDK) are not. A specifier that does not resolve is
 * an error, unless its package is an optional peer dependency that is not installed: then the file that names it
 * can only load it on a path the handler does not take (Powertools' JMESPath-based correlation ids, for example).
 */
import * as fs from "fs";
import { builtinModules } from "module";
import * as path from "path";
import { BUNDLED_PACKAGES, PackageJson, PackageSelection, isRuntimeProvided, receiverCodePathOptions } from "../shared/lambdaPackage";

const REFERENCE = /\b(?:require|import)\(\s*["']([^"']+)["']\s*\)/g;

export interface TraceOptions {
    /** Packages the runtime provides, never shipped. */
    provided?: (packageName: string) => boolean;
}

/** The package a bare specifier names (`@scope/name` or `name`), or undefined for a relative or absolute path. */
export function packageNameOf(specifier: string): string | undefined {
    if (specifier.startsWith(".") || path.isAbsolute(specifier)) return undefined;
    const parts = specifier.split("/");
    return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

function isBuiltin(specifier: string): boolean {
    return specifier.startsWith("node:") || builtinModules.includes(specifier) || builtinModules.includes(specifier.split("/")[0]);
}

/** Every package.json from `file`'s folder up to its package's root: they tell Node each file's module type. */
function packageJsonsAbove(file: string): string[] {
    const found: string[] = [];
    for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
        const candidate = path.join(dir, "package.json");
        if (fs.existsSync(candidate)) found.push(candidate);
        if (path.basename(path.dirname(dir)) === "node_modules" || path.basename(path.dirname(path.dirname(dir))) === "node_modules" && path.basename(path.dirname(dir)).startsWith("@")) break;
        if (dir === path.dirname(dir)) break;
    }
    return found;
}

function optionalPeers(file: string): Set<string> {
    const optional = new Set<string>();
    for (const packageJson of packageJsonsAbove(file)) {
        const meta = JSON.parse(fs.readFileSync(packageJson, "utf8")) as { peerDependenciesMeta?: Record<string, { optional?: boolean }> };
        for (const [name, { optional: isOptional }] of Object.entries(meta.peerDependenciesMeta ?? {})) if (isOptional) optional.add(name);
    }
    return optional;
}

/**
 * The files, relative to `projectRoot`, that requiring each of `packages` from the project can load: the
 * CommonJS files, their dependencies' files, and the package.json files on their way. Sorted.
 */
export function traceRequiredFiles(packages: readonly string[], projectRoot: string, options: TraceOptions = {}): string[] {
    const provided = options.provided ?? (() => false);
    const files = new Set<string>();
    const pending: string[] = packages.map((name) => require.resolve(name, { paths: [projectRoot] }));
    while (pending.length > 0) {
        const file = pending.pop()!;
        if (files.has(file)) continue;
        files.add(file);
        for (const packageJson of packageJsonsAbove(file)) files.add(packageJson);
        if (!/\.c?js$/.test(file)) continue;
        for (const [, specifier] of fs.readFileSync(file, "utf8").matchAll(REFERENCE)) {
            const packageName = packageNameOf(specifier);
            if (isBuiltin(specifier) || (packageName && provided(packageName))) continue;
            let resolved: string;
            try {
                resolved = require.resolve(specifier, { paths: [path.dirname(file)] });
            } catch (err) {
                if (packageName && optionalPeers(file).has(packageName)) continue;
                throw new Error(`${path.relative(projectRoot, file)} requires "${specifier}", which does not resolve: ${(err as Error).message.split("\n")[0]}`);
            }
            pending.push(resolved);
        }
    }
    return [...files].map((file) => path.relative(projectRoot, file)).sort();
}

/**
 * The code-path options both functions' CallbackFunctions get (and the benchmark measures): every dependency's
 * folder excluded, and the traced files of {@link BUNDLED_PACKAGES}, relative to `projectRoot`, where Pulumi runs.
 */
export function functionCodePathOptions(packageJson: PackageJson, projectRoot: string = process.cwd()): PackageSelection {
    return receiverCodePathOptions(packageJson, traceRequiredFiles(BUNDLED_PACKAGES, projectRoot, { provided: isRuntimeProvided }));
}
