import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DeleteObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { useEmulators, TEST_BUCKET } from "../support/emulators";
import { LakeQueryError, LocalLake, listLakeObjects, openLocalLake } from "../../local/query";
import { bindParameters, findNamedQuery, NAMED_QUERIES } from "../../shared/lakeQueries";
import { LAKE_COLUMNS, PARTITION_COLUMNS } from "../../shared/lakeSchema";
import { Expected, SUBACCOUNTS, expectedRows, generateDeliveries, postDeliveries } from "../support/lake/lakeData";
import { band, expectedBands, expectedDaily, expectedDrops, expectedLatest, expectedTrend, rawScores } from "../support/lake/expected";

describe("local lake queries (DuckDB over the emulator's objects)", function () {
    this.timeout(60_000);
    const context = useEmulators();
    const deliveries = generateDeliveries();
    const expected: Expected[] = expectedRows(deliveries);
    let lake: LocalLake;

    before(async function () {
        this.timeout(120_000);
        await postDeliveries(context.storage, deliveries);
        lake = await openLocalLake({ bucketDir: context.emulators.bucketDir });
    });
    after(() => lake?.close());

    const named = async (key: string, values: Record<string, number> = {}) => (await lake.query(bindParameters(findNamedQuery(key), values))).rows;

    it("exposes alerts with the Glue table's columns, in its order, then metric and dt, with the same types", async () => {
        const { rows } = await lake.query("DESCRIBE alerts");
        assert.deepEqual(
            rows.map((row) => [row.column_name, row.column_type]),
            [...LAKE_COLUMNS, ...PARTITION_COLUMNS].map((column) => [column.name, column.duckdbType]),
        );
    });

    it("answers a day's query with the values the receiver stored", async () => {
        const day = "2026-11-27";
        const { rows } = await lake.query(
            `SELECT subaccount_id, triggered_value FROM alerts WHERE metric = 'health_score' AND dt = '${day}' AND source = 'raw' AND facets = '{}' ORDER BY subaccount_id, triggered_value`);
        const want = rawScores(expected).filter((row) => row.dt === day)
            .map((row) => ({ subaccount_id: row.subaccount_id, triggered_value: row.score }))
            .sort((a, b) => a.subaccount_id - b.subaccount_id || a.triggered_value - b.triggered_value);
        assert.ok(want.length >= 4);
        assert.deepEqual(rows, want);
    });

    it("reads every stored element once, with its partition columns", async () => {
        const { rows } = await lake.query("SELECT metric, dt, count(*) AS n FROM alerts GROUP BY metric, dt ORDER BY metric, dt");
        const counts = new Map<string, number>();
        for (const row of expected) counts.set(`${row.metric}|${row.dt}`, (counts.get(`${row.metric}|${row.dt}`) ?? 0) + 1);
        assert.deepEqual(rows, [...counts.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, n]) => {
            const [metric, dt] = key.split("|");
            return { metric, dt, n };
        }));
    });

    it("types a full row: numbers as numbers, filters as a struct, timestamps as ISO strings", async () => {
        const { rows } = await lake.query("SELECT * FROM alerts WHERE dt = '2026-11-27' AND subaccount_id = 17 AND source = 'raw' AND metric = 'health_score'");
        assert.equal(rows.length, 1);
        const row = rows[0];
        assert.equal(row.alert_id, 1);
        assert.equal(row.incident_id, null);
        assert.equal(row.threshold, 0);
        assert.equal(row.triggered_at, "2026-11-27T09:00:03.123Z");
        assert.equal(row.metric, "health_score");
        assert.equal(row.dt, "2026-11-27");
        assert.deepEqual((row.filters as Record<string, unknown>).subaccount_id, 17);
        assert.match(String(row.record_id), /^[0-9a-f-]{36}$/);
    });

    describe("named queries return the rows computed from the generated deliveries", () => {
        it("latest: each subaccount's newest raw score", async () => {
            const rows = await named("latest");
            assert.deepEqual(rows, expectedLatest(expected));
            assert.deepEqual(rows.map((row) => row.subaccount_id), [...SUBACCOUNTS]);
        });

        for (const subaccount of [42, 108, -1]) {
            it(`trend: subaccount ${subaccount}'s last score of each day over its last 30 days`, async () => {
                const rows = await named("trend", { subaccount_id: subaccount });
                const want = expectedTrend(expected, subaccount);
                assert.ok(want.length > 20 && want.length <= 30, `expected a 30-day window, got ${want.length} days`);
                assert.deepEqual(rows, want);
            });
        }

        it("trend: the saved default (subaccount 0) runs as saved", async () => {
            assert.deepEqual((await lake.query(findNamedQuery("trend").sql)).rows, expectedTrend(expected, 0));
        });

        it("trend: a subaccount with no scores answers no rows", async () => {
            assert.deepEqual(await named("trend", { subaccount_id: 999 }), []);
        });

        it("bands: the latest scores in SparkPost's bands, with the count of each band", async () => {
            const rows = await named("bands");
            assert.deepEqual(rows, expectedBands(expected));
            for (const row of rows) assert.equal(row.band, band(row.score as number).band);
            assert.deepEqual([...new Set(rows.map((row) => row.band))], ["bad", "needs improvement", "good"], "the data covers every band");
        });

        it("drops: the biggest falls between consecutive days, the day's last score counting", async () => {
            const rows = await named("drops");
            const want = expectedDrops(expected);
            assert.equal(rows.length, 20);
            assert.deepEqual(rows.map(({ score_drop: _drop, ...rest }) => rest), want.map(({ score_drop: _drop, ...rest }) => rest));
            rows.forEach((row, i) => assert.ok(Math.abs((row.score_drop as number) - want[i].score_drop) < 1e-9, `score_drop of row ${i}`));
        });

        it("drops: the limit parameter binds", async () => {
            assert.equal((await named("drops", { limit: 3 })).length, 3);
        });

        it("daily: every subaccount's last score of each day over the 30 days up to the lake's latest day", async () => {
            const rows = await named("daily");
            const want = expectedDaily(expected);
            assert.deepEqual(rows, want);
            assert.deepEqual([...new Set(rows.map((row) => row.subaccount_id))], [...SUBACCOUNTS]);
            const days = new Set(rows.map((row) => row.dt));
            assert.equal(days.size, 30, "a 30-day window of a 58-day lake");
            // 42 has a second score on some days: the day's last counts, once.
            assert.equal(rows.filter((row) => row.subaccount_id === 42).length, 30);
        });

        it("daily: the days parameter binds and ends the window at the lake's latest day", async () => {
            const rows = await named("daily", { days: 3 });
            assert.deepEqual(rows, expectedDaily(expected, 3));
            assert.deepEqual([...new Set(rows.map((row) => row.dt))].sort(), ["2026-11-25", "2026-11-26", "2026-11-27"]);
        });
    });

    describe("partition pruning", () => {
        const day = "2026-11-27";

        it("a dt filter reads only that partition's objects (EXPLAIN ANALYZE)", async () => {
            const all = listLakeObjects(context.emulators.bucketDir);
            const inDay = all.filter((file) => file.includes(`${path.sep}metric=health_score${path.sep}dt=${day}${path.sep}`));
            assert.ok(all.length > 50 && inDay.length >= 1);
            const { rows } = await lake.query(`EXPLAIN ANALYZE SELECT count(*) FROM alerts WHERE metric = 'health_score' AND dt = '${day}'`);
            const plan = rows.map((row) => String(row.explain_value)).join("\n");
            assert.equal(Number(/Total Files Read:\s*(\d+)/.exec(plan)?.[1]), inDay.length, plan);
        });

        // Was "a corrupt object in another partition breaks a full scan but not a query filtered on dt": a full scan
        // now skips the object with a warning that names it (hardening issue, #11), instead of failing whole.
        it("a corrupt object is skipped by a full scan with a warning naming it, and a query filtered on dt never reads it", async () => {
            const key = "alerts/metric=health_score/dt=2026-12-01/corrupt.ndjson";
            const truncated = "alerts/metric=health_score/dt=2026-12-02/truncated.ndjson";
            await context.emulators.s3.send(new PutObjectCommand({ Bucket: TEST_BUCKET, Key: key, Body: "{not json\n" }));
            await context.emulators.s3.send(new PutObjectCommand({ Bucket: TEST_BUCKET, Key: truncated, Body: '{"record_id":"x","alert_id":1,"na' }));
            const withCorrupt = await openLocalLake({ bucketDir: context.emulators.bucketDir });
            try {
                const filtered = await withCorrupt.query(`SELECT count(*) AS n FROM alerts WHERE metric = 'health_score' AND dt = '${day}'`);
                assert.equal(filtered.rows[0].n, expected.filter((row) => row.metric === "health_score" && row.dt === day).length);
                assert.equal(filtered.warnings, undefined);
                const full = await withCorrupt.query("SELECT count(*) AS n FROM alerts");
                assert.equal(full.rows[0].n, expected.length);
                assert.equal(full.warnings?.length, 2, JSON.stringify(full.warnings));
                assert.match(full.warnings![0], /^skipped the unreadable lake object alerts\/metric=health_score\/dt=2026-12-0[12]\/(corrupt|truncated)\.ndjson: .*JSON/);
                assert.ok(full.warnings!.some((w) => w.includes(key)) && full.warnings!.some((w) => w.includes(truncated)));
            } finally {
                withCorrupt.close();
                await context.emulators.s3.send(new DeleteObjectCommand({ Bucket: TEST_BUCKET, Key: key }));
                await context.emulators.s3.send(new DeleteObjectCommand({ Bucket: TEST_BUCKET, Key: truncated }));
            }
        });
    });

    describe("answers clearly", () => {
        it("a day with no data: no rows, no error", async () => {
            const { rows, notice } = await lake.query("SELECT * FROM alerts WHERE metric = 'health_score' AND dt = '2030-01-01'");
            assert.deepEqual(rows, []);
            assert.equal(notice, undefined);
        });

        it("bad SQL: a LakeQueryError with DuckDB's reason", async () => {
            await assert.rejects(lake.query("SELEC 1"), (err: Error) => err instanceof LakeQueryError && /the query failed: Parser Error/.test(err.message));
            await assert.rejects(lake.query("SELECT no_such_column FROM alerts"), (err: Error) => err instanceof LakeQueryError && /no_such_column/.test(err.message));
            await assert.rejects(lake.query("  "), /the query is empty/);
        });

        it("the connection still answers after an error", async () => {
            await assert.rejects(lake.query("SELECT * FROM nowhere"));
            assert.equal((await lake.query("SELECT 1 AS one")).rows[0].one, 1);
        });
    });
});

describe("local lake queries over an empty lake", () => {
    let dir: string;
    before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), "healthscore-empty-lake-")); });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("has the alerts table with no rows and says the lake is empty", async () => {
        const lake = await openLocalLake({ bucketDir: path.join(dir, "no-such-bucket") });
        try {
            assert.equal(lake.objectCount, 0);
            const { rows, notice } = await lake.query("SELECT count(*) AS n FROM alerts");
            assert.deepEqual(rows, [{ n: 0 }]);
            assert.match(notice ?? "", /the lake is empty/);
            const described = (await lake.query("DESCRIBE alerts")).rows.map((row) => row.column_type);
            assert.deepEqual(described, [...LAKE_COLUMNS, ...PARTITION_COLUMNS].map((column) => column.duckdbType));
        } finally {
            lake.close();
        }
    });

    for (const query of NAMED_QUERIES) {
        it(`runs the ${query.key} query and answers no rows`, async () => {
            const lake = await openLocalLake({ bucketDir: dir });
            try {
                assert.deepEqual((await lake.query(bindParameters(query))).rows, []);
            } finally {
                lake.close();
            }
        });
    }
});
