/**
 * A function's Lambda archive as Pulumi ships it, without Pulumi's engine. "receiver" and "loader" are the bundles
 * the components deploy (packaging/handlerArchive.ts: the factory serialized, then bundled and minified into
 * `__index.js` alone). "naive" is the receiver as `aws.lambda.CallbackFunction` would ship it given no code-path
 * options: the factory serialized by `pulumi.runtime.serializeFunction` with CallbackFunction's options, beside the
 * paths `pulumi.runtime.computeCodePaths` picks, which pack every dependency in package.json (CallbackFunction
 * always adds `aws-sdk` to the exclusions).
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { createLambdaHandler, createLoaderLambdaHandler } from "../../handlers/lambda";
import { bundleHandler, packageOfPath } from "../../packaging/handlerArchive";

export type ArchiveKind = "receiver" | "loader" | "naive";

export interface ArchiveFile {
    /** The path inside the archive. */
    name: string;
    /** Where the content comes from: a file on disk, or text. */
    localPath?: string;
    text?: string;
    bytes: number;
}

export interface LambdaArchive {
    kind: ArchiveKind;
    /** The serialized handler, `__index.js`. */
    indexJs: string;
    files: ArchiveFile[];
    /** The paths Pulumi adds beside `__index.js` (package folders, or single files), relative to the project. */
    paths: string[];
    /** The packages those paths belong to, or that the bundle holds. */
    packages: string[];
    /** For a bundle: the bytes each package, and the serialized code (`__index.js`), contribute to it. */
    bytesByPart?: Record<string, number>;
}

export async function buildLambdaArchive(kind: ArchiveKind, projectRoot: string): Promise<LambdaArchive> {
    if (kind !== "naive") {
        const bundle = await bundleHandler(kind === "loader" ? createLoaderLambdaHandler : createLambdaHandler);
        const files = [{ name: "__index.js", text: bundle.text, bytes: Buffer.byteLength(bundle.text) }];
        return { kind, indexJs: bundle.text, files, paths: [], packages: bundle.packages, bytesByPart: bundle.bytesByPart };
    }
    const serialized = await pulumi.runtime.serializeFunction(createLambdaHandler as unknown as (...args: unknown[]) => unknown, {
        serialize: () => true,
        exportName: "handler",
        isFactoryFunction: true,
        allowSecrets: true,
    });
    const codePaths = await pulumi.runtime.computeCodePaths({ extraExcludePackages: ["aws-sdk"] });

    const files: ArchiveFile[] = [{ name: "__index.js", text: serialized.text, bytes: Buffer.byteLength(serialized.text) }];
    const paths: string[] = [];
    for (const [name, asset] of codePaths) {
        const localPath = path.resolve(projectRoot, await (asset as unknown as { path: Promise<string> }).path);
        paths.push(name);
        for (const file of walk(localPath)) files.push({ name: path.join(name, path.relative(localPath, file)), localPath: file, bytes: fs.statSync(file).size });
    }
    return { kind, indexJs: serialized.text, files, paths: paths.sort(), packages: [...new Set(paths.map((name) => packageOfPath(name) ?? name))].sort() };
}

function walk(localPath: string): string[] {
    const stat = fs.statSync(localPath);
    if (!stat.isDirectory()) return [localPath];
    return fs.readdirSync(localPath).flatMap((entry) => walk(path.join(localPath, entry)));
}
