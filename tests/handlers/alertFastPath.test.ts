import assert from "assert";
import fc from "fast-check";
import { EARLIEST_TRIGGERED_AT_MS, STRING_FILTERS, checkTriggeredAt, createAlertStruct, latestTriggeredAtMs } from "../../handlers/alert";
import { isSurelyValidAlert } from "../../handlers/alertFastPath";
import { generateDelivery, seededRandom } from "../../local/generate";
import { alertEditArb, applyEdit, fixture, validAlertArb, validElementArb } from "./support";

const struct = createAlertStruct();
const ARRIVAL = new Date("2026-11-27T09:00:04.500Z");
const LATEST = latestTriggeredAtMs(ARRIVAL);

/** What interpretDelivery decides without the fast path: superstruct's verdict, then the window; and the alert. */
function referenceVerdict(value: unknown): { accepted: boolean; alert: unknown } {
    const [failure, alert] = struct.validate(value);
    if (failure) return { accepted: false, alert: undefined };
    return { accepted: checkTriggeredAt(alert!, 0, ARRIVAL) === undefined, alert };
}

/** The whole claim: a yes from the fast path is superstruct's yes, on the very same value. */
function assertNeverWronglyAccepts(value: unknown): boolean {
    const fast = isSurelyValidAlert(value, LATEST);
    if (fast) {
        const reference = referenceVerdict(value);
        assert.ok(reference.accepted, `the fast path accepted what superstruct or the window rejects: ${show(value)}`);
        assert.strictEqual(reference.alert, value, "superstruct gives back the value itself (no coercion)");
    }
    return fast;
}

function show(value: unknown): string {
    try {
        return JSON.stringify(value) ?? String(value);
    } catch {
        return String(value);
    }
}

describe("handlers/alertFastPath", () => {
    it("never accepts what superstruct or the window rejects: valid elements with one odd edit", () => {
        fc.assert(fc.property(validElementArb, alertEditArb, (element, change) => void assertNeverWronglyAccepts(applyEdit(element, change))), { numRuns: 30_000 });
    });

    it("never accepts what superstruct or the window rejects: valid elements with one to four odd edits", () => {
        let accepted = 0;
        let runs = 0;
        fc.assert(
            fc.property(validElementArb, fc.array(alertEditArb, { minLength: 1, maxLength: 4 }), (element, edits) => {
                runs++;
                if (assertNeverWronglyAccepts(edits.reduce(applyEdit, element))) accepted++;
            }),
            { numRuns: 30_000 },
        );
        // Not vacuous: some edits keep an element valid (an unknown key, a boundary value) and the fast path sees it.
        assert.ok(accepted > runs / 50, `${accepted} of ${runs} accepted`);
    });

    it("never accepts what superstruct rejects: anything at all, and JSON values", () => {
        fc.assert(
            fc.property(fc.oneof(fc.anything({ maxDepth: 3, withNullPrototype: true, withObjectString: true }), fc.jsonValue({ maxDepth: 3 })), (value) => {
                assertNeverWronglyAccepts(value);
            }),
            { numRuns: 5_000 },
        );
    });

    it("reads members as superstruct does, inherited ones too", () => {
        const [element] = fixture<Array<Record<string, unknown>>>("real-delivery.json");
        for (const value of [Object.create(element), Object.assign(Object.create(null), element)]) {
            assert.ok(assertNeverWronglyAccepts(value));
        }
    });

    it("accepts the elements SparkPost sends: real-shape deliveries, both fixtures, generated ones in the usual form", () => {
        const delivery = generateDelivery({ subaccounts: 300, triggeredAt: new Date("2026-11-27T09:00:00.000Z"), random: seededRandom(1) });
        const parsed = JSON.parse(JSON.stringify(delivery)) as unknown[];
        for (const element of [...parsed, ...fixture<unknown[]>("real-delivery.json"), ...fixture<unknown[]>("documented-delivery.json")]) {
            assert.ok(assertNeverWronglyAccepts(element), show(element));
        }
        fc.assert(
            fc.property(validAlertArb(), ({ element, expected }) => {
                assert.ok(assertNeverWronglyAccepts(JSON.parse(JSON.stringify({ ...element, triggered_at: expected.triggered_at }))));
            }),
            { numRuns: 2_000 },
        );
    });

    it("accepts triggered_at from the Health Score's launch to an hour after arrival, edges included, and nothing outside", () => {
        const [element] = fixture<Array<Record<string, unknown>>>("real-delivery.json");
        const at = (ms: number) => ({ ...element, triggered_at: new Date(ms).toISOString() });
        assert.ok(assertNeverWronglyAccepts(at(EARLIEST_TRIGGERED_AT_MS)));
        assert.ok(assertNeverWronglyAccepts(at(LATEST)));
        assert.ok(!isSurelyValidAlert(at(EARLIEST_TRIGGERED_AT_MS - 1), LATEST));
        assert.ok(!isSurelyValidAlert(at(LATEST + 1), LATEST));
    });

    it("accepts nothing from a delivery that arrived at the last instant a Date keeps: its window ends past time", () => {
        const [element] = fixture<Array<Record<string, unknown>>>("real-delivery.json");
        const lastInstant = new Date(8.64e15);
        assert.ok(Number.isNaN(latestTriggeredAtMs(lastInstant)));
        assert.ok(!isSurelyValidAlert(element, latestTriggeredAtMs(lastInstant)));
    });

    it("knows the filters superstruct's schema knows", () => {
        const schema = (struct.schema as { filters: { schema: Record<string, unknown> } }).filters.schema;
        assert.deepStrictEqual(Object.keys(schema), ["subaccount_id", ...STRING_FILTERS]);
        assert.deepStrictEqual(Object.keys(struct.schema as object), [
            "alert_id", "incident_id", "name", "metric", "triggered_value", "triggered_at", "threshold_evaluator", "evaluator", "filters",
        ]);
    });
});
