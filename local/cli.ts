#!/usr/bin/env node
/**
 * The local stack's command line: `start` runs it; `send`, `latest`, `replay`, `query`, `report` and `pools` find
 * it through `<data-dir>/outputs.json` (the last two, and `send`, also read a deployed stack).
 *
 * Each command's module is loaded only when that command runs (every one of them for --help): `send` should not
 * pay for loading the emulators, nor `latest` for DuckDB. Loaded with require, which works under every runner the
 * project uses (tsx's CommonJS hook for the npm scripts, ts-node for the tests).
 */
// The AWS SDK warns once per process that Node.js 20 support ends in 2027; the Lambda runs nodejs22.x.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

import { Command } from "commander";

const COMMANDS: Record<string, () => Command> = {
    start: () => (require("./commands/start") as typeof import("./commands/start")).startCommand(),
    send: () => (require("./commands/send") as typeof import("./commands/send")).sendCommand(),
    latest: () => (require("./commands/latest") as typeof import("./commands/latest")).latestCommand(),
    replay: () => (require("./commands/replay") as typeof import("./commands/replay")).replayCommand(),
    query: () => (require("./commands/query") as typeof import("./commands/query")).queryCommand(),
    report: () => (require("./commands/report") as typeof import("./commands/report")).reportCommand(),
    pools: () => (require("./commands/pools") as typeof import("./commands/pools")).poolsCommand(),
};

const program = new Command("healthscore")
    .description("Health Score Ingest, locally: SparkPost alert webhooks into S3 and DynamoDB emulators")
    .showHelpAfterError();

const named = process.argv[2];
for (const [name, command] of Object.entries(COMMANDS)) {
    if (named === undefined || !Object.hasOwn(COMMANDS, named) || named === name) program.addCommand(command());
}

program.parseAsync(process.argv).catch((err: Error) => {
    process.stderr.write(`error: ${err.message}\n`);
    process.exitCode = 1;
});
