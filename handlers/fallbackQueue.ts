/**
 * The fallback for the raw archive: when S3 does not take a body in time, the receiver sends it to an SQS queue,
 * and the loader drains that queue into raw/. This module holds the message format (both sides read it here) and
 * the SQS adapter.
 *
 * SQS facts it relies on (AWS, "Amazon SQS message quotas" and the SendMessage reference): a message is at most
 * 1,048,576 bytes (1 MiB, raised from 256 KiB in 2025), counting the body and every message attribute's name, type
 * and value; a body may hold only the characters #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD |
 * #x10000-#x10FFFF, so any other body goes base64-encoded (4 bytes for 3).
 */
import type { SQSClient } from "@aws-sdk/client-sqs";
import { decodeUtf8 } from "./body";
import { deliveryIdOf } from "./ids";
import { Sender, sqsSdk } from "./sdk";
import type { CallOptions } from "./storage";

/** The largest SQS message: body plus attributes (names, data types and values). */
export const MAX_SQS_MESSAGE_BYTES = 1_048_576;

/** The message attributes of a fallback message. */
export const FALLBACK_ATTRIBUTES = {
    deliveryId: "delivery_id",
    receivedAt: "received_at",
    /** Present, with the value `base64`, when the body is base64 of the delivery's bytes. */
    bodyEncoding: "body_encoding",
} as const;

const STRING = "String";

/** A delivery as a fallback message: the body, and string attributes. */
export interface FallbackMessage {
    body: string;
    attributes: Record<string, string>;
}

/** A delivery read back from a fallback message. */
export interface QueuedDelivery {
    deliveryId: string;
    receivedAt: Date;
    bytes: Buffer;
}

export type MessageOf = { ok: true; message: FallbackMessage } | { ok: false; problem: string };

/** Characters outside what SQS accepts in a body (lone surrogates cannot occur: the text is decoded UTF-8). */
const NOT_SQS_TEXT = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** The bytes SQS counts for a message: the body's UTF-8 and each attribute's name, data type and value. */
export function messageBytes(message: FallbackMessage): number {
    return Buffer.byteLength(message.body) + Object.entries(message.attributes)
        .reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + STRING.length + Buffer.byteLength(value), 0);
}

/**
 * The fallback message of a delivery, or why it cannot be one: a body that is not text SQS accepts goes base64,
 * and so does one whose text is not its exact bytes (the decoder drops a leading byte order mark, which the
 * delivery's id counts); a message over {@link MAX_SQS_MESSAGE_BYTES}, attributes included, cannot be sent at all.
 */
export function fallbackMessageOf(deliveryId: string, bytes: Uint8Array, receivedAt: Date): MessageOf {
    const decoded = decodeUtf8(bytes);
    const isText = decoded.ok && !NOT_SQS_TEXT.test(decoded.value) && Buffer.byteLength(decoded.value) === bytes.byteLength;
    const attributes: Record<string, string> = {
        [FALLBACK_ATTRIBUTES.deliveryId]: deliveryId,
        [FALLBACK_ATTRIBUTES.receivedAt]: receivedAt.toISOString(),
    };
    if (!isText) attributes[FALLBACK_ATTRIBUTES.bodyEncoding] = "base64";
    const message = { body: isText ? decoded.value : Buffer.from(bytes).toString("base64"), attributes };
    const size = messageBytes(message);
    if (size > MAX_SQS_MESSAGE_BYTES) {
        return { ok: false, problem: `as an SQS message (${isText ? "text" : "base64"}, with its attributes) the body is ${size} bytes; SQS takes at most ${MAX_SQS_MESSAGE_BYTES}` };
    }
    return { ok: true, message };
}

/**
 * A delivery back from a fallback message's body and attributes (however the caller read them: a Lambda SQS
 * event, ReceiveMessage). Throws when the message is not one, or its bytes are not the delivery it names.
 */
export function readFallbackMessage(body: string, attributes: Readonly<Record<string, string | undefined>>): QueuedDelivery {
    const deliveryId = attributes[FALLBACK_ATTRIBUTES.deliveryId];
    const receivedAtText = attributes[FALLBACK_ATTRIBUTES.receivedAt];
    if (!deliveryId || !receivedAtText || Number.isNaN(Date.parse(receivedAtText))) {
        throw new Error(`not a fallback message: it lacks the ${FALLBACK_ATTRIBUTES.deliveryId} or ${FALLBACK_ATTRIBUTES.receivedAt} attribute`);
    }
    const encoding = attributes[FALLBACK_ATTRIBUTES.bodyEncoding];
    if (encoding !== undefined && encoding !== "base64") throw new Error(`fallback message ${deliveryId}: unknown ${FALLBACK_ATTRIBUTES.bodyEncoding} ${JSON.stringify(encoding)}`);
    const bytes = encoding === "base64" ? Buffer.from(body, "base64") : Buffer.from(body, "utf8");
    // The id is a UUID of the bytes: a message altered on the way, or decoded wrongly, is not archived under it.
    if (deliveryIdOf(bytes) !== deliveryId) throw new Error(`fallback message ${deliveryId}: its body is not that delivery's bytes`);
    return { deliveryId, receivedAt: new Date(receivedAtText), bytes };
}

/** Where the receiver sends a body S3 did not take. */
export interface FallbackQueue {
    send(message: FallbackMessage, options?: CallOptions): Promise<void>;
}

export function createSqsFallbackQueue(sqs: Sender<SQSClient>, queueUrl: string): FallbackQueue {
    return {
        async send(message, options = {}) {
            await sqs.send(new (sqsSdk().SendMessageCommand)({
                QueueUrl: queueUrl,
                MessageBody: message.body,
                MessageAttributes: Object.fromEntries(Object.entries(message.attributes).map(([name, value]) => [name, { DataType: STRING, StringValue: value }])),
            }), { abortSignal: options.signal });
        },
    };
}
