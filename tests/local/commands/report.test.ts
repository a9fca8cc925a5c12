import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { StartQueryExecutionCommandInput } from "@aws-sdk/client-athena";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { ReportIo, ReportOptions, runReport } from "../../../local/commands/report";
import { localClients } from "../../../local/emulators";
import { generateDelivery, seededRandom } from "../../../local/generate";
import { writeOutputs } from "../../../local/outputs";
import { LocalLake, openLocalLake } from "../../../local/query";
import { bindParameters, findNamedQuery } from "../../../shared/lakeQueries";
import { TEST_BUCKET, TEST_TABLE, useEmulators } from "../../support/emulators";
import { fakePulumi } from "../../support/fakePulumi";
import { DuckDbAthena } from "../../support/lake/duckdbAthena";
import { expectedDrops } from "../../support/lake/expected";
import { Delivery, expectedRows, postDeliveries } from "../../support/lake/lakeData";

const DAYS = ["2026-11-25", "2026-11-26", "2026-11-27"];
const SUBACCOUNTS = 6;
const NOW = new Date("2026-11-28T08:00:00.000Z");

interface Captured extends ReportIo {
    out: string;
    err: string;
}

function capture(extra: Partial<ReportIo> = {}): Captured {
    const io: Captured = { out: "", err: "", stdout: (text) => { io.out += text; }, stderr: (text) => { io.err += text; }, now: () => NOW, ...extra };
    return io;
}

