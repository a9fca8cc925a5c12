/** Bucket policy statements: TLS only, and ALB access-log delivery in every kind of Region. */
import * as assert from "assert";
import { albLogDeliveryStatement, bucketPolicy, ELB_ACCOUNT_BY_REGION, ELB_LOG_DELIVERY_SERVICE } from "../../../components/policies/bucketPolicies";
import { PROVIDER_ELB_ACCOUNTS } from "../../support/mocks";

const LOGS = { bucketArn: "arn:aws:s3:::logs", prefix: "alb", accountId: "123456789012" };

describe("bucketPolicies", () => {
    it("bucketPolicy denies non-TLS and pre-1.2 requests first, then adds the given statements", () => {
        const extra = albLogDeliveryStatement({ ...LOGS, region: "us-east-1" });
        const policy = bucketPolicy("arn:aws:s3:::logs", [extra]);
        assert.deepStrictEqual(policy.Statement.map((s) => [s.Effect, s.Condition]), [
            ["Deny", { Bool: { "aws:SecureTransport": "false" } }],
            ["Deny", { NumericLessThan: { "s3:TlsVersion": 1.2 } }],
            ["Allow", undefined],
        ]);
        assert.deepStrictEqual(policy.Statement[0].Resource, ["arn:aws:s3:::logs", "arn:aws:s3:::logs/*"]);
    });

    it("albLogDeliveryStatement, in a Region with an ELB account (us-east-1): the service principal and that account, under prefix/AWSLogs/<account>/", () => {
        const statement = albLogDeliveryStatement({ ...LOGS, region: "us-east-1" });
        assert.deepStrictEqual(statement.Principal, { Service: ELB_LOG_DELIVERY_SERVICE, AWS: "arn:aws:iam::127311923021:root" });
        assert.strictEqual(statement.Resource, "arn:aws:s3:::logs/alb/AWSLogs/123456789012/*");
        assert.strictEqual(statement.Action, "s3:PutObject");
    });

    it("albLogDeliveryStatement, in Regions opened since August 2022 (and any unknown one): the service principal only", () => {
        for (const region of ["me-central-1", "eu-central-2", "eu-south-2", "ap-south-2", "ap-southeast-4", "il-central-1", "ca-west-1", "mx-central-1", "xx-future-9"]) {
            assert.deepStrictEqual(albLogDeliveryStatement({ ...LOGS, region }).Principal, { Service: ELB_LOG_DELIVERY_SERVICE }, region);
        }
    });

    it("albLogDeliveryStatement takes the account principal's partition from the bucket (China, GovCloud)", () => {
        const china = albLogDeliveryStatement({ ...LOGS, bucketArn: "arn:aws-cn:s3:::logs", region: "cn-north-1" });
        assert.strictEqual(china.Principal && (china.Principal as Record<string, string>).AWS, "arn:aws-cn:iam::638102146993:root");
    });

    it("ELB_ACCOUNT_BY_REGION is AWS's pre-August-2022 table: the 26 Regions and accounts of the provider's getServiceAccount map", () => {
        assert.deepStrictEqual(Object.entries(ELB_ACCOUNT_BY_REGION).sort(), Object.entries(PROVIDER_ELB_ACCOUNTS).sort());
        assert.strictEqual(Object.keys(ELB_ACCOUNT_BY_REGION).length, 26);
    });
});
