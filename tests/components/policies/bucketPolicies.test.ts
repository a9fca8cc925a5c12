/** Bucket policy statements: TLS only, and ALB access-log delivery. */
import * as assert from "assert";
import { albLogDeliveryStatement, bucketPolicy, ELB_LOG_DELIVERY_SERVICE } from "../../../components/policies/bucketPolicies";

describe("bucketPolicies", () => {
    it("bucketPolicy denies non-TLS and pre-1.2 requests first, then adds the given statements", () => {
        const extra = albLogDeliveryStatement({ bucketArn: "arn:aws:s3:::logs", prefix: "alb", accountId: "123456789012", elbAccountArn: "arn:aws:iam::127311923021:root" });
        const policy = bucketPolicy("arn:aws:s3:::logs", [extra]);
        assert.deepStrictEqual(policy.Statement.map((s) => [s.Effect, s.Condition]), [
            ["Deny", { Bool: { "aws:SecureTransport": "false" } }],
            ["Deny", { NumericLessThan: { "s3:TlsVersion": 1.2 } }],
            ["Allow", undefined],
        ]);
        assert.deepStrictEqual(policy.Statement[0].Resource, ["arn:aws:s3:::logs", "arn:aws:s3:::logs/*"]);
    });

    it("albLogDeliveryStatement allows both ELB delivery principals under prefix/AWSLogs/<account>/", () => {
        const statement = albLogDeliveryStatement({ bucketArn: "arn:aws:s3:::logs", prefix: "alb", accountId: "123456789012", elbAccountArn: "arn:aws:iam::127311923021:root" });
        assert.deepStrictEqual(statement.Principal, { AWS: "arn:aws:iam::127311923021:root", Service: ELB_LOG_DELIVERY_SERVICE });
        assert.strictEqual(statement.Resource, "arn:aws:s3:::logs/alb/AWSLogs/123456789012/*");
        assert.strictEqual(statement.Action, "s3:PutObject");
    });
});
