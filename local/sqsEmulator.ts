/**
 * A small SQS emulator speaking the JSON protocol that `@aws-sdk/client-sqs` v3 uses (POST, `x-amz-target:
 * AmazonSQS.<Operation>`, `application/x-amz-json-1.0`), so the receiver's and the loader's SQS code runs
 * unchanged against it. No npm package emulates this protocol (sqslite speaks only the older query/XML one).
 *
 * It implements what the project calls: SendMessage, ReceiveMessage (visibility timeout, long polling,
 * ApproximateReceiveCount), DeleteMessage, ChangeMessageVisibility, GetQueueUrl and GetQueueAttributes, with each
 * queue's redrive policy (a message received more than `maxReceiveCount` times moves to the dead-letter queue) and
 * retention. Messages are kept under `<dataDir>/sqs/<queue>/`, one file each, written atomically, so they outlive a
 * restart (in-flight messages are visible again after one, as after their visibility timeout).
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import type { AddressInfo } from "net";

/** The account id in local queue URLs. */
export const LOCAL_ACCOUNT_ID = "000000000000";

export interface QueueDefinition {
    name: string;
    /** @default 30 */
    visibilityTimeoutSeconds?: number;
    /** @default 1,209,600 (14 days) */
    retentionSeconds?: number;
    redrive?: { deadLetterQueue: string; maxReceiveCount: number };
}

export interface SqsEmulatorOptions {
    dataDir: string;
    queues: QueueDefinition[];
    /** 0 picks a free port. */
    port?: number;
}

export interface SqsEmulator {
    endpoint: string;
    queueUrl(name: string): string;
    stop(): Promise<void>;
}

interface StoredMessage {
    id: string;
    body: string;
    attributes: Record<string, { DataType: string; StringValue?: string }>;
    sentAt: number;
    receiveCount: number;
    /** A sequence number: the order messages were sent in. */
    sequence: number;
}

interface Queue {
    definition: Required<Omit<QueueDefinition, "redrive">> & Pick<QueueDefinition, "redrive">;
    dir: string;
    messages: Map<string, StoredMessage>;
    /** Message id -> when it becomes visible again (epoch ms); absent: visible. */
    invisibleUntil: Map<string, number>;
    /** Receipt handle -> message id; a handle is valid until the message is received again. */
    receipts: Map<string, string>;
}

class SqsError extends Error {
    constructor(readonly code: string, message: string, readonly status = 400) {
        super(message);
    }
}

/** Long polls wake this often to look again. */
const POLL_STEP_MS = 20;

