import { Command } from "commander";
import Table from "cli-table3";
import { createTableReader } from "../../handlers/reads";
import { AlertRecord } from "../../handlers/records";
import { healthBand } from "../../shared/healthBands";
import { localClients } from "../emulators";
import { subaccountLabel } from "../labels";
import { plainUnlessTty } from "../tableStyle";
import { dataDirOption, readOutputs } from "../outputs";

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
            const outputs = readOutputs(options.dataDir);
            const { dynamodb } = localClients(outputs);
            try {
                const records = sortBySeries(await createTableReader({ dynamodb, tableName: outputs.tableName }).latest(options.metric));
                process.stdout.write(options.json ? JSON.stringify(records, null, 2) + "\n" : formatLatest(records, options.metric) + "\n");
            } finally {
                dynamodb.destroy();
            }
        });
}

export function sortBySeries(records: AlertRecord[]): AlertRecord[] {
    return [...records].sort((a, b) => a.subaccount_id - b.subaccount_id || JSON.stringify(a.filters).localeCompare(JSON.stringify(b.filters)));
}

export function formatLatest(records: AlertRecord[], metric: string): string {
    if (records.length === 0) return `No ${metric} alerts stored yet. Send one with \`npm run send\`.`;
    const table = new Table({ head: ["subaccount", "score", "band", "triggered_at", "other filters"], style: plainUnlessTty() });
    for (const record of records) {
        const { subaccount_id: _subaccount, ...otherFilters } = record.filters;
        table.push([
            subaccountLabel(record.subaccount_id),
            String(record.triggered_value),
            metric === "health_score" ? healthBand(record.triggered_value) : "",
            record.triggered_at,
            Object.keys(otherFilters).length > 0 ? JSON.stringify(otherFilters) : "",
        ]);
    }
    return table.toString();
}
