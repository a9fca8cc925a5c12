import assert from "assert";
import fc from "fast-check";
import { createAlertStruct, validateAlert } from "../../handlers/alert";
import { MAX_JSON_DEPTH } from "../../handlers/body";
import { roundTo3 } from "../../handlers/numbers";
import {
    ACCOUNT_OVERALL,
    AlertRecord,
    DeliveryContext,
    Interpretation,
    MAX_DETAILED_REJECTIONS,
    MAX_ELEMENT_BYTES,
    MAX_ERRORS_PER_ELEMENT,
    couldBeAlert,
    interpretDelivery,
    partitionRecords,
    recordIdOf,
    identityJson,
    toLakeNdjson,
    toRecord,
} from "../../handlers/records";
import { identityJsonReference, interpretDeliveryReference, recordIdReference, toRecordReference } from "../support/reference";
import { GeneratedAlert, RUNS, alertEditArb, applyEdit, fixture, reorderKeys, validAlertArb, validElementArb } from "./support";

const struct = createAlertStruct();
const context: DeliveryContext = { deliveryId: "11111111-1111-5111-8111-111111111111", receivedAt: new Date("2026-11-27T09:00:04.500Z") };
const otherContext: DeliveryContext = { deliveryId: "22222222-2222-5222-8222-222222222222", receivedAt: new Date("2026-12-01T00:00:00.000Z") };

