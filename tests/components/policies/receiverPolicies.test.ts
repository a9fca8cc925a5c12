/** The receiver role's policies: its trust and exactly what it does (archive raw bodies, or queue them; read its tokens). */
import * as assert from "assert";
import { lambdaAssumeRolePolicy, receiverPolicy } from "../../../components/policies/receiverPolicies";
import { commandsSent } from "../../support/sdkCommands";

const ARNS = {
    bucketArn: "arn:aws:s3:::data",
    fallbackQueueArn: "arn:aws:sqs:eu-west-1:123456789012:fallback",
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
        it("grants, statement by statement: PutObject on raw/ only; GetObject on raw/ (HeadObject of an archived copy's arrival); SendMessage to the fallback queue; GetParameter on its token parameters; its log streams", () => {
            assert.deepStrictEqual(receiverPolicy(ARNS).Statement.map((s) => [s.Sid, s.Action, s.Resource]), [
                ["ArchiveRawBodies", "s3:PutObject", "arn:aws:s3:::data/raw/*"],
                ["ReadRawArrivalTimes", "s3:GetObject", "arn:aws:s3:::data/raw/*"],
                ["SendToFallbackQueue", "sqs:SendMessage", ARNS.fallbackQueueArn],
                ["ReadTokenParameters", "ssm:GetParameter", ARNS.tokenParameterArns],
                ["WriteOwnLogs", ["logs:CreateLogStream", "logs:PutLogEvents"], `${ARNS.logGroupArn}:log-stream:*`],
            ]);
        });

        it("grants nothing on the table, alerts/ or rejected/: those are the loader's", () => {
            const text = JSON.stringify(receiverPolicy({ ...ARNS, kmsKeyArn: KEY }));
            assert.ok(!text.includes("dynamodb:") && !text.includes("alerts/") && !text.includes("rejected/"), text);
        });

        it("covers exactly the S3 and SQS commands the receiver's modules send (storage.ts's object side, fallbackQueue.ts)", () => {
            assert.deepStrictEqual(commandsSent("fallbackQueue.ts")["client-sqs"], ["SendMessage"]);
            // storage.ts serves the loader too (GetObject, DynamoDB); the receiver calls archiveRaw only: PutObject,
            // then HeadObject on a 412, which S3 authorizes as s3:GetObject.
            assert.ok(commandsSent("storage.ts")["client-s3"].includes("PutObject") && commandsSent("storage.ts")["client-s3"].includes("HeadObject"));
        });

        it("grants ssm:GetParameter on exactly the token parameters' ARNs (no kms: permission needed with aws/ssm), the one SSM command tokenSource.ts sends", () => {
            assert.deepStrictEqual(commandsSent("tokenSource.ts")["client-ssm"], ["GetParameter"]);
            const read = receiverPolicy(ARNS).Statement[3];
            assert.deepStrictEqual([read.Action, read.Resource], ["ssm:GetParameter", ARNS.tokenParameterArns]);
            assert.ok(!JSON.stringify(receiverPolicy(ARNS)).includes("kms:"));
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

        it("adds the KMS key only when given: via S3 in the Region (SSE-SQS needs no key permission), and Decrypt via SSM for the token parameters only", () => {
            assert.strictEqual(receiverPolicy(ARNS).Statement.length, 5);
            const [data, tokens] = receiverPolicy({ ...ARNS, kmsKeyArn: KEY }).Statement.slice(5);
            assert.deepStrictEqual(data.Condition, { StringEquals: { "kms:ViaService": ["s3.eu-west-1.amazonaws.com"] } });
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
