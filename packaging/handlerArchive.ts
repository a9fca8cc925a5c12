/**
 * A function's deployment archive: its handler factory serialized by Pulumi's closure serializer, with the options
 * `aws.lambda.CallbackFunction` uses, then bundled by esbuild with the packages the code requires and minified,
 * into the archive's one file, `__index.js`.
 *
 * Why not CallbackFunction itself: it ships each package the code requires as files at their node_modules paths,
 * as npm installed them (comments, every module whether reached or not), and takes neither a bundler nor a
 * minifier. Its archives were 276–280 KB unzipped with a hand-written list of the files to ship; the bundle is about
 * 106 KB (BENCHMARKS.md, the Lambda archives), and what goes in is decided by esbuild following `require`, so a
 * package added to package.json ships only if a handler requires it.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as esbuild from "esbuild";

/**
 * Both functions' runtime, set explicitly (a provider's default changes with its upgrades); the bundle targets its
 * Node.js version.
 */
export const LAMBDA_RUNTIME = "nodejs22.x";

/** The file Lambda loads and the function it calls: `handler` exported by `__index.js`, as CallbackFunction names them. */
export const HANDLER_FILE = "__index.js";
export const HANDLER_ENTRY = "__index.handler";

/**
 * Left as `require` calls: the Lambda Node.js runtimes provide the AWS SDK for JavaScript v3's clients ("Lambda
 * runtimes", AWS Lambda Developer Guide), and a function that bundled its own copy would ship megabytes. Only the
 * clients: which other `@aws-sdk` packages a runtime carries is not documented (aws-sdk-js-v3#4215: util-base64
 * missing on nodejs18.x), so the utilities the handlers use (util-dynamodb, 11 KB) are bundled.
 */
export const RUNTIME_PROVIDED = ["@aws-sdk/client-*"];

const PROJECT_ROOT = path.join(__dirname, "..");

/** A factory that builds the handler when Lambda loads the code: SDK clients and superstruct Structs are made there. */
export type HandlerFactory = () => unknown;

export interface BundledHandler {
    /** The text of `__index.js`. */
    text: string;
    /** The packages bundled into it, sorted (the runtime-provided ones are not). */
    packages: string[];
    /** Bytes each part contributes to the bundle: a package's name, or `__index.js` for the serialized code. */
    bytesByPart: Record<string, number>;
}

/** esbuild's target for a Lambda runtime identifier: `nodejs22.x` -> `node22`. */
export function esbuildTarget(runtime: string): string {
    const major = /^nodejs(\d+)\.x$/.exec(runtime)?.[1];
    if (!major) throw new Error(`runtime "${runtime}" is not a Lambda Node.js runtime (nodejs<major>.x)`);
    return `node${major}`;
}

/**
 * The package a path under node_modules belongs to (the innermost, for a nested one):
 * node_modules/@scope/name/... -> @scope/name. Undefined for a path outside node_modules.
 */
export function packageOfPath(filePath: string): string | undefined {
    const parts = filePath.split(/[\\/]/);
    const at = parts.lastIndexOf("node_modules");
    if (at < 0 || at + 1 >= parts.length) return undefined;
    return parts[at + 1].startsWith("@") ? `${parts[at + 1]}/${parts[at + 2]}` : parts[at + 1];
}

/**
 * Serializes `factory` and bundles it for {@link LAMBDA_RUNTIME}, with the packages the code requires resolved from the project's
 * node_modules. A secret captured by the closure is an error rather than text in the archive.
 */
export async function bundleHandler(factory: HandlerFactory): Promise<BundledHandler> {
    const serialized = await pulumi.runtime.serializeFunction(factory, {
        serialize: () => true,
        exportName: "handler",
        isFactoryFunction: true,
        allowSecrets: false,
    });
    const result = await esbuild.build({
        stdin: { contents: serialized.text, resolveDir: PROJECT_ROOT, sourcefile: HANDLER_FILE, loader: "js" },
        bundle: true,
        platform: "node",
        format: "cjs",
        target: esbuildTarget(LAMBDA_RUNTIME),
        external: RUNTIME_PROVIDED,
        minify: true,
        // Class and function names survive, for stack traces and error names in the logs (a few KB).
        keepNames: true,
        metafile: true,
        write: false,
        logLevel: "silent",
    });
    const [output] = Object.values(result.metafile.outputs);
    const bytesByPart: Record<string, number> = {};
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
        // A bundled input is a package's file, or the serialized code itself.
        const part = packageOfPath(input) ?? HANDLER_FILE;
        bytesByPart[part] = (bytesByPart[part] ?? 0) + bytesInOutput;
    }
    return {
        text: result.outputFiles[0].text,
        packages: Object.keys(bytesByPart).filter((part) => part !== HANDLER_FILE).sort(),
        bytesByPart,
    };
}

/** The archive Lambda gets: `__index.js` alone. */
export function handlerArchive(factory: HandlerFactory): pulumi.asset.AssetArchive {
    return new pulumi.asset.AssetArchive(bundleHandler(factory).then((bundle) =>
        ({ [HANDLER_FILE]: new pulumi.asset.StringAsset(bundle.text) })));
}
