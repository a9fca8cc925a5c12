import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { POOL_COLUMNS, PoolsIo, PoolsOptions, poolsCommand, runPools } from "../../../local/commands/pools";
import { seededRandom } from "../../../local/generate";
import { writeOutputs } from "../../../local/outputs";
import { LocalLake, openLocalLake } from "../../../local/query";
import { PoolAssignment } from "../../../shared/pools";
import { TEST_BUCKET, TEST_TABLE, useEmulators } from "../../support/emulators";
import { DuckDbAthena } from "../../support/lake/duckdbAthena";
import { Delivery, Element, postDeliveries, round3 } from "../../support/lake/lakeData";

const FIRST = Date.UTC(2026, 10, 1);
const DAYS = 20;
const day = (i: number) => new Date(FIRST + i * 86_400_000).toISOString().slice(0, 10);

/** Each subaccount's daily score (before rounding), by design: -1 is the account overall. */
const random = seededRandom(11);
const HISTORIES: Record<number, number[]> = {
    /** Flaps around 55 by 0.5 points every day. */
    1: Array.from({ length: DAYS }, (_, i) => (i % 2 === 0 ? 55.5 : 54.5)),
    /** Flaps around 80 by 1.5 points. */
    2: Array.from({ length: DAYS }, (_, i) => (i % 2 === 0 ? 81.5 : 78.5)),
    /** Falls steadily from 90 to about 40. */
    3: Array.from({ length: DAYS }, (_, i) => 90 - i * 2.6),
    /** A one-day dip into the bad band. */
    4: Array.from({ length: DAYS }, (_, i) => (i === 10 ? 50 : 70)),
    0: Array.from({ length: DAYS }, () => 60),
    7: Array.from({ length: DAYS }, () => 30 + random() * 70),
    [-1]: Array.from({ length: DAYS }, () => 30 + random() * 70),
};

function element(subaccount: number, at: string, value: number, source: "raw" | "day_over_day" = "raw"): Element {
    return {
        alert_id: source === "raw" ? 1 : 2,
        name: "Daily health score",
        metric: "health_score",
        triggered_value: value,
        triggered_at: at,
        evaluator: { operator: source === "raw" ? "gt" : "lt", source, value: source === "raw" ? 0 : -5 },
        filters: subaccount === -1 ? {} : { subaccount_id: subaccount },
    };
}

/**
 * One delivery a day for every history, plus what the daily query must see through: on day 5 subaccount 1 first
 * scores 20 and later in the day its usual score (the day's last counts), and day_over_day alerts (changes).
 */
function deliveries(): Delivery[] {
    return Array.from({ length: DAYS }, (_, i) => {
        const morning = `${day(i)}T09:00:00.000Z`;
        const elements = Object.entries(HISTORIES).map(([subaccount, scores]) => element(Number(subaccount), morning, scores[i] + 1e-9));
        elements.push(element(2, morning, -40, "day_over_day"));
        if (i === 5) elements.push(element(1, `${day(i)}T07:00:00.000Z`, 20));
        return { receivedAt: new Date(Date.parse(morning) + 1000), elements };
    });
}

interface Captured extends PoolsIo {
    out: string;
    err: string;
}

function capture(extra: Partial<PoolsIo> = {}): Captured {
    const io: Captured = { out: "", err: "", stdout: (text) => { io.out += text; }, stderr: (text) => { io.err += text; }, ...extra };
    return io;
}

