/**
 * A deployed stack's outputs, for the commands that work against AWS (`send --stack`, `report`, `pools`,
 * `query --athena`): from a file saved with `pulumi stack output --json`, or straight from the Pulumi CLI with
 * `--stack NAME`. The outputs may hold secrets (`endpointUrl` holds the token), so no message quotes them.
 */
import { execFile } from "child_process";
import * as fs from "fs";

export type DeployedOutputs = Record<string, unknown>;

/** Where the outputs come from: `--stack NAME` or `--outputs FILE`, at most one. */
export interface StackOutputsSource {
    stack?: string;
    outputs?: string;
}

export interface PulumiOptions {
    /** The environment the Pulumi CLI runs in (its PATH finds it). @default process.env */
    env?: NodeJS.ProcessEnv;
    /** The Pulumi project's directory. @default process.cwd() */
    cwd?: string;
}

const SAVE_HINT = "pulumi stack output --json --show-secrets";

/** True when either `--stack` or `--outputs` was given; refuses both. */
export function wantsDeployedStack(source: StackOutputsSource): boolean {
    if (source.stack !== undefined && source.outputs !== undefined) throw new Error("give --stack NAME or --outputs FILE, not both");
    return source.stack !== undefined || source.outputs !== undefined;
}

/** The outputs named by `--stack` or `--outputs`, with `keys` checked to be non-empty strings. */
export async function deployedOutputs<K extends string>(source: StackOutputsSource, keys: readonly K[], pulumi: PulumiOptions = {}): Promise<Record<K, string>> {
    if (!wantsDeployedStack(source)) throw new Error("give --stack NAME (with the Pulumi CLI) or --outputs FILE (saved with `pulumi stack output --json`)");
    if (source.stack !== undefined) {
        return requireOutputs(await pulumiStackOutputs(source.stack, pulumi), keys, `the outputs of stack ${source.stack}`);
    }
    return requireOutputs(readOutputsFile(source.outputs as string), keys, source.outputs as string);
}

/** `pulumi stack output --json --show-secrets --stack NAME`, run in the project's directory. */
export function pulumiStackOutputs(stack: string, options: PulumiOptions = {}): Promise<DeployedOutputs> {
    const args = ["stack", "output", "--json", "--show-secrets", "--stack", stack];
    return new Promise((resolve, reject) => {
        execFile("pulumi", args, { env: options.env ?? process.env, cwd: options.cwd, maxBuffer: 16 * 1024 * 1024, timeout: 120_000 }, (err, stdout, stderr) => {
            if (err && (err as NodeJS.ErrnoException).code === "ENOENT") {
                return reject(new Error(
                    "the Pulumi CLI is not on PATH, so --stack cannot read the stack's outputs: install it " +
                    "(https://www.pulumi.com/docs/install/), or save them where it is installed with " +
                    `\`${SAVE_HINT} --stack ${stack} > stack.json\` and pass --outputs stack.json`));
            }
            if (err) {
                const reason = String(stderr).trim().split("\n").filter(Boolean).slice(-3).join(" ") || err.message;
                return reject(new Error(`\`pulumi stack output --stack ${stack}\` failed: ${reason}`));
            }
            try {
                resolve(parseOutputs(String(stdout), `the outputs of stack ${stack}`));
            } catch (parseError) {
                reject(parseError);
            }
        });
    });
}

/** The outputs saved in `file`. */
export function readOutputsFile(file: string): DeployedOutputs {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch {
        throw new Error(`cannot read ${file}: write it with \`pulumi stack output --json > ${file}\``);
    }
    return parseOutputs(text, file);
}

export function parseOutputs(text: string, source: string): DeployedOutputs {
    let outputs: unknown;
    try {
        outputs = JSON.parse(text);
    } catch (err) {
        // The parser's message can quote the text, which may hold a secret: only its position is kept.
        const position = /position \d+/.exec((err as Error).message)?.[0];
        throw new Error(`${source} is not JSON (${position ? `at ${position}` : "unparsable"}): write it with \`pulumi stack output --json > FILE\``);
    }
    return outputs !== null && typeof outputs === "object" && !Array.isArray(outputs) ? (outputs as DeployedOutputs) : {};
}

/** The outputs `keys`, each a non-empty string, or an error that names the missing ones. */
export function requireOutputs<K extends string>(outputs: DeployedOutputs, keys: readonly K[], source: string): Record<K, string> {
    const missing = keys.filter((key) => typeof outputs[key] !== "string" || outputs[key] === "");
    if (missing.length > 0) throw new Error(`${source} lacks ${missing.join(" and ")}: is it the output of \`pulumi stack output --json\` for this stack?`);
    return Object.fromEntries(keys.map((key) => [key, outputs[key] as string])) as Record<K, string>;
}

/**
 * The AWS Region to read a deployed stack in: `--region`, else AWS_REGION, else what the SDK finds in the AWS
 * config file's profile (`sdkRegion`); otherwise an error that says how to give one.
 */
export async function resolveRegion(option: string | undefined, sdkRegion: () => Promise<string | undefined>, env: NodeJS.ProcessEnv = process.env): Promise<string> {
    if (option) return option;
    if (env.AWS_REGION) return env.AWS_REGION;
    let fromProfile: string | undefined;
    try {
        fromProfile = await sdkRegion();
    } catch {
        fromProfile = undefined;
    }
    if (fromProfile) return fromProfile;
    throw new Error("no AWS Region for the deployed stack: pass --region (the stack's `pulumi config get aws:region`) or set AWS_REGION");
}
