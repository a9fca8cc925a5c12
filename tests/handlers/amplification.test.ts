/**
 * The worst bodies an ingress lets through (tests/support/worstBodies.ts), answered with bounded outputs: a 1 MB
 * body of `{}` once made a 222 MB rejected/ object and took 1.9 GB. Time and peak memory are measured by
 * `npm run bench:worst`, not here; this checks what determines them: how much is written and kept.
 *
 * Bounds, whatever the body: the answer <= 32 KiB; the rejected/ object <= 1 MiB + 64 KiB; at most 1,000 detailed
 * rejections, 10 errors each; every element counted; and the interpretation of a 6 MB body of `{}` retains under
 * 16 MB of heap once collected.
 */
import { strict as assert } from "assert";
import * as v8 from "v8";
import * as vm from "vm";
import { createAlertStruct } from "../../handlers/alert";
import { MAX_BODY_BYTES as BODY_LIMITS } from "../../shared/limits";
import { MAX_DETAILED_REJECTIONS, MAX_ERRORS_PER_ELEMENT, MAX_REJECTION_DETAIL_BYTES, interpretDelivery } from "../../handlers/records";
import { receiveAndLoad } from "../support/pipeline";
import { silentLogger } from "../../handlers/logger";
import { TEST_BUCKET, useEmulators } from "../support/emulators";
import { TOKEN, hookRequest } from "../support/requests";
import { getText } from "../support/store";
import { WORST_BODIES } from "../support/worstBodies";

const MAX_BODY_BYTES = BODY_LIMITS.alb;
const MAX_INVOCATION_BODY_BYTES = BODY_LIMITS["function-url"];

const ANSWER_LIMIT = 32 * 1024;
const REJECTED_LIMIT = MAX_REJECTION_DETAIL_BYTES + 64 * 1024;
const RECEIVED_AT = new Date("2026-11-28T10:00:00.000Z");

describe("the worst bodies: bounded answers and objects", function () {
    this.timeout(60_000);
    const env = useEmulators();
    const struct = createAlertStruct();

    for (const worst of WORST_BODIES.filter((body) => !body.valid)) {
        it(`${worst.name} (1 MB, end to end): 422 with every element counted, within the bounds`, async () => {
            const body = worst.build(MAX_BODY_BYTES);
            assert.ok(body.byteLength <= MAX_BODY_BYTES && body.byteLength > MAX_BODY_BYTES * 0.95);
            const receive = receiveAndLoad({ storage: env.storage, token: TOKEN, now: () => RECEIVED_AT, logger: silentLogger });

            const response = await receive(hookRequest(body));

            assert.equal(response.statusCode, 422, response.body.slice(0, 300));
            assert.ok(Buffer.byteLength(response.body) <= ANSWER_LIMIT, `answer of ${response.body.length} characters`);
            const answer = JSON.parse(response.body);
            const elements = JSON.parse(body.toString("utf8")).length;
            assert.equal(answer.rejected, elements, "every element is counted");
            assert.ok(answer.errors.length > 0 && answer.errors.length <= 50);
            const document = await getText(env.emulators.s3, TEST_BUCKET, `rejected/${answer.delivery_id}.json`);
            assert.ok(Buffer.byteLength(document) <= REJECTED_LIMIT, `rejected/ object of ${document.length} characters`);
            const rejected = JSON.parse(document);
            assert.equal(rejected.rejected_count, elements);
            assert.ok(rejected.rejected.length <= MAX_DETAILED_REJECTIONS);
            assert.equal(rejected.rejected.length + (rejected.rejected_without_detail ?? 0), elements);
            assert.ok(rejected.rejected.every((entry: { errors: unknown[] }) => entry.errors.length <= MAX_ERRORS_PER_ELEMENT));
        });
    }

    it("6 MB of {} (2 million elements): every element counted, the detail within its limits, under 16 MB of heap kept", () => {
        v8.setFlagsFromString("--expose-gc");
        const gc = vm.runInNewContext("gc") as () => void;
        const body = WORST_BODIES.find((worst) => worst.name === "empty objects")!.build(MAX_INVOCATION_BODY_BYTES);
        const elements = (body.byteLength - 1) / 3; // "[" + "{}," * (n - 1) + "{}" + "]"
        gc();
        const before = process.memoryUsage().heapUsed;

        const result = interpretDelivery(body, struct, { deliveryId: "d", receivedAt: RECEIVED_AT });

        gc();
        const retained = process.memoryUsage().heapUsed - before;
        assert.ok(result.kind === "alerts");
        assert.deepEqual([result.rejectedCount, result.rejected.length, result.undetailed], [elements, MAX_DETAILED_REJECTIONS, elements - MAX_DETAILED_REJECTIONS]);
        assert.ok(JSON.stringify(result.rejected).length <= REJECTED_LIMIT);
        assert.ok(retained < 16 * 2 ** 20, `${(retained / 2 ** 20).toFixed(1)} MB retained`);
    });
});
