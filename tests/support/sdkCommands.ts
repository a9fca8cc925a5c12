/** Which AWS SDK commands a handler module sends, read from its source: the policies must grant exactly these. */
import * as fs from "fs";
import * as path from "path";

const HANDLERS = path.join(__dirname, "..", "..", "handlers");

/** handlers/sdk.ts's accessors, which load a client package on first use: `s3Sdk` -> `client-s3`. */
function lazyClients(): Record<string, string> {
    const source = fs.readFileSync(path.join(HANDLERS, "sdk.ts"), "utf8");
    return Object.fromEntries([...source.matchAll(/export const (\w+) = \(\)[^=]*=> require\("@aws-sdk\/([\w-]+)"\)/g)].map((m) => [m[1], m[2]]));
}

/**
 * The SDK commands a handler source file sends, per client package: commands imported from a client package
 * (`new PutObjectCommand(`), or taken from handlers/sdk.ts's accessors (`new (s3Sdk().PutObjectCommand)(`).
 */
export function commandsSent(file: string): Record<string, string[]> {
    const source = fs.readFileSync(path.join(HANDLERS, file), "utf8");
    const sent = new Set([...source.matchAll(/new (\w+)Command\(/g)].map((m) => m[1]));
    const byClient: Record<string, string[]> = {};
    for (const [, names, client] of source.matchAll(/import\s*{([^}]*)}\s*from\s*"@aws-sdk\/([\w-]+)"/g)) {
        byClient[client] = names.split(",").map((name) => name.trim()).filter((name) => name.endsWith("Command")).map((name) => name.slice(0, -"Command".length)).filter((c) => sent.has(c)).sort();
    }
    const accessors = lazyClients();
    for (const [, accessor, command] of source.matchAll(/new \((\w+)\(\)\.(\w+)Command\)\(/g)) {
        const client = accessors[accessor];
        if (!client) continue;
        byClient[client] = [...new Set([...(byClient[client] ?? []), command])].sort();
    }
    return byClient;
}
