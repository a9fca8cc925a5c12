import * as fs from "fs";
import * as path from "path";
import { Command, InvalidArgumentError } from "commander";
import { METRIC_NAME } from "../../handlers/alert";
import { parseDay } from "../arguments";
import { generateDelivery, seededRandom } from "../generate";
import { NoLocalStackError, dataDirOption, readRunningOutputs } from "../outputs";
import { PulumiOptions, deployedOutputs } from "../stackOutputs";

export const DOCUMENTED_SAMPLE = path.join(__dirname, "..", "samples", "documented-delivery.json");

export function sendCommand(): Command {
    return new Command("send")
        .description("POST a delivery to the local stack (or --url): a file, the documented sample, or a generated one")
        .argument("[file]", "a JSON file to send byte for byte")
        .addOption(dataDirOption("the local stack whose endpoint to use"))
        .option("--url <url>", "send here instead of the local stack's endpoint", parseUrl)
        .option("--stack <name>", "send to a deployed stack's endpointUrl, read with `pulumi stack output --json --show-secrets`")
        .option("--documented", "send SparkPost's documented payload sample")
        .option("--subaccounts <n>", "generate a real-shape delivery for N subaccounts plus the account overall", parseCount)
        .option("--date <YYYY-MM-DD>", "the day the generated alerts trigger (default: now)", parseDay)
        .option("--seed <n>", "seed for the generated scores (with --date, the same delivery again)", parseCount)
        .option("--metric <name>", "the generated alerts' metric, e.g. block_bounce_rate (default: health_score)", parseMetric)
        .action(async (file: string | undefined, options: SendOptions) => {
            const body = deliveryBody(file, options);
            const url = await endpointUrl(options);
            let response: Response;
            try {
                response = await fetch(url, {
                    method: "POST",
                    // What SparkPost's axios client sends.
                    headers: { "content-type": "application/json;charset=utf-8", "user-agent": "axios/0.21.4" },
                    body,
                });
            } catch (err) {
                // The stack stopped between the check and the request, or a deployed endpoint is unreachable.
                if (options.url === undefined && options.stack === undefined) throw new NoLocalStackError(options.dataDir);
                const cause = (err as Error).cause as Error | undefined;
                // The origin only: a deployed endpoint's path holds the token.
                throw new Error(`could not reach ${new URL(url).origin}: ${cause?.message ?? (err as Error).message}`);
            }
            const text = await response.text();
            process.stdout.write(`${response.status} ${response.statusText}\n${prettyJson(text)}\n`);
            if (!response.ok) process.exitCode = 1;
        });
}

interface SendOptions {
    dataDir: string;
    url?: string;
    stack?: string;
    documented?: boolean;
    subaccounts?: number;
    date?: string;
    seed?: number;
    metric?: string;
}

export function deliveryBody(file: string | undefined, options: SendOptions): Buffer {
    const sources = [file !== undefined, options.documented === true, options.subaccounts !== undefined].filter(Boolean).length;
    if (sources > 1) throw new InvalidArgumentError("give one of [file], --documented and --subaccounts");
    if (options.metric !== undefined && (file !== undefined || options.documented)) throw new InvalidArgumentError("--metric applies to generated deliveries only");
    if (file !== undefined) return fs.readFileSync(file);
    if (options.documented) return fs.readFileSync(DOCUMENTED_SAMPLE);
    const triggeredAt = options.date ? new Date(`${options.date}T09:00:00.000Z`) : new Date();
    const random = options.seed !== undefined ? seededRandom(options.seed) : Math.random;
    return Buffer.from(JSON.stringify(generateDelivery({ subaccounts: options.subaccounts ?? 3, triggeredAt, random, metric: options.metric })));
}

/** Where to send: `--url`, a deployed stack's endpoint (`--stack`), or the local stack's. */
export async function endpointUrl(options: Pick<SendOptions, "dataDir" | "url" | "stack">, pulumi: PulumiOptions = {}): Promise<string> {
    if (options.url !== undefined && options.stack !== undefined) throw new InvalidArgumentError("give --url or --stack, not both");
    if (options.url !== undefined) return options.url;
    if (options.stack !== undefined) {
        const { endpointUrl: url } = await deployedOutputs({ stack: options.stack }, ["endpointUrl"], pulumi);
        // Not quoted: the URL holds the token.
        if (!URL.canParse(url)) throw new Error(`the endpointUrl output of stack ${options.stack} is not a URL`);
        return url;
    }
    return readRunningOutputs(options.dataDir).endpointUrl;
}

function prettyJson(text: string): string {
    try {
        return JSON.stringify(JSON.parse(text), null, 2);
    } catch {
        return text;
    }
}

function parseCount(value: string): number {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`not a whole number ≥ 0: ${value}`);
    return n;
}

function parseMetric(value: string): string {
    if (!METRIC_NAME.test(value)) throw new InvalidArgumentError(`not a metric name (lower case letters, digits and _): ${value}`);
    return value;
}

/** A URL as given (a deployed stack's endpointUrl), refused here rather than by fetch when it is not one. */
function parseUrl(value: string): string {
    if (!URL.canParse(value)) throw new InvalidArgumentError(`not a URL: ${value}`);
    return value;
}