/** Interprets a body the way the receiver does: from its bytes. */
function interpretText(text: string, ctx = context): Interpretation {
    return interpretDelivery(new TextEncoder().encode(text), struct, ctx);
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

describe("handlers/records", () => {
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
            // Between two metrics that need an evaluator; a blocklist alert may have none, and keeps its metric's kind.
            ["metric", (e) => ({ ...e, metric: e.metric === "blocklist" ? "blocklist_v2" : e.metric === "zz_other" ? "zz_another" : "zz_other" })],
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
                        // Only blocklist may come without an evaluator: its metric cannot change alone.
                        const evaluator = (element.evaluator ?? element.threshold_evaluator) as { source?: string } | undefined;
                        fc.pre(field !== "metric" || element.metric !== "blocklist" || evaluator?.source !== undefined);
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

    describe("against the reference implementations (ids, records and interpretations as they were before the speed-ups)", () => {
        /** Valid alerts with unusual but allowed content: unknown keys in the evaluator and filters, nested filters, odd numbers. */
        const unusualAlert = fc.tuple(validAlertArb(), fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }), fc.boolean())
            .map(([{ element }, extra, inEvaluator]) => {
                const key = "evaluator" in element ? "evaluator" : "threshold_evaluator";
                return inEvaluator
                    ? { ...element, [key]: { ...(element[key] as object), ...extra } }
                    : { ...element, filters: { ...(element.filters as object), ...extra } };
            });

        it("identityJson writes the canonical JSON of the identity object, for any content", () => {
            fc.assert(
                fc.property(fc.oneof(validElementArb, unusualAlert, fc.tuple(validElementArb, alertEditArb).map(([element, edit]) => applyEdit(element, edit))), (element) => {
                    const triggeredAt = new Date("2026-11-27T09:00:00.000Z").toISOString();
                    assert.strictEqual(identityJson(element as never, triggeredAt), identityJsonReference(element as never, triggeredAt));
                }),
                { numRuns: 5_000 },
            );
        });

        it("recordIdOf and toRecord give the ids and records the reference gave, for valid alerts in every timestamp form", () => {
            fc.assert(
                fc.property(fc.oneof(validElementArb, unusualAlert), (element) => {
                    const validated = validateAlert(struct, JSON.parse(JSON.stringify(element)), 0);
                    fc.pre(validated.ok);
                    if (!validated.ok) return;
                    assert.strictEqual(recordIdOf(validated.alert), recordIdReference(validated.alert));
                    assert.deepStrictEqual(toRecord(validated.alert, context), toRecordReference(validated.alert, context));
                }),
                { numRuns: 3_000 },
            );
        });

        it("keeps the ids of the fixtures (a redelivery writes the same keys)", () => {
            const ids = fixture<unknown[]>("real-delivery.json").map((element) => recordOf(element).record_id);
            assert.deepStrictEqual(ids, fixture<unknown[]>("real-delivery.json").map((element) => recordIdReference(element as never)));
            assert.deepStrictEqual(ids, ["6222d1c7-6be9-59ea-b6fb-b541bc7fa81e", "cd313969-7271-5ba7-a1bf-99cda195b725", "c520e71e-83e2-5e8e-9191-875cc95fcf0f"]);
        });

        /** Bodies of valid, edited and broken elements, as text: superstruct and the fast path must agree on every one. */
        const element = fc.oneof(
            { weight: 4, arbitrary: validElementArb.map((e) => JSON.stringify(e)) },
            { weight: 4, arbitrary: fc.tuple(validElementArb, fc.array(alertEditArb, { minLength: 1, maxLength: 3 })).map(([e, edits]) => JSON.stringify(edits.reduce(applyEdit, e)) ?? "null") },
            { weight: 1, arbitrary: unusualAlert.map((e) => JSON.stringify(e)) },
            { weight: 1, arbitrary: fc.constantFrom("{}", "1", "null", '"x"', "[]", '{"alert_id":1e400}', '{"a":1,"a":2}', '{"name":"\\ud800"}') },
        );
        const body = fc.tuple(fc.array(element, { maxLength: 12 }), fc.constantFrom(0, 0, MAX_DETAILED_REJECTIONS)).map(([elements, padding]) =>
            // Past the detail limit, only verdicts are worked out (and superstruct's first failure decides).
            `[${[...Array<string>(padding).fill("0"), ...elements].join(",")}]`);

        it("interpretDelivery gives the interpretation the reference (superstruct judging every element) gives, detailed or not", () => {
            fc.assert(
                fc.property(body, fc.constantFrom(context, otherContext, { ...context, receivedAt: new Date("2026-11-27T08:00:00.000Z") }, { ...context, receivedAt: new Date(8.64e15) }), (text, ctx) => {
                    const bytes = new TextEncoder().encode(text);
                    // The same interpretation, or the same error (the last instant a Date keeps has no hour after it).
                    const outcome = (interpret: typeof interpretDelivery) => {
                        try {
                            return interpret(bytes, struct, ctx);
                        } catch (error) {
                            return String(error);
                        }
                    };
                    assert.deepStrictEqual(outcome(interpretDelivery), outcome(interpretDeliveryReference));
                }),
                { numRuns: 500 },
            );
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
            assert.deepStrictEqual(interpretText("[]"), { kind: "alerts", records: [], rejected: [], rejectedCount: 0, errorCount: 0, undetailed: 0, duplicates: 0 });
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

    describe("interpretDelivery: what JSON.parse would hide", () => {
        const [good] = fixture<Array<Record<string, unknown>>>("real-delivery.json");
        const goodText = (changes: Record<string, unknown> = {}) => JSON.stringify({ ...good, ...changes });
        /** The element with one member's text replaced by `memberText` (`"name": "\ud800"`). */
        const withMember = (key: string, valueText: string) => goodText().replace(new RegExp(`"${key}":(\\{[^}]*\\}|[^,}]*)`), `"${key}":${valueText}`);
        const errorsOf = (text: string) => {
            const result = interpretText(text);
            assert.ok(result.kind === "alerts");
            return result.rejected.flatMap((element) => element.errors.map((error) => [error.path, error.message]));
        };

        it("ported from parseBody: checks UTF-8 first, depth before any parsing, and names text that is not JSON", () => {
            assert.deepStrictEqual(interpretDelivery(Uint8Array.from([0x5b, 0xff, 0x5d]), struct, context), { kind: "not-alerts", message: "body is not valid UTF-8" });
            const deep = interpretText("[".repeat(MAX_JSON_DEPTH + 1));
            assert.ok(deep.kind === "not-alerts" && /nested deeper/.test(deep.message), JSON.stringify(deep));
            const notJson = interpretText("alert_id=1");
            assert.ok(notJson.kind === "not-alerts" && /^body is not JSON: ./.test(notJson.message), JSON.stringify(notJson));
        });

        it("never parses an element with a __proto__ key, so nothing reaches Object.prototype", () => {
            const result = interpretText(`[${withMember("filters", '{"__proto__": {"polluted": 1}}')}]`);
            assert.deepStrictEqual(alerts(result).rejected, [{ index: 0, paths: ["[0].filters.__proto__"] }]);
            assert.ok(result.kind === "alerts" && !("element" in result.rejected[0]));
            assert.strictEqual(({} as Record<string, unknown>).polluted, undefined);
        });

        // #1: an escaped lone surrogate is valid UTF-8 and valid JSON, but DuckDB (and Athena's SerDe) cannot read it.
        for (const [where, text, path] of [
            ["the name", withMember("name", '"Daily \\ud800"'), "[0].name"],
            ["a low half alone", withMember("name", '"\\udc00 score"'), "[0].name"],
            ["two high halves", withMember("name", '"\\ud83d\\ud83d"'), "[0].name"],
            ["a filter value", withMember("filters", '{"ip_pool": "p\\udfff"}'), "[0].filters.ip_pool"],
            ["a key", withMember("filters", '{"ip\\ud800": "p"}'), "[0].filters.ip\ud800"],
        ] as const) {
            it(`rejects a lone surrogate in ${where}, naming the field`, () => {
                assert.deepStrictEqual(errorsOf(`[${text}, ${goodText({ alert_id: 7 })}]`), [[path, "text is not well-formed Unicode: it holds a lone surrogate (\\ud800 to \\udfff without its pair)"]]);
                assert.deepStrictEqual(alerts(interpretText(`[${text}, ${goodText({ alert_id: 7 })}]`)).records.map((r) => r.alert_id), [7]);
            });
        }

        it("accepts well-formed text: escaped pairs, emoji, U+2028, escapes", () => {
            const { records } = alerts(interpretText(`[${withMember("name", '"\\ud83d\\ude00 😀 \\u2028 \\" \\\\ \\/ \\n é"')}]`));
            assert.strictEqual(records[0].name, '😀 😀 \u2028 " \\ / \n é');
        });

        // #6: what the parser altered was stored (1e-400 as 0) while its neighbours were rejected.
        it("rejects every number whose text does not survive parsing, the same problem with the same message", () => {
            const tooSmall = ["1e-400", "5e-324", "1e-131", "-2.5e-200", "0.0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001"];
            for (const literal of tooSmall) {
                assert.deepStrictEqual(errorsOf(`[${withMember("triggered_value", literal)}]`), [["[0].triggered_value", "number is too close to zero to store (DynamoDB keeps magnitudes from 1e-130)"]], literal);
            }
            for (const literal of ["1e400", "-1e400", "9007199254740993", "9007199254740992", "1e16", "9007199254740991.5"]) {
                assert.deepStrictEqual(errorsOf(`[${withMember("alert_id", literal)}]`), [["[0].alert_id", "number is outside the safe range (±9007199254740991)"]], literal);
            }
            // 78.2724999999999999999 parses to 78.2725, which rounds to 78.273; the number sent rounds to 78.272.
            assert.deepStrictEqual(errorsOf(`[${withMember("triggered_value", "78.2724999999999999999")}]`), [[
                "[0].triggered_value", "number has more digits than a 64-bit float keeps, and parsing it changes its value rounded to 3 decimals",
            ]]);
        });

        it("accepts long numbers whose rounded value parsing does not change, and zero however written", () => {
            for (const literal of ["78.27250957000001", "78.27250000000000000001", "54.99950000000001", "0e-400", "-0.000", "1e-130", "99.99999999999999999999"]) {
                const { records, rejected } = alerts(interpretText(`[${withMember("triggered_value", literal)}]`));
                assert.deepStrictEqual(rejected, [], literal);
                assert.strictEqual(records[0].triggered_value, roundTo3(Number(literal)), literal);
            }
        });

        // #7: with a key twice the last silently wins, and the record differs from what another reader makes of the archive.
        it("rejects an element with a key twice, at any depth, naming the key, even spelled with escapes", () => {
            assert.deepStrictEqual(errorsOf(`[${goodText().replace('"alert_id":4242', '"alert_id":4242,"alert_id":7')}]`), [["[0].alert_id", 'key "alert_id" appears more than once in this object']]);
            assert.deepStrictEqual(errorsOf(`[${withMember("filters", '{"subaccount_id": 3, "subaccount_\\u0069d": 4}')}]`), [["[0].filters.subaccount_id", 'key "subaccount_id" appears more than once in this object']]);
            assert.deepStrictEqual(errorsOf(`[${withMember("filters", '{"x": [{"a": 1, "a": 1}]}')}]`), [["[0].filters.x[0].a", 'key "a" appears more than once in this object']]);
            // The same key in two objects is no duplicate.
            assert.deepStrictEqual(alerts(interpretText(`[${withMember("filters", '{"x": {"a": 1}, "y": {"a": 1}}')}]`)).rejected, []);
        });

        it("caps the errors kept per element and counts the rest", () => {
            const keys = Array.from({ length: MAX_ERRORS_PER_ELEMENT + 5 }, () => '"k": 1').join(", ");
            const result = interpretText(`[${withMember("filters", `{"k": 0, ${keys}}`)}]`);
            assert.ok(result.kind === "alerts");
            assert.strictEqual(result.rejected[0].errors.length, MAX_ERRORS_PER_ELEMENT);
            assert.strictEqual(result.rejected[0].more_errors, 5);
            assert.strictEqual(result.errorCount, MAX_ERRORS_PER_ELEMENT + 5);
        });

        it("measures an element by its UTF-8 text: 16 KiB of it passes, one byte more does not", () => {
            const padded = (bytes: number) => {
                const base = goodText({ name: "" });
                const missing = bytes - Buffer.byteLength(base);
                return base.replace('"name":""', `"name":"${"é".repeat(Math.floor(missing / 2))}${missing % 2 === 1 ? "x" : ""}"`);
            };
            const atLimit = padded(MAX_ELEMENT_BYTES);
            assert.strictEqual(Buffer.byteLength(atLimit), MAX_ELEMENT_BYTES);
            // 16 KiB is within the limit in bytes, but its name is over 1,024 characters: superstruct says so.
            assert.deepStrictEqual(errorsOf(`[${atLimit}]`).map(([path]) => path), ["[0].name"]);
            const over = atLimit.replace('"name":"', '"name":"x');
            assert.deepStrictEqual(errorsOf(`[${over}]`), [["[0]", `alert is ${MAX_ELEMENT_BYTES + 1} bytes; the limit is ${MAX_ELEMENT_BYTES}`]]);
        });
    });

    describe("interpretDelivery: triggered_at from 2019 to an hour after the first arrival (#2)", () => {
        const [good] = fixture<Array<Record<string, unknown>>>("real-delivery.json");
        const arrival = new Date("2026-11-28T10:00:00.000Z");
        const verdict = (triggeredAt: string, firstArrival = arrival) => {
            const result = interpretDelivery(JSON.stringify([{ ...good, triggered_at: triggeredAt }]), struct, { ...context, receivedAt: firstArrival });
            assert.ok(result.kind === "alerts");
            return result.records.length === 1 ? "accepted" : result.rejected[0].errors.map((error) => `${error.path}: ${error.message}`).join("; ");
        };

        it("accepts the first instant of 2019 and the last of the hour after arrival", () => {
            assert.strictEqual(verdict("2019-01-01T00:00:00.000Z"), "accepted");
            assert.strictEqual(verdict("2026-11-28T11:00:00.000Z"), "accepted");
            assert.strictEqual(verdict("2026-11-28T12:00:00.000+01:00"), "accepted");
        });

        it("rejects earlier and later instants, saying the window", () => {
            const window = "Expected a time from 2019-01-01T00:00:00.000Z (the Health Score's launch) to 2026-11-28T11:00:00.000Z (an hour after the delivery first arrived)";
            assert.strictEqual(verdict("2018-12-31T23:59:59.999Z"), `[0].triggered_at: ${window}, but received "2018-12-31T23:59:59.999Z"`);
            assert.strictEqual(verdict("2026-11-28T11:00:00.001Z"), `[0].triggered_at: ${window}, but received "2026-11-28T11:00:00.001Z"`);
            for (const frozen of ["2099-01-01T00:00:00Z", "9999-12-31T00:00:00Z", "0050-06-01T00:00:00Z", "0000-01-01T00:00:00Z"]) {
                assert.match(verdict(frozen), /^\[0\]\.triggered_at: Expected a time from 2019/, frozen);
            }
        });

        it("judges against the first arrival, so an old delivery replayed today is judged as it was then", () => {
            const oldArrival = new Date("2026-01-10T09:00:05.000Z");
            assert.strictEqual(verdict("2026-01-10T09:00:00.000Z", oldArrival), "accepted");
            assert.match(verdict("2026-11-27T09:00:00.000Z", oldArrival), /to 2026-01-10T10:00:05.000Z/);
        });
    });

    describe("interpretDelivery: bounded work and output (#4)", () => {
        const [good] = fixture<Array<Record<string, unknown>>>("real-delivery.json");

        it("details the first rejected elements, counts them all, and still stores valid elements past the limit", () => {
            const count = MAX_DETAILED_REJECTIONS + 500;
            const text = `[${Array(count).fill("{}").join(",")},${JSON.stringify({ ...good, filters: { subaccount_id: 44 } })},{"alert_id":-1,"name":"x","metric":"m","triggered_value":1,"triggered_at":"x","filters":{}}]`;
            const result = interpretText(text);
            assert.ok(result.kind === "alerts");
            assert.strictEqual(result.rejected.length, MAX_DETAILED_REJECTIONS);
            assert.strictEqual(result.rejectedCount, count + 1);
            assert.strictEqual(result.undetailed, count + 1 - MAX_DETAILED_REJECTIONS);
            assert.deepStrictEqual(result.records.map((r) => r.subaccount_id), [44], "nothing valid is lost");
            assert.deepStrictEqual(result.rejected.map((r) => r.index), Array.from({ length: MAX_DETAILED_REJECTIONS }, (_, i) => i));
        });

        it("keeps the rejection detail within its byte budget when rejected elements are large", () => {
            const big = JSON.stringify({ ...good, alert_id: -1, filters: { note: "n".repeat(15_000) } });
            const result = interpretText(`[${Array(100).fill(big).join(",")}]`);
            assert.ok(result.kind === "alerts");
            const detailBytes = JSON.stringify(result.rejected).length;
            assert.ok(detailBytes < 1024 * 1024 + 20_000, `${detailBytes} bytes of detail`);
            assert.ok(result.rejected.length < 100 && result.rejectedCount === 100 && result.undetailed === 100 - result.rejected.length);
        });

        it("rejects an element superstruct would reject without asking it, only where couldBeAlert says so", () => {
            const kinds = { object: {}, array: [], string: "s", number: 1, boolean: true, null: null } as const;
            const scanOf = (element: Record<string, unknown>) => ({
                kind: "object" as const,
                keys: Object.keys(element),
                kinds: Object.values(element).map((value) => (value === null ? "null" : Array.isArray(value) ? "array" : typeof value) as keyof typeof kinds),
            });
            fc.assert(
                fc.property(
                    validAlertArb(),
                    fc.constantFrom("alert_id", "incident_id", "name", "metric", "triggered_value", "triggered_at", "filters", "evaluator", "threshold_evaluator", "other"),
                    fc.constantFrom(...(Object.keys(kinds) as Array<keyof typeof kinds>), "missing" as const),
                    ({ element }, key, kind) => {
                        const changed: Record<string, unknown> = { ...element };
                        if (kind === "missing") delete changed[key];
                        else changed[key] = kinds[kind];
                        assert.ok(couldBeAlert(scanOf(element)), "a valid element could be an alert");
                        if (!couldBeAlert(scanOf(changed))) assert.ok(!validateAlert(struct, changed, 0).ok, JSON.stringify(changed));
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
        it("writes one JSON line per record, without metric (the partition), with its facets last, ending with a newline", () => {
            const records = fixture<unknown[]>("real-delivery.json").map((element) => recordOf(element));

            const text = toLakeNdjson(records);

            const lines = text.split("\n");
            assert.strictEqual(lines.pop(), "");
            assert.strictEqual(lines.length, 3);
            lines.forEach((line, i) => {
                const { metric: _metric, ...withoutMetric } = records[i];
                assert.deepStrictEqual(JSON.parse(line), { ...withoutMetric, facets: "{}" }, "the fixture's alerts are subaccounts' own");
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
