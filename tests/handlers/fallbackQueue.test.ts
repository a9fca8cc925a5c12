/** The fallback message format: what fits in SQS, what goes base64, and what comes back out. */
import { strict as assert } from "assert";
import { FALLBACK_ATTRIBUTES, MAX_SQS_MESSAGE_BYTES, fallbackMessageOf, messageBytes, readFallbackMessage } from "../../handlers/fallbackQueue";
import { deliveryIdOf } from "../../handlers/ids";

const AT = new Date("2026-11-27T09:00:04.000Z");
const messageFor = (bytes: Buffer) => fallbackMessageOf(deliveryIdOf(bytes), bytes, AT);

describe("handlers/fallbackQueue", () => {
    it("sends a UTF-8 body as it is, with the delivery id and first arrival as attributes, and reads it back byte for byte", () => {
        const bytes = Buffer.from('[{"name":"Daily é 😀"}]');
        const made = messageFor(bytes);
        assert.ok(made.ok);
        assert.equal(made.message.body, bytes.toString("utf8"));
        assert.deepEqual(made.message.attributes, { [FALLBACK_ATTRIBUTES.deliveryId]: deliveryIdOf(bytes), [FALLBACK_ATTRIBUTES.receivedAt]: AT.toISOString() });
        const back = readFallbackMessage(made.message.body, made.message.attributes);
        assert.deepEqual([back.deliveryId, back.receivedAt.toISOString(), back.bytes.equals(bytes)], [deliveryIdOf(bytes), AT.toISOString(), true]);
    });

    for (const [name, bytes] of [
        ["invalid UTF-8", Buffer.from([0x5b, 0xff, 0x5d])],
        ["a control character SQS refuses (U+0001)", Buffer.from("[\u0001]")],
        ["U+FFFF, outside SQS's allowed characters", Buffer.from("[\"\uffff\"]")],
        // The UTF-8 decoder drops a leading BOM: sent as text, the bytes would not be the delivery's any more.
        ["a body starting with a byte order mark", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("[1]")])],
    ] as const) {
        it(`sends ${name} base64, marked, and reads it back byte for byte`, () => {
            const made = messageFor(bytes);
            assert.ok(made.ok);
            assert.equal(made.message.attributes[FALLBACK_ATTRIBUTES.bodyEncoding], "base64");
            assert.ok(readFallbackMessage(made.message.body, made.message.attributes).bytes.equals(bytes));
        });
    }

    it("counts the attributes in SQS's 1 MiB limit: a text body that fits alone but not with them cannot be sent", () => {
        const fits = Buffer.alloc(MAX_SQS_MESSAGE_BYTES - 200, 0x20);
        assert.ok(messageFor(fits).ok);
        const made = messageFor(fits);
        assert.ok(made.ok && messageBytes(made.message) <= MAX_SQS_MESSAGE_BYTES && messageBytes(made.message) > fits.length);
        const tooBig = Buffer.alloc(MAX_SQS_MESSAGE_BYTES - 20, 0x20);
        const refused = messageFor(tooBig);
        assert.ok(!refused.ok);
        assert.match(refused.problem, /with its attributes\) the body is 1048\d{3} bytes; SQS takes at most 1048576/);
    });

    it("cannot send a non-text body over 3/4 of the limit, base64 making it a third larger", () => {
        const bytes = Buffer.alloc(800_000, 0xff);
        const refused = messageFor(bytes);
        assert.ok(!refused.ok);
        assert.match(refused.problem, /base64/);
    });

    it("refuses a message that is not a fallback message, or whose bytes are not the delivery it names", () => {
        assert.throws(() => readFallbackMessage("[]", {}), /not a fallback message/);
        const made = messageFor(Buffer.from("[1]"));
        assert.ok(made.ok);
        assert.throws(() => readFallbackMessage("[2]", made.message.attributes), /its body is not that delivery's bytes/);
        assert.throws(() => readFallbackMessage(made.message.body, { ...made.message.attributes, body_encoding: "gzip" }), /unknown body_encoding/);
    });
});
