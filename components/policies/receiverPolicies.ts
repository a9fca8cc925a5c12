/** The receiver's role: who may assume it, and what it may do (pure functions of ARNs). */
import { bucketPrefixes, tableSchema } from "../../shared/layout";
import { PolicyDocument, PolicyStatement, policyDocument, serviceTrustPolicy } from "./policyDocument";

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
    return serviceTrustPolicy("lambda.amazonaws.com");
}

export interface ReceiverPolicyArgs {
    bucketArn: string;
    tableArn: string;
    logGroupArn: string;
    region: string;
    /** The customer managed key of the bucket and table (and the token parameters), when there is one. */
    kmsKeyArn?: string;
    /** The SSM parameters holding the webhook tokens, as the provider reports their ARNs. */
    tokenParameterArns: string[];
}

/**
 * What the receiver does, and nothing more: put objects under the three prefixes, read raw objects' metadata,
 * put items in the table, read its token parameters, and write its own log group.
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
            // Decrypting a SecureString with AWS's aws/ssm key needs no KMS permission of the caller.
            Sid: "ReadTokenParameters",
            Effect: "Allow",
            Action: "ssm:GetParameter",
            Resource: args.tokenParameterArns,
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
        statements.push({
            Sid: "DecryptTokenParametersThroughSsm",
            Effect: "Allow",
            Action: "kms:Decrypt",
            Resource: args.kmsKeyArn,
            // SSM sets the parameter's ARN as encryption context: these two parameters only.
            Condition: {
                StringEquals: { "kms:ViaService": `ssm.${args.region}.amazonaws.com`, "kms:EncryptionContext:PARAMETER_ARN": args.tokenParameterArns },
            },
        });
    }
    return policyDocument(statements);
}