export async function startSqsEmulator(options: SqsEmulatorOptions): Promise<SqsEmulator> {
    const root = path.join(options.dataDir, "sqs");
    const staging = path.join(root, ".staging");
    fs.mkdirSync(staging, { recursive: true });
    let sequence = 0;
    const queues = new Map<string, Queue>();
    for (const definition of options.queues) {
        const dir = path.join(root, definition.name);
        fs.mkdirSync(dir, { recursive: true });
        const messages = new Map<string, StoredMessage>();
        const stored = fs.readdirSync(dir).filter((file) => file.endsWith(".json"))
            .map((file) => JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")) as StoredMessage)
            .sort((a, b) => a.sequence - b.sequence);
        for (const message of stored) {
            messages.set(message.id, message);
            sequence = Math.max(sequence, message.sequence);
        }
        queues.set(definition.name, {
            definition: { visibilityTimeoutSeconds: 30, retentionSeconds: 1_209_600, ...definition },
            dir,
            messages,
            invisibleUntil: new Map(),
            receipts: new Map(),
        });
    }

    const save = (queue: Queue, message: StoredMessage) => {
        const temporary = path.join(staging, crypto.randomUUID());
        fs.writeFileSync(temporary, JSON.stringify(message));
        fs.renameSync(temporary, path.join(queue.dir, `${message.id}.json`));
    };
    const remove = (queue: Queue, id: string) => {
        queue.messages.delete(id);
        queue.invisibleUntil.delete(id);
        fs.rmSync(path.join(queue.dir, `${id}.json`), { force: true });
    };

    let endpoint = "";
    const queueUrl = (name: string) => `${endpoint}/${LOCAL_ACCOUNT_ID}/${name}`;
    const queueOf = (url: unknown): Queue => {
        const name = typeof url === "string" ? url.split("/").pop() ?? "" : "";
        const queue = queues.get(name);
        if (!queue) throw new SqsError("AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist.");
        return queue;
    };

    /** Messages past retention are gone; visible ones are taken in the order they were sent. */
    const visibleMessages = (queue: Queue, now: number): StoredMessage[] => {
        const visible: StoredMessage[] = [];
        for (const message of queue.messages.values()) {
            if (now - message.sentAt > queue.definition.retentionSeconds * 1000) {
                remove(queue, message.id);
                continue;
            }
            if ((queue.invisibleUntil.get(message.id) ?? 0) <= now) visible.push(message);
        }
        return visible;
    };

    const send = (queue: Queue, body: string, attributes: StoredMessage["attributes"], original?: StoredMessage): StoredMessage => {
        const message: StoredMessage = {
            id: original?.id ?? crypto.randomUUID(),
            body,
            attributes,
            // Moved by a redrive, a message keeps its first send time (SQS keeps the original enqueue timestamp).
            sentAt: original?.sentAt ?? Date.now(),
            receiveCount: 0,
            sequence: ++sequence,
        };
        queue.messages.set(message.id, message);
        save(queue, message);
        return message;
    };

    const receiveNow = (queue: Queue, max: number, visibilityMs: number): StoredMessage[] => {
        const now = Date.now();
        const taken: StoredMessage[] = [];
        for (const message of visibleMessages(queue, now)) {
            if (taken.length >= max) break;
            const redrive = queue.definition.redrive;
            if (redrive && message.receiveCount >= redrive.maxReceiveCount) {
                // Received maxReceiveCount times without being deleted: off to the dead-letter queue.
                remove(queue, message.id);
                send(queueOf(redrive.deadLetterQueue), message.body, message.attributes, message);
                continue;
            }
            message.receiveCount++;
            save(queue, message);
            queue.invisibleUntil.set(message.id, now + visibilityMs);
            taken.push(message);
        }
        return taken;
    };

    const operations: Record<string, (input: any) => Promise<unknown> | unknown> = {
        GetQueueUrl(input) {
            const queue = queueOf(`/${input.QueueName}`);
            return { QueueUrl: queueUrl(queue.definition.name) };
        },
        GetQueueAttributes(input) {
            const queue = queueOf(input.QueueUrl);
            const now = Date.now();
            const visible = visibleMessages(queue, now).length;
            return {
                Attributes: {
                    ApproximateNumberOfMessages: String(visible),
                    ApproximateNumberOfMessagesNotVisible: String(queue.messages.size - visible),
                    VisibilityTimeout: String(queue.definition.visibilityTimeoutSeconds),
                    MessageRetentionPeriod: String(queue.definition.retentionSeconds),
                    MaximumMessageSize: "1048576",
                    QueueArn: `arn:aws:sqs:us-east-1:${LOCAL_ACCOUNT_ID}:${queue.definition.name}`,
                    ...(queue.definition.redrive ? {
                        RedrivePolicy: JSON.stringify({
                            deadLetterTargetArn: `arn:aws:sqs:us-east-1:${LOCAL_ACCOUNT_ID}:${queue.definition.redrive.deadLetterQueue}`,
                            maxReceiveCount: queue.definition.redrive.maxReceiveCount,
                        }),
                    } : {}),
                },
            };
        },
        SendMessage(input) {
            const queue = queueOf(input.QueueUrl);
            if (typeof input.MessageBody !== "string" || input.MessageBody.length === 0) {
                throw new SqsError("InvalidParameterValue", "The request must contain the parameter MessageBody.");
            }
            const attributes = input.MessageAttributes ?? {};
            const size = Buffer.byteLength(input.MessageBody) + Object.entries(attributes as StoredMessage["attributes"])
                .reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + value.DataType.length + Buffer.byteLength(value.StringValue ?? ""), 0);
            if (size > 1_048_576) throw new SqsError("InvalidParameterValue", `One or more parameters are invalid. Reason: Message must be shorter than 1048576 bytes.`);
            const message = send(queue, input.MessageBody, attributes);
            return { MessageId: message.id, MD5OfMessageBody: md5(message.body) };
        },
        async ReceiveMessage(input) {
            const queue = queueOf(input.QueueUrl);
            const max = Math.min(Math.max(Number(input.MaxNumberOfMessages ?? 1), 1), 10);
            const visibilityMs = 1000 * Number(input.VisibilityTimeout ?? queue.definition.visibilityTimeoutSeconds);
            const waitUntil = Date.now() + 1000 * Math.min(Number(input.WaitTimeSeconds ?? 0), 20);
            let taken = receiveNow(queue, max, visibilityMs);
            while (taken.length === 0 && Date.now() < waitUntil && !stopping) {
                await new Promise((resolve) => setTimeout(resolve, POLL_STEP_MS));
                taken = receiveNow(queue, max, visibilityMs);
            }
            return {
                Messages: taken.map((message) => {
                    const receipt = crypto.randomUUID();
                    for (const [handle, id] of queue.receipts) if (id === message.id) queue.receipts.delete(handle);
                    queue.receipts.set(receipt, message.id);
                    return {
                        MessageId: message.id,
                        ReceiptHandle: receipt,
                        MD5OfBody: md5(message.body),
                        Body: message.body,
                        Attributes: { ApproximateReceiveCount: String(message.receiveCount), SentTimestamp: String(message.sentAt) },
                        MessageAttributes: message.attributes,
                    };
                }),
            };
        },
        DeleteMessage(input) {
            const queue = queueOf(input.QueueUrl);
            const id = queue.receipts.get(input.ReceiptHandle);
            if (id === undefined) throw new SqsError("ReceiptHandleIsInvalid", `The input receipt handle "${input.ReceiptHandle}" is not valid.`);
            queue.receipts.delete(input.ReceiptHandle);
            remove(queue, id);
            return {};
        },
        ChangeMessageVisibility(input) {
            const queue = queueOf(input.QueueUrl);
            const id = queue.receipts.get(input.ReceiptHandle);
            if (id === undefined || !queue.messages.has(id)) throw new SqsError("ReceiptHandleIsInvalid", `The input receipt handle "${input.ReceiptHandle}" is not valid.`);
            queue.invisibleUntil.set(id, Date.now() + 1000 * Number(input.VisibilityTimeout ?? 0));
            return {};
        },
    };

    let stopping = false;
    const server = http.createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on("data", (chunk: Buffer) => chunks.push(chunk));
        request.on("end", () => {
            const target = String(request.headers["x-amz-target"] ?? "");
            const operation = operations[target.replace(/^AmazonSQS\./, "")];
            const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
                response.writeHead(status, { "content-type": "application/x-amz-json-1.0", ...headers });
                response.end(JSON.stringify(body));
            };
            (async () => {
                if (!operation) throw new SqsError("UnsupportedOperation", `the local SQS emulator does not implement ${target || "this request"}`);
                const input = chunks.length > 0 ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : {};
                reply(200, await operation(input));
            })().catch((err: unknown) => {
                const error = err instanceof SqsError ? err : new SqsError("InternalError", String(err), 500);
                reply(error.status, { __type: `com.amazonaws.sqs#${error.code}`, message: error.message }, { "x-amzn-query-error": `${error.code};Sender` });
            });
        });
    });
    await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
    });
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    return {
        endpoint,
        queueUrl,
        async stop() {
            stopping = true;
            server.closeAllConnections();
            await new Promise<void>((resolve) => server.close(() => resolve()));
        },
    };
}

function md5(text: string): string {
    return crypto.createHash("md5").update(text, "utf8").digest("hex");
}
