import assert from "assert";
import fc from "fast-check";
import { ElementError, METRICS, createAlertStruct, elementPath, instantOfIsoUtc, isRealTimestamp, isoUtcOf, validateAlert } from "../../handlers/alert";
import { RUNS, fixture, timestampTextArb, validAlertArb } from "./support";

const struct = createAlertStruct();

/** The real delivery's first element (the account overall), fresh for each test to change one field. */
const realElement = () => fixture<Array<Record<string, any>>>("real-delivery.json")[0];
const documentedElement = () => fixture<Array<Record<string, any>>>("documented-delivery.json")[0];

function errorsOf(value: unknown, index = 0): ElementError[] {
    const result = validateAlert(struct, value, index);
    assert.ok(!result.ok, "expected the element to be rejected");
    return result.errors;
}

function assertRejectedAt(value: unknown, path: string, message?: RegExp, index = 0): void {
    const errors = errorsOf(value, index);
    assert.deepStrictEqual(errors.map((error) => error.path), [path], JSON.stringify(errors));
    assert.strictEqual(errors[0].index, index);
    if (message) assert.match(errors[0].message, message);
}

function assertValid(value: unknown): void {
    const result = validateAlert(struct, value, 0);
    assert.ok(result.ok, JSON.stringify(result));
}

