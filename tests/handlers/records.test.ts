import assert from "assert";
import fc from "fast-check";
import { createAlertStruct, validateAlert } from "../../handlers/alert";
import { parseBody } from "../../handlers/body";
import {
    ACCOUNT_OVERALL,
    AlertRecord,
    DeliveryContext,
    Interpretation,
    interpretDelivery,
    partitionRecords,
    recordIdOf,
    roundTo3,
    toLakeNdjson,
    toRecord,
} from "../../handlers/records";
import { GeneratedAlert, RUNS, fixture, reorderKeys, validAlertArb } from "./support";

const struct = createAlertStruct();
const context: DeliveryContext = { deliveryId: "11111111-1111-5111-8111-111111111111", receivedAt: new Date("2026-11-27T09:00:04.500Z") };
const otherContext: DeliveryContext = { deliveryId: "22222222-2222-5222-8222-222222222222", receivedAt: new Date("2026-12-01T00:00:00.000Z") };

/** Interprets a body the way the receiver does: from JSON text. */
function interpretText(text: string, ctx = context): Interpretation {
    const parsed = parseBody(new TextEncoder().encode(text));
    assert.ok(parsed.ok, "fixture text must parse");
    return interpretDelivery(parsed.value, struct, ctx);
}

function alerts(interpretation: Interpretation): { records: AlertRecord[]; rejected: Array<{ index: number; paths: string[] }> } {
    assert.strictEqual(interpretation.kind, "alerts", JSON.stringify(interpretation));
    if (interpretation.kind !== "alerts") throw new Error("unreachable");
    return {
        records: interpretation.records,
        rejected: interpretation.rejected.map((element) => ({ index: element.index, paths: element.errors.map((error) => error.path) })),
    };
}

function recordOf(element: unknown, ctx = context): AlertRecord {
    const validated = validateAlert(struct, element, 0);
    assert.ok(validated.ok, JSON.stringify(validated));
    return toRecord(validated.alert, ctx);
}

/** Round half away from zero to 3 decimals on the exact decimal `digits × 10^exponent`, in BigInt: the reference. */
function referenceRound(digits: bigint, exponent: number): number {
    const negative = digits < 0n;
    const magnitude = negative ? -digits : digits;
    const shift = exponent + 3;
    let thousandths: bigint;
    if (shift >= 0) {
        thousandths = magnitude * 10n ** BigInt(shift);
    } else {
        const divisor = 10n ** BigInt(-shift);
        thousandths = magnitude / divisor;
        if ((magnitude % divisor) * 2n >= divisor) thousandths += 1n;
    }
    const result = Number(`${thousandths}e-3`);
    return negative && result !== 0 ? -result : result;
}

