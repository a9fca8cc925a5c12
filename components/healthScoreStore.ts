/**
 * Where deliveries are kept: the bucket (raw bodies, lake objects, rejects) and the DynamoDB table (history and
 * the latest score per subaccount). Both are built from handlers/layout.ts, the definitions the receiver writes by.
 *
 * The data lake over alerts/ (Lake Formation, a Glue crawler, Athena) is a child component, HealthScoreLake.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { bucketPrefixes, tableSchema } from "../shared/layout";
import { HealthScoreLake, HealthScoreLakeArgs, validateLakeArgs } from "./healthScoreLake";
import { ExpirationRule, PrivateBucket } from "./privateBucket";

export interface HealthScoreStoreArgs {
    /**
     * Days after which raw/ (request bodies) and rejected/ objects expire.
     * @default 90
     */
    rawRetentionDays?: number;
    /**
     * Days after which alerts/ objects (the data lake's rows) expire. The lake queries history from them, so the
     * default keeps them; DynamoDB's own history expires by TTL (see the receiver's retention).
     * @default kept
     */
    alertsRetentionDays?: number;
    /**
     * A customer managed KMS key for the bucket and the table. The receiver's role is granted its use.
     * @default S3-managed keys for the bucket, the AWS managed key (aws/dynamodb) for the table
     */
    kmsKeyArn?: pulumi.Input<string>;
    /**
     * Protect the table from deletion (DynamoDB.6). Turn off and `pulumi up` before `pulumi destroy`.
     * @default true
     */
    deletionProtection?: boolean;
    /**
     * The data lake over alerts/: readers, crawler schedule, partition projection, Athena limits.
     * @default see HealthScoreLakeArgs
     */
    lake?: Omit<HealthScoreLakeArgs, "bucketName" | "bucketArn" | "bucketKmsKeyArn">;
}

export class HealthScoreStore extends pulumi.ComponentResource {
    public readonly bucket: aws.s3.Bucket;
    public readonly bucketName: pulumi.Output<string>;
    public readonly bucketArn: pulumi.Output<string>;
    /** The bucket's id (the same as its name), for resources that ask for `bucket: id`. */
    public readonly bucketId: pulumi.Output<string>;
    public readonly table: aws.dynamodb.Table;
    public readonly tableName: pulumi.Output<string>;
    public readonly tableArn: pulumi.Output<string>;
    /** The key of the bucket and the table, when one was given. */
    public readonly kmsKeyArn?: pulumi.Input<string>;
    /** Lake Formation, the Glue catalog and crawler, and the Athena workgroup over alerts/. */
    public readonly lake: HealthScoreLake;

    constructor(name: string, args: HealthScoreStoreArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        validate(args);
        super("healthscore:index:HealthScoreStore", name, {}, opts);
        this.kmsKeyArn = args.kmsKeyArn;

        const store = this.createBucket(name, args);
        this.bucket = store.bucket;
        this.bucketName = store.bucketName;
        this.bucketArn = store.bucketArn;
        this.bucketId = store.bucket.id;
        this.table = this.createTable(name, args);
        this.tableName = this.table.name;
        this.tableArn = this.table.arn;
        this.lake = new HealthScoreLake(`${name}-lake`, {
            ...args.lake,
            bucketName: this.bucketName,
            bucketArn: this.bucketArn,
            bucketKmsKeyArn: args.kmsKeyArn,
        }, { parent: this });

        this.registerOutputs({
            bucketName: this.bucketName,
            bucketArn: this.bucketArn,
            tableName: this.tableName,
            tableArn: this.tableArn,
            glueDatabaseName: this.lake.glueDatabaseName,
            crawlerName: this.lake.crawlerName,
            athenaWorkgroupName: this.lake.athenaWorkgroupName,
        });
    }

    private createBucket(name: string, args: HealthScoreStoreArgs): PrivateBucket {
        const rawDays = args.rawRetentionDays ?? 90;
        const expirations: ExpirationRule[] = [
            { id: "expire-raw", prefix: bucketPrefixes.raw, days: rawDays },
            { id: "expire-rejected", prefix: bucketPrefixes.rejected, days: rawDays },
        ];
        if (args.alertsRetentionDays !== undefined) {
            expirations.push({ id: "expire-alerts", prefix: bucketPrefixes.alerts, days: args.alertsRetentionDays });
        }
        return new PrivateBucket(`${name}-data`, { kmsKeyArn: args.kmsKeyArn, expirations }, { parent: this });
    }

    private createTable(name: string, args: HealthScoreStoreArgs): aws.dynamodb.Table {
        return new aws.dynamodb.Table(`${name}-table`, {
            // One delivery a day: on-demand costs cents where provisioned capacity would cost dollars.
            billingMode: "PAY_PER_REQUEST",
            hashKey: tableSchema.hashKey,
            rangeKey: tableSchema.rangeKey,
            attributes: tableSchema.attributes.map((attribute) => ({ name: attribute.name, type: attribute.type })),
            globalSecondaryIndexes: tableSchema.globalSecondaryIndexes.map((index) => ({
                name: index.name,
                keySchemas: [{ attributeName: index.hashKey, keyType: "HASH" }],
                projectionType: index.projectionType,
            })),
            ttl: { attributeName: tableSchema.ttlAttribute, enabled: true },
            pointInTimeRecovery: { enabled: true },
            serverSideEncryption: args.kmsKeyArn === undefined ? { enabled: true } : { enabled: true, kmsKeyArn: args.kmsKeyArn },
            deletionProtectionEnabled: args.deletionProtection ?? true,
        }, { parent: this });
    }
}

function validate(args: HealthScoreStoreArgs): void {
    // The lake's arguments too, so that a bad one leaves nothing of the store behind.
    validateLakeArgs({ ...args.lake, bucketName: "checked", bucketArn: "arn:aws:s3:::checked" });
    for (const key of ["rawRetentionDays", "alertsRetentionDays"] as const) {
        const days = args[key];
        if (days !== undefined && (!Number.isInteger(days) || days < 1)) {
            throw new Error(`HealthScoreStore: ${key} must be a whole number of days from 1, got ${days}`);
        }
    }
}
