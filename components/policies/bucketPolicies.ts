/** Bucket policy statements: TLS only on every bucket of the program, and ALB access-log delivery. */
import { PolicyDocument, PolicyStatement, arnPartition, policyDocument } from "./policyDocument";

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

/**
 * The service principal ALB access-log delivery writes as. AWS documents it for the Regions opened from August 2022
 * (where it is the only way), and now recommends it in every Region (elasticloadbalancing/latest/application/
 * enable-access-logging.html, step 2).
 */
export const ELB_LOG_DELIVERY_SERVICE = "logdelivery.elasticloadbalancing.amazonaws.com";

/**
 * The Elastic Load Balancing account of each Region that has one: AWS's table "Regions available before August
 * 2022" (enable-access-logging.html), identical to the provider's map behind `aws.elb.getServiceAccount`. Regions
 * opened since (me-central-1, eu-central-2, eu-south-2, ap-south-2, ap-southeast-4, il-central-1, ca-west-1 and
 * every later one) have none, and there that invoke fails with `unsupported AWS Region`: hence this table, which a
 * preview reads in any Region.
 */
export const ELB_ACCOUNT_BY_REGION: Readonly<Record<string, string>> = {
    "us-east-1": "127311923021", "us-east-2": "033677994240", "us-west-1": "027434742980", "us-west-2": "797873946194",
    "af-south-1": "098369216593", "ap-east-1": "754344448648", "ap-south-1": "718504428378", "ap-northeast-1": "582318560864",
    "ap-northeast-2": "600734575887", "ap-northeast-3": "383597477331", "ap-southeast-1": "114774131450", "ap-southeast-2": "783225319266",
    "ap-southeast-3": "589379963580", "ca-central-1": "985666609251", "eu-central-1": "054676820928", "eu-west-1": "156460612806",
    "eu-west-2": "652711504416", "eu-west-3": "009996457667", "eu-south-1": "635631232127", "eu-north-1": "897822967062",
    "me-south-1": "076674570225", "sa-east-1": "507241528517", "cn-north-1": "638102146993", "cn-northwest-1": "037604701340",
    "us-gov-west-1": "048591011584", "us-gov-east-1": "190560391635",
};

export interface AlbLogDeliveryArgs {
    bucketArn: string;
    /** Key prefix the ALB writes under (its `accessLogs.prefix`). */
    prefix: string;
    accountId: string;
    /** The load balancer's (and so the bucket's) Region. */
    region: string;
}

/**
 * Lets the ALB deliver access logs for this account's load balancers, under the prefix only: the log delivery
 * service in every Region, and in the Regions that have one (ELB_ACCOUNT_BY_REGION) also the Region's Elastic Load
 * Balancing account, which those Regions delivered as before the service principal, so an account where that path
 * is not live yet still gets its logs.
 */
export function albLogDeliveryStatement(args: AlbLogDeliveryArgs): PolicyStatement {
    const elbAccount = ELB_ACCOUNT_BY_REGION[args.region];
    const principal: Record<string, string> = { Service: ELB_LOG_DELIVERY_SERVICE };
    if (elbAccount) principal.AWS = `arn:${arnPartition(args.bucketArn)}:iam::${elbAccount}:root`;
    return {
        Sid: "AllowAlbLogDelivery",
        Effect: "Allow",
        Principal: principal,
        Action: "s3:PutObject",
        Resource: `${args.bucketArn}/${args.prefix}/AWSLogs/${args.accountId}/*`,
    };
}
