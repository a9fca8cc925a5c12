/**
 * Where deliveries are kept: the bucket (raw bodies, lake objects, rejects) and the DynamoDB table (history and
 * the latest score per subaccount). Both are built from shared/layout.ts, the definitions the receiver writes by.
 *
 * The data lake over alerts/ (Lake Formation, a Glue crawler, Athena) is a child component, HealthScoreLake,
 * absent with `lake: none`.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { bucketPrefixes, tableSchema } from "../shared/layout";
import { ArgsOf, CONFIG_NAMESPACE, SettingsOf, resolveGroup, resolveSetting } from "../shared/settings";
import { HealthScoreLake, resolveLakeArgs } from "./healthScoreLake";
import { ExpirationRule, PrivateBucket } from "./privateBucket";
import { StoreReference } from "./receiverFunction";

export interface HealthScoreStoreArgs {
    /**
     * Retention of history items, raw bodies and lake objects, and the customer managed KMS key: the `store` group
     * of the settings table (shared/settings.ts), which documents each and gives the defaults.
     */
    store?: ArgsOf<"store">;
    /** Protect the table from deletion (DynamoDB.6). Turn off and `pulumi up` before `pulumi destroy`. @default true */
    deletionProtection?: boolean;
    /** The data lake over alerts/: the `lake` group of the settings table. */
    lake?: ArgsOf<"lake">;
}

/** The arguments with the settings table's defaults applied. */
interface ResolvedStoreArgs {
    store: SettingsOf<"store">;
    deletionProtection: boolean;
    lakeMode: SettingsOf<"lake">["lake"];
}

export class HealthScoreStore extends pulumi.ComponentResource implements StoreReference {
    public readonly bucket: aws.s3.Bucket;
    public readonly bucketName: pulumi.Output<string>;
    public readonly bucketArn: pulumi.Output<string>;
    /** The bucket's id (the same as its name), for resources that ask for `bucket: id`. */
    public readonly bucketId: pulumi.Output<string>;
    public readonly table: aws.dynamodb.Table;
    public readonly tableName: pulumi.Output<string>;
    public readonly tableArn: pulumi.Output<string>;
    /**
     * The customer managed key of the bucket, the table, the Athena results and the token parameters, when one was
     * given; it resolves once the key is known to be in the stack's Region (checkKeyRegion).
     */
    public readonly kmsKeyArn?: pulumi.Output<string>;
    /** Days the table keeps history items: the loader writes each item's `expires_at` from it. */
    public readonly retentionDays: number;
    /** Lake Formation, the Glue catalog and crawler, and the Athena workgroup over alerts/; none with `lake: none`. */
    public readonly lake?: HealthScoreLake;

    constructor(name: string, args: HealthScoreStoreArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        const { store, deletionProtection, lakeMode } = resolveStoreArgs(name, args);
        super("healthscore:index:HealthScoreStore", name, {}, opts);
        this.kmsKeyArn = store.kmsKeyArn === undefined ? undefined : checkKeyRegion(store.kmsKeyArn, this);
        this.retentionDays = store.retentionDays;

        const data = this.createBucket(name, store, this.kmsKeyArn);
        this.bucket = data.bucket;
        this.bucketName = data.bucketName;
        this.bucketArn = data.bucketArn;
        this.bucketId = data.bucket.id;
        this.table = this.createTable(name, deletionProtection, this.kmsKeyArn);
        this.tableName = this.table.name;
        this.tableArn = this.table.arn;
        if (lakeMode !== "none") {
            this.lake = new HealthScoreLake(lakeComponentName(name), {
                bucketName: this.bucketName,
                bucketArn: this.bucketArn,
                bucketKmsKeyArn: this.kmsKeyArn,
                // Query results hold the lake's data: encrypted with the same key.
                athenaResultsKmsKeyArn: this.kmsKeyArn,
                lake: args.lake,
            }, { parent: this });
        }

        this.registerOutputs({
            bucketName: this.bucketName,
            bucketArn: this.bucketArn,
            tableName: this.tableName,
            tableArn: this.tableArn,
        });
    }

    private createBucket(name: string, store: SettingsOf<"store">, kmsKeyArn: pulumi.Output<string> | undefined): PrivateBucket {
        const expirations: ExpirationRule[] = [
            { id: "expire-raw", prefix: bucketPrefixes.raw, days: store.rawRetentionDays },
            { id: "expire-rejected", prefix: bucketPrefixes.rejected, days: store.rawRetentionDays },
        ];
        // Unset keeps alerts/: the lake queries history from it, while DynamoDB's own history expires by TTL.
        if (store.alertsRetentionDays !== undefined) {
            expirations.push({ id: "expire-alerts", prefix: bucketPrefixes.alerts, days: store.alertsRetentionDays });
        }
        return new PrivateBucket(`${name}-data`, { kmsKeyArn, expirations }, { parent: this });
    }

    private createTable(name: string, deletionProtection: boolean, kmsKeyArn: pulumi.Output<string> | undefined): aws.dynamodb.Table {
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
            serverSideEncryption: kmsKeyArn === undefined ? { enabled: true } : { enabled: true, kmsKeyArn },
            deletionProtectionEnabled: deletionProtection,
        }, { parent: this });
    }
}

/**
 * The key's ARN, once its Region (the ARN's fourth field) is the stack's: S3 writes SSE-KMS objects only with a key
 * in the bucket's Region, and DynamoDB and SSM take keys of their own Region too (Athena's results bucket is the
 * stack's, so its SSE_KMS results are bound the same way). Checked at preview, so a key from elsewhere fails before
 * anything is created, naming the setting.
 */
function checkKeyRegion(kmsKeyArn: string, parent: pulumi.Resource): pulumi.Output<string> {
    return aws.getRegionOutput({}, { parent }).region.apply((region) => {
        const problem = keyRegionProblem(kmsKeyArn, region);
        if (problem) throw new Error(`HealthScoreStore: ${problem}`);
        return kmsKeyArn;
    });
}

export function keyRegionProblem(kmsKeyArn: string, region: string): string | undefined {
    const keyRegion = kmsKeyArn.split(":")[3];
    if (keyRegion === region) return undefined;
    return `store.kmsKeyArn (${CONFIG_NAMESPACE}:kmsKeyArn) is a key in ${keyRegion}, but the stack deploys to ${region}: the bucket, the table, `
        + `the Athena results and the token parameters need a key in their own Region. Give a key of ${region} (a multi-Region key's replica there will do)`;
}

function lakeComponentName(name: string): string {
    return `${name}-lake`;
}

/**
 * The arguments with the settings table's defaults, once every one is checked, the lake's included, so that a bad
 * one leaves nothing of the store behind (errors name the argument).
 */
export function resolveStoreArgs(name: string, args: HealthScoreStoreArgs): ResolvedStoreArgs {
    const lakeMode = resolveGroup("HealthScoreStore", "lake", args.lake).lake;
    if (lakeMode !== "none") resolveLakeArgs(lakeComponentName(name), { bucketName: "checked", bucketArn: "arn:aws:s3:::checked", lake: args.lake });
    return {
        store: resolveGroup("HealthScoreStore", "store", args.store),
        deletionProtection: resolveSetting("HealthScoreStore", "deletionProtection", args.deletionProtection),
        lakeMode,
    };
}
