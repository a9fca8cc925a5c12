import { strict as assert } from "assert";
import { arnPartition, crawlerAccessPolicy, crawlerAssumeRolePolicy, glueServiceRolePolicyArn, tlsOnlyBucketPolicy } from "../../components/lakePolicies";

describe("components/lakePolicies", () => {
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

    it("adds kms:Decrypt on the bucket's key only when there is one", () => {
        const policy = crawlerAccessPolicy({ bucketArn: "arn:aws:s3:::b", kmsKeyArn: "arn:aws:kms:eu-west-1:1:key/k" });
        assert.deepEqual(policy.Statement[3], { Sid: "DecryptAlertObjects", Effect: "Allow", Action: "kms:Decrypt", Resource: "arn:aws:kms:eu-west-1:1:key/k" });
    });

    it("names the Glue managed policy in the bucket's partition", () => {
        assert.equal(glueServiceRolePolicyArn(arnPartition("arn:aws-cn:s3:::b")), "arn:aws-cn:iam::aws:policy/service-role/AWSGlueServiceRole");
        assert.throws(() => arnPartition("b"), /not an ARN/);
    });

    it("denies plain HTTP to the results bucket", () => {
        const [statement] = tlsOnlyBucketPolicy("arn:aws:s3:::r").Statement;
        assert.equal(statement.Effect, "Deny");
        assert.deepEqual(statement.Resource, ["arn:aws:s3:::r", "arn:aws:s3:::r/*"]);
    });
});
