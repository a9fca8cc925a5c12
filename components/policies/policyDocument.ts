/**
 * The one shape of an IAM or bucket policy document, as plain JSON. The builders beside this file are pure
 * functions of ARNs: the components resolve the ARNs and `JSON.stringify` the result, and the unit tests read
 * every statement without Pulumi.
 */

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

export function policyDocument(statements: PolicyStatement[]): PolicyDocument {
    return { Version: "2012-10-17", Statement: statements };
}

/** A role's trust policy: only `service` may assume it, with sts:AssumeRole and no condition. */
export function serviceTrustPolicy(service: string): PolicyDocument {
    return policyDocument([{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }]);
}

/** `aws`, `aws-cn` or `aws-us-gov`, read from any ARN, so that managed policy ARNs match the bucket's partition. */
export function arnPartition(arn: string): string {
    const match = /^arn:([^:]+):/.exec(arn);
    if (!match) throw new Error(`not an ARN: ${JSON.stringify(arn)}`);
    return match[1];
}
