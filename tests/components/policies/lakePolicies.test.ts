import { strict as assert } from "assert";
import { arnPartition } from "../../../components/policies/policyDocument";
import {
    crawlerAccessPolicy,
    crawlerAssumeRolePolicy,
    glueServiceRolePolicyArn,
    lakeDataAccessAssumeRolePolicy,
    lakeDataAccessPolicy,
} from "../../../components/policies/lakePolicies";

const KEY = "arn:aws:kms:eu-west-1:123456789012:key/k";

describe("lakePolicies", () => {
    it("lets only Glue assume the crawler role", () => {
        assert.deepEqual(crawlerAssumeRolePolicy().Statement, [{ Effect: "Allow", Principal: { Service: "glue.amazonaws.com" }, Action: "sts:AssumeRole" }]);
    });

    it("reads alerts/ only, lists only that prefix, and asks Lake Formation for credentials", () => {
        const policy = crawlerAccessPolicy({ bucketArn: "arn:aws:s3:::b" });
        assert.deepEqual(policy.Statement.map((statement) => [statement.Action, statement.Resource]), [
            ["s3:GetObject", "arn:aws:s3:::b/alerts/*"],
            ["s3:ListBucket", "arn:aws:s3:::b"],
            ["lakeformation:GetDataAccess", "*"],
        ]);
        assert.deepEqual(policy.Statement[1].Condition, { StringLike: { "s3:prefix": ["alerts/", "alerts/*"] } });
        assert.ok(policy.Statement.every((statement) => statement.Effect === "Allow" && !String(statement.Action).includes("*")));
    });

    // The crawler uses Lake Formation credentials, so it reads (and decrypts) as the location's data-access role,
    // which holds kms:Decrypt when there is a key (tested below).
    it("grants the crawler no KMS permission: it decrypts through Lake Formation's vended credentials", () => {
        const policy = crawlerAccessPolicy({ bucketArn: "arn:aws:s3:::b" });
        assert.ok(!JSON.stringify(policy).includes("kms:"));
    });

    describe("the data-access role alerts/ is registered with", () => {
        const bucketArn = "arn:aws:s3:::b";

        it("is assumed by Lake Formation only, for sts:AssumeRole only", () => {
            assert.deepEqual(lakeDataAccessAssumeRolePolicy(), {
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Principal: { Service: "lakeformation.amazonaws.com" }, Action: "sts:AssumeRole" }],
            });
        });

        it("reads objects under alerts/ and lists that prefix only, and writes nothing", () => {
            assert.deepEqual(lakeDataAccessPolicy({ bucketArn, region: "eu-west-1" }), {
                Version: "2012-10-17",
                Statement: [
                    { Sid: "ReadAlertObjects", Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/alerts/*" },
                    {
                        Sid: "ListAlertObjects", Effect: "Allow", Action: "s3:ListBucket", Resource: bucketArn,
                        Condition: { StringLike: { "s3:prefix": ["alerts/", "alerts/*"] } },
                    },
                ],
            });
        });

        it("adds kms:Decrypt on the bucket's key only, through S3 in the Region, only when there is a key", () => {
            const statements = lakeDataAccessPolicy({ bucketArn, region: "eu-west-1", kmsKeyArn: KEY }).Statement;
            assert.equal(statements.length, 3);
            assert.deepEqual(statements[2], {
                Sid: "DecryptAlertObjectsThroughS3", Effect: "Allow", Action: "kms:Decrypt", Resource: KEY,
                Condition: { StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" } },
            });
            assert.deepEqual(statements.slice(0, 2), lakeDataAccessPolicy({ bucketArn, region: "eu-west-1" }).Statement);
        });
    });

    it("names the Glue managed policy in the bucket's partition", () => {
        assert.equal(glueServiceRolePolicyArn(arnPartition("arn:aws-cn:s3:::b")), "arn:aws-cn:iam::aws:policy/service-role/AWSGlueServiceRole");
        assert.throws(() => arnPartition("b"), /not an ARN/);
    });
});
