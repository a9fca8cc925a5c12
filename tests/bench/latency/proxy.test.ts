/** The latency proxy against a small upstream server: it holds answers for the drawn latency, in parallel. */
import assert from "assert";
import * as http from "http";
import type { AddressInfo } from "net";
import { LatencyProxy, startLatencyProxy } from "../../../bench/latency/proxy";

function request(url: string, path: string, headers: Record<string, string> = {}, body = ""): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
        const req = http.request(`${url}${path}`, { method: body ? "POST" : "GET", headers }, (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (chunk: Buffer) => chunks.push(chunk));
            res.on("end", () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString() }));
        });
        req.on("error", reject);
        req.end(body);
    });
}

describe("bench/latency/proxy", () => {
    let upstream: http.Server;
    let proxy: LatencyProxy;
    let upstreamDelayMs = 0;

    before(async () => {
        upstream = http.createServer((req, res) => {
            req.resume();
            req.on("end", () => setTimeout(() => res.end(`echo ${req.method} ${req.url} ${req.headers["x-amz-target"] ?? ""}`), upstreamDelayMs));
        });
        await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
        proxy = await startLatencyProxy({
            service: "dynamodb",
            upstream: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`,
            sampler: (operation) => (operation === "dynamodb:GetItem" ? { modelled: true, ms: 150 } : { modelled: false, ms: 0 }),
            largeObjectBytes: 1_000,
        });
    });

    after(async () => {
        await proxy.close();
        upstream.close();
    });

    it("forwards requests unchanged and holds the answer until the drawn latency has passed", async () => {
        const started = Date.now();
        const answer = await request(proxy.url, "/", { "x-amz-target": "DynamoDB_20120810.GetItem" }, "{}");
        assert.strictEqual(answer.body, "echo POST / DynamoDB_20120810.GetItem");
        assert.ok(Date.now() - started >= 149, `${Date.now() - started} ms`);
        const entry = proxy.timeline[proxy.timeline.length - 1];
        assert.strictEqual(entry.operation, "dynamodb:GetItem");
        assert.strictEqual(entry.modelMs, 150);
        assert.ok(entry.end - entry.start >= 149);
        assert.ok(entry.serviceMs < entry.end - entry.start);
    });

    it("runs requests side by side, not one after another", async () => {
        const before = proxy.timeline.length;
        await Promise.all(Array.from({ length: 5 }, () => request(proxy.url, "/", { "x-amz-target": "DynamoDB_20120810.GetItem" }, "{}")));
        const entries = proxy.timeline.slice(before);
        assert.strictEqual(entries.length, 5);
        // Every request arrived before any answer left: they were all in flight at once.
        assert.ok(Math.max(...entries.map((e) => e.start)) < Math.min(...entries.map((e) => e.end)));
    });

    it("answers as soon as a slower upstream does, recording its time", async () => {
        upstreamDelayMs = 250;
        try {
            await request(proxy.url, "/", { "x-amz-target": "DynamoDB_20120810.GetItem" }, "{}");
        } finally {
            upstreamDelayMs = 0;
        }
        const entry = proxy.timeline[proxy.timeline.length - 1];
        assert.ok(entry.serviceMs >= 249 && entry.end - entry.start >= entry.serviceMs);
    });

    it("records operations the model does not know, without adding latency", async () => {
        await request(proxy.url, "/", { "x-amz-target": "DynamoDB_20120810.Scan" }, "{}");
        const entry = proxy.timeline[proxy.timeline.length - 1];
        assert.strictEqual(entry.operation, "dynamodb:Scan");
        assert.strictEqual(entry.modelMs, undefined);
        assert.strictEqual(entry.kind, "read");
    });
});
