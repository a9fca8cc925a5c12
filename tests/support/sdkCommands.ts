/** Which AWS SDK commands a handler module sends, read from its source: the policies must grant exactly these. */
import * as fs from "fs";
import * as path from "path";

/** The SDK commands a handler source file sends, per client package. */
export function commandsSent(file: string): Record<string, string[]> {
    const source = fs.readFileSync(path.join(__dirname, "..", "..", "handlers", file), "utf8");
    const sent = new Set([...source.matchAll(/new (\w+)Command\(/g)].map((m) => m[1]));
    const byClient: Record<string, string[]> = {};
    for (const [, names, client] of source.matchAll(/import\s*{([^}]*)}\s*from\s*"@aws-sdk\/([\w-]+)"/g)) {
        byClient[client] = names.split(",").map((name) => name.trim()).filter((name) => name.endsWith("Command")).map((name) => name.slice(0, -"Command".length)).filter((c) => sent.has(c)).sort();
    }
    return byClient;
}

