/**
 * IAM policy documents of the data lake, as pure functions of plain strings: tested without Pulumi, and
 * applied to resolved outputs in components/dataLake.ts.
 */
import { bucketPrefixes } from "../handlers/layout";

export interface PolicyStatement {
    Sid?: string;
    Effect: "Allow" | "Deny";
    Principal?: Record<string, string | string[]>;
    Action: string | string[];
    /** Absent only in trust policies. */
    Resource?: string | string[];
    Condition?: Record<string, Record<string, string | string[] | boolean>>;
}

export interface PolicyDocument {
    Version: "2012-10-17";
    Statement: PolicyStatement[];
}

/** `aws`, `aws-cn` or `aws-us-gov`, read from any ARN, so that managed policy ARNs match the bucket's partition. */
export function arnPartition(arn: string): string {
    const match = /^arn:([^:]+):/.exec(arn);
    if (!match) throw new Error(`not an ARN: ${JSON.stringify(arn)}`);
    return match[1];
}

/** The AWS managed policy every Glue crawler role needs (Glue catalog calls, its own CloudWatch logs). */
export function glueServiceRolePolicyArn(partition: string): string {
    return `arn:${partition}:iam::aws:policy/service-role/AWSGlueServiceRole`;
}

/** Only Glue may assume the crawler's role. */
export function crawlerAssumeRolePolicy(): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "glue.amazonaws.com" }, Action: "sts:AssumeRole" }],
    };
}

export interface CrawlerAccessOptions {
    bucketArn: string;
    /** The bucket's KMS key, when it is encrypted with one (SSE-KMS): the crawler must decrypt what it reads. */
    kmsKeyArn?: string;
}

/**
 * What the crawler reads beyond the managed policy: the objects under alerts/ and the listing of that prefix
 * (nothing of raw/ or rejected/, which hold request bodies), and the temporary credentials Lake Formation vends
 * for the registered location.
 */
export function crawlerAccessPolicy(options: CrawlerAccessOptions): PolicyDocument {
    const prefix = bucketPrefixes.alerts;
    const statements: PolicyStatement[] = [
        { Sid: "ReadAlertObjects", Effect: "Allow", Action: "s3:GetObject", Resource: `${options.bucketArn}/${prefix}*` },
        {
            Sid: "ListAlertObjects",
            Effect: "Allow",
            Action: "s3:ListBucket",
            Resource: options.bucketArn,
            Condition: { StringLike: { "s3:prefix": [prefix, `${prefix}*`] } },
        },
        { Sid: "LakeFormationCredentials", Effect: "Allow", Action: "lakeformation:GetDataAccess", Resource: "*" },
    ];
    if (options.kmsKeyArn) {
        statements.push({ Sid: "DecryptAlertObjects", Effect: "Allow", Action: "kms:Decrypt", Resource: options.kmsKeyArn });
    }
    return { Version: "2012-10-17", Statement: statements };
}

/** Query results carry the lake's data: refuse plain HTTP to the results bucket. */
export function tlsOnlyBucketPolicy(bucketArn: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [{
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: { AWS: "*" },
            Action: "s3:*",
            Resource: [bucketArn, `${bucketArn}/*`],
            Condition: { Bool: { "aws:SecureTransport": false } },
        }],
    };
}