/** The subaccounts' rows of a written page: subaccount, band, score and sparkline days, in page order. */
function pageRows(html: string): Array<{ subaccount: number; band: string; score: number; days: number | undefined }> {
    const table = /<section id="scores">([\s\S]*?)<\/section>/.exec(html)?.[1] ?? "";
    return [...table.matchAll(/<tr class="[^"]*" data-subaccount="(-?\d+)" data-band="([^"]+)" data-score="([\d.]+)">(.*?)<\/tr>/g)].map((match) => ({
        subaccount: Number(match[1]),
        band: match[2],
        score: Number(match[3]),
        days: /data-days="(\d+)"/.exec(match[4]) ? Number(/data-days="(\d+)"/.exec(match[4])![1]) : undefined,
    }));
}

function dropRows(html: string): Array<{ subaccount: number; drop: number }> {
    const section = /<section id="drops">([\s\S]*?)<\/section>/.exec(html)?.[1] ?? "";
    return [...section.matchAll(/<tr data-subaccount="(-?\d+)">.*?<td class="number drop">([\d.]+)<\/td>/g)].map((match) => ({ subaccount: Number(match[1]), drop: Number(match[2]) }));
}

describe("report command", function () {
    this.timeout(60_000);
    const context = useEmulators();
    const deliveries: Delivery[] = DAYS.map((day, i) => {
        const triggeredAt = new Date(`${day}T09:00:00.000Z`);
        return { receivedAt: new Date(triggeredAt.getTime() + 1000), elements: generateDelivery({ subaccounts: SUBACCOUNTS, triggeredAt, random: seededRandom(i + 1) }) };
    });
    const expected = expectedRows(deliveries);
    let lake: LocalLake;
    let outDir: string;
    const clients: DynamoDBClient[] = [];
    /** A DynamoDB client of the emulator that the command may destroy, as it destroys a real one. */
    const dynamodbClient = () => {
        const client = localClients(context.emulators).dynamodb;
        clients.push(client);
        return client;
    };

    before(async function () {
        this.timeout(120_000);
        await postDeliveries(context.storage, deliveries);
        writeOutputs(context.dataDir, {
            endpointUrl: "http://127.0.0.1:0/hooks/x",
            deadLetterQueueUrl: "", sqsEndpoint: "", fallbackQueueUrl: "", retentionDays: 30,
            bucketName: TEST_BUCKET,
            tableName: TEST_TABLE,
            s3Endpoint: context.emulators.s3Endpoint,
            dynamodbEndpoint: context.emulators.dynamodbEndpoint,
            bucketDir: context.emulators.bucketDir,
        });
        lake = await openLocalLake({ bucketDir: context.emulators.bucketDir });
        outDir = fs.mkdtempSync(path.join(context.dataDir, "reports-"));
    });
    after(() => {
        lake?.close();
        clients.forEach((client) => client.destroy());
    });

    const options = (extra: Partial<ReportOptions>): ReportOptions => ({ dataDir: context.dataDir, out: path.join(outDir, "report.html"), ...extra });
    const stackFile = (outputs: Record<string, string>) => {
        const file = path.join(outDir, `stack-${Object.keys(outputs).join("-")}.json`);
        fs.writeFileSync(file, JSON.stringify(outputs));
        return file;
    };
    const deployed = { tableName: TEST_TABLE, athenaWorkgroupName: "healthscore-wg", glueDatabaseName: "healthscore_db" };

    it("writes the local stack's page: every subaccount worst first, a sparkline each, the drops", async () => {
        const io = capture();
        const out = path.join(outDir, "local.html");
        assert.equal(await runReport(options({ out }), io), 0, io.err);
        const html = fs.readFileSync(out, "utf8");
        const rows = pageRows(html);
        const last = expected.filter((row) => row.dt === DAYS[2] && row.subaccount_id >= 0);
        assert.deepEqual(rows.map((row) => row.subaccount).sort((a, b) => a - b), last.map((row) => row.subaccount_id).sort((a, b) => a - b));
        assert.deepEqual(rows.map((row) => row.score), last.map((row) => row.score).sort((a, b) => a - b), "worst first, as stored");
        assert.ok(rows.every((row) => row.days === DAYS.length), "a sparkline of 3 days in every row");
        assert.match(html, /<section id="overall">.*data-subaccount="-1"/);
        assert.deepEqual(dropRows(html), expectedDrops(expected, 10).map((drop) => ({ subaccount: drop.subaccount_id, drop: Math.round(drop.score_drop * 1000) / 1000 })));
        assert.equal(io.out, `wrote ${out}: ${SUBACCOUNTS} subaccounts and the account overall, ${SUBACCOUNTS} with a sparkline, ${Math.min(10, expectedDrops(expected).length)} drops, from the local stack in ${context.dataDir}\n`);
    });

    it("--outputs with --athena: the same page from the deployed table and Athena, queries run in the stack's workgroup", async () => {
        const athena = new DuckDbAthena(lake);
        const regions: string[] = [];
        const io = capture({
            dynamodbClient: (region) => { regions.push(`dynamodb ${region}`); return dynamodbClient(); },
            athenaClient: (region) => { regions.push(`athena ${region}`); return athena; },
        });
        const out = path.join(outDir, "athena.html");
        assert.equal(await runReport(options({ out, outputs: stackFile(deployed), athena: true, region: "eu-west-1" }), io), 0, io.err);

        assert.deepEqual(regions.sort(), ["athena eu-west-1", "dynamodb eu-west-1"]);
        assert.deepEqual(athena.started.map((input: StartQueryExecutionCommandInput) => [input.WorkGroup, input.QueryExecutionContext?.Database, input.QueryString]), [
            ["healthscore-wg", "healthscore_db", bindParameters(findNamedQuery("daily"), { days: 30 })],
            ["healthscore-wg", "healthscore_db", bindParameters(findNamedQuery("drops"), { limit: 10 })],
        ]);
        assert.equal(athena.destroyed, true);
        const withoutSource = (html: string) => html.replace(/From [^·]*·/, "");
        assert.equal(withoutSource(fs.readFileSync(out, "utf8")), withoutSource(fs.readFileSync(path.join(outDir, "local.html"), "utf8")));
        assert.match(fs.readFileSync(out, "utf8"), /From .*stack-tableName-athenaWorkgroupName-glueDatabaseName.json \(eu-west-1\) ·/);
    });

    it("--stack NAME reads the outputs with the Pulumi CLI", async () => {
        const pulumi = fakePulumi("prod", deployed);
        try {
            const io = capture({ dynamodbClient, athenaClient: () => new DuckDbAthena(lake), pulumi: { env: pulumi.env } });
            const out = path.join(outDir, "stack.html");
            assert.equal(await runReport(options({ out, stack: "prod", athena: true, region: "us-east-1" }), io), 0, io.err);
            assert.equal(pageRows(fs.readFileSync(out, "utf8")).length, SUBACCOUNTS);
            assert.match(io.out, /from stack prod \(us-east-1\)\n$/);
        } finally {
            pulumi.remove();
        }
    });

    it("a deployed stack without --athena: the table part, and a note that the lake needs --athena", async () => {
        const io = capture({ dynamodbClient, athenaClient: () => assert.fail("Athena must not be called without --athena") });
        const out = path.join(outDir, "table-only.html");
        assert.equal(await runReport(options({ out, outputs: stackFile({ tableName: TEST_TABLE }), region: "us-east-1" }), io), 0, io.err);
        const html = fs.readFileSync(out, "utf8");
        assert.equal(pageRows(html).length, SUBACCOUNTS);
        assert.ok(pageRows(html).every((row) => row.days === undefined));
        assert.match(html, /Sparklines and drops come from the lake: add --athena to read it with Athena/);
        assert.match(io.err, /^note: Sparklines and drops come from the lake: add --athena/m);
    });

    it("a lake Athena cannot read: the page is still written, with the reason", async () => {
        const failing = new DuckDbAthena({ query: async () => { throw new Error("TABLE_NOT_FOUND: Table 'awsdatacatalog.healthscore_db.alerts' does not exist"); } });
        const io = capture({ dynamodbClient, athenaClient: () => failing });
        const out = path.join(outDir, "no-lake.html");
        assert.equal(await runReport(options({ out, outputs: stackFile(deployed), athena: true, region: "us-east-1" }), io), 0, io.err);
        assert.match(fs.readFileSync(out, "utf8"), /The lake could not be read, so there are no sparklines or drops: the query failed \(qe-1\): TABLE_NOT_FOUND/);
        assert.equal(pageRows(fs.readFileSync(out, "utf8")).length, SUBACCOUNTS);
    });

    it("usage mistakes and missing settings: exit 1, nothing written, the reason on stderr", async () => {
        const savedRegion = process.env.AWS_REGION;
        delete process.env.AWS_REGION;
        try {
            const cases: Array<[Partial<ReportOptions>, Partial<ReportIo>, RegExp]> = [
                [{ athena: true }, {}, /--athena reads a deployed stack's lake: give --stack NAME or --outputs FILE/],
                [{ region: "eu-west-1" }, {}, /--region applies to a deployed stack/],
                [{ outputs: stackFile(deployed), stack: "dev" }, {}, /give --stack NAME or --outputs FILE, not both/],
                [{ outputs: stackFile({ bucketName: "b" }) }, {}, /lacks tableName/],
                [{ outputs: stackFile({ tableName: TEST_TABLE }), athena: true, region: "us-east-1" }, {}, /lacks athenaWorkgroupName and glueDatabaseName/],
                [{ outputs: stackFile(deployed) }, { sdkRegion: async () => undefined }, /no AWS Region for the deployed stack: pass --region/],
                [{ dataDir: path.join(outDir, "no-stack-here") }, {}, /no local stack found/],
                [{ out: " " }, {}, /--out needs a file name/],
            ];
            for (const [extra, ioExtra, message] of cases) {
                const out = path.join(outDir, "never.html");
                const io = capture(ioExtra);
                assert.equal(await runReport(options({ out, ...extra }), io), 1, JSON.stringify(extra));
                assert.match(io.err, message);
                assert.equal(io.out, "");
                assert.ok(!fs.existsSync(out), "nothing written");
            }
        } finally {
            if (savedRegion !== undefined) process.env.AWS_REGION = savedRegion;
        }
    });
});
