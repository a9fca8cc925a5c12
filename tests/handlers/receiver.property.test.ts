/**
 * Properties of body -> records -> stored objects, over generated bodies that mix valid alerts (with any Unicode
 * text) and what a hostile sender would send: duplicate keys, numbers the parser alters, lone surrogates, deep
 * nesting, elements of every JSON type, bodies that are not JSON at all.
 *
 * Invariants: no exception escapes; every accepted record reads back identically from the lake (DuckDB over the
 * emulator's objects); no two distinct series share a latest entry; and the outputs are bounded by these
 * functions of the body's size n (in bytes) and its accepted records r:
 *   answer           <= 32 KiB
 *   rejected/ object <= 1 MiB + 64 KiB        (MAX_REJECTION_DETAIL_BYTES, plus the last entry and the counts)
 *   lake objects     <= 4 n + 512 r           (a record line re-serializes its element's values, a number's
 *                                              shortest form at most 4 times its text, plus ids and times)
 */
import { strict as assert } from "assert";
import fc from "fast-check";
import { createAlertStruct } from "../../handlers/alert";
import { deliveryIdOf } from "../../handlers/ids";
import { canonicalJson } from "../../shared/canonicalJson";
import { facetsOf, latestSortKey, lakeObjectKey, rejectedObjectKey } from "../../shared/layout";
import { AlertRecord, MAX_REJECTION_DETAIL_BYTES, interpretDelivery, partitionRecords, toLakeNdjson } from "../../handlers/records";
import { receiveAndLoad } from "../support/pipeline";
import { silentLogger } from "../../handlers/logger";
import { openLocalLake } from "../../local/query";
import { FILTER_KEYS } from "../../shared/lakeSchema";
import { TEST_BUCKET, TEST_TABLE, useEmulators } from "../support/emulators";
import { TOKEN, hookRequest } from "../support/requests";
import { getText, scanItems } from "../support/store";
import { validAlertArb } from "./support";

const RECEIVED_AT = new Date("2026-11-28T10:00:00.000Z");
const ANSWER_LIMIT = 32 * 1024;
const REJECTED_LIMIT = MAX_REJECTION_DETAIL_BYTES + 64 * 1024;
const lakeLimit = (bodyBytes: number, records: number) => 4 * bodyBytes + 512 * records;

/** Any text, lone surrogates included: what an escaped JSON string may hold. */
const anyText = fc.string({ unit: fc.oneof(fc.constantFrom("\ud800", "\udfff", "😀", "\u2028", "\u0000", '"', "\\", "é"), fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c))), maxLength: 12 });

const isWellFormed = (text: string) => (text as unknown as { isWellFormed(): boolean }).isWellFormed();

/** Every string in a value, keys included. */
function textsOf(value: unknown): string[] {
    if (typeof value === "string") return [value];
    if (Array.isArray(value)) return value.flatMap(textsOf);
    if (value !== null && typeof value === "object") return Object.entries(value).flatMap(([key, child]) => [key, ...textsOf(child)]);
    return [];
}

/** Any Unicode text: control characters, line separators, quotes, astral characters. */
const unicodeText = anyText.filter(isWellFormed);

/** A valid alert whose name and facets are any Unicode text, and with an unknown filter key. */
const unicodeAlert = fc.tuple(validAlertArb(), unicodeText, unicodeText, unicodeText).map(([{ element }, name, facet, key]) => ({
    ...element,
    name: name === "" ? "n" : name,
    filters: { ...(element.filters as object), ip_pool: facet, [`x${key}`]: facet },
}));

/** Element texts a hostile sender writes, each valid JSON. */
const hostileElement = fc.oneof(
    fc.json({ maxDepth: 3 }),
    fc.constantFrom(
        "{}", "[]", "null", '"alert"', "1e400",
        '{"alert_id":1,"alert_id":2}',
        '{"filters":{"ip_pool":"a","IP_POOL":"b"}}',
        '{"a":{"b":{"c":{"d":{}}}}}',
        '{"__proto__":{"polluted":1}}',
    ),
    fc.tuple(validAlertArb(), fc.constantFrom("1e-400", "5e-324", "9007199254740993", "78.2724999999999999999", "-1e400"))
        .map(([{ element }, number]) => JSON.stringify(element).replace(/"triggered_value":[^,}]*/, `"triggered_value":${number}`)),
    fc.tuple(validAlertArb(), fc.constantFrom('"\\ud800"', '"a\\udc00"'))
        .map(([{ element }, text]) => JSON.stringify(element).replace(/"name":"(?:[^"\\]|\\.)*"/, `"name":${text}`)),
    fc.tuple(validAlertArb(), fc.constantFrom("2099-01-01T00:00:00Z", "0001-01-01T00:00:00Z"))
        .map(([{ element }, time]) => JSON.stringify({ ...element, triggered_at: time })),
);

const whitespace = fc.constantFrom("", " ", "\n", "\t ");

/** A body: usually an array of valid and hostile elements, sometimes anything at all. */
const bodyArb = fc.oneof(
    { weight: 8, arbitrary: fc.tuple(fc.array(fc.oneof(unicodeAlert.map((e) => JSON.stringify(e)), hostileElement), { maxLength: 8 }), whitespace)
        .map(([elements, space]) => Buffer.from(`${space}[${elements.join(`,${space}`)}]${space}`)) },
    { weight: 1, arbitrary: fc.json().map((text) => Buffer.from(text)) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes)) },
);

