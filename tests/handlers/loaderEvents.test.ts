/** The loader's events: S3's URL-encoded keys, the two event shapes, and what the handler answers each. */
import { strict as assert } from "assert";
import { createLoaderEventHandler, decodeS3EventKey, encodeS3EventKey, objectCreatedEvent } from "../../handlers/loaderEvents";
import { LoadResult, deliveryIdOfRawKey } from "../../handlers/loader";
import { MetricValues } from "../../handlers/metrics";
import { silentLogger } from "../../handlers/logger";

describe("handlers/loaderEvents", () => {
    it("decodes keys as S3 encodes them in events: %3D for =, + for a space", () => {
        assert.equal(decodeS3EventKey("raw/dt%3D2026-11-27/a+b%2Bc.json"), "raw/dt=2026-11-27/a b+c.json");
        for (const key of ["raw/dt=2026-11-27/x.json", "raw/a b+c=d&e.json", "raw/é.json"]) assert.equal(decodeS3EventKey(encodeS3EventKey(key)), key);
        assert.equal(objectCreatedEvent("b", "raw/dt=2026-11-27/x.json").Records[0].s3.object.key, "raw/dt%3D2026-11-27/x.json");
    });

    it("names the delivery of a raw key, today's and earlier versions' (raw/dt=<day>/), and no other key", () => {
        const id = "89696462-9051-5d8a-9972-6788083af40d";
        assert.equal(deliveryIdOfRawKey(`raw/${id}.json`), id);
        assert.equal(deliveryIdOfRawKey(`raw/dt=2026-11-27/${id}.json`), id);
        for (const key of [`alerts/${id}.json`, `raw/${id}.ndjson`, "raw/x.json", `raw/${id}.json/extra`]) assert.equal(deliveryIdOfRawKey(key), undefined, key);
    });

    const archive = { archiveRaw: async () => new Date() };

    it("loads each object of an S3 event and answers what it loaded; throws, naming the keys, when any load fails (so Lambda retries)", async () => {
        const loaded: string[] = [];
        const handler = createLoaderEventHandler({
            logger: silentLogger, archive,
            load: async (key) => {
                loaded.push(key);
                if (key.includes("bad")) throw new Error("table down");
                return { rawKey: key, deliveryId: "d", receivedAt: "t", accepted: 1, rejected: 0, partitions: 1, metricsSeen: { health_score: 1 } };
            },
        });
        const event = { Records: [...objectCreatedEvent("b", "raw/good 1.json").Records, ...objectCreatedEvent("b", "raw/bad.json").Records] };
        await assert.rejects(handler(event), /1 of 2 loads failed: raw\/bad\.json: Error: table down/);
        assert.deepEqual(loaded, ["raw/good 1.json", "raw/bad.json"], "every record tried, keys decoded");
        assert.deepEqual(await handler(objectCreatedEvent("b", "raw/good 1.json")), { loaded: [{ rawKey: "raw/good 1.json", deliveryId: "d", receivedAt: "t", accepted: 1, rejected: 0, partitions: 1, metricsSeen: { health_score: 1 } }] });
    });

    it("refuses an event that is neither S3's nor SQS's, or mixes them", async () => {
        const handler = createLoaderEventHandler({ logger: silentLogger, archive, load: async () => assert.fail() });
        await assert.rejects(handler({ Records: [] }), /no Records/);
        await assert.rejects(handler({ Records: [{ eventSource: "aws:sns" } as never] }), /not aws:sns/);
        const mixed = { Records: [...objectCreatedEvent("b", "raw/x.json").Records, { eventSource: "aws:sqs", messageId: "m", body: "" } as never] };
        await assert.rejects(handler(mixed), /not aws:s3, aws:sqs/);
    });

    describe("metrics: one EMF document per invocation", () => {
        const result = (key: string, changes: Partial<LoadResult> = {}): LoadResult =>
            ({ rawKey: key, deliveryId: "d", receivedAt: "t", accepted: 4, rejected: 1, partitions: 1, metricsSeen: { health_score: 4 }, ...changes });

        it("publishes a load's records, the delivery's band counts and the account's score", async () => {
            const published: MetricValues[] = [];
            const handler = createLoaderEventHandler({
                logger: silentLogger, archive, metrics: { publish: (values) => published.push(values) },
                load: async (key) => result(key, { scores: { bands: { bad: 1, "needs improvement": 0, good: 2 }, accountScore: 81.5 } }),
            });
            await handler(objectCreatedEvent("b", "raw/a.json"));
            assert.deepEqual(published, [{ RecordsAccepted: [4], RecordsRejected: [1], SubaccountsBad: [1], SubaccountsNeedsImprovement: [0], SubaccountsGood: [2], AccountHealthScore: [81.5] }]);
        });

        it("publishes the failures too when the invocation throws for Lambda to retry; a body that is no delivery counts as one rejected", async () => {
            const published: MetricValues[] = [];
            const handler = createLoaderEventHandler({
                logger: silentLogger, archive, metrics: { publish: (values) => published.push(values) },
                load: async (key) => {
                    if (key.includes("bad")) throw new Error("table down");
                    return result(key, { accepted: 0, rejected: 0, notADelivery: "not JSON" });
                },
            });
            const event = { Records: [...objectCreatedEvent("b", "raw/odd.json").Records, ...objectCreatedEvent("b", "raw/bad.json").Records] };
            await assert.rejects(handler(event), /1 of 2 loads failed/);
            assert.deepEqual(published, [{ RecordsAccepted: [0], RecordsRejected: [1], LoadFailures: [1] }]);
        });

        it("counts a fallback message that could not be archived as a load failure", async () => {
            const published: MetricValues[] = [];
            const handler = createLoaderEventHandler({ logger: silentLogger, archive, metrics: { publish: (values) => published.push(values) }, load: async () => assert.fail() });
            const answer = await handler({ Records: [{ eventSource: "aws:sqs", messageId: "m1", body: "x", messageAttributes: {} }] } as any);
            assert.deepEqual(answer, { batchItemFailures: [{ itemIdentifier: "m1" }] });
            assert.deepEqual(published, [{ LoadFailures: [1] }]);
        });
    });
});
