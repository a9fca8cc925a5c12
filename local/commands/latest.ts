import { Command } from "commander";
import Table from "cli-table3";
import type { AlertRecord } from "../../handlers/records";
import { healthBand } from "../../shared/healthBands";
import { subaccountLabel } from "../labels";
import { plainUnlessTty } from "../tableStyle";
import { printable } from "../terminalText";
import { isChange } from "../../shared/layout";
import { dataDirOption, readRunningOutputs } from "../outputs";

interface LatestOptions {
    dataDir: string;
    metric: string;
    json?: boolean;
}

export function latestCommand(): Command {
    return new Command("latest")
        .description("print the latest score of every subaccount (one DynamoDB Query)")
        .addOption(dataDirOption("the local stack to read"))
        .option("--metric <name>", "which metric", "health_score")
        .option("--json", "print the records as JSON")
        .action(async (options: LatestOptions) => {
            const outputs = readRunningOutputs(options.dataDir);
            // Loaded once a stack is known to run: the SDK is most of this command's start-up time.
            const { createTableReader } = require("../../handlers/reads") as typeof import("../../handlers/reads");
            const { localDynamoDbClient } = require("../clients") as typeof import("../clients");
            const dynamodb = localDynamoDbClient(outputs.dynamodbEndpoint);
            try {
                const records = sortBySeries(await createTableReader({ dynamodb, tableName: outputs.tableName }).latest(options.metric));
                process.stdout.write(options.json ? JSON.stringify(records, null, 2) + "\n" : formatLatest(records, options.metric) + "\n");
            } finally {
                dynamodb.destroy();
            }
        });
}

/** The `send` that generates alerts of `metric`. */
function sendCommandFor(metric: string): string {
    return metric === "health_score" ? "npm run send" : `npm run send -- --metric ${metric}`;
}

export function sortBySeries(records: AlertRecord[]): AlertRecord[] {
    return [...records].sort((a, b) => a.subaccount_id - b.subaccount_id || JSON.stringify(a.filters).localeCompare(JSON.stringify(b.filters)));
}

export function formatLatest(records: AlertRecord[], metric: string): string {
    if (records.length === 0) return `No ${metric} alerts stored yet. Send one with \`${sendCommandFor(metric)}\`.`;
    const table = new Table({ head: ["subaccount", metric === "health_score" ? "score" : "value", "band", "triggered_at", "other filters"], style: plainUnlessTty() });
    for (const record of records) {
        const { subaccount_id: _subaccount, ...otherFilters } = record.filters;
        // A day-over-day or week-over-week alert holds a change, which has no band.
        const change = isChange(record.source);
        table.push([
            subaccountLabel(record.subaccount_id),
            change ? `${String(record.triggered_value)} (${record.source})` : String(record.triggered_value),
            metric === "health_score" && !change ? healthBand(record.triggered_value) : "",
            record.triggered_at,
            Object.keys(otherFilters).length > 0 ? printable(JSON.stringify(otherFilters)) : "",
        ]);
    }
    return table.toString();
}
