/**
 * IAM and bucket policy documents as plain JSON built from ARNs. Pure: the components resolve the ARNs and
 * `JSON.stringify` the result, and the unit tests read every statement without Pulumi.
 */
import { bucketPrefixes, tableSchema } from "../handlers/layout";

export interface PolicyStatement {
    Sid?: string;
    Effect: "Allow" | "Deny";
    Principal?: "*" | Record<string, string | string[]>;
    Action: string | string[];
    /** Absent only in trust policies, whose resource is the role itself. */
    Resource?: string | string[];
    Condition?: Record<string, Record<string, string | string[] | boolean | number>>;
}

export interface PolicyDocument {
    Version: "2012-10-17";
    Statement: PolicyStatement[];
}

/**
 * The DynamoDB calls handlers/storage.ts makes: batch and single puts. Nothing reads, queries, scans, updates or
 * deletes. A unit test keeps this list equal to storage.ts's commands.
 */
export const RECEIVER_DYNAMODB_ACTIONS = ["dynamodb:BatchWriteItem", "dynamodb:PutItem"] as const;

/**
 * Lambda, and only Lambda, may assume the receiver's role: the plain trust AWS documents for execution roles.
 * No aws:SourceAccount condition: Lambda is not documented to send it when it assumes an execution role, and a
 * condition on an absent key fails, so the function could not run at all.
 */
export function lambdaAssumeRolePolicy(): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [{
            Effect: "Allow",
            Principal: { Service: "lambda.amazonaws.com" },
            Action: "sts:AssumeRole",
        }],
    };
}

export interface ReceiverPolicyArgs {
    bucketArn: string;
    tableArn: string;
    logGroupArn: string;
    region: string;
    /** The customer managed key of the bucket and table, when there is one. */
    kmsKeyArn?: string;
}

/**
 * What the receiver does, and nothing more: put objects under the three prefixes, read raw objects' metadata,
 * put items in the table, and write its own log group.
 */
export function receiverPolicy(args: ReceiverPolicyArgs): PolicyDocument {
    const statements: PolicyStatement[] = [
        {
            Sid: "PutDeliveryObjects",
            Effect: "Allow",
            Action: "s3:PutObject",
            Resource: Object.values(bucketPrefixes).map((prefix) => `${args.bucketArn}/${prefix}*`),
        },
        {
            // A later copy of a delivery reads the first copy's arrival time from its metadata with HeadObject,
            // which S3 authorizes as s3:GetObject (S3 API reference, HeadObject, "Permissions").
            Sid: "ReadRawArrivalTimes",
            Effect: "Allow",
            Action: "s3:GetObject",
            Resource: `${args.bucketArn}/${bucketPrefixes.raw}*`,
        },
        {
            Sid: "WriteTableItems",
            Effect: "Allow",
            Action: [...RECEIVER_DYNAMODB_ACTIONS],
            Resource: [args.tableArn, ...tableSchema.globalSecondaryIndexes.map((index) => `${args.tableArn}/index/${index.name}`)],
        },
        {
            Sid: "WriteOwnLogs",
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            // The log group's streams; the group itself exists, so no logs:CreateLogGroup.
            Resource: `${args.logGroupArn}:log-stream:*`,
        },
    ];
    if (args.kmsKeyArn) {
        statements.push({
            Sid: "UseStoreKeyThroughS3AndDynamoDB",
            Effect: "Allow",
            // S3 asks for a data key per object (bucket keys make that rare); DynamoDB decrypts the table key.
            Action: ["kms:GenerateDataKey", "kms:Decrypt"],
            Resource: args.kmsKeyArn,
            Condition: {
                StringEquals: { "kms:ViaService": [`s3.${args.region}.amazonaws.com`, `dynamodb.${args.region}.amazonaws.com`] },
            },
        });
    }
    return { Version: "2012-10-17", Statement: statements };
}

/** Denies every request to the bucket that does not come over TLS 1.2 or newer (S3.5). */
export function denyInsecureTransportStatements(bucketArn: string): PolicyStatement[] {
    const resources = [bucketArn, `${bucketArn}/*`];
    return [
        {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: resources,
            Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
        {
            Sid: "DenyOutdatedTls",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: resources,
            Condition: { NumericLessThan: { "s3:TlsVersion": 1.2 } },
        },
    ];
}

export function bucketPolicy(bucketArn: string, extraStatements: PolicyStatement[] = []): PolicyDocument {
    return { Version: "2012-10-17", Statement: [...denyInsecureTransportStatements(bucketArn), ...extraStatements] };
}

/** The service principal of ALB log delivery in Regions opened from August 2022. */
export const ELB_LOG_DELIVERY_SERVICE = "logdelivery.elasticloadbalancing.amazonaws.com";

export interface AlbLogDeliveryArgs {
    bucketArn: string;
    /** Key prefix the ALB writes under (its `accessLogs.prefix`). */
    prefix: string;
    accountId: string;
    /** The Region's Elastic Load Balancing account (aws.elb.getServiceAccount), which older Regions deliver as. */
    elbAccountArn: string;
}

/**
 * Lets the ALB deliver access logs for this account's load balancers, under the prefix only. Older Regions
 * deliver as the regional ELB account, newer ones as the log delivery service: both are allowed so the same
 * policy works in every Region.
 */
export function albLogDeliveryStatement(args: AlbLogDeliveryArgs): PolicyStatement {
    return {
        Sid: "AllowAlbLogDelivery",
        Effect: "Allow",
        Principal: { AWS: args.elbAccountArn, Service: ELB_LOG_DELIVERY_SERVICE },
        Action: "s3:PutObject",
        Resource: `${args.bucketArn}/${args.prefix}/AWSLogs/${args.accountId}/*`,
    };
}
