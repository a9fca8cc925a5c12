/** The receiver's role: who may assume it, and what it may do (pure functions of ARNs). */
import { bucketPrefixes } from "../../shared/layout";
import { PolicyDocument, PolicyStatement, policyDocument, serviceTrustPolicy } from "./policyDocument";

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
    /** The fallback queue, for bodies the archive does not take in time. */
    fallbackQueueArn: string;
    logGroupArn: string;
    region: string;
    /** The customer managed key of the bucket (and the token parameters), when there is one. */
    kmsKeyArn?: string;
    /** The SSM parameters holding the webhook tokens, as the provider reports their ARNs. */
    tokenParameterArns: string[];
}

/**
 * What the receiver does, and nothing more: archive raw bodies (and read an archived copy's metadata), send a body
 * to the fallback queue, read its token parameters, and write its own log group. The lake, rejected/ and the table
 * are the loader's.
 */
export function receiverPolicy(args: ReceiverPolicyArgs): PolicyDocument {
    const statements: PolicyStatement[] = [
        {
            Sid: "ArchiveRawBodies",
            Effect: "Allow",
            Action: "s3:PutObject",
            Resource: `${args.bucketArn}/${bucketPrefixes.raw}*`,
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
            // SSE-SQS (SQS-owned keys): no KMS permission is needed to send.
            Sid: "SendToFallbackQueue",
            Effect: "Allow",
            Action: "sqs:SendMessage",
            Resource: args.fallbackQueueArn,
        },
        {
            // Decrypting a SecureString with AWS's aws/ssm key needs no KMS permission of the caller.
            Sid: "ReadTokenParameters",
            Effect: "Allow",
            Action: "ssm:GetParameter",
            Resource: args.tokenParameterArns,
        },
        ownLogsStatement(args.logGroupArn),
    ];
    if (args.kmsKeyArn) {
        statements.push(storeKeyStatement(args.kmsKeyArn, args.region, ["s3"]));
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

/**
 * Use of the store's customer managed key, only through the services named: S3 asks for a data key per object
 * (bucket keys make that rare) and decrypts on reads; DynamoDB decrypts the table key.
 */
export function storeKeyStatement(kmsKeyArn: string, region: string, services: ReadonlyArray<"s3" | "dynamodb">): PolicyStatement {
    return {
        Sid: services.length > 1 ? "UseStoreKeyThroughS3AndDynamoDB" : "UseStoreKeyThroughS3",
        Effect: "Allow",
        Action: ["kms:GenerateDataKey", "kms:Decrypt"],
        Resource: kmsKeyArn,
        Condition: { StringEquals: { "kms:ViaService": services.map((service) => `${service}.${region}.amazonaws.com`) } },
    };
}

/** A Lambda function writes its own log group's streams; the group itself exists, so no logs:CreateLogGroup. */
export function ownLogsStatement(logGroupArn: string): PolicyStatement {
    return { Sid: "WriteOwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${logGroupArn}:log-stream:*` };
}