describe("handlers/alert", () => {
    describe("isRealTimestamp", () => {
        const accepted = [
            "2019-06-01T14:48:00.000Z",
            "2026-11-27T09:00:03.123Z",
            "2019-06-01T14:48:00Z",
            "2019-06-01T14:48Z",
            "2019-06-01T16:48:00.000+02:00",
            "2019-06-01T16:48:00.000+0200",
            "2019-06-01T14:48:00.123456789Z",
            "2020-02-29T00:00:00Z",
            "2000-02-29T00:00:00Z",
            "0000-02-29T00:00:00Z",
            "2019-12-31T23:59:59.999Z",
        ];
        for (const text of accepted) {
            it(`accepts ${text}`, () => assert.strictEqual(isRealTimestamp(text), true));
        }

        const refused = [
            "2019-02-30T00:00:00Z",
            "2019-02-29T00:00:00Z",
            "1900-02-29T00:00:00Z",
            "2019-04-31T00:00:00Z",
            "2019-13-01T00:00:00Z",
            "2019-00-10T00:00:00Z",
            "2019-06-00T00:00:00Z",
            "2019-06-01T24:00:00Z",
            "2019-06-01T14:60:00Z",
            "2019-06-01T14:48:60Z",
            "2019-06-01T14:48:00",
            "2019-06-01",
            "2019-06-01 14:48:00Z",
            "1559400480000",
            "June 1, 2019 14:48 UTC",
            "",
            // Real dates whose UTC form leaves the four-digit years: +010000-... and -000001-... break the dt= key.
            "9999-12-31T23:00:00-05:00",
            "0000-01-01T00:00:00+01:00",
        ];
        for (const text of refused) {
            it(`refuses ${JSON.stringify(text)}`, () => assert.strictEqual(isRealTimestamp(text), false));
        }

        it("accepts exactly the calendar's dates, in every year from 0000 to 9999", () => {
            const isLeap = (y: number) => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
            const daysIn = (y: number, m: number) => [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
            const pad = (n: number, width = 2) => String(n).padStart(width, "0");
            fc.assert(
                fc.property(
                    fc.integer({ min: 0, max: 9999 }),
                    fc.integer({ min: 1, max: 12 }),
                    fc.integer({ min: 1, max: 31 }),
                    fc.integer({ min: 0, max: 23 }),
                    fc.integer({ min: 0, max: 59 }),
                    (year, month, day, hour, minute) => {
                        const text = `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:00.000Z`;
                        assert.strictEqual(isRealTimestamp(text), day <= daysIn(year, month), text);
                    },
                ),
                RUNS,
            );
        });
    });

    describe("instantOfIsoUtc and isoUtcOf: the usual form read without Date parsing", () => {
        it("reads the form toISOString writes: the instant Date.parse gives, for a real timestamp, whose normal form it is", () => {
            fc.assert(
                fc.property(timestampTextArb, (text) => {
                    const instant = instantOfIsoUtc(text);
                    if (Number.isNaN(instant)) return;
                    assert.ok(isRealTimestamp(text), text);
                    assert.strictEqual(instant, Date.parse(text), text);
                    assert.strictEqual(new Date(text).toISOString(), text);
                }),
                { numRuns: 20_000 },
            );
        });

        it("reads every real timestamp of that form from year 100 on (so that the fast path does see them)", () => {
            fc.assert(
                fc.property(fc.integer({ min: Date.UTC(100, 0, 1), max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) }), (ms) => {
                    const text = new Date(ms).toISOString();
                    assert.strictEqual(instantOfIsoUtc(text), ms, text);
                }),
                { numRuns: 5_000 },
            );
            for (const text of ["2026-11-27T09:00:03.123Z", "2020-02-29T23:59:59.999Z", "2019-01-01T00:00:00.000Z"]) assert.strictEqual(instantOfIsoUtc(text), Date.parse(text));
        });

        it("reads nothing else: other forms, impossible dates, years before 100", () => {
            for (const text of ["2019-06-01T14:48:00Z", "2019-06-01T14:48:00.000+00:00", "2019-06-01T14:48:00.0000Z", "2019-02-29T00:00:00.000Z", "2019-06-01T24:00:00.000Z",
                "0099-06-01T00:00:00.000Z", "2019-06-01t14:48:00.000Z", "2019-06-01T14:48:00.000z", "２019-06-01T14:48:00.000Z", "2019-06-01T14:48:00.-01Z"]) {
                assert.ok(Number.isNaN(instantOfIsoUtc(text)), text);
            }
        });

        it("normalises every timestamp the schema accepts exactly as new Date(text).toISOString() does", () => {
            fc.assert(
                fc.property(timestampTextArb, (text) => {
                    if (!isRealTimestamp(text)) return;
                    assert.strictEqual(isoUtcOf(text), new Date(text).toISOString(), text);
                }),
                { numRuns: 20_000 },
            );
        });
    });

    describe("createAlertStruct / validateAlert", () => {
        it("accepts every element of the real and the documented delivery", () => {
            for (const element of [...fixture("real-delivery.json"), ...fixture("documented-delivery.json")]) assertValid(element);
        });

        it("accepts generated valid elements of both shapes", () => {
            fc.assert(fc.property(validAlertArb(), ({ element }) => assertValid(element)), RUNS);
        });

        it("keeps unknown filter keys and unknown element keys in the validated alert", () => {
            const element = { ...realElement(), filters: { subaccount_id: 3, campaign_id: "spring" }, extra: true };
            const result = validateAlert(struct, element, 0);
            assert.ok(result.ok);
            assert.deepStrictEqual(result.alert.filters, { subaccount_id: 3, campaign_id: "spring" });
        });

        describe("alert_id", () => {
            it("must be present", () => {
                const { alert_id: _omitted, ...element } = realElement();
                assertRejectedAt(element, "[0].alert_id", /missing/);
            });
            for (const value of [0, -1, 1.5, "4242", null]) {
                it(`refuses ${JSON.stringify(value)}`, () => assertRejectedAt({ ...realElement(), alert_id: value }, "[0].alert_id"));
            }
            it("reads well when it is too small", () => {
                assertRejectedAt({ ...realElement(), alert_id: 0 }, "[0].alert_id", /^Expected an integer greater than or equal to 1/);
            });
        });

        describe("incident_id", () => {
            it("is optional", () => {
                const element = realElement();
                assert.strictEqual("incident_id" in element, false);
                assertValid(element);
            });
            for (const value of [0, 2.5, "1", null]) {
                it(`refuses ${JSON.stringify(value)}`, () => assertRejectedAt({ ...documentedElement(), incident_id: value }, "[0].incident_id"));
            }
        });

        describe("name", () => {
            it("refuses an empty name and a name that is not a string", () => {
                assertRejectedAt({ ...realElement(), name: "" }, "[0].name");
                assertRejectedAt({ ...realElement(), name: 7 }, "[0].name");
            });
            it("refuses a name over 1024 characters", () => {
                assertValid({ ...realElement(), name: "n".repeat(1024) });
                assertRejectedAt({ ...realElement(), name: "n".repeat(1025) }, "[0].name");
            });
        });

        describe("metric", () => {
            // Every metric with an evaluator; blocklist, the one metric SparkPost sends without, also with {}.
            for (const metric of METRICS) {
                it(`accepts ${metric}`, () => assertValid({ ...realElement(), metric, triggered_value: 5 }));
            }
            it("accepts blocklist with an empty evaluator or none", () => {
                assertValid({ ...realElement(), metric: "blocklist", evaluator: {} });
                const { evaluator: _e, ...withoutEvaluator } = realElement();
                assertValid({ ...withoutEvaluator, metric: "blocklist" });
            });
            it("accepts an unknown metric with a tame name", () => {
                assertValid({ ...realElement(), metric: "spam_trap_rate" });
            });
            for (const metric of ["Health_Score", "health-score", "../raw", "1metric", "", `m${"x".repeat(64)}`, "métrique"]) {
                it(`refuses ${JSON.stringify(metric)}, which would be an S3 key segment`, () => {
                    assertRejectedAt({ ...realElement(), metric }, "[0].metric");
                });
            }
        });

        describe("triggered_value", () => {
            it("accepts an unrounded float", () => {
                assertValid({ ...realElement(), triggered_value: 78.27250957000001 });
            });
            for (const value of ["78.2", null, true, Infinity, NaN]) {
                it(`refuses ${String(value)}`, () => assertRejectedAt({ ...realElement(), triggered_value: value }, "[0].triggered_value"));
            }
            it("keeps a raw health score within 0..100, naming the value", () => {
                assertValid({ ...realElement(), triggered_value: 0 });
                assertValid({ ...realElement(), triggered_value: 100 });
                assertRejectedAt({ ...realElement(), triggered_value: 100.001 }, "[0].triggered_value", /between 0 and 100, but received 100.001/);
                assertRejectedAt({ ...realElement(), triggered_value: -0.5 }, "[0].triggered_value", /between 0 and 100/);
            });
            it("refuses a health score change below -100, which no score from 0 to 100 can make", () => {
                for (const source of ["day_over_day", "week_over_week"]) {
                    assertRejectedAt(
                        { ...realElement(), triggered_value: -100.5, evaluator: { operator: "lt", source, value: -10 } },
                        "[0].triggered_value", /^Expected a health score change of -100 or more, but received -100.5$/,
                    );
                }
                assertValid({ ...realElement(), metric: "injection_count", triggered_value: -120, evaluator: { operator: "lt", source: "day_over_day", value: -10 } });
            });
            it("applies the range under either evaluator key", () => {
                const element = documentedElement();
                assertRejectedAt({ ...element, triggered_value: 101 }, "[0].triggered_value");
            });
            it("allows changes beyond 0..100 for day_over_day and week_over_week, and other metrics any value", () => {
                assertValid({ ...realElement(), triggered_value: -100, evaluator: { operator: "lt", source: "day_over_day", value: -10 } });
                assertValid({ ...realElement(), triggered_value: 250, evaluator: { operator: "gt", source: "week_over_week", value: 10 } });
                assertValid({ ...realElement(), metric: "injection_count", triggered_value: 125000 });
            });
        });

        describe("triggered_at", () => {
            it("refuses a date that does not exist, showing the text", () => {
                assertRejectedAt({ ...realElement(), triggered_at: "2019-02-30T00:00:00.000Z" }, "[0].triggered_at", /ISO-8601.*"2019-02-30T00:00:00.000Z"/);
            });
            it("refuses a timestamp without zone and a number", () => {
                assertRejectedAt({ ...realElement(), triggered_at: "2019-06-01T14:48:00" }, "[0].triggered_at");
                assertRejectedAt({ ...realElement(), triggered_at: 1559400480000 }, "[0].triggered_at");
            });
            it("accepts an offset", () => {
                assertValid({ ...realElement(), triggered_at: "2019-06-01T16:48:00+02:00" });
            });
        });

        describe("evaluator", () => {
            it("accepts it under `threshold_evaluator` (documented) and `evaluator` (real)", () => {
                const evaluator = { operator: "lt", source: "raw", value: 50 };
                const { evaluator: _e, ...withoutEvaluator } = realElement();
                assertValid({ ...withoutEvaluator, threshold_evaluator: evaluator });
                assertValid({ ...withoutEvaluator, evaluator });
            });
            it("accepts an empty evaluator (blocklist alerts)", () => {
                assertValid({ ...realElement(), metric: "blocklist", triggered_value: 1, evaluator: {} });
            });
            it("refuses an alert of any metric but blocklist without one, or with an empty one, naming the key", () => {
                // A score of 140 or -3 was stored when no evaluator said it was a raw score.
                const { evaluator: _e, ...withoutEvaluator } = realElement();
                assertRejectedAt({ ...withoutEvaluator, triggered_value: -3 }, "[0].evaluator", /^Expected an evaluator \{operator, source, value\}: SparkPost sends one with every metric but blocklist, and health_score came without$/);
                assertRejectedAt({ ...realElement(), triggered_value: 140, evaluator: {} }, "[0].evaluator", /every metric but blocklist/);
                const { threshold_evaluator: _t, ...documented } = documentedElement();
                assertRejectedAt({ ...documented, threshold_evaluator: {} }, "[0].threshold_evaluator", /every metric but blocklist/);
                assertRejectedAt({ ...withoutEvaluator, metric: "hard_bounce_rate" }, "[0].evaluator", /hard_bounce_rate came without/);
            });
            it("refuses a partial evaluator", () => {
                assertRejectedAt({ ...realElement(), evaluator: { operator: "gt", value: 1 } }, "[0].evaluator", /operator, source and value together/);
            });
            it("refuses an unknown operator, source or a non-finite value, at the field", () => {
                const evaluator = { operator: "gt", source: "raw", value: 1 };
                assertRejectedAt({ ...realElement(), evaluator: { ...evaluator, operator: "eq" } }, "[0].evaluator.operator");
                assertRejectedAt({ ...realElement(), evaluator: { ...evaluator, source: "month_over_month" } }, "[0].evaluator.source");
                assertRejectedAt({ ...realElement(), evaluator: { ...evaluator, value: "1" } }, "[0].evaluator.value");
                assertRejectedAt({ ...documentedElement(), threshold_evaluator: { ...evaluator, value: Infinity } }, "[0].threshold_evaluator.value");
            });
            it("refuses an array", () => {
                assertRejectedAt({ ...realElement(), evaluator: [] }, "[0].evaluator", /^Expected an object, but received an array$/);
            });
        });

        describe("filters", () => {
            it("accepts {} (the account overall) and subaccount_id 0 (the primary account)", () => {
                assertValid({ ...realElement(), filters: {} });
                assertValid({ ...realElement(), filters: { subaccount_id: 0 } });
            });
            it("must be present", () => {
                const { filters: _omitted, ...element } = realElement();
                assertRejectedAt(element, "[0].filters", /missing/);
            });
            for (const [value, received] of [[[], "an array"], [null, "null"], ["all", '"all"']] as const) {
                it(`refuses ${JSON.stringify(value)}, saying what it received`, () => {
                    assertRejectedAt({ ...realElement(), filters: value }, "[0].filters", new RegExp(`^Expected an object, but received ${received}$`));
                });
            }
            for (const value of [-1, 1.5, "17"]) {
                it(`refuses subaccount_id ${JSON.stringify(value)}`, () => {
                    assertRejectedAt({ ...realElement(), filters: { subaccount_id: value } }, "[0].filters.subaccount_id");
                });
            }
            it("refuses a known facet that is not a string", () => {
                assertRejectedAt({ ...realElement(), filters: { ip_pool: 3 } }, "[0].filters.ip_pool");
            });
        });

        it("puts the element's index first in every path", () => {
            assertRejectedAt({ ...realElement(), triggered_value: "x" }, "[7].triggered_value", undefined, 7);
        });

        it("reports every problem of an element, each with its path", () => {
            const errors = errorsOf({ ...realElement(), alert_id: -1, metric: "X", filters: { subaccount_id: -1 } }, 2);
            assert.deepStrictEqual(errors.map((error) => error.path).sort(), ["[2].alert_id", "[2].filters.subaccount_id", "[2].metric"]);
        });

        it("refuses what is not an object", () => {
            for (const value of [null, [], "alert", 1]) assert.ok(!validateAlert(struct, value, 0).ok);
        });
    });

    describe("elementPath", () => {
        it("joins the index and the keys", () => {
            assert.strictEqual(elementPath(2, ["triggered_value"]), "[2].triggered_value");
            assert.strictEqual(elementPath(0, ["filters", "subaccount_id"]), "[0].filters.subaccount_id");
            assert.strictEqual(elementPath(5, []), "[5]");
        });
    });
});