describe("handlers/records", () => {
    describe("roundTo3", () => {
        const examples: Array<[number, number]> = [
            [78.27250957000001, 78.273],
            [78.2725, 78.273],
            [54.9995, 55],
            [54.99950000000001, 55],
            [1.0005, 1.001],
            [-1.0005, -1.001],
            [0.0004, 0],
            [-0.0004, 0],
            [0.0005, 0.001],
            [91.0004999, 91],
            [2.675, 2.675],
            [1e-7, 0],
            [5e-4, 0.001],
            [123456789012.0005, 123456789012.001],
            [40, 40],
            [1e21, 1e21],
            [-1e22, -1e22],
            [Number.MAX_VALUE, Number.MAX_VALUE],
        ];
        for (const [input, expected] of examples) {
            it(`rounds ${input} to ${expected}`, () => assert.ok(Object.is(roundTo3(input), expected), `got ${roundTo3(input)}`));
        }

        it("never answers -0", () => {
            assert.ok(Object.is(roundTo3(-0), 0));
            assert.ok(Object.is(roundTo3(-0.0001), 0));
        });

        it("equals the decimal rounding computed in BigInt, for numbers of up to 15 significant digits", () => {
            fc.assert(
                fc.property(
                    fc.bigInt({ min: -(10n ** 15n) + 1n, max: 10n ** 15n - 1n }),
                    fc.integer({ min: -20, max: 6 }),
                    (digits, exponent) => {
                        const value = Number(`${digits}e${exponent}`);
                        assert.ok(Object.is(roundTo3(value), referenceRound(digits, exponent)), `${digits}e${exponent} = ${value}`);
                    },
                ),
                RUNS,
            );
        });

        it("is idempotent, within 0.0005 of its input and has at most 3 decimals, for any finite double", () => {
            fc.assert(
                fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (value) => {
                    const rounded = roundTo3(value);
                    assert.ok(Object.is(roundTo3(rounded), rounded), `not idempotent at ${value}`);
                    assert.ok(Math.abs(rounded - value) <= 0.0005 * (1 + 1e-9) + 4 * Number.EPSILON * Math.abs(value), `${value} -> ${rounded}`);
                    if (Math.abs(rounded) < 1e21) assert.match(String(rounded), /^-?\d+(\.\d{1,3})?$/);
                }),
                RUNS,
            );
        });
    });

    describe("toRecord", () => {
        it("stores the documented element with its incident, evaluator and filters", () => {
            const [element] = fixture("documented-delivery.json");

            const record = recordOf(element);

            assert.deepStrictEqual({ ...record, record_id: "(checked below)" }, {
                record_id: "(checked below)",
                alert_id: 1,
                incident_id: 1,
                name: "Health Score dropped",
                metric: "health_score",
                subaccount_id: 0,
                filters: { subaccount_id: 0, ip_pool: "default" },
                operator: "lt",
                source: "raw",
                threshold: 50,
                triggered_value: 40,
                triggered_at: "2019-06-01T14:48:00.000Z",
                received_at: "2026-11-27T09:00:04.500Z",
                delivery_id: context.deliveryId,
            });
            assert.strictEqual(record.record_id, recordIdOf((validateAlert(struct, element, 0) as { alert: any }).alert));
        });

        it("stores the real delivery's account overall as -1, the primary account as 0, a subaccount as itself", () => {
            const records = fixture<unknown[]>("real-delivery.json").map((element) => recordOf(element));
            assert.deepStrictEqual(records.map((r) => r.subaccount_id), [ACCOUNT_OVERALL, 0, 17]);
            assert.strictEqual(ACCOUNT_OVERALL, -1);
            assert.deepStrictEqual(records.map((r) => r.triggered_value), [78.273, 91, 55]);
            assert.deepStrictEqual(records.map((r) => r.incident_id), [null, null, null]);
            assert.deepStrictEqual(records.map((r) => [r.operator, r.source, r.threshold]), Array(3).fill(["gt", "raw", 0]));
        });

        it("normalises triggered_at to ISO UTC with milliseconds", () => {
            const [element] = fixture("real-delivery.json");
            assert.strictEqual(recordOf({ ...element, triggered_at: "2019-06-01T16:48+02:00" }).triggered_at, "2019-06-01T14:48:00.000Z");
            assert.strictEqual(recordOf({ ...element, triggered_at: "2019-06-01T14:48:00.123456Z" }).triggered_at, "2019-06-01T14:48:00.123Z");
        });

        it("gives null operator, source and threshold for an empty (blocklist) evaluator", () => {
            const [element] = fixture("real-delivery.json");
            const record = recordOf({ ...element, metric: "blocklist", evaluator: {} });
            assert.deepStrictEqual([record.operator, record.source, record.threshold], [null, null, null]);
        });

        it("keeps unknown filter keys", () => {
            const [element] = fixture("real-delivery.json");
            assert.deepStrictEqual(recordOf({ ...element, filters: { subaccount_id: 3, campaign_id: "x" } }).filters, { subaccount_id: 3, campaign_id: "x" });
        });
    });

    describe("recordIdOf", () => {
        it("is the same for a redelivery in another delivery, keys in another order", () => {
            const [element] = fixture<Array<Record<string, unknown>>>("documented-delivery.json");
            const reversed = Object.fromEntries(Object.entries(element).reverse());

            assert.strictEqual(recordOf(reversed, otherContext).record_id, recordOf(element).record_id);
        });

        it("is the same whichever key the evaluator came under", () => {
            const [{ threshold_evaluator, ...rest }] = fixture<Array<Record<string, unknown>>>("documented-delivery.json");
            assert.strictEqual(recordOf({ ...rest, evaluator: threshold_evaluator }).record_id, recordOf({ ...rest, threshold_evaluator }).record_id);
        });

        it("is the same for a generated element redelivered with keys reordered at every level", () => {
            fc.assert(
                fc.property(validAlertArb(), fc.nat(), ({ element }, seed) => {
                    const again = JSON.parse(JSON.stringify(reorderKeys(element, seed)));
                    assert.strictEqual(recordOf(again, otherContext).record_id, recordOf(element).record_id);
                }),
                RUNS,
            );
        });

        const changes: Array<[string, (e: Record<string, any>) => Record<string, any>]> = [
            ["alert_id", (e) => ({ ...e, alert_id: e.alert_id === 1 ? 2 : e.alert_id - 1 })],
            ["incident_id", (e) => ({ ...e, incident_id: e.incident_id === undefined ? 1 : e.incident_id === 1 ? 2 : e.incident_id - 1 })],
            ["metric", (e) => ({ ...e, metric: e.metric === "zz_other" ? "zz_another" : "zz_other" })],
            ["triggered_at", (e) => ({ ...e, triggered_at: new Date(Date.parse(e.triggered_at) + 1).toISOString() })],
            ["triggered_value", (e) => ({ ...e, triggered_value: e.triggered_value >= 50 ? e.triggered_value - 1 : e.triggered_value + 1 })],
            ["filters.subaccount_id", (e) => ({ ...e, filters: { ...e.filters, subaccount_id: (e.filters.subaccount_id ?? -1) + 1 } })],
            ["filters, another facet", (e) => ({ ...e, filters: { ...e.filters, sending_domain: `${e.filters.sending_domain ?? ""}x` } })],
            ["the evaluator", (e) => {
                const key = "evaluator" in e ? "evaluator" : "threshold_evaluator";
                const ev = e[key];
                return { ...e, [key]: "value" in ev ? { ...ev, value: ev.value + 1 } : { operator: "gt", source: "day_over_day", value: 0 } };
            }],
        ];
        for (const [field, change] of changes) {
            it(`changes when ${field} changes`, () => {
                fc.assert(
                    fc.property(validAlertArb(), ({ element }) => {
                        const changed = JSON.parse(JSON.stringify(change(element)));
                        const before = recordOf(element).record_id;
                        const after = recordOf(changed).record_id;
                        assert.notStrictEqual(after, before);
                    }),
                    { numRuns: 50 },
                );
            });
        }

        it("does not depend on the delivery or the time of arrival", () => {
            const [element] = fixture("real-delivery.json");
            assert.strictEqual(recordOf(element, otherContext).record_id, recordOf(element, context).record_id);
        });
    });

    describe("interpretDelivery", () => {
        for (const [body, received] of [["{}", "an object"], ['"alerts"', "a string"], ["null", "null"], ["42", "a number"], ["true", "a boolean"]] as const) {
            it(`calls a body of ${received} not-alerts`, () => {
                const result = interpretText(body);
                assert.strictEqual(result.kind, "not-alerts");
                if (result.kind === "not-alerts") assert.match(result.message, new RegExp(`expected a JSON array of alerts, but received ${received}`));
            });
        }

        it("calls an array none of whose elements is an object not-alerts", () => {
            for (const body of ['[1, "a", null]', "[[], [{}]]", "[null]"]) {
                assert.deepStrictEqual(interpretText(body), {
                    kind: "not-alerts",
                    message: "expected a JSON array of alert objects, but no element is an object",
                });
            }
        });

        it("reads an empty array as a delivery with no alerts (the receiver answers 422)", () => {
            assert.deepStrictEqual(interpretText("[]"), { kind: "alerts", records: [], rejected: [] });
        });

        it("stores every element of the real delivery", () => {
            const { records, rejected } = alerts(interpretText(JSON.stringify(fixture("real-delivery.json"))));
            assert.strictEqual(records.length, 3);
            assert.deepStrictEqual(rejected, []);
            assert.ok(records.every((record) => record.delivery_id === context.deliveryId && record.received_at === "2026-11-27T09:00:04.500Z"));
        });

        it("rejects an invalid element with its path and keeps its valid siblings", () => {
            const delivery = fixture<Array<Record<string, unknown>>>("real-delivery.json");
            delivery[2].triggered_value = "high";

            const { records, rejected } = alerts(interpretText(JSON.stringify(delivery)));

            assert.deepStrictEqual(records.map((r) => r.subaccount_id), [-1, 0]);
            assert.deepStrictEqual(rejected, [{ index: 2, paths: ["[2].triggered_value"] }]);
        });

        it("rejects an element that is not an object, with its index as path, among objects", () => {
            const delivery = [...fixture<unknown[]>("real-delivery.json").slice(0, 1), "alert", null];
            const result = interpretText(JSON.stringify(delivery));
            assert.deepStrictEqual(alerts(result).rejected, [{ index: 1, paths: ["[1]"] }, { index: 2, paths: ["[2]"] }]);
            if (result.kind === "alerts") assert.match(result.rejected[0].errors[0].message, /Expected an alert object, but received a string/);
        });

        it("keeps a rejected element as received", () => {
            const result = interpretText('[{"alert_id": "x"}]');
            assert.ok(result.kind === "alerts");
            assert.deepStrictEqual(result.rejected[0].element, { alert_id: "x" });
        });

        it("gives one record for two identical elements, and for the same element with keys reordered", () => {
            const [element] = fixture<Array<Record<string, unknown>>>("documented-delivery.json");
            const reordered = Object.fromEntries(Object.entries(element).reverse());

            const { records, rejected } = alerts(interpretText(JSON.stringify([element, element, reordered])));

            assert.strictEqual(records.length, 1);
            assert.deepStrictEqual(rejected, []);
        });

        const unsafe: Array<[string, string, string]> = [
            ["a value beyond double range (1e400)", '"triggered_value": 1e400', "[0].triggered_value"],
            ["an integer beyond the safe range", '"alert_id": 9007199254740993', "[0].alert_id"],
            ["an unsafe subaccount", '"filters": {"subaccount_id": 18014398509481984}', "[0].filters.subaccount_id"],
            ["a threshold beyond double range", '"evaluator": {"operator": "gt", "source": "raw", "value": -1e400}', "[0].evaluator.value"],
            ["a __proto__ key in filters", '"filters": {"__proto__": {"polluted": 1}}', "[0].filters.__proto__"],
            ["a constructor key in filters", '"filters": {"constructor": {"prototype": {"polluted": 1}}}', "[0].filters.constructor"],
            ["a __proto__ key in the element", '"__proto__": {"polluted": 1}', "[0].__proto__"],
        ];
        for (const [what, member, path] of unsafe) {
            it(`rejects an element with ${what} at ${path}, and stores its sibling`, () => {
                const [good] = fixture<Array<Record<string, unknown>>>("real-delivery.json");
                const key = /^"([^"]+)"/.exec(member)![1];
                const rest = Object.fromEntries(Object.entries(good).filter(([name]) => name !== key));
                const text = `[${JSON.stringify(rest).slice(0, -1)}, ${member}}, ${JSON.stringify({ ...good, alert_id: 7 })}]`;

                const { records, rejected } = alerts(interpretText(text));

                assert.deepStrictEqual(rejected, [{ index: 0, paths: [path] }]);
                assert.deepStrictEqual(records.map((r) => r.alert_id), [7]);
                assert.strictEqual(({} as Record<string, unknown>).polluted, undefined);
                assert.strictEqual((Object.prototype as Record<string, unknown>).polluted, undefined);
            });
        }

        it("gives back every generated valid element's values through records, lake NDJSON and JSON.parse", () => {
            fc.assert(
                fc.property(
                    fc.uniqueArray(validAlertArb(), { minLength: 1, maxLength: 6, selector: (g) => g.expected.alert_id }),
                    (generated: GeneratedAlert[]) => {
                        const { records, rejected } = alerts(interpretText(JSON.stringify(generated.map((g) => g.element))));
                        assert.deepStrictEqual(rejected, []);
                        assert.strictEqual(records.length, generated.length);

                        const rows = new Map<number, { metric: string; day: string; row: Record<string, unknown> }>();
                        for (const partition of partitionRecords(records)) {
                            const lines = toLakeNdjson(partition.records).split("\n");
                            assert.strictEqual(lines.pop(), "", "the object ends with a newline");
                            for (const line of lines) {
                                const row = JSON.parse(line);
                                rows.set(row.alert_id, { metric: partition.metric, day: partition.day, row });
                            }
                        }

                        for (const { expected } of generated) {
                            const found = rows.get(expected.alert_id);
                            assert.ok(found, `no lake row for alert ${expected.alert_id}`);
                            const { row, metric, day } = found;
                            assert.strictEqual(metric, expected.metric);
                            assert.strictEqual(day, expected.triggered_at.slice(0, 10));
                            assert.strictEqual("metric" in row, false);
                            assert.deepStrictEqual(
                                {
                                    alert_id: row.alert_id, incident_id: row.incident_id, name: row.name,
                                    subaccount_id: row.subaccount_id, filters: row.filters,
                                    operator: row.operator, source: row.source, threshold: row.threshold,
                                    triggered_at: row.triggered_at,
                                },
                                {
                                    alert_id: expected.alert_id, incident_id: expected.incident_id, name: expected.name,
                                    subaccount_id: expected.subaccount_id, filters: expected.filters,
                                    operator: expected.operator, source: expected.source, threshold: expected.threshold,
                                    triggered_at: expected.triggered_at,
                                },
                            );
                            const value = row.triggered_value as number;
                            assert.ok(Object.is(value, roundTo3(expected.triggered_value)));
                            assert.ok(Math.abs(value - expected.triggered_value) <= 0.0005 + 1e-9);
                            assert.match(row.record_id as string, /^[0-9a-f-]{36}$/);
                            assert.strictEqual(row.delivery_id, context.deliveryId);
                        }
                    },
                ),
                RUNS,
            );
        });
    });

    describe("partitionRecords", () => {
        const base = () => recordOf(fixture("real-delivery.json")[0]);

        it("groups by metric and UTC day of triggered_at, sorted, keeping record order within a partition", () => {
            const a = { ...base(), record_id: "a", metric: "health_score", triggered_at: "2026-11-27T23:59:59.999Z" };
            const b = { ...base(), record_id: "b", metric: "block_bounce_rate", triggered_at: "2026-11-27T10:00:00.000Z" };
            const c = { ...base(), record_id: "c", metric: "health_score", triggered_at: "2026-11-28T00:00:00.000Z" };
            const d = { ...base(), record_id: "d", metric: "health_score", triggered_at: "2026-11-27T00:00:00.000Z" };

            const partitions = partitionRecords([a, b, c, d]);

            assert.deepStrictEqual(
                partitions.map((p) => [p.metric, p.day, p.records.map((r) => r.record_id)]),
                [
                    ["block_bounce_rate", "2026-11-27", ["b"]],
                    ["health_score", "2026-11-27", ["a", "d"]],
                    ["health_score", "2026-11-28", ["c"]],
                ],
            );
        });

        it("takes the day after normalisation: 23:30 at -02:00 is the next UTC day", () => {
            const [element] = fixture("real-delivery.json");
            const [partition] = partitionRecords([recordOf({ ...element, triggered_at: "2019-06-01T23:30:00-02:00" })]);
            assert.strictEqual(partition.day, "2019-06-02");
        });

        it("puts every record in exactly one partition", () => {
            fc.assert(
                fc.property(fc.array(validAlertArb(), { maxLength: 8 }), (generated) => {
                    const records = generated.map((g) => recordOf(g.element));
                    const partitions = partitionRecords(records);
                    assert.strictEqual(partitions.flatMap((p) => p.records).length, records.length);
                    for (const p of partitions) {
                        assert.ok(p.records.length > 0);
                        assert.ok(p.records.every((r) => r.metric === p.metric && r.triggered_at.startsWith(p.day)));
                    }
                    assert.strictEqual(new Set(partitions.map((p) => `${p.metric}/${p.day}`)).size, partitions.length);
                }),
                { numRuns: 100 },
            );
        });

        it("gives no partition for no records", () => {
            assert.deepStrictEqual(partitionRecords([]), []);
        });
    });

    describe("toLakeNdjson", () => {
        it("writes one JSON line per record, without metric (the partition), ending with a newline", () => {
            const records = fixture<unknown[]>("real-delivery.json").map((element) => recordOf(element));

            const text = toLakeNdjson(records);

            const lines = text.split("\n");
            assert.strictEqual(lines.pop(), "");
            assert.strictEqual(lines.length, 3);
            lines.forEach((line, i) => {
                const { metric: _metric, ...withoutMetric } = records[i];
                assert.deepStrictEqual(JSON.parse(line), withoutMetric);
                assert.doesNotMatch(line, /"metric"/);
            });
        });

        it("writes nothing, not an empty line, for no records", () => {
            assert.strictEqual(toLakeNdjson([]), "");
        });

        it("escapes line breaks inside values, so a name cannot split a line", () => {
            const record = { ...recordOf(fixture("real-delivery.json")[0]), name: "a\nb\u2028c" };
            assert.strictEqual(toLakeNdjson([record]).split("\n").length, 2);
        });
    });
});