describe("receiver properties: body -> records -> stored objects", function () {
    this.timeout(60_000);
    const env = useEmulators();
    const struct = createAlertStruct();

    it("never lets an exception escape the pure core, and bounds what it keeps, for any bytes", () => {
        fc.assert(
            fc.property(bodyArb, (body) => {
                const result = interpretDelivery(body, struct, { deliveryId: deliveryIdOf(body), receivedAt: RECEIVED_AT });
                if (result.kind === "not-alerts") return;
                assert.ok(result.records.length + result.rejectedCount <= body.byteLength);
                assert.ok(result.rejected.length <= result.rejectedCount);
                for (const record of result.records) assert.ok(textsOf(record).every(isWellFormed), "accepted text is well-formed");
            }),
            { numRuns: 1000 },
        );
    });

    it("stores every accepted record readably and once per series, within the stated bounds, and answers every body", async () => {
        const receive = receiveAndLoad({ storage: env.storage, token: TOKEN, now: () => RECEIVED_AT, logger: silentLogger });
        const accepted = new Map<string, AlertRecord>();

        await fc.assert(
            fc.asyncProperty(bodyArb, async (body) => {
                const response = await receive(hookRequest(body));
                assert.ok([202, 400, 422].includes(response.statusCode), `${response.statusCode} ${response.body}`);
                assert.ok(Buffer.byteLength(response.body) <= ANSWER_LIMIT, `answer of ${response.body.length} characters`);
                const answer = JSON.parse(response.body);

                const deliveryId = deliveryIdOf(body);
                const expected = interpretDelivery(body, struct, { deliveryId, receivedAt: RECEIVED_AT });
                if (expected.kind === "not-alerts") {
                    assert.equal(response.statusCode, 400);
                    return;
                }
                assert.deepEqual([answer.accepted, answer.rejected], [expected.records.length, expected.rejectedCount]);

                // What reached the lake is exactly what was accepted, within its bound.
                let lakeBytes = 0;
                for (const partition of partitionRecords(expected.records)) {
                    const text = await getText(env.emulators.s3, TEST_BUCKET, lakeObjectKey(partition.metric, partition.day, deliveryId));
                    assert.equal(text, toLakeNdjson(partition.records));
                    lakeBytes += Buffer.byteLength(text);
                }
                assert.ok(lakeBytes <= lakeLimit(body.byteLength, expected.records.length), `${lakeBytes} lake bytes for a ${body.byteLength}-byte body`);
                if (expected.rejectedCount > 0) {
                    const document = await getText(env.emulators.s3, TEST_BUCKET, rejectedObjectKey(deliveryId));
                    assert.ok(Buffer.byteLength(document) <= REJECTED_LIMIT);
                    assert.equal(JSON.parse(document).rejected_count, expected.rejectedCount);
                }
                for (const record of expected.records) accepted.set(`${record.delivery_id}/${record.record_id}`, record);
            }),
            { numRuns: 30 },
        );

        assert.ok(accepted.size >= 10, `only ${accepted.size} records were accepted: the generator must give valid alerts`);
        // Every accepted record, read back by DuckDB from the lake objects, holds what was accepted.
        const lake = await openLocalLake({ bucketDir: env.emulators.bucketDir });
        try {
            const { rows, warnings } = await lake.query("SELECT * FROM alerts");
            assert.equal(warnings, undefined, "every lake object is readable");
            const read = new Map(rows.map((row) => [`${row.delivery_id}/${row.record_id}`, row]));
            for (const [id, record] of accepted) {
                const row = read.get(id);
                assert.ok(row, `record ${id} is not in the lake`);
                const { filters, metric, ...columns } = record;
                const knownFilters = Object.fromEntries(FILTER_KEYS.map((key) => [key, (filters as Record<string, unknown>)[key] ?? null]));
                assert.deepEqual(
                    { ...row, dt: undefined },
                    { ...columns, filters: knownFilters, facets: facetsOf(filters), metric, dt: undefined },
                    `record ${id}`,
                );
                assert.equal(row.dt, record.triggered_at.slice(0, 10));
            }
        } finally {
            lake.close();
        }

        // No two distinct series share a latest entry: each series the records name has exactly one.
        const latest = (await scanItems(env.emulators.dynamodb, TEST_TABLE)).filter((item) => item.kind === "latest");
        // A series: the metric, the subaccount, whether the value is a score or a change, and the other filters.
        const seriesOf = (metric: string, subaccount: number, filters: Record<string, unknown>, source: string | null) => {
            const { subaccount_id: _s, ...facets } = filters;
            return `${metric}|${subaccount}|${source === "raw" || source === null ? "score" : source}|${canonicalJson(facets)}`;
        };
        const items = new Map<string, number>();
        for (const item of latest) {
            assert.equal(item.sk, latestSortKey(item.subaccount_id as number, item.filters as Record<string, unknown>, item.source as string | null));
            const series = seriesOf(item.metric as string, item.subaccount_id as number, item.filters as Record<string, unknown>, item.source as string | null);
            items.set(series, (items.get(series) ?? 0) + 1);
        }
        for (const record of accepted.values()) {
            assert.equal(items.get(seriesOf(record.metric, record.subaccount_id, record.filters, record.source)), 1, `series of ${record.record_id}`);
        }
    });
});
