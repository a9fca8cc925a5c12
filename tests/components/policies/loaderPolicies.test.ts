/** The loader role's policy: exactly what the loader, its event source mapping and its destination need. */
import * as assert from "assert";
import { EVENT_SOURCE_SQS_ACTIONS, LOADER_DYNAMODB_ACTIONS, loaderPolicy } from "../../../components/policies/loaderPolicies";
import { commandsSent } from "../../support/sdkCommands";

const ARNS = {
    bucketArn: "arn:aws:s3:::data",
    tableArn: "arn:aws:dynamodb:eu-west-1:123456789012:table/t",
    fallbackQueueArn: "arn:aws:sqs:eu-west-1:123456789012:fallback",
    deadLetterQueueArn: "arn:aws:sqs:eu-west-1:123456789012:dead-letters",
    logGroupArn: "arn:aws:logs:eu-west-1:123456789012:log-group:loader",
    region: "eu-west-1",
};
const KEY = "arn:aws:kms:eu-west-1:123456789012:key/k";

describe("loaderPolicies", () => {
    it("grants, statement by statement, and nothing else", () => {
        assert.deepStrictEqual(loaderPolicy(ARNS).Statement.map((s) => [s.Sid, s.Action, s.Resource]), [
            ["ReadRawBodies", "s3:GetObject", "arn:aws:s3:::data/raw/*"],
            ["WriteDeliveryObjects", "s3:PutObject", ["arn:aws:s3:::data/raw/*", "arn:aws:s3:::data/alerts/*", "arn:aws:s3:::data/rejected/*"]],
            ["WriteTableItems", ["dynamodb:BatchWriteItem", "dynamodb:PutItem"], ARNS.tableArn],
            ["DrainFallbackQueue", ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"], ARNS.fallbackQueueArn],
            ["SendFailedEventsToDeadLetterQueue", "sqs:SendMessage", ARNS.deadLetterQueueArn],
            ["WriteOwnLogs", ["logs:CreateLogStream", "logs:PutLogEvents"], `${ARNS.logGroupArn}:log-stream:*`],
        ]);
    });

    it("lists exactly the commands handlers/storage.ts sends: S3 GetObject, HeadObject (as s3:GetObject) and PutObject; DynamoDB's puts, in transactions too", () => {
        const sent = commandsSent("storage.ts");
        assert.deepStrictEqual(sent["client-s3"], ["GetObject", "HeadObject", "PutObject"]);
        assert.deepStrictEqual(sent["client-dynamodb"], ["BatchWriteItem", "PutItem", "TransactWriteItems"]);
        // A transaction's puts are authorised as dynamodb:PutItem (loaderPolicies.ts cites AWS).
        const actions = new Set(sent["client-dynamodb"].map((command) => `dynamodb:${command === "TransactWriteItems" ? "PutItem" : command}`));
        assert.deepStrictEqual([...actions].sort(), [...LOADER_DYNAMODB_ACTIONS].sort());
    });

    it("lets the event source mapping read and delete fallback messages, nothing more (the handler sends no SQS command)", () => {
        assert.deepStrictEqual([...EVENT_SOURCE_SQS_ACTIONS], ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]);
        assert.deepStrictEqual(commandsSent("loaderEvents.ts")["client-sqs"] ?? [], []);
    });

    it("adds the KMS key only when given, via S3 and DynamoDB in the Region", () => {
        assert.strictEqual(loaderPolicy(ARNS).Statement.length, 6);
        const kms = loaderPolicy({ ...ARNS, kmsKeyArn: KEY }).Statement[6];
        assert.deepStrictEqual([kms.Action, kms.Resource, kms.Condition], [["kms:GenerateDataKey", "kms:Decrypt"], KEY,
            { StringEquals: { "kms:ViaService": ["s3.eu-west-1.amazonaws.com", "dynamodb.eu-west-1.amazonaws.com"] } }]);
    });

    it("has no wildcard action and no `*` resource", () => {
        for (const statement of loaderPolicy({ ...ARNS, kmsKeyArn: KEY }).Statement) {
            assert.ok([statement.Action].flat().every((a) => !a.includes("*")), JSON.stringify(statement));
            assert.notStrictEqual(statement.Resource, "*");
        }
    });
});
