/**
 * IAM policy documents of the data lake, as pure functions of plain strings: tested without Pulumi, and
 * applied to resolved outputs in components/healthScoreLake.ts.
 */
import { bucketPrefixes } from "../../shared/layout";
import { PolicyDocument, PolicyStatement, policyDocument, serviceTrustPolicy } from "./policyDocument";

/** The AWS managed policy every Glue crawler role needs (Glue catalog calls, its own CloudWatch logs). */
export function glueServiceRolePolicyArn(partition: string): string {
    return `arn:${partition}:iam::aws:policy/service-role/AWSGlueServiceRole`;
}

/** Only Glue may assume the crawler's role. */
export function crawlerAssumeRolePolicy(): PolicyDocument {
    return serviceTrustPolicy("glue.amazonaws.com");
}

export interface CrawlerAccessOptions {
    bucketArn: string;
}

/** Read of the objects under alerts/ and listing of that prefix only (nothing of raw/ or rejected/, which hold request bodies). */
function readAlertsStatements(bucketArn: string): PolicyStatement[] {
    const prefix = bucketPrefixes.alerts;
    return [
        { Sid: "ReadAlertObjects", Effect: "Allow", Action: "s3:GetObject", Resource: `${bucketArn}/${prefix}*` },
        {
            Sid: "ListAlertObjects",
            Effect: "Allow",
            Action: "s3:ListBucket",
            Resource: bucketArn,
            Condition: { StringLike: { "s3:prefix": [prefix, `${prefix}*`] } },
        },
    ];
}

/**
 * What the crawler reads beyond the managed policy: alerts/ (see readAlertsStatements), and the temporary
 * credentials Lake Formation vends for the registered location. No KMS permission: with Lake Formation
 * credentials the crawler reads (and so decrypts) as the location's data-access role, which holds kms:Decrypt.
 */
export function crawlerAccessPolicy(options: CrawlerAccessOptions): PolicyDocument {
    return policyDocument([
        ...readAlertsStatements(options.bucketArn),
        { Sid: "LakeFormationCredentials", Effect: "Allow", Action: "lakeformation:GetDataAccess", Resource: "*" },
    ]);
}

/** The Lake Formation service principal, which assumes the role a location is registered with. */
export const LAKE_FORMATION_SERVICE = "lakeformation.amazonaws.com";

/**
 * Only Lake Formation may assume the data-access role (AWS's "Requirements for roles used to register
 * locations"). No sts:SetContext: that is only for IAM Identity Center principals, and the lake grants IAM ones.
 */
export function lakeDataAccessAssumeRolePolicy(): PolicyDocument {
    return serviceTrustPolicy(LAKE_FORMATION_SERVICE);
}

export interface LakeDataAccessOptions {
    bucketArn: string;
    /** The bucket's Region, for the kms:ViaService condition. */
    region: string;
    /** The bucket's KMS key, when its objects are encrypted with one (SSE-KMS). */
    kmsKeyArn?: string;
}

/**
 * The role alerts/ is registered with: Lake Formation reads the location as this role and vends its credentials
 * (scoped down) to the crawler and to Athena. Read-only, since the lake never writes to alerts/; with a KMS key,
 * kms:Decrypt on that key only, and only through S3 in the bucket's Region. A customer managed key cannot be
 * granted to Lake Formation's service-linked role through IAM, hence this role.
 */
export function lakeDataAccessPolicy(options: LakeDataAccessOptions): PolicyDocument {
    const statements = readAlertsStatements(options.bucketArn);
    if (options.kmsKeyArn) {
        statements.push({
            Sid: "DecryptAlertObjectsThroughS3",
            Effect: "Allow",
            Action: "kms:Decrypt",
            Resource: options.kmsKeyArn,
            Condition: { StringEquals: { "kms:ViaService": `s3.${options.region}.amazonaws.com` } },
        });
    }
    return policyDocument(statements);
}
