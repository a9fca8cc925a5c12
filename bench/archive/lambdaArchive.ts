/**
 * The receiver's Lambda archive as `aws.lambda.CallbackFunction` builds it, without Pulumi's engine: the factory
 * serialized by `pulumi.runtime.serializeFunction` with CallbackFunction's options, and the packages chosen by
 * `pulumi.runtime.computeCodePaths` (CallbackFunction always adds `aws-sdk` to the exclusions). "shipped" uses
 * the component's code-path options (shared/lambdaPackage.ts); "naive" is a CallbackFunction given none,
 * which packs every dependency in package.json.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { createLambdaHandler } from "../../handlers/lambda";
import { receiverCodePathOptions } from "../../shared/lambdaPackage";

export type ArchiveKind = "shipped" | "naive";

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
    /** Top-level package folders in the archive (`node_modules/<package>`). */
    packages: string[];
}

export async function buildLambdaArchive(kind: ArchiveKind, projectRoot: string): Promise<LambdaArchive> {
    const serialized = await pulumi.runtime.serializeFunction(createLambdaHandler as unknown as (...args: unknown[]) => unknown, {
        serialize: () => true,
        exportName: "handler",
        isFactoryFunction: true,
        allowSecrets: true,
    });
    const packageJson = JSON.parse(fs.readFileSync(path.join(projectRoot, "package.json"), "utf8"));
    const options: { extraExcludePackages?: string[] } = kind === "shipped" ? receiverCodePathOptions(packageJson) : {};
    const codePaths = await pulumi.runtime.computeCodePaths({ ...options, extraExcludePackages: [...(options.extraExcludePackages ?? []), "aws-sdk"] });

    const files: ArchiveFile[] = [{ name: "__index.js", text: serialized.text, bytes: Buffer.byteLength(serialized.text) }];
    const packages: string[] = [];
    for (const [name, asset] of codePaths) {
        const localPath = path.resolve(projectRoot, await (asset as unknown as { path: Promise<string> }).path);
        packages.push(name);
        for (const file of walk(localPath)) files.push({ name: path.join(name, path.relative(localPath, file)), localPath: file, bytes: fs.statSync(file).size });
    }
    return { kind, indexJs: serialized.text, files, packages: packages.sort() };
}

function walk(localPath: string): string[] {
    const stat = fs.statSync(localPath);
    if (!stat.isDirectory()) return [localPath];
    return fs.readdirSync(localPath).flatMap((entry) => walk(path.join(localPath, entry)));
}
