/** The local SQS emulator, through the real @aws-sdk/client-sqs: what the project's code relies on. */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ChangeMessageVisibilityCommand, DeleteMessageCommand, GetQueueAttributesCommand, GetQueueUrlCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { localSqsClient } from "../../local/emulators";
import { SqsEmulator, startSqsEmulator } from "../../local/sqsEmulator";

describe("local SQS emulator (JSON protocol, real SDK client)", function () {
    this.timeout(20_000);
    let dataDir: string;
    let emulator: SqsEmulator;
    let sqs: SQSClient;
    const QUEUES = [{ name: "dead" }, { name: "work", redrive: { deadLetterQueue: "dead", maxReceiveCount: 2 } }];
    const receive = (url: string, visibility = 0) => sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: visibility, MessageAttributeNames: ["All"], MessageSystemAttributeNames: ["ApproximateReceiveCount"] }));

    beforeEach(async () => {
        dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "healthscore-sqs-"));
        emulator = await startSqsEmulator({ dataDir, queues: QUEUES });
        sqs = localSqsClient(emulator.endpoint);
    });
    afterEach(async () => {
        sqs.destroy();
        await emulator.stop();
        fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it("sends and receives a message with its attributes (the SDK checks the body's MD5), and deletes it by its receipt", async () => {
        const { QueueUrl: url } = await sqs.send(new GetQueueUrlCommand({ QueueName: "work" }));
        assert.equal(url, emulator.queueUrl("work"));
        await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "héllo 😀", MessageAttributes: { delivery_id: { DataType: "String", StringValue: "d-1" } } }));
        const { Messages: [message] = [] } = await receive(url!, 30);
        assert.deepEqual([message.Body, message.MessageAttributes?.delivery_id.StringValue, message.Attributes?.ApproximateReceiveCount], ["héllo 😀", "d-1", "1"]);
        assert.equal((await receive(url!)).Messages?.length ?? 0, 0, "hidden while in flight");
        await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: message.ReceiptHandle }));
        const { Attributes: attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["All"] }));
        assert.deepEqual([attributes?.ApproximateNumberOfMessages, attributes?.ApproximateNumberOfMessagesNotVisible], ["0", "0"]);
    });

    it("shows a message again when its visibility is changed to 0, and moves it to the dead-letter queue after maxReceiveCount receives", async () => {
        const url = emulator.queueUrl("work");
        await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "poison" }));
        const first = (await receive(url, 30)).Messages![0];
        await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: first.ReceiptHandle, VisibilityTimeout: 0 }));
        assert.equal((await receive(url)).Messages![0].Attributes?.ApproximateReceiveCount, "2");
        assert.equal((await receive(url)).Messages?.length ?? 0, 0, "received twice: redriven, not received a third time");
        const dead = await receive(emulator.queueUrl("dead"));
        assert.deepEqual(dead.Messages?.map((m) => [m.Body, m.MessageId]), [["poison", first.MessageId]]);
    });

    it("keeps messages under the data dir across a restart", async () => {
        await sqs.send(new SendMessageCommand({ QueueUrl: emulator.queueUrl("dead"), MessageBody: "kept" }));
        await emulator.stop();
        sqs.destroy();
        emulator = await startSqsEmulator({ dataDir, queues: QUEUES });
        sqs = localSqsClient(emulator.endpoint);
        assert.deepEqual((await receive(emulator.queueUrl("dead"))).Messages?.map((m) => m.Body), ["kept"]);
    });

    it("refuses a message over 1 MiB with its attributes, and a queue it does not know, as SQS does", async () => {
        await assert.rejects(sqs.send(new SendMessageCommand({ QueueUrl: emulator.queueUrl("work"), MessageBody: "x".repeat(1_048_570), MessageAttributes: { a: { DataType: "String", StringValue: "1234" } } })), /shorter than 1048576 bytes/);
        await assert.rejects(sqs.send(new SendMessageCommand({ QueueUrl: emulator.queueUrl("nope"), MessageBody: "x" })), /does not exist/);
    });
});