describe("pools command, over generated histories", function () {
    this.timeout(60_000);
    const context = useEmulators();
    let lake: LocalLake;

    before(async function () {
        this.timeout(120_000);
        await postDeliveries(context.storage, deliveries());
        writeOutputs(context.dataDir, {
            endpointUrl: "http://127.0.0.1:0/hooks/x", deadLetterQueueUrl: "", sqsEndpoint: "", fallbackQueueUrl: "", retentionDays: 30,
            bucketName: TEST_BUCKET, tableName: TEST_TABLE,
            s3Endpoint: context.emulators.s3Endpoint, dynamodbEndpoint: context.emulators.dynamodbEndpoint, bucketDir: context.emulators.bucketDir,
        });
        lake = await openLocalLake({ bucketDir: context.emulators.bucketDir });
    });
    after(() => lake?.close());

    const run = async (extra: Partial<PoolsOptions> = {}, io = capture()) => {
        const code = await runPools({ dataDir: context.dataDir, days: 30, format: "json", ...extra }, io);
        return { code, out: io.out, err: io.err };
    };
    const pools = async (extra: Partial<PoolsOptions> = {}) => {
        const { code, out, err } = await run(extra);
        assert.equal(code, 0, err);
        return new Map((JSON.parse(out) as PoolAssignment[]).map((row) => [row.subaccount_id, row]));
    };

    it("assigns every subaccount but the account overall, with SparkPost's bands and a 2-point hysteresis", async () => {
        const byId = await pools();
        assert.deepEqual([...byId.keys()], [0, 1, 2, 3, 4, 7]);
        for (const row of byId.values()) {
            assert.deepEqual(Object.keys(row), [...POOL_COLUMNS]);
            assert.equal(row.days, DAYS);
            assert.equal(row.dt, day(DAYS - 1));
            assert.equal(row.score, round3(HISTORIES[row.subaccount_id][DAYS - 1] + 1e-9));
        }
    });

    it("flapping around a boundary: no change of pool, while plain thresholds change every day", async () => {
        const withH = await pools();
        assert.deepEqual([withH.get(1)?.pool, withH.get(1)?.changes, withH.get(1)?.since], ["needs improvement", 0, day(0)]);
        assert.equal(withH.get(1)?.plain_pool, "bad", "the last day's 54.5 is plainly bad");
        assert.deepEqual([withH.get(2)?.pool, withH.get(2)?.changes], ["good", 0]);

        const plain = await pools({ hysteresis: 0 });
        assert.deepEqual([plain.get(1)?.pool, plain.get(1)?.changes], ["bad", DAYS - 1]);
        assert.deepEqual([plain.get(2)?.pool, plain.get(2)?.changes], ["needs improvement", DAYS - 1]);
    });

    it("real moves still happen: a steady fall crosses both boundaries, a one-day dip goes and comes back", async () => {
        const byId = await pools();
        // 90 - 2.6 i: below 78 (80 - h) from day 5, below 53 from day 15.
        assert.deepEqual([byId.get(3)?.pool, byId.get(3)?.changes, byId.get(3)?.since], ["bad", 2, day(15)]);
        assert.deepEqual([byId.get(4)?.pool, byId.get(4)?.changes, byId.get(4)?.since], ["needs improvement", 2, day(11)]);
        assert.deepEqual([byId.get(0)?.pool, byId.get(0)?.changes], ["needs improvement", 0]);
    });

    it("takes the day's last raw score: an earlier score that day and day_over_day changes do not count", async () => {
        const byId = await pools({ hysteresis: 0 });
        // Had the 20 at 07:00 (or a -40 change) counted, 1 or 2 would have been bad on that day, with more changes.
        assert.equal(byId.get(1)?.changes, DAYS - 1);
        assert.equal(byId.get(2)?.changes, DAYS - 1);
    });

    it("--days narrows the window to the lake's last days, the first of them assigned plainly", async () => {
        const byId = await pools({ days: 5 });
        assert.ok([...byId.values()].every((row) => row.days === 5 && row.since >= day(DAYS - 5)));
        assert.equal(byId.get(3)?.changes, 0, "bad throughout its last 5 days");
    });

    it("thresholds and names from a config file, options overriding it; CSV quoted where a name needs it", async () => {
        const config = path.join(context.dataDir, "pools.json");
        fs.writeFileSync(config, JSON.stringify({ thresholds: [40, 60], hysteresis: 5, names: ["restricted", "watch, closely", "trusted"] }));
        const mismatch = await run({ config, thresholds: [60], format: "csv" });
        assert.equal(mismatch.code, 1, "one threshold makes 2 pools, but the file names 3");
        assert.match(mismatch.err, /names: 1 threshold\(s\) make 2 pools, but 3 name\(s\)/);

        fs.writeFileSync(config, JSON.stringify({ thresholds: [60], hysteresis: 5, names: ["watch, closely", "trusted"] }));
        const csv = await run({ config, hysteresis: 0, format: "csv" });
        assert.equal(csv.code, 0, csv.err);
        const lines = csv.out.trimEnd().split("\n");
        assert.equal(lines[0], POOL_COLUMNS.join(","));
        assert.equal(lines.length, 7);
        // 0 scores 60: plainly trusted (60 reaches the threshold); 1 scores 54.5: "watch, closely", quoted.
        assert.equal(lines[1], `0,trusted,1,60,${day(DAYS - 1)},trusted,${day(0)},0,${DAYS}`);
        assert.match(lines[2], /^1,"watch, closely",0,54\.5,/);
    });

    it("--athena: the same assignments from the deployed lake, the daily query run in the stack's workgroup", async () => {
        const file = path.join(context.dataDir, "stack.json");
        fs.writeFileSync(file, JSON.stringify({ athenaWorkgroupName: "wg", glueDatabaseName: "db" }));
        const athena = new DuckDbAthena(lake);
        const io = capture({ athenaClient: () => athena });
        const { code, out, err } = await run({ athena: true, outputs: file, region: "eu-west-1", days: 20 }, io);
        assert.equal(code, 0, err);
        assert.deepEqual(athena.started.map((input) => [input.WorkGroup, input.QueryExecutionContext?.Database]), [["wg", "db"]]);
        assert.match(athena.started[0].QueryString ?? "", /< 20 \/\* @days \*\//);
        assert.equal(out, (await run({ days: 20 })).out);
    });

    it("an empty lake: no assignment (an empty list, a CSV header), and a note saying why", async () => {
        const emptyDir = fs.mkdtempSync(path.join(context.dataDir, "empty-"));
        writeOutputs(emptyDir, {
            endpointUrl: "", deadLetterQueueUrl: "", sqsEndpoint: "", fallbackQueueUrl: "", retentionDays: 30,
            bucketName: "nothing-yet", tableName: "t", s3Endpoint: "", dynamodbEndpoint: "",
            bucketDir: path.join(emptyDir, "s3", "nothing-yet"),
        });
        const json = await run({ dataDir: emptyDir });
        assert.deepEqual([json.code, json.out], [0, "[]\n"]);
        assert.match(json.err, /note: the lake is empty: no alert objects under /);
        const csv = await run({ dataDir: emptyDir, format: "csv" });
        assert.deepEqual([csv.code, csv.out], [0, `${POOL_COLUMNS.join(",")}\n`]);
    });

    it("says what is wrong: exit 1, nothing on stdout", async () => {
        const config = path.join(context.dataDir, "typo.json");
        fs.writeFileSync(config, JSON.stringify({ threshold: [55, 80] }));
        const stack = path.join(context.dataDir, "stack-only.json");
        fs.writeFileSync(stack, JSON.stringify({ athenaWorkgroupName: "wg", glueDatabaseName: "db" }));
        const cases: Array<[Partial<PoolsOptions>, RegExp]> = [
            [{ thresholds: [80, 55] }, /thresholds: must be strictly ascending, got 80,55/],
            [{ hysteresis: 60 }, /hysteresis: points from 0 to 50, got 60/],
            [{ config }, /the pools config .*typo.json has an unknown key "threshold": its keys are thresholds, hysteresis, names/],
            [{ config: path.join(context.dataDir, "none.json") }, /cannot read the pools config/],
            [{ outputs: stack }, /pools read the lake: add --athena/],
            [{ athena: true }, /--athena reads a deployed stack's lake: give --stack NAME or --outputs FILE/],
        ];
        for (const [extra, message] of cases) {
            const { code, out, err } = await run(extra);
            assert.equal(code, 1, JSON.stringify(extra));
            assert.equal(out, "");
            assert.match(err, message);
        }
    });

    it("parses its options as a commander command: --thresholds, --format, and refuses bad values", async () => {
        const io = capture();
        const saved = process.exitCode;
        try {
            await poolsCommand(io).exitOverride().parseAsync(["--data-dir", context.dataDir, "--thresholds", "50, 75", "--hysteresis", "1", "--format", "csv"], { from: "user" });
            assert.equal(process.exitCode, 0, io.err);
            assert.match(io.out, /^subaccount_id,pool,/);
            assert.match(io.out, /\n0,50 to 75,1,60,/);
            for (const args of [["--thresholds", "55,x"], ["--format", "xml"], ["--days", "0"], ["--hysteresis", ""]]) {
                await assert.rejects(poolsCommand(io).exitOverride().configureOutput({ writeErr: () => undefined }).parseAsync(args, { from: "user" }), /invalid|not a/i, args.join(" "));
            }
        } finally {
            process.exitCode = saved;
        }
    });
});
