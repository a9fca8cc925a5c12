/** The loader's role: what it may do (a pure function of ARNs). It is assumed by Lambda, like the receiver's. */
import { bucketPrefixes } from "../../shared/layout";
import { PolicyDocument, PolicyStatement, policyDocument } from "./policyDocument";
import { ownLogsStatement, storeKeyStatement } from "./receiverPolicies";

/**
 * The DynamoDB calls handlers/storage.ts makes: batch and single puts, and transactions of puts, which IAM
 * authorises as the puts they hold ("Permissions for Put, Update, Delete, and Get actions are governed by the
 * permissions used for the underlying PutItem, UpdateItem, DeleteItem, and GetItem operations": DynamoDB developer
 * guide, "Using IAM with DynamoDB transactions"; there is no dynamodb:TransactWriteItems action to grant). Nothing
 * reads, queries, scans, updates or deletes. A unit test keeps this list equal to storage.ts's commands.
 */
export const LOADER_DYNAMODB_ACTIONS = ["dynamodb:BatchWriteItem", "dynamodb:PutItem"] as const;

/**
 * What Lambda's SQS event source mapping calls with the function's role: the AWSLambdaSQSQueueExecutionRole
 * actions, on the one queue. The handler itself calls no SQS API (it reports failed messages in its answer).
 */
export const EVENT_SOURCE_SQS_ACTIONS = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"] as const;

export interface LoaderPolicyArgs {
    bucketArn: string;
    tableArn: string;
    fallbackQueueArn: string;
    deadLetterQueueArn: string;
    logGroupArn: string;
    region: string;
    /** The customer managed key of the bucket and table, when there is one. */
    kmsKeyArn?: string;
}

/**
 * What the loader does, and nothing more: read raw bodies and their metadata, archive the fallback queue's bodies
 * under raw/, write the lake and the rejections, write the table, drain the fallback queue, send a failed event to
 * the dead-letter queue (Lambda's on-failure destination uses the function's role), and write its own log group.
 */
export function loaderPolicy(args: LoaderPolicyArgs): PolicyDocument {
    const objects = (prefix: string) => `${args.bucketArn}/${prefix}*`;
    const statements: PolicyStatement[] = [
        {
            // GetObject also authorizes HeadObject (S3 API reference, HeadObject, "Permissions").
            Sid: "ReadRawBodies",
            Effect: "Allow",
            Action: "s3:GetObject",
            Resource: objects(bucketPrefixes.raw),
        },
        {
            Sid: "WriteDeliveryObjects",
            Effect: "Allow",
            Action: "s3:PutObject",
            Resource: [objects(bucketPrefixes.raw), objects(bucketPrefixes.alerts), objects(bucketPrefixes.rejected)],
        },
        {
            Sid: "WriteTableItems",
            Effect: "Allow",
            Action: [...LOADER_DYNAMODB_ACTIONS],
            // Writes are authorized on the table; an index ARN grants a writer nothing (indexes are only queried).
            Resource: args.tableArn,
        },
        {
            Sid: "DrainFallbackQueue",
            Effect: "Allow",
            Action: [...EVENT_SOURCE_SQS_ACTIONS],
            Resource: args.fallbackQueueArn,
        },
        {
            // Lambda checks this when the event invoke config is created ("The destination ARN ... is invalid"
            // otherwise), so the component creates the config after this policy.
            Sid: "SendFailedEventsToDeadLetterQueue",
            Effect: "Allow",
            Action: "sqs:SendMessage",
            Resource: args.deadLetterQueueArn,
        },
        ownLogsStatement(args.logGroupArn),
    ];
    if (args.kmsKeyArn) statements.push(storeKeyStatement(args.kmsKeyArn, args.region, ["s3", "dynamodb"]));
    return policyDocument(statements);
}
