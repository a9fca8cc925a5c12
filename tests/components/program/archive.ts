/**
 * A function's deployment archive as the mocks receive it, read back, and laid out on disk as Lambda would unpack
 * it (with the runtime's SDK beside it), so that its `__index.js` can run against the emulators.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Deployment } from "../../support/mocks";
import { RECEIVER_FUNCTION, T } from "./types";

export const PROJECT = path.join(__dirname, "..", "..", "..");

/** SDK utilities the handlers use that a Lambda runtime need not carry: the bundles hold them. */
const RUNTIME_MAY_LACK = ["@aws-sdk/util-dynamodb"];
/** Issue 12's bound on a function's archive, unzipped. */
export const MAX_ARCHIVE_BYTES = 250 * 1024;

export interface Archive {
    /** Archive path -> the text of a string asset. */
    text: Map<string, string>;
    /** Archive path -> the local path of a file asset. */
    files: Map<string, string>;
}

export async function readArchive(deployment: Deployment, functionName = RECEIVER_FUNCTION): Promise<Archive> {
    const code = deployment.get(T.function, functionName).inputs.code;
    assert.ok(code?.__pulumiArchive, "code is not an asset archive");
    const assets: Record<string, any> = await code.assets;
    const archive: Archive = { text: new Map(), files: new Map() };
    for (const [name, asset] of Object.entries(assets)) {
        if (asset.__pulumiAsset && asset.text !== undefined) archive.text.set(name, await asset.text);
        else if (asset.path !== undefined) archive.files.set(name, await asset.path);
        else assert.fail(`unexpected asset ${name}`);
    }
    return archive;
}

/** Bare module names the serialized closure requires: `@aws-sdk/client-s3/dist-cjs/index.js` -> `@aws-sdk/client-s3`. */
export function requiredPackages(text: string): string[] {
    const specifiers = [...text.matchAll(/require\(["']([^"']+)["']\)/g)].map((match) => match[1]);
    return [...new Set(specifiers.map((s) => (s.startsWith("@") ? s.split("/").slice(0, 2).join("/") : s.split("/")[0])))].sort();
}

/**
 * Writes the archive's `__index.js` to a temp dir, with node_modules as Lambda would see it: the runtime's SDK
 * clients and their dependencies only (no file asset is expected: readArchive's callers check), without the SDK's
 * utilities, which a runtime need not carry. Answers the dir.
 */
export function layOutArchive(archive: Archive): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "healthscore-archive-"));
    fs.writeFileSync(path.join(dir, "__index.js"), archive.text.get("__index.js")!);
    const modules = path.join(dir, "node_modules");
    fs.mkdirSync(modules);
    // The SDK and its own dependencies, which the runtime ships with it.
    for (const dependency of ["@aws-sdk", "@smithy", "@aws-crypto", "@aws", "tslib", "fast-xml-parser", "strnum", "bowser", "uuid"]) {
        const source = path.join(PROJECT, "node_modules", dependency);
        if (!fs.existsSync(source)) continue;
        const packages = dependency.startsWith("@") ? fs.readdirSync(source).map((name) => `${dependency}/${name}`) : [dependency];
        for (const name of packages) {
            if (RUNTIME_MAY_LACK.includes(name)) continue;
            fs.mkdirSync(path.dirname(path.join(modules, name)), { recursive: true });
            fs.symlinkSync(path.join(PROJECT, "node_modules", name), path.join(modules, name));
        }
    }
    return dir;
}
