/**
 * A private S3 bucket with the settings every bucket of this program needs: public access blocked, ACLs off,
 * encryption at rest, versioning, TLS-only access and expiry rules. Used for the store's bucket, the ALB's
 * access logs and the lake's Athena query results.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { bucketPolicy } from "./policies/bucketPolicies";
import { PolicyStatement } from "./policies/policyDocument";

/** Objects under `prefix` (the whole bucket when unset) expire `days` after they were written. */
export interface ExpirationRule {
    /** Rule id, unique in the bucket. */
    id: string;
    prefix?: string;
    days: number;
}

export interface PrivateBucketArgs {
    /**
     * Encrypt with this customer managed KMS key (with an S3 bucket key, so requests to KMS stay rare).
     * @default S3-managed keys (SSE-S3, AES256)
     */
    kmsKeyArn?: pulumi.Input<string>;
    /** Expiry of current object versions, per prefix. Objects no rule covers are kept. */
    expirations?: ExpirationRule[];
    /**
     * Days a version is kept after it stopped being current (deleted or expired), so a mistaken delete can be
     * undone for that long.
     * @default 30
     */
    noncurrentVersionDays?: number;
    /**
     * Statements added to the bucket policy after the TLS-only denials. Given the bucket's ARN.
     * @default none
     */
    policyStatements?: (bucketArn: string) => pulumi.Input<PolicyStatement[]>;
    /**
     * Delete the bucket with its objects on `pulumi destroy`. Off, so that data outlives a mistaken destroy.
     * @default false
     */
    forceDestroy?: boolean;
}

/** The arguments with their defaults applied. */
type ResolvedPrivateBucketArgs = Required<Omit<PrivateBucketArgs, "kmsKeyArn" | "policyStatements">> & Pick<PrivateBucketArgs, "kmsKeyArn" | "policyStatements">;

export class PrivateBucket extends pulumi.ComponentResource {
    public readonly bucket: aws.s3.Bucket;
    /** The bucket's name, which is also its id. */
    public readonly bucketName: pulumi.Output<string>;
    public readonly bucketArn: pulumi.Output<string>;
    /** Resolves once the bucket policy is in place; depend on it before anything writes to the bucket. */
    public readonly policy: aws.s3.BucketPolicy;

    constructor(name: string, args: PrivateBucketArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        const bucketArgs = resolvePrivateBucketArgs(args);
        super("healthscore:index:PrivateBucket", name, {}, opts);

        this.bucket = new aws.s3.Bucket(`${name}-bucket`, { forceDestroy: bucketArgs.forceDestroy }, { parent: this });
        this.bucketName = this.bucket.bucket;
        this.bucketArn = this.bucket.arn;

        const publicAccessBlock = this.blockPublicAccess(name);
        this.enforceBucketOwner(name);
        this.encrypt(name, bucketArgs.kmsKeyArn);
        const versioning = this.enableVersioning(name);
        this.expire(name, bucketArgs, versioning);
        this.policy = this.allowOnlyTls(name, bucketArgs, publicAccessBlock);

        this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn });
    }

    /** All four settings: no public ACLs or policies can be added, and existing ones are ignored (S3.1/S3.8). */
    private blockPublicAccess(name: string): aws.s3.BucketPublicAccessBlock {
        return new aws.s3.BucketPublicAccessBlock(`${name}-public-access-block`, {
            bucket: this.bucket.id,
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
        }, { parent: this });
    }

    /** ACLs disabled: the bucket owner owns every object, and access is decided by policies alone (S3.12). */
    private enforceBucketOwner(name: string): void {
        new aws.s3.BucketOwnershipControls(`${name}-ownership`, {
            bucket: this.bucket.id,
            rule: { objectOwnership: "BucketOwnerEnforced" },
        }, { parent: this });
    }

    private encrypt(name: string, kmsKeyArn: pulumi.Input<string> | undefined): void {
        new aws.s3.BucketServerSideEncryptionConfiguration(`${name}-encryption`, {
            bucket: this.bucket.id,
            rules: [kmsKeyArn === undefined
                ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }
                : { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: kmsKeyArn }, bucketKeyEnabled: true }],
        }, { parent: this });
    }

    private enableVersioning(name: string): aws.s3.BucketVersioning {
        return new aws.s3.BucketVersioning(`${name}-versioning`, {
            bucket: this.bucket.id,
            versioningConfiguration: { status: "Enabled" },
        }, { parent: this });
    }

    /**
     * Per-prefix expiry, plus one bucket-wide rule so that versioning does not keep everything forever:
     * old versions, leftover delete markers and abandoned multipart uploads go too (S3.13/S3.10).
     */
    private expire(name: string, args: ResolvedPrivateBucketArgs, versioning: aws.s3.BucketVersioning): void {
        const expirations: aws.types.input.s3.BucketLifecycleConfigurationRule[] = args.expirations.map((rule) => ({
            id: rule.id,
            status: "Enabled",
            filter: rule.prefix === undefined ? {} : { prefix: rule.prefix },
            expiration: { days: rule.days },
        }));
        const housekeeping: aws.types.input.s3.BucketLifecycleConfigurationRule = {
            id: "noncurrent-versions-and-incomplete-uploads",
            status: "Enabled",
            filter: {},
            noncurrentVersionExpiration: { noncurrentDays: args.noncurrentVersionDays },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
            expiration: { expiredObjectDeleteMarker: true },
        };
        // Lifecycle rules on a versioned bucket are applied once versioning is: AWS recommends this order.
        new aws.s3.BucketLifecycleConfiguration(`${name}-lifecycle`, {
            bucket: this.bucket.id,
            rules: [...expirations, housekeeping],
        }, { parent: this, dependsOn: [versioning] });
    }

    /** Requests without TLS 1.2+ are denied (S3.5). Put after the public access block, which S3 applies first. */
    private allowOnlyTls(name: string, args: ResolvedPrivateBucketArgs, publicAccessBlock: aws.s3.BucketPublicAccessBlock): aws.s3.BucketPolicy {
        const policy = this.bucketArn.apply((arn) =>
            pulumi.output(args.policyStatements?.(arn) ?? []).apply((extra) => JSON.stringify(bucketPolicy(arn, extra as PolicyStatement[]))));
        return new aws.s3.BucketPolicy(`${name}-policy`, { bucket: this.bucket.id, policy }, { parent: this, dependsOn: [publicAccessBlock] });
    }
}

/** The arguments with their defaults, once each is checked (errors name the argument). */
export function resolvePrivateBucketArgs(args: PrivateBucketArgs): ResolvedPrivateBucketArgs {
    const resolved: ResolvedPrivateBucketArgs = {
        ...args,
        expirations: args.expirations ?? [],
        noncurrentVersionDays: args.noncurrentVersionDays ?? 30,
        forceDestroy: args.forceDestroy ?? false,
    };
    const ids = new Set<string>();
    for (const rule of resolved.expirations) {
        if (!Number.isInteger(rule.days) || rule.days < 1) {
            throw new Error(`PrivateBucket: expirations[${rule.id}].days must be a whole number of days from 1, got ${rule.days}`);
        }
        if (ids.has(rule.id)) throw new Error(`PrivateBucket: expirations has two rules with id ${JSON.stringify(rule.id)}`);
        ids.add(rule.id);
    }
    const noncurrent = resolved.noncurrentVersionDays;
    if (!Number.isInteger(noncurrent) || noncurrent < 1) {
        throw new Error(`PrivateBucket: noncurrentVersionDays must be a whole number of days from 1, got ${noncurrent}`);
    }
    return resolved;
}
