#!/usr/bin/env node
/**
 * The local stack's command line: `start` runs it; `send`, `latest`, `replay`, `query`, `report` and `pools` find
 * it through `<data-dir>/outputs.json` (the last two, and `send`, also read a deployed stack).
 */
// The AWS SDK warns once per process that Node.js 20 support ends in 2027; the Lambda runs nodejs22.x.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

import { Command } from "commander";
import { latestCommand } from "./commands/latest";
import { poolsCommand } from "./commands/pools";
import { queryCommand } from "./commands/query";
import { replayCommand } from "./commands/replay";
import { reportCommand } from "./commands/report";
import { sendCommand } from "./commands/send";
import { startCommand } from "./commands/start";

const program = new Command("healthscore")
    .description("Health Score Ingest, locally: SparkPost alert webhooks into S3 and DynamoDB emulators")
    .showHelpAfterError();

program.addCommand(startCommand());
program.addCommand(sendCommand());
program.addCommand(latestCommand());
program.addCommand(replayCommand());
program.addCommand(queryCommand());
program.addCommand(reportCommand());
program.addCommand(poolsCommand());

program.parseAsync(process.argv).catch((err: Error) => {
    process.stderr.write(`error: ${err.message}\n`);
    process.exitCode = 1;
});
