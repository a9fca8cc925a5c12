import assert from "assert";
import { seededRandom } from "../../../local/generate";
import { AWS_LATENCY } from "../../../bench/latency/awsLatency";
import { TAIL_CAP_FACTOR, Z_99, createSampler, logNormalFrom, standardNormal } from "../../../bench/latency/model";
import { quantile } from "../../../bench/stats";

describe("bench/latency/model", () => {
    it("fits a log-normal whose median and 99th percentile are the given ones", () => {
        const { mu, sigma } = logNormalFrom({ p50Ms: 8, p99Ms: 30 });
        assert.ok(Math.abs(Math.exp(mu) - 8) < 1e-9);
        assert.ok(Math.abs(Math.exp(mu + Z_99 * sigma) - 30) < 1e-9);
    });

    it("refuses a p99 below the p50, or a p50 that is not positive", () => {
        assert.throws(() => logNormalFrom({ p50Ms: 10, p99Ms: 5 }), /0 < p50 ≤ p99/);
        assert.throws(() => logNormalFrom({ p50Ms: 0, p99Ms: 5 }), /0 < p50 ≤ p99/);
    });

    it("draws standard normals (mean 0, standard deviation 1)", () => {
        const random = seededRandom(1);
        const draws = Array.from({ length: 20_000 }, () => standardNormal(random));
        const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
        const sd = Math.sqrt(draws.reduce((a, b) => a + (b - mean) ** 2, 0) / draws.length);
        assert.ok(Math.abs(mean) < 0.03, `mean ${mean}`);
        assert.ok(Math.abs(sd - 1) < 0.03, `sd ${sd}`);
    });

    it("samples latencies whose p50 and p99 match the model's", () => {
        const sample = createSampler({ op: { p50Ms: 20, p99Ms: 60, source: "test" } }, seededRandom(2));
        const draws = Array.from({ length: 40_000 }, () => sample("op").ms);
        assert.ok(Math.abs(quantile(draws, 0.5) / 20 - 1) < 0.03, `p50 ${quantile(draws, 0.5)}`);
        assert.ok(Math.abs(quantile(draws, 0.99) / 60 - 1) < 0.08, `p99 ${quantile(draws, 0.99)}`);
        assert.ok(Math.max(...draws) <= 60 * TAIL_CAP_FACTOR);
        assert.ok(Math.min(...draws) > 0);
    });

    it("reports an operation outside the model as unmodelled, with no latency", () => {
        const sample = createSampler({ op: { p50Ms: 20, p99Ms: 60, source: "test" } }, seededRandom(3));
        assert.deepStrictEqual(sample("dynamodb:Scan"), { modelled: false, ms: 0 });
        assert.strictEqual(sample("op").modelled, true);
    });

    it("gives the same draws for the same seed", () => {
        const draws = (seed: number) => {
            const sample = createSampler(AWS_LATENCY, seededRandom(seed));
            return Array.from({ length: 5 }, () => sample("s3:PutObject").ms);
        };
        assert.deepStrictEqual(draws(4), draws(4));
        assert.notDeepStrictEqual(draws(4), draws(5));
    });

    it("models every operation the receiver and the original make, each with a source", () => {
        for (const operation of ["dynamodb:PutItem", "dynamodb:PutItem:conditional", "dynamodb:BatchWriteItem", "dynamodb:TransactWriteItems", "dynamodb:TransactWriteItems:large", "dynamodb:GetItem", "dynamodb:Query",
            "s3:PutObject", "s3:PutObject:large", "s3:GetObject", "s3:HeadObject", "s3:ListObjects", "sqs:SendMessage"]) {
            const latency = AWS_LATENCY[operation];
            assert.ok(latency, operation);
            assert.ok(latency.p50Ms > 0 && latency.p99Ms >= latency.p50Ms, operation);
            assert.ok(latency.source.length > 10, operation);
        }
    });
});
