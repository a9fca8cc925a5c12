import * as path from "path";
import { Command, InvalidArgumentError } from "commander";
import { DEFAULT_DATA_DIR, dataDirOption } from "../outputs";
import { ENV } from "../../handlers/environment";

/** How often the stack checks that the process that started it is still there. */
const PARENT_CHECK_MS = 500;

export function startCommand(): Command {
    return new Command("start")
        .description("run the local stack: S3, DynamoDB and SQS emulators, the loader and the webhook endpoint, until Ctrl-C")
        .addOption(dataDirOption("where the emulators keep their data"))
        .option("--port <n>", "the endpoint's port (default: env PORT, else 8080)", parsePort)
        .action(async (options: { dataDir: string; port?: number }) => {
            const port = options.port ?? (process.env.PORT ? parsePort(process.env.PORT) : 8080);
            const dataDirArgs = options.dataDir === DEFAULT_DATA_DIR ? [] : ["--data-dir", options.dataDir];
            const npmRun = (script: string, ...args: string[]) => [`npm run ${script}`, ...(args.length + dataDirArgs.length > 0 ? ["--", ...args, ...dataDirArgs] : [])].join(" ");
            // Loaded here, not at the top: the other commands should not pay for loading the emulators.
            const { startLocalStack } = require("../stack") as typeof import("../stack");
            const stack = await startLocalStack({
                dataDir: options.dataDir,
                port,
                token: process.env[ENV.token] || undefined,
                previousToken: process.env[ENV.previousToken] || undefined,
            });
            const { outputs } = stack;
            if (stack.staleLockHolder) {
                process.stderr.write(`note: took over the data dir from process ${stack.staleLockHolder.pid}, which is no longer running\n`);
            }
            const { quarantined, quarantineDir } = stack.emulators;
            if (quarantined.length > 0) {
                // Written when a process was killed mid-write: moved aside, so that nothing reads them as whole.
                const replayable = [...new Set(quarantined.filter((key) => !key.startsWith("raw/")).map((key) => path.basename(key).replace(/\.[a-z]+$/, "")))];
                process.stderr.write(`warning: ${quarantined.length} torn S3 object(s) moved to ${quarantineDir}: ${quarantined.join(", ")}\n` +
                    (replayable.length > 0 ? `  to write them again from their raw bodies: ${npmRun("replay", ...replayable.flatMap((id) => ["--delivery", id]))}\n` : ""));
            }
            process.stderr.write(
                [
                    "",
                    "Health Score Ingest is running locally.",
                    `  endpoint   ${outputs.endpointUrl}`,
                    `  page       ${new URL(outputs.endpointUrl).origin}/ (the latest scores, sparklines and drops)`,
                    `  S3         ${outputs.s3Endpoint}  bucket ${outputs.bucketName}`,
                    `  DynamoDB   ${outputs.dynamodbEndpoint}  table ${outputs.tableName}`,
                    `  SQS        ${outputs.sqsEndpoint}  the fallback and dead-letter queues`,
                    `  data       ${options.dataDir} (outputs.json for the other commands)`,
                    "",
                    "Send a test alert and read it back, from another terminal:",
                    `  ${npmRun("send", "--subaccounts", "5")}`,
                    `  ${npmRun("latest")}`,
                    `  ${npmRun("query", "--named", "latest")}`,
                    `  ${npmRun("replay", "--dead-letters", "--list")}   (loads that failed after their retries)`,
                    "or with curl:",
                    `  curl -X POST -H 'content-type: application/json' --data-binary @local/samples/documented-delivery.json '${outputs.endpointUrl}'`,
                    "",
                    "Ctrl-C stops it; the data stays in the data dir.",
                    "",
                ].join("\n"),
            );
            const reason = await untilStopped();
            process.stderr.write(`stopping (${reason})...\n`);
            await stack.stop();
        });
}

/**
 * Resolves with the reason to stop: Ctrl-C, SIGTERM, SIGHUP (the terminal closed), or the process that started this
 * one going away. `npm start` runs the stack under npm and a shell, and `kill <npm's pid>` reaches neither this
 * process nor, through them, its signal handlers: the stack would keep serving and holding its data dir. When the
 * parent exits, this process is handed to another (init or a subreaper), so a change of parent pid is the sign.
 */
function untilStopped(): Promise<string> {
    const parent = process.ppid;
    return new Promise((resolve) => {
        const stop = (reason: string) => {
            clearInterval(watch);
            resolve(reason);
        };
        const watch = setInterval(() => {
            if (process.ppid !== parent) stop(`the process that started it, ${parent}, exited`);
        }, PARENT_CHECK_MS);
        for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.once(signal, () => stop(signal));
    });
}

function parsePort(value: string): number {
    const port = Number(value);
    if (value.trim() === "" || !Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError(`not a port number: ${value}`);
    return port;
}
