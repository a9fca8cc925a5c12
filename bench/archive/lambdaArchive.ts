/**
 * A function's Lambda archive as `aws.lambda.CallbackFunction` builds it, without Pulumi's engine: the factory
 * serialized by `pulumi.runtime.serializeFunction` with CallbackFunction's options, and the paths chosen by
 * `pulumi.runtime.computeCodePaths` (CallbackFunction always adds `aws-sdk` to the exclusions). "receiver" and
 * "loader" use the components' code-path options (handlers/packageFiles.ts); "naive" is the receiver in a
 * CallbackFunction given none, which packs every dependency in package.json.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { createLambdaHandler, createLoaderLambdaHandler } from "../../handlers/lambda";
import { functionCodePathOptions } from "../../handlers/packageFiles";

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
    /** The packages those paths belong to. */
    packages: string[];
}

/** The package an archive path belongs to: node_modules/@scope/name/... -> @scope/name. */
export function packageOfPath(archivePath: string): string {
    const parts = archivePath.split(/[\\/]/);
    const at = parts.lastIndexOf("node_modules");
    return parts[at + 1].startsWith("@") ? `${parts[at + 1]}/${parts[at + 2]}` : parts[at + 1];
}

export async function buildLambdaArchive(kind: ArchiveKind, projectRoot: string): Promise<LambdaArchive> {
    const factory = kind === "loader" ? createLoaderLambdaHandler : createLambdaHandler;
    const serialized = await pulumi.runtime.serializeFunction(factory as unknown as (...args: unknown[]) => unknown, {
        serialize: () => true,
        exportName: "handler",
        isFactoryFunction: true,
        allowSecrets: true,
    });
    const packageJson = JSON.parse(fs.readFileSync(path.join(projectRoot, "package.json"), "utf8"));
    const options: { extraExcludePackages?: string[]; extraIncludePaths?: string[] } = kind === "naive" ? {} : functionCodePathOptions(packageJson, projectRoot);
    const codePaths = await pulumi.runtime.computeCodePaths({ ...options, extraExcludePackages: [...(options.extraExcludePackages ?? []), "aws-sdk"] });

    const files: ArchiveFile[] = [{ name: "__index.js", text: serialized.text, bytes: Buffer.byteLength(serialized.text) }];
    const paths: string[] = [];
    for (const [name, asset] of codePaths) {
        const localPath = path.resolve(projectRoot, await (asset as unknown as { path: Promise<string> }).path);
        paths.push(name);
        for (const file of walk(localPath)) files.push({ name: path.join(name, path.relative(localPath, file)), localPath: file, bytes: fs.statSync(file).size });
    }
    return { kind, indexJs: serialized.text, files, paths: paths.sort(), packages: [...new Set(paths.map(packageOfPath))].sort() };
}

function walk(localPath: string): string[] {
    const stat = fs.statSync(localPath);
    if (!stat.isDirectory()) return [localPath];
    return fs.readdirSync(localPath).flatMap((entry) => walk(path.join(localPath, entry)));
}
