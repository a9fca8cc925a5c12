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
import { ArgsOf, SettingsOf, resolveGroup, resolveSetting } from "../shared/settings";
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
    /** The key of the bucket and the table, when one was given. */
    public readonly kmsKeyArn?: string;
    /** Days the table keeps history items: the receiver writes each item's `expires_at` from it. */
    public readonly retentionDays: number;
    /** Lake Formation, the Glue catalog and crawler, and the Athena workgroup over alerts/; none with `lake: none`. */
    public readonly lake?: HealthScoreLake;

    constructor(name: string, args: HealthScoreStoreArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        const { store, deletionProtection, lakeMode } = resolveStoreArgs(name, args);
        super("healthscore:index:HealthScoreStore", name, {}, opts);
        this.kmsKeyArn = store.kmsKeyArn;
        this.retentionDays = store.retentionDays;

        const data = this.createBucket(name, store);
        this.bucket = data.bucket;
        this.bucketName = data.bucketName;
        this.bucketArn = data.bucketArn;
        this.bucketId = data.bucket.id;
        this.table = this.createTable(name, store, deletionProtection);
        this.tableName = this.table.name;
        this.tableArn = this.table.arn;
        if (lakeMode !== "none") {
            this.lake = new HealthScoreLake(lakeComponentName(name), {
                bucketName: this.bucketName,
                bucketArn: this.bucketArn,
                bucketKmsKeyArn: store.kmsKeyArn,
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

    private createBucket(name: string, store: SettingsOf<"store">): PrivateBucket {
        const expirations: ExpirationRule[] = [
            { id: "expire-raw", prefix: bucketPrefixes.raw, days: store.rawRetentionDays },
            { id: "expire-rejected", prefix: bucketPrefixes.rejected, days: store.rawRetentionDays },
        ];
        // Unset keeps alerts/: the lake queries history from it, while DynamoDB's own history expires by TTL.
        if (store.alertsRetentionDays !== undefined) {
            expirations.push({ id: "expire-alerts", prefix: bucketPrefixes.alerts, days: store.alertsRetentionDays });
        }
        return new PrivateBucket(`${name}-data`, { kmsKeyArn: store.kmsKeyArn, expirations }, { parent: this });
    }

    private createTable(name: string, store: SettingsOf<"store">, deletionProtection: boolean): aws.dynamodb.Table {
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
            serverSideEncryption: store.kmsKeyArn === undefined ? { enabled: true } : { enabled: true, kmsKeyArn: store.kmsKeyArn },
            deletionProtectionEnabled: deletionProtection,
        }, { parent: this });
    }
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
