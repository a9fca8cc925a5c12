/** The receiver role's policies: its trust and exactly what it does. */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { lambdaAssumeRolePolicy, receiverPolicy, RECEIVER_DYNAMODB_ACTIONS } from "../../../components/policies/receiverPolicies";

const ARNS = {
    bucketArn: "arn:aws:s3:::data",
    tableArn: "arn:aws:dynamodb:eu-west-1:123456789012:table/t",
    logGroupArn: "arn:aws:logs:eu-west-1:123456789012:log-group:g",
    region: "eu-west-1",
    tokenParameterArns: [
        "arn:aws:ssm:eu-west-1:123456789012:parameter/healthscore/dev/receiver/webhook-token",
        "arn:aws:ssm:eu-west-1:123456789012:parameter/healthscore/dev/receiver/previous-webhook-token",
    ],
};
const KEY = "arn:aws:kms:eu-west-1:123456789012:key/k";

function actionsOf(statement: { Action: string | string[] }): string[] {
    return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

describe("receiverPolicies", () => {
    describe("receiverPolicy", () => {
        it("grants s3:PutObject on raw/, alerts/ and rejected/ only", () => {
            const [objects] = receiverPolicy(ARNS).Statement;
            assert.deepStrictEqual([objects.Action, objects.Resource], ["s3:PutObject", ["arn:aws:s3:::data/raw/*", "arn:aws:s3:::data/alerts/*", "arn:aws:s3:::data/rejected/*"]]);
        });

        it("grants s3:GetObject on raw/ only, for HeadObject of an archived copy's arrival time", () => {
            const read = receiverPolicy(ARNS).Statement[1];
            assert.deepStrictEqual([read.Action, read.Resource], ["s3:GetObject", "arn:aws:s3:::data/raw/*"]);
        });

        it("grants the DynamoDB calls storage.ts makes, on the table and its index", () => {
            const table = receiverPolicy(ARNS).Statement[2];
            assert.deepStrictEqual(table.Action, ["dynamodb:BatchWriteItem", "dynamodb:PutItem"]);
            assert.deepStrictEqual(table.Resource, [ARNS.tableArn, `${ARNS.tableArn}/index/record_id-index`]);
        });

        it("lists exactly the commands handlers/storage.ts sends, S3 and DynamoDB", () => {
            const source = fs.readFileSync(path.join(__dirname, "..", "..", "..", "handlers", "storage.ts"), "utf8");
            const importedFrom = (client: string) => {
                const block = new RegExp(`import\\s*{([^}]*)}\\s*from\\s*"@aws-sdk/${client}"`).exec(source)?.[1] ?? "";
                return block.split(",").map((name) => name.trim()).filter((name) => name.endsWith("Command")).map((name) => name.slice(0, -"Command".length));
            };
            const sent = new Set([...source.matchAll(/new (\w+)Command\(/g)].map((m) => m[1]));
            const s3 = importedFrom("client-s3").filter((c) => sent.has(c));
            const dynamodb = importedFrom("client-dynamodb").filter((c) => sent.has(c));
            assert.strictEqual(s3.length + dynamodb.length, sent.size, `commands from elsewhere: ${[...sent]}`);
            assert.deepStrictEqual(s3.sort(), ["HeadObject", "PutObject"]);
            // HeadObject is authorized as s3:GetObject; PutObject as itself.
            assert.deepStrictEqual(receiverPolicy(ARNS).Statement.slice(0, 2).map((statement) => statement.Action), ["s3:PutObject", "s3:GetObject"]);
            assert.deepStrictEqual(dynamodb.map((c) => `dynamodb:${c}`).sort(), [...RECEIVER_DYNAMODB_ACTIONS].sort());
        });

        it("grants ssm:GetParameter on exactly the token parameters' ARNs (no kms: permission needed with aws/ssm)", () => {
            const read = receiverPolicy(ARNS).Statement[3];
            assert.deepStrictEqual([read.Action, read.Resource], ["ssm:GetParameter", ARNS.tokenParameterArns]);
            assert.ok(!JSON.stringify(receiverPolicy(ARNS)).includes("kms:"));
        });

        it("grants log writes on the log group's streams only", () => {
            const logs = receiverPolicy(ARNS).Statement[4];
            assert.deepStrictEqual([logs.Action, logs.Resource], [["logs:CreateLogStream", "logs:PutLogEvents"], `${ARNS.logGroupArn}:log-stream:*`]);
        });

        it("has no wildcard action and no `*` resource, with or without a key", () => {
            for (const policy of [receiverPolicy(ARNS), receiverPolicy({ ...ARNS, kmsKeyArn: KEY })]) {
                for (const statement of policy.Statement) {
                    assert.ok(actionsOf(statement).every((a) => !a.includes("*")), JSON.stringify(statement));
                    assert.notStrictEqual(statement.Resource, "*");
                    assert.strictEqual(statement.Effect, "Allow");
                }
            }
        });

        it("adds the KMS key only when given: via S3 and DynamoDB in the Region, and Decrypt via SSM for the token parameters only", () => {
            assert.strictEqual(receiverPolicy(ARNS).Statement.length, 5);
            const [data, tokens] = receiverPolicy({ ...ARNS, kmsKeyArn: KEY }).Statement.slice(5);
            assert.deepStrictEqual(data.Condition, { StringEquals: { "kms:ViaService": ["s3.eu-west-1.amazonaws.com", "dynamodb.eu-west-1.amazonaws.com"] } });
            assert.strictEqual(data.Resource, KEY);
            assert.deepStrictEqual([tokens.Action, tokens.Resource, tokens.Condition], ["kms:Decrypt", KEY, {
                StringEquals: { "kms:ViaService": "ssm.eu-west-1.amazonaws.com", "kms:EncryptionContext:PARAMETER_ARN": ARNS.tokenParameterArns },
            }]);
        });
    });

    // No aws:SourceAccount condition: Lambda is not documented to send that key when it assumes an execution role,
    // and a condition on a missing key would keep the function from running. The trust is exactly AWS's documented
    // one, asserted whole so nothing can widen it.
    it("lambdaAssumeRolePolicy trusts exactly Lambda's service principal, for sts:AssumeRole, and nothing else", () => {
        assert.deepStrictEqual(lambdaAssumeRolePolicy(), {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
        });
        const text = JSON.stringify(lambdaAssumeRolePolicy());
        assert.ok(!text.includes("*"), "no wildcard");
        assert.ok(!text.includes("Condition"), "no condition");
    });
});
