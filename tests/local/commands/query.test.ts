import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { StartQueryExecutionCommand } from "@aws-sdk/client-athena";
import { useEmulators, TEST_BUCKET, TEST_TABLE } from "../../support/emulators";
import { writeOutputs } from "../../../local/outputs";
import { QueryIo, QueryOptions, describeLake, queryCommand, resolveSql, runQuery } from "../../../local/commands/query";
import { bindParameters, findNamedQuery } from "../../../shared/lakeQueries";
import { expectedRows, generateDeliveries, postDeliveries } from "../../support/lake/lakeData";
import { expectedLatest, rawScores } from "../../support/lake/expected";
import { FakeAthena, page } from "../../support/lake/fakeAthena";

interface Captured extends QueryIo {
    out: string;
    err: string;
}

function capture(extra: Partial<QueryIo> = {}): Captured {
    const io: Captured = {
        out: "",
        err: "",
        stdout: (text) => { io.out += text; },
        stderr: (text) => { io.err += text; },
        plain: true,
        ...extra,
    };
    return io;
}

describe("query command", function () {
    this.timeout(60_000);
    const context = useEmulators();
    const deliveries = generateDeliveries(7);
    const expected = expectedRows(deliveries);
    const day = "2026-11-20";
    let dataDir: string;

    before(async function () {
        this.timeout(120_000);
        await postDeliveries(context.storage, deliveries);
        // What `npm start` leaves for the other commands.
        dataDir = context.dataDir;
        writeOutputs(dataDir, {
            endpointUrl: "http://127.0.0.1:0",
            bucketName: TEST_BUCKET,
            tableName: TEST_TABLE,
            deadLetterQueueUrl: "http://127.0.0.1:9/000000000000/none",
            sqsEndpoint: "http://127.0.0.1:9",
            fallbackQueueUrl: "http://127.0.0.1:9/000000000000/none",
            retentionDays: 30,
            s3Endpoint: context.emulators.s3Endpoint,
            dynamodbEndpoint: context.emulators.dynamodbEndpoint,
            bucketDir: context.emulators.bucketDir,
        });
    });

    const run = async (sql: string | undefined, options: Partial<QueryOptions> = {}, io = capture()) => {
        const code = await runQuery(sql, { dataDir, ...options }, io);
        return { code, out: io.out, err: io.err };
    };

    it("answers a day's SQL with the stored values (--json)", async () => {
        const { code, out, err } = await run(
            `SELECT subaccount_id, triggered_value FROM alerts WHERE metric = 'health_score' AND dt = '${day}' AND source = 'raw' AND facets = '{}' ORDER BY subaccount_id`,
            { json: true });
        assert.equal(code, 0, err);
        const want = rawScores(expected).filter((row) => row.dt === day).sort((a, b) => a.subaccount_id - b.subaccount_id)
            .map((row) => ({ subaccount_id: row.subaccount_id, triggered_value: row.score }));
        assert.deepEqual(JSON.parse(out), want);
    });

    it("--named latest prints a readable table of the latest scores", async () => {
        const { code, out } = await run(undefined, { named: "latest" });
        assert.equal(code, 0);
        const lines = out.trim().split("\n");
        assert.match(lines[1], /subaccount_id\s*│\s*score\s*│\s*triggered_at\s*│\s*dt/);
        for (const row of expectedLatest(expected)) {
            assert.ok(lines.some((line) => new RegExp(`│\\s*${row.subaccount_id}\\s*│\\s*${row.score}\\s*│`).test(line)), `row of ${row.subaccount_id}`);
        }
        assert.equal(lines[lines.length - 1], `${expectedLatest(expected).length} rows`);
    });

    it("--named trend --subaccount binds the subaccount", async () => {
        const { code, out } = await run(undefined, { named: "trend", subaccount: "17", json: true });
        assert.equal(code, 0);
        const rows = JSON.parse(out) as Array<{ dt: string; score: number }>;
        assert.ok(rows.length > 20);
        const scores17 = new Map(rawScores(expected).filter((row) => row.subaccount_id === 17).map((row) => [row.dt, row.score]));
        for (const row of rows) assert.equal(row.score, scores17.get(row.dt));
    });

    it("a day with no data answers no rows, says what the lake holds, and succeeds", async () => {
        const { code, out, err } = await run("SELECT * FROM alerts WHERE metric = 'health_score' AND dt = '2031-01-01'");
        assert.equal(code, 0);
        assert.equal(out, "(no rows)\n");
        assert.match(err, /no rows matched; the lake holds metric=block_bounce_rate for dt 2026-10-01 to 2026-11-\d\d, metric=health_score for dt 2026-10-01 to 2026-11-27 \(\d+ objects\)/);
    });

    it("skips an unreadable lake object, answers, and names the object in a warning on stderr", async () => {
        const torn = path.join(context.emulators.bucketDir, "alerts", "metric=health_score", "dt=2026-12-03", "torn.ndjson._S3rver_object");
        fs.mkdirSync(path.dirname(torn), { recursive: true });
        fs.writeFileSync(torn, '{"record_id":"x","ali');
        try {
            const { code, out, err } = await run("SELECT count(*) AS n FROM alerts", { json: true });
            assert.equal(code, 0, err);
            assert.deepEqual(JSON.parse(out), [{ n: expected.length }]);
            assert.match(err, /^warning: skipped the unreadable lake object alerts\/metric=health_score\/dt=2026-12-03\/torn\.ndjson: /m);
        } finally {
            fs.rmSync(path.dirname(torn), { recursive: true, force: true });
        }
    });

    it("bad SQL: the engine's reason on stderr, nothing on stdout, exit 1", async () => {
        const { code, out, err } = await run("SELECT FROM WHERE", { json: true });
        assert.equal(code, 1);
        assert.equal(out, "");
        assert.match(err, /^error: the query failed: Parser Error: syntax error/);
    });

    it("usage mistakes: exit 1 with the reason", async () => {
        const cases: Array<[string | undefined, Partial<QueryOptions>, RegExp]> = [
            [undefined, {}, /give either SQL or --named <latest\|trend\|bands\|drops\|daily>, not neither/],
            ["SELECT 1", { named: "latest" }, /not both/],
            [undefined, { named: "worst" }, /no named query "worst"; choose one of: latest, trend, bands, drops, daily/],
            [undefined, { named: "trend", subaccount: "17; DROP TABLE alerts" }, /subaccount_id must be a whole number/],
            [undefined, { named: "latest", subaccount: "17" }, /the latest query has no parameter "subaccount_id": it takes no parameters/],
            ["SELECT 1", { subaccount: "17" }, /--subaccount and --param apply to named queries only/],
            [undefined, { named: "drops", param: ["limit"] }, /--param takes name=value/],
            ["SELECT 1", { outputs: "stack.json" }, /--outputs applies to --athena only/],
            ["SELECT 1", { athena: true }, /--athena needs --outputs <file>/],
            ["SELECT 1", { dataDir: path.join(os.tmpdir(), "no-such-healthscore-stack") }, /no local stack found/],
        ];
        for (const [sql, options, message] of cases) {
            const { code, out, err } = await run(sql, options);
            assert.equal(code, 1, `${JSON.stringify(options)} should fail`);
            assert.equal(out, "");
            assert.match(err, message);
        }
    });

    it("an empty lake: the alerts table answers no rows, with a note that the lake is empty", async () => {
        const emptyDir = fs.mkdtempSync(path.join(os.tmpdir(), "healthscore-empty-"));
        try {
            writeOutputs(emptyDir, {
                endpointUrl: "", bucketName: "nothing-yet", tableName: "t", s3Endpoint: "", dynamodbEndpoint: "", sqsEndpoint: "", deadLetterQueueUrl: "", fallbackQueueUrl: "", retentionDays: 30,
                bucketDir: path.join(emptyDir, "s3", "nothing-yet"),
            });
            const { code, out, err } = await run(undefined, { named: "latest", dataDir: emptyDir, json: true });
            assert.equal(code, 0);
            assert.equal(out, "[]\n");
            assert.match(err, /note: the lake is empty: no alert objects under .*nothing-yet/);
        } finally {
            fs.rmSync(emptyDir, { recursive: true, force: true });
        }
    });

    it("--athena runs the same bound SQL in the stack's workgroup and database and prints Athena's rows", async () => {
        const outputsFile = path.join(context.dataDir, "stack-outputs.json");
        fs.writeFileSync(outputsFile, JSON.stringify({ athenaWorkgroupName: "wg-1", glueDatabaseName: "healthscore_prod", endpointUrl: "https://x" }));
        const fake = new FakeAthena({
            states: ["SUCCEEDED"],
            pages: [page([["dt", "varchar"], ["score", "double"], ["triggered_at", "varchar"]], [
                ["dt", "score", "triggered_at"],
                ["2026-11-27", "54.999", "2026-11-27T09:00:03.123Z"],
            ])],
        });
        const regions: Array<string | undefined> = [];
        const io = capture({ athenaClient: (region) => { regions.push(region); return fake; } });
        // Polling itself is tested in athena.test.ts; here the query is done at the first look.
        const { code, out, err } = await run(undefined, { named: "trend", subaccount: "17", athena: true, outputs: outputsFile, region: "eu-west-1", json: true }, io);
        assert.equal(code, 0, err);
        assert.deepEqual(regions, ["eu-west-1"]);
        const [start] = fake.commandsOf(StartQueryExecutionCommand);
        assert.equal(start.input.QueryString, bindParameters(findNamedQuery("trend"), { subaccount_id: 17 }));
        assert.equal(start.input.WorkGroup, "wg-1");
        assert.equal(start.input.QueryExecutionContext?.Database, "healthscore_prod");
        assert.deepEqual(JSON.parse(out), [{ dt: "2026-11-27", score: 54.999, triggered_at: "2026-11-27T09:00:03.123Z" }]);
        assert.equal(fake.destroyed, true);
    });

    it("--athena with no Region (no --region, AWS_REGION or profile) says to pass --region or set AWS_REGION, with the real client", async () => {
        const outputsFile = path.join(context.dataDir, "stack-outputs.json");
        fs.writeFileSync(outputsFile, JSON.stringify({ athenaWorkgroupName: "wg-1", glueDatabaseName: "db" }));
        const emptyHome = fs.mkdtempSync(path.join(os.tmpdir(), "healthscore-no-aws-"));
        const names = ["AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "HOME"];
        const saved = Object.fromEntries(names.map((name) => [name, process.env[name]]));
        try {
            for (const name of ["AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"]) delete process.env[name];
            Object.assign(process.env, { HOME: emptyHome, AWS_CONFIG_FILE: path.join(emptyHome, "config"), AWS_SHARED_CREDENTIALS_FILE: path.join(emptyHome, "credentials") });
            const { code, out, err } = await run("SELECT 1", { athena: true, outputs: outputsFile });
            assert.equal(code, 1);
            assert.equal(out, "");
            assert.equal(err, "error: --athena needs the stack's AWS Region: pass --region <region> (the stack's aws:region), or set AWS_REGION\n");
        } finally {
            for (const [name, value] of Object.entries(saved)) {
                if (value === undefined) delete process.env[name];
                else process.env[name] = value;
            }
            fs.rmSync(emptyHome, { recursive: true, force: true });
        }
    });

    it("--athena reports a failed query and exits 1", async () => {
        const outputsFile = path.join(context.dataDir, "stack-outputs.json");
        fs.writeFileSync(outputsFile, JSON.stringify({ athenaWorkgroupName: "wg-1", glueDatabaseName: "db" }));
        const fake = new FakeAthena({ states: ["FAILED"], failure: { message: "TABLE_NOT_FOUND: line 1:15: Table 'awsdatacatalog.db.alerts' does not exist" } });
        const { code, err } = await run("SELECT * FROM alerts", { athena: true, outputs: outputsFile }, capture({ athenaClient: () => fake }));
        assert.equal(code, 1);
        assert.match(err, /error: the query failed \(qe-0001\): TABLE_NOT_FOUND/);
    });

    it("registers as a commander subcommand and sets the exit code", async () => {
        const io = capture();
        const previous = process.exitCode;
        try {
            await queryCommand(io).parseAsync(["--data-dir", dataDir, "--json", `SELECT count(*) AS n FROM alerts WHERE metric = 'health_score' AND dt = '${day}'`], { from: "user" });
            assert.equal(process.exitCode, 0);
            assert.deepEqual(JSON.parse(io.out), [{ n: expected.filter((row) => row.metric === "health_score" && row.dt === day).length }]);
        } finally {
            process.exitCode = previous;
        }
    });
});

describe("query command helpers", () => {
    it("resolveSql passes SQL through and binds named queries", () => {
        assert.equal(resolveSql("SELECT 1", {}), "SELECT 1");
        assert.match(resolveSql(undefined, { named: "drops", param: ["limit=5"] }), /LIMIT 5 \/\* @limit \*\/$/);
        assert.match(resolveSql(undefined, { named: "trend", subaccount: "-1" }), /subaccount_id = -1 \/\* @subaccount_id \*\//);
    });

    it("describeLake lists each metric's first and last day", () => {
        const dir = path.join("b");
        const files = [
            path.join(dir, "alerts", "metric=health_score", "dt=2026-11-02", "x.ndjson._S3rver_object"),
            path.join(dir, "alerts", "metric=health_score", "dt=2026-11-01", "y.ndjson._S3rver_object"),
            path.join(dir, "alerts", "metric=other", "dt=2026-11-03", "z.ndjson._S3rver_object"),
        ];
        assert.equal(describeLake(files, dir), "metric=health_score for dt 2026-11-01 to 2026-11-02, metric=other for dt 2026-11-03 (3 objects)");
        assert.equal(describeLake([], dir), "no alert objects");
    });
});
