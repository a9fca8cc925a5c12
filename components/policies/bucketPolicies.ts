/** Bucket policy statements: TLS only on every bucket of the program, and ALB access-log delivery. */
import { PolicyDocument, PolicyStatement, policyDocument } from "./policyDocument";

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
    return policyDocument([...denyInsecureTransportStatements(bucketArn), ...extraStatements]);
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
