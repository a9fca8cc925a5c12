import assert from "assert";
import { DEFAULT_ASSUMPTIONS, DEFAULT_MONITORING, durationAt, monitoringMonthlyCost, monthlyCost } from "../../../bench/cost/model";
import { PRICES } from "../../../bench/cost/prices";

const delivery = (subaccounts: number, durationMs = 1_000) => ({ subaccounts, bodyBytes: 235 * (subaccounts + 1), lakeBytes: 300 * (subaccounts + 1), durationMs });
const item = (cost: ReturnType<typeof monthlyCost>, name: string) => cost.items.find((i) => i.item.startsWith(name))?.usd;

describe("bench/cost/model", () => {
    it("charges an ALB by the hour, with its two public addresses", () => {
        const cost = monthlyCost("alb", delivery(10), PRICES);
        assert.ok(Math.abs(item(cost, "ALB hours")! - 730 * 0.0225) < 1e-9);
        assert.ok(Math.abs(item(cost, "ALB public IPv4")! - 2 * 730 * 0.005) < 1e-9);
    });

    it("charges a Function URL nothing of its own", () => {
        const cost = monthlyCost("function-url", delivery(10), PRICES);
        assert.strictEqual(item(cost, "ALB"), undefined);
        assert.ok(cost.usd < monthlyCost("alb", delivery(10), PRICES).usd - 23);
    });

    it("charges the daily crawl its 10-minute minimum at 2 DPUs: about $4.40 a month", () => {
        assert.ok(Math.abs(item(monthlyCost("function-url", delivery(10), PRICES), "Glue crawler")! - 30 * 2 * (10 / 60) * 0.44) < 1e-9);
    });

    it("writes 6 units per element (the latest entry in a transaction takes 2) and 1 per delivery to DynamoDB", () => {
        const cost = monthlyCost("function-url", delivery(999), PRICES);
        assert.ok(Math.abs(item(cost, "DynamoDB writes")! - 30 * (1_000 * 6 + 1) * 0.625e-6) < 1e-12);
    });

    it("bills Lambda by the GB-second of the measured duration", () => {
        const cost = monthlyCost("function-url", delivery(10, 2_000), PRICES);
        assert.ok(Math.abs(item(cost, "Lambda duration")! - 30 * 0.25 * 2 * 0.0000133334) < 1e-12);
    });

    it("bills the loader at its own memory beside the receiver, and two requests a delivery", () => {
        const cost = monthlyCost("function-url", { ...delivery(10, 2_000), loaderDurationMs: 3_000 }, PRICES);
        assert.ok(Math.abs(item(cost, "Lambda duration (receiver)")! - 30 * 0.25 * 2 * 0.0000133334) < 1e-12);
        assert.ok(Math.abs(item(cost, "Lambda duration (loader)")! - 30 * 1 * 3 * 0.0000133334) < 1e-12);
        assert.ok(Math.abs(item(cost, "Lambda requests")! - 30 * 2 * 0.2e-6) < 1e-15);
    });

    it("charges the loader's idle polling of the fallback queue: 5 pollers, one 20 s long poll each", () => {
        const cost = monthlyCost("alb", { ...delivery(10), loaderDurationMs: 1_000 }, PRICES);
        assert.ok(Math.abs(item(cost, "SQS")! - 5 * (730 * 3600 / 20) * 0.4e-6) < 1e-9);
        assert.strictEqual(item(monthlyCost("alb", delivery(10), PRICES), "SQS"), undefined, "no loader, no queue");
    });

    it("charges the operations work's monitoring as monitoringMonthlyCost prices it, and the original design none", () => {
        const cost = monthlyCost("function-url", delivery(10), PRICES);
        for (const line of monitoringMonthlyCost(PRICES)) assert.ok(Math.abs(item(cost, line.item)! - line.usd) < 1e-9, line.item);
        assert.ok(Math.abs(item(cost, "CloudWatch alarms")! - 0.7) < 1e-9);
        assert.strictEqual(item(monthlyCost("original", delivery(10), PRICES), "CloudWatch alarms"), undefined);
    });

    it("cannot take a delivery over 1 MB through an ALB, but can through a Function URL", () => {
        const large = delivery(10_000);
        assert.ok(large.bodyBytes > DEFAULT_ASSUMPTIONS.albMaxBodyBytes);
        assert.strictEqual(monthlyCost("alb", large, PRICES).deliverable, false);
        assert.strictEqual(monthlyCost("original", large, PRICES).deliverable, false);
        assert.strictEqual(monthlyCost("function-url", large, PRICES).deliverable, true);
    });

    it("runs the original design until its timeout and stores only what it wrote by then", () => {
        const cost = monthlyCost("original", delivery(999, 50_000), PRICES);
        assert.strictEqual(cost.storedElements, 200);
        assert.ok(Math.abs(item(cost, "Lambda duration")! - 30 * 0.25 * 10 * 0.0000133334) < 1e-12);
        assert.ok(Math.abs(item(cost, "S3 requests")! - 30 * 200 * (0.0004 + 0.005) / 1000) < 1e-12);
        assert.strictEqual(item(cost, "Glue"), undefined);
    });

    it("sums its line items", () => {
        const cost = monthlyCost("alb", delivery(1_000), PRICES);
        assert.ok(Math.abs(cost.usd - cost.items.reduce((sum, i) => sum + i.usd, 0)) < 1e-12);
    });

    it("takes a measured duration as it is and extrapolates others linearly in the elements", () => {
        const measured = [{ subaccounts: 10, ms: 100 }, { subaccounts: 4_500, ms: 4_501 }];
        assert.deepStrictEqual(durationAt(10, measured), { ms: 100, extrapolated: false });
        assert.deepStrictEqual(durationAt(9_001, measured), { ms: 9_002, extrapolated: true });
        assert.throws(() => durationAt(5, []), /no measured duration/);
    });

    it("charges monitoring: 10 custom metrics for the 30 hours a month they are written, 7 alarms, the dashboard and the topic's key", () => {
        const items = Object.fromEntries(monitoringMonthlyCost(PRICES).map((line) => [line.item, line.usd]));
        assert.strictEqual(DEFAULT_MONITORING.customMetrics, 10);
        assert.ok(Math.abs(items["CloudWatch custom metrics"] - 10 * 0.3 * 30 / 730) < 1e-12);
        assert.ok(Math.abs(items["CloudWatch alarms"] - 0.7) < 1e-12);
        assert.deepStrictEqual([items["CloudWatch dashboard"], items["KMS key of the alarm topic"]], [3, 1]);
        // A metric written every hour would cost a whole metric-month.
        const hourly = monitoringMonthlyCost(PRICES, { ...DEFAULT_MONITORING, hoursPublishedPerMonth: 730 });
        assert.ok(Math.abs(hourly[0].usd - 10 * 0.3) < 1e-12);
    });
});
