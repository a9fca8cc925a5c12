/**
 * `report`: the score page `npm start` serves at `/`, written to one static HTML file, from the local stack or
 * from a deployed stack's data (its DynamoDB table, and with `--athena` its lake), for people who never run the
 * local stack.
 */
import * as fs from "fs";
import { Command, InvalidArgumentError } from "commander";
import { AwsIo, ScoreSourceOptions, openScoreSources } from "../deployed";
import { dataDirOption } from "../outputs";
import { gatherScorePage } from "../page/gather";
import { renderScorePage } from "../page/render";
import { LOCAL_EMPTY_HINT } from "../page/serve";
import { buildScorePage } from "../page/scorePage";
import { wantsDeployedStack } from "../stackOutputs";

export interface ReportOptions extends ScoreSourceOptions {
    /** @default "report.html" */
    out: string;
}

export interface ReportIo extends AwsIo {
    stdout(text: string): void;
    stderr(text: string): void;
    now?(): Date;
}

const processIo: ReportIo = {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
};

export function reportCommand(io: ReportIo = processIo): Command {
    return new Command("report")
        .description("write the score page (latest scores, 30-day sparklines, drops) to one HTML file, from the local stack or a deployed one")
        .addOption(dataDirOption("the local stack to read (without --stack or --outputs)"))
        .option("--stack <name>", "a deployed stack: its outputs from `pulumi stack output --json --show-secrets --stack NAME`")
        .option("--outputs <file>", "a deployed stack: its outputs saved with `pulumi stack output --json`")
        .option("--athena", "read the deployed stack's lake with Athena, for the sparklines and drops")
        .option("--region <region>", "the deployed stack's AWS Region (default: AWS_REGION, else your AWS profile's)")
        .option("--out <file>", "the HTML file to write", "report.html")
        .action(async (options: ReportOptions) => {
            process.exitCode = await runReport(options, io);
        });
}

/** Writes the report and returns the exit code: 0 when the file was written, 1 when it could not be. */
export async function runReport(options: ReportOptions, io: ReportIo = processIo): Promise<number> {
    try {
        if (options.out.trim() === "") throw new InvalidArgumentError("--out needs a file name");
        const deployed = wantsDeployedStack(options);
        const sources = await openScoreSources(options, { table: true }, io);
        try {
            const input = await gatherScorePage(sources, {
                emptyHint: deployed
                    ? "The stack's table holds no health_score alert yet: check that the SparkPost alert's webhook targets the stack's endpointUrl " +
                      `(\`npm run send -- --stack ${options.stack ?? "NAME"} --documented\` posts a sample to it).`
                    : LOCAL_EMPTY_HINT,
                noLake: deployed ? "Sparklines and drops come from the lake: add --athena to read it with Athena." : undefined,
                now: io.now,
            });
            const page = buildScorePage(input);
            fs.writeFileSync(options.out, renderScorePage(page));
            for (const notice of page.notices) io.stderr(`note: ${notice}\n`);
            const sparklines = page.rows.filter((row) => (row.series?.length ?? 0) > 0).length;
            io.stdout(`wrote ${options.out}: ${page.rows.length} subaccounts${page.overall ? " and the account overall" : ""}, ` +
                `${sparklines} with a sparkline, ${page.drops?.length ?? 0} drops, from ${sources.description}\n`);
            return 0;
        } finally {
            sources.close();
        }
    } catch (err) {
        io.stderr(`error: ${(err as Error).message}\n`);
        return 1;
    }
}
