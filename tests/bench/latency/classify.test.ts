import assert from "assert";
import { EVENT_PATH_PREFIX, classifyRequest, withObjectSize } from "../../../bench/latency/classify";

const s3 = (method: string, url: string, headers: Record<string, string> = {}) => classifyRequest("s3", { method, url, headers });
const dynamodb = (target: string, body?: string) => classifyRequest("dynamodb", { method: "POST", url: "/", headers: { "x-amz-target": target }, body });

describe("bench/latency/classify", () => {
    it("names S3 object operations from path-style requests", () => {
        assert.deepStrictEqual(s3("PUT", "/bucket/raw/dt=2026-11-27/x.json?x-id=PutObject"), { operation: "s3:PutObject", kind: "write" });
        assert.deepStrictEqual(s3("GET", "/bucket/HS-1-2-3?x-id=GetObject"), { operation: "s3:GetObject", kind: "read" });
        assert.deepStrictEqual(s3("HEAD", "/bucket/key"), { operation: "s3:HeadObject", kind: "read" });
        assert.deepStrictEqual(s3("DELETE", "/bucket/key"), { operation: "s3:DeleteObject", kind: "write" });
        assert.deepStrictEqual(s3("PUT", "/bucket/key", { "x-amz-copy-source": "/bucket/other" }), { operation: "s3:CopyObject", kind: "write" });
    });

    it("names S3 bucket operations: listing, multi-object delete, and the rest as control", () => {
        assert.deepStrictEqual(s3("GET", "/bucket?list-type=2&prefix=HS-1-"), { operation: "s3:ListObjects", kind: "read" });
        assert.deepStrictEqual(s3("GET", "/bucket"), { operation: "s3:ListObjects", kind: "read" });
        assert.deepStrictEqual(s3("POST", "/bucket?delete"), { operation: "s3:DeleteObjects", kind: "write" });
        assert.deepStrictEqual(s3("PUT", "/bucket"), { operation: "s3:PUTBucket", kind: "control" });
        assert.deepStrictEqual(s3("GET", "/"), { operation: "s3:ListBuckets", kind: "control" });
        assert.strictEqual(s3("PUT", "/bucket/key?tagging").kind, "control");
    });

    it("names DynamoDB operations from x-amz-target, and tells conditional puts and large transactions apart", () => {
        assert.deepStrictEqual(dynamodb("DynamoDB_20120810.BatchWriteItem"), { operation: "dynamodb:BatchWriteItem", kind: "write" });
        assert.deepStrictEqual(dynamodb("DynamoDB_20120810.Query"), { operation: "dynamodb:Query", kind: "read" });
        assert.deepStrictEqual(dynamodb("DynamoDB_20120810.CreateTable"), { operation: "dynamodb:CreateTable", kind: "control" });
        assert.deepStrictEqual(dynamodb("DynamoDB_20120810.PutItem", '{"TableName":"t","Item":{}}'), { operation: "dynamodb:PutItem", kind: "write" });
        assert.deepStrictEqual(dynamodb("DynamoDB_20120810.PutItem", '{"TableName":"t","ConditionExpression":"attribute_not_exists(pk)"}'),
            { operation: "dynamodb:PutItem:conditional", kind: "write" });
        const transaction = (puts: number) => JSON.stringify({ TransactItems: Array.from({ length: puts }, () => ({ Put: { TableName: "t", Item: {} } })) });
        assert.deepStrictEqual(dynamodb("DynamoDB_20120810.TransactWriteItems", transaction(25)), { operation: "dynamodb:TransactWriteItems", kind: "write" });
        assert.deepStrictEqual(dynamodb("DynamoDB_20120810.TransactWriteItems", transaction(26)), { operation: "dynamodb:TransactWriteItems:large", kind: "write" });
        assert.deepStrictEqual(classifyRequest("dynamodb", { method: "POST", url: "/", headers: {} }), { operation: "dynamodb:unknown", kind: "control" });
    });

    it("names SQS operations of the JSON protocol", () => {
        assert.deepStrictEqual(classifyRequest("sqs", { method: "POST", url: "/", headers: { "x-amz-target": "AmazonSQS.SendMessage" } }), { operation: "sqs:SendMessage", kind: "write" });
        assert.deepStrictEqual(classifyRequest("sqs", { method: "POST", url: "/", headers: { "x-amz-target": "AmazonSQS.ReceiveMessage" } }), { operation: "sqs:ReceiveMessage", kind: "read" });
    });

    it("reads the benchmark's events between services from their path, on any service", () => {
        assert.deepStrictEqual(classifyRequest("s3", { method: "POST", url: `${EVENT_PATH_PREFIX}s3%3AObjectCreated`, headers: {} }), { operation: "s3:ObjectCreated", kind: "event" });
    });

    it("makes large object transfers their own operations", () => {
        const sizes = (requestBytes: number, responseBytes: number) => ({ requestBytes, responseBytes });
        assert.strictEqual(withObjectSize({ operation: "s3:PutObject", kind: "write" }, sizes(300_000, 0), 262_144).operation, "s3:PutObject:large");
        assert.strictEqual(withObjectSize({ operation: "s3:PutObject", kind: "write" }, sizes(1_000, 0), 262_144).operation, "s3:PutObject");
        assert.strictEqual(withObjectSize({ operation: "s3:GetObject", kind: "read" }, sizes(0, 262_144), 262_144).operation, "s3:GetObject:large");
        assert.strictEqual(withObjectSize({ operation: "dynamodb:BatchWriteItem", kind: "write" }, sizes(900_000, 0), 262_144).operation, "dynamodb:BatchWriteItem");
    });
});
