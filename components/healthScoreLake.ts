/**
 * The data lake over the store's alerts/ prefix: a Glue database, Lake Formation registration and grants, a Glue
 * crawler that keeps the `alerts` table up to date (or, as an option, a projected table defined here), and an
 * Athena workgroup with the named queries of components/lakeQueries.ts. Created inside HealthScoreStore.
 */
import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { NAMED_QUERIES } from "../shared/lakeQueries";
import {
    arnPartition,
    crawlerAccessPolicy,
    crawlerAssumeRolePolicy,
    glueServiceRolePolicyArn,
    lakeDataAccessAssumeRolePolicy,
    lakeDataAccessPolicy,
} from "./policies/lakePolicies";
import { PrivateBucket } from "./privateBucket";
import {
    ALERTS_TABLE,
    LAKE_COLUMNS,
    PARTITION_COLUMNS,
    alertsLocation,
    alertsLocationArn,
    glueDatabaseNameFor,
    projectionParameters,
} from "../shared/lakeSchema";

/** SparkPost evaluates health score alerts around 09:00 UTC: crawl an hour later, when the day's files are in. */
export const DEFAULT_CRAWLER_SCHEDULE = "cron(0 10 * * ? *)";
/** 1 GiB: the whole lake is far smaller; a query that scans more has lost its partition filter. */
export const DEFAULT_BYTES_SCANNED_CUTOFF = 1024 ** 3;
/** Athena's own minimum for `bytesScannedCutoffPerQuery`. */
export const MIN_BYTES_SCANNED_CUTOFF = 10 * 1024 ** 2;
export const DEFAULT_RESULTS_RETENTION_DAYS = 30;
/** Days an expired (or overwritten) query result is kept as a noncurrent version of the results bucket. */
export const RESULTS_NONCURRENT_VERSION_DAYS = 1;

export interface HealthScoreLakeArgs {
    /** The store's bucket, whose `alerts/` prefix the lake reads. */
    bucketName: pulumi.Input<string>;
    /** Its ARN (`arn:aws:s3:::<bucket>`). */
    bucketArn: pulumi.Input<string>;
    /**
     * The KMS key the bucket's objects are encrypted with, if any (SSE-KMS): the role alerts/ is registered with
     * gets `kms:Decrypt` on it, through S3 only.
     * @default none (SSE-S3)
     */
    bucketKmsKeyArn?: pulumi.Input<string>;
    /**
     * The Glue database's name. Lower case, digits and underscores, so that queries need no quoting.
     * @default `<component name>_<stack>`, cleaned, e.g. `healthscore_dev`
     */
    databaseName?: string;
    /**
     * IAM principals (user or role ARNs) granted SELECT and DESCRIBE on every table of the database.
     * @default []
     * @example ["arn:aws:iam::123456789012:role/analysts"]
     */
    lakeReaders?: string[];
    /**
     * When the crawler runs, as a Glue cron expression (UTC).
     * @default "cron(0 10 * * ? *)", an hour after SparkPost's daily health score alert
     */
    crawlerSchedule?: string;
    /**
     * Define the `alerts` table here with partition projection instead of crawling: a new day is queryable before
     * any crawl, and there is no crawler (`crawlerName` is undefined).
     * @default false
     */
    lakePartitionProjection?: boolean;
    /**
     * With partition projection, the `metric` partitions Athena enumerates.
     * @default ["health_score"]
     */
    lakeProjectedMetrics?: string[];
    /**
     * With partition projection, the first day (`YYYY-MM-DD`) Athena considers.
     * @default "2024-01-01"
     */
    lakeProjectionFirstDay?: string;
    /**
     * Replace the account's Lake Formation admins with {@link lakeAdmins}. `aws.lakeformation.DataLakeSettings`
     * is account-wide: it removes every admin (and default permission) not listed, so it is off unless asked for.
     * @default false
     */
    manageLakeAdmins?: boolean;
    /**
     * The Lake Formation admins when {@link manageLakeAdmins} is true. Include the principal that runs Pulumi:
     * it must stay an admin to grant the permissions below.
     */
    lakeAdmins?: string[];
    /**
     * The workgroup cancels a query that scans more than this many bytes. At least 10 MiB.
     * @default 1073741824 (1 GiB)
     */
    athenaBytesScannedCutoff?: number;
    /**
     * Days Athena query results are kept in the results bucket.
     * @default 30
     */
    athenaResultsRetentionDays?: number;
    /**
     * A KMS key for query results (SSE_KMS).
     * @default none: SSE_S3
     */
    athenaResultsKmsKeyArn?: pulumi.Input<string>;
}

export class HealthScoreLake extends pulumi.ComponentResource {
    /** The Glue database that holds the `alerts` table. */
    public readonly glueDatabaseName: pulumi.Output<string>;
    /** The crawler's name (`<database>_alerts`); undefined with partition projection. */
    public readonly crawlerName: pulumi.Output<string | undefined>;
    /** The Athena workgroup analysts and `query --athena` run in (named like the database). */
    public readonly athenaWorkgroupName: pulumi.Output<string>;
    /** Where query results go (`s3://<bucket>/results/`). */
    public readonly athenaResultsBucketName: pulumi.Output<string>;

    constructor(name: string, args: HealthScoreLakeArgs, opts?: pulumi.ComponentResourceOptions) {
        // Checked before the component registers: a bad argument leaves nothing behind in the stack.
        const settings = validateLakeArgs(args);
        super("healthscore:index:HealthScoreLake", name, {}, opts);
        const parent = { parent: this };

        const admins = createLakeAdmins(name, settings, parent);
        // The workgroup and crawler share the database's name: analysts find all three under one word.
        const lakeName = settings.databaseName ?? glueDatabaseNameFor(name, pulumi.getStack());
        const database = new aws.glue.CatalogDatabase(`${name}-database`, {
            name: lakeName,
            description: "SparkPost Health Score alerts, from the alerts/ prefix of the store's bucket",
        }, parent);
        const dataAccess = createDataAccessRole(name, args, parent);
        const location = new aws.lakeformation.Resource(`${name}-alerts-location`, {
            arn: pulumi.output(args.bucketArn).apply(alertsLocationArn),
            // Lake Formation reads the location as this role and vends its credentials to the crawler and to
            // Athena, so neither needs a bucket policy. Not the service-linked role: a customer managed key
            // (kmsKeyArn) cannot be granted to it through IAM, so SSE-KMS objects would be unreadable.
            roleArn: dataAccess.role.arn,
            useServiceLinkedRole: false,
        }, { ...parent, dependsOn: [...admins, dataAccess.policy] });

        grantReaders(name, settings.lakeReaders, database, { ...parent, dependsOn: admins });

        let crawler: aws.glue.Crawler | undefined;
        if (settings.lakePartitionProjection) {
            createProjectedTable(name, args, settings, database, parent);
        } else {
            crawler = createCrawler(name, lakeName, args, settings, database, location, { ...parent, dependsOn: admins });
        }

        const workgroup = createWorkgroup(name, lakeName, args, settings, parent);
        createNamedQueries(name, database, workgroup.workgroup, parent);

        this.glueDatabaseName = database.name;
        this.crawlerName = crawler ? crawler.name : pulumi.output<string | undefined>(undefined);
        this.athenaWorkgroupName = workgroup.workgroup.name;
        this.athenaResultsBucketName = workgroup.results.bucketName;
        this.registerOutputs({
            glueDatabaseName: this.glueDatabaseName,
            crawlerName: this.crawlerName,
            athenaWorkgroupName: this.athenaWorkgroupName,
            athenaResultsBucketName: this.athenaResultsBucketName,
        });
    }
}

/** Creates the lake inside `opts.parent` (HealthScoreStore). */
export function createDataLake(name: string, args: HealthScoreLakeArgs, opts?: pulumi.ComponentResourceOptions): HealthScoreLake {
    return new HealthScoreLake(name, args, opts);
}

type LakeSettings = Required<Pick<HealthScoreLakeArgs,
    "lakeReaders" | "crawlerSchedule" | "lakePartitionProjection" | "lakeProjectedMetrics" | "lakeProjectionFirstDay" |
    "manageLakeAdmins" | "lakeAdmins" | "athenaBytesScannedCutoff" | "athenaResultsRetentionDays">> & { databaseName?: string };

/** Defaults applied and every plain argument checked before any resource exists; errors name the argument. */
export function validateLakeArgs(args: HealthScoreLakeArgs): LakeSettings {
    const settings: LakeSettings = {
        databaseName: args.databaseName,
        lakeReaders: args.lakeReaders ?? [],
        crawlerSchedule: args.crawlerSchedule ?? DEFAULT_CRAWLER_SCHEDULE,
        lakePartitionProjection: args.lakePartitionProjection ?? false,
        lakeProjectedMetrics: args.lakeProjectedMetrics ?? ["health_score"],
        lakeProjectionFirstDay: args.lakeProjectionFirstDay ?? "2024-01-01",
        manageLakeAdmins: args.manageLakeAdmins ?? false,
        lakeAdmins: args.lakeAdmins ?? [],
        athenaBytesScannedCutoff: args.athenaBytesScannedCutoff ?? DEFAULT_BYTES_SCANNED_CUTOFF,
        athenaResultsRetentionDays: args.athenaResultsRetentionDays ?? DEFAULT_RESULTS_RETENTION_DAYS,
    };
    if (settings.databaseName !== undefined && !/^[a-z0-9_]{1,255}$/.test(settings.databaseName)) {
        throw new Error(`databaseName must be lower case letters, digits and underscores, got ${JSON.stringify(settings.databaseName)}`);
    }
    for (const [argument, arns] of [["lakeReaders", settings.lakeReaders], ["lakeAdmins", settings.lakeAdmins]] as const) {
        const bad = arns.find((arn) => !/^arn:[^:]+:iam::\d{12}:(role|user)\/.+$/.test(arn));
        if (bad !== undefined) throw new Error(`${argument} must hold IAM role or user ARNs, got ${JSON.stringify(bad)}`);
    }
    if (settings.manageLakeAdmins && settings.lakeAdmins.length === 0) {
        throw new Error("manageLakeAdmins is true but lakeAdmins is empty: that would remove every Lake Formation admin of the account");
    }
    if (!settings.manageLakeAdmins && settings.lakeAdmins.length > 0) {
        throw new Error("lakeAdmins is set but manageLakeAdmins is not: set manageLakeAdmins to true to replace the account's Lake Formation admins");
    }
    if (!/^cron\(.+\)$/.test(settings.crawlerSchedule)) {
        throw new Error(`crawlerSchedule must be a Glue cron expression such as "${DEFAULT_CRAWLER_SCHEDULE}", got ${JSON.stringify(settings.crawlerSchedule)}`);
    }
    if (!Number.isSafeInteger(settings.athenaBytesScannedCutoff) || settings.athenaBytesScannedCutoff < MIN_BYTES_SCANNED_CUTOFF) {
        throw new Error(`athenaBytesScannedCutoff must be a whole number of bytes ≥ ${MIN_BYTES_SCANNED_CUTOFF} (10 MiB), got ${settings.athenaBytesScannedCutoff}`);
    }
    if (!Number.isInteger(settings.athenaResultsRetentionDays) || settings.athenaResultsRetentionDays < 1) {
        throw new Error(`athenaResultsRetentionDays must be a whole number of days ≥ 1, got ${settings.athenaResultsRetentionDays}`);
    }
    if (settings.lakePartitionProjection) {
        // Checks the metrics and the first day now rather than at deployment.
        projectionParameters({ bucketName: "check", metrics: settings.lakeProjectedMetrics, firstDay: settings.lakeProjectionFirstDay });
    }
    return settings;
}

/** The role alerts/ is registered with (see lakeDataAccessPolicy): read of alerts/, and decrypt with the bucket's key. */
function createDataAccessRole(name: string, args: HealthScoreLakeArgs, opts: pulumi.CustomResourceOptions): { role: aws.iam.Role; policy: aws.iam.RolePolicy } {
    const role = new aws.iam.Role(`${name}-data-access`, {
        description: "Lake Formation data access to the health score alerts/ prefix (read-only)",
        assumeRolePolicy: JSON.stringify(lakeDataAccessAssumeRolePolicy()),
    }, opts);
    const region = aws.getRegionOutput({}, { parent: opts.parent });
    const policy = new aws.iam.RolePolicy(`${name}-data-access-policy`, {
        role: role.name,
        policy: pulumi.all([args.bucketArn, region.region, args.bucketKmsKeyArn]).apply(([bucketArn, regionName, kmsKeyArn]) =>
            JSON.stringify(lakeDataAccessPolicy({ bucketArn, region: regionName, kmsKeyArn }))),
    }, opts);
    return { role, policy };
}

/** Only when asked: DataLakeSettings replaces the account's admins, it does not add to them. */
function createLakeAdmins(name: string, settings: LakeSettings, opts: pulumi.CustomResourceOptions): pulumi.Resource[] {
    if (!settings.manageLakeAdmins) return [];
    return [new aws.lakeformation.DataLakeSettings(`${name}-lake-admins`, { admins: settings.lakeAdmins }, opts)];
}

/** One grant per reader, named after a hash of its ARN so that adding a reader does not re-create the others. */
function grantReaders(
    name: string,
    readers: string[],
    database: aws.glue.CatalogDatabase,
    opts: pulumi.CustomResourceOptions,
): aws.lakeformation.Permissions[] {
    return readers.map((arn) => new aws.lakeformation.Permissions(`${name}-reader-${shortHash(arn)}`, {
        principal: arn,
        permissions: ["SELECT", "DESCRIBE"],
        // Every table of the database, including the crawler's, which does not exist when this is granted.
        table: { databaseName: database.name, wildcard: true },
    }, opts));
}

function createCrawler(
    name: string,
    lakeName: string,
    args: HealthScoreLakeArgs,
    settings: LakeSettings,
    database: aws.glue.CatalogDatabase,
    location: aws.lakeformation.Resource,
    opts: pulumi.CustomResourceOptions,
): aws.glue.Crawler {
    const role = new aws.iam.Role(`${name}-crawler`, {
        description: "Glue crawler of the health score alerts/ prefix",
        assumeRolePolicy: JSON.stringify(crawlerAssumeRolePolicy()),
    }, { parent: opts.parent });
    const managed = new aws.iam.RolePolicyAttachment(`${name}-crawler-glue`, {
        role: role.name,
        policyArn: pulumi.output(args.bucketArn).apply((arn) => glueServiceRolePolicyArn(arnPartition(arn))),
    }, { parent: opts.parent });
    const access = new aws.iam.RolePolicy(`${name}-crawler-access`, {
        role: role.name,
        policy: pulumi.output(args.bucketArn).apply((bucketArn) => JSON.stringify(crawlerAccessPolicy({ bucketArn }))),
    }, { parent: opts.parent });

    const databaseGrant = new aws.lakeformation.Permissions(`${name}-crawler-database`, {
        principal: role.arn,
        permissions: ["CREATE_TABLE", "ALTER", "DESCRIBE"],
        database: { name: database.name },
    }, opts);
    const locationGrant = new aws.lakeformation.Permissions(`${name}-crawler-location`, {
        principal: role.arn,
        permissions: ["DATA_LOCATION_ACCESS"],
        dataLocation: { arn: location.arn },
    }, opts);

    return new aws.glue.Crawler(`${name}-crawler`, {
        name: `${lakeName}_alerts`,
        description: "Adds the new days of alerts/ to the alerts table",
        databaseName: database.name,
        role: role.arn,
        s3Targets: [{ path: pulumi.output(args.bucketName).apply(alertsLocation) }],
        schedule: settings.crawlerSchedule,
        // New folders only: each run lists the new dt= partitions instead of every object since the start.
        recrawlPolicy: { recrawlBehavior: "CRAWL_NEW_FOLDERS_ONLY" },
        // Glue accepts incremental crawls only with a policy that logs schema changes and deletions.
        schemaChangePolicy: { updateBehavior: "LOG", deleteBehavior: "LOG" },
        lakeFormationConfiguration: { useLakeFormationCredentials: true },
        configuration: JSON.stringify({
            Version: 1.0,
            // One `alerts` table, even when a day's lines lack an optional field the others have.
            Grouping: { TableGroupingPolicy: "CombineCompatibleSchemas" },
            // A day whose values all happen to be whole numbers would otherwise get an int partition schema, which
            // Athena refuses next to the table's double (HIVE_PARTITION_SCHEMA_MISMATCH).
            CrawlerOutput: { Partitions: { AddOrUpdateBehavior: "InheritFromTable" } },
        }),
    }, { parent: opts.parent, dependsOn: [managed, access, databaseGrant, locationGrant] });
}

/** The `alerts` table as the crawler would build it, with partitions projected from the key layout. */
function createProjectedTable(
    name: string,
    args: HealthScoreLakeArgs,
    settings: LakeSettings,
    database: aws.glue.CatalogDatabase,
    opts: pulumi.CustomResourceOptions,
): aws.glue.CatalogTable {
    return new aws.glue.CatalogTable(`${name}-alerts`, {
        name: ALERTS_TABLE,
        databaseName: database.name,
        tableType: "EXTERNAL_TABLE",
        parameters: pulumi.output(args.bucketName).apply((bucketName) => ({
            EXTERNAL: "TRUE",
            ...projectionParameters({ bucketName, metrics: settings.lakeProjectedMetrics, firstDay: settings.lakeProjectionFirstDay }),
        })),
        partitionKeys: PARTITION_COLUMNS.map((column) => ({ name: column.name, type: column.glueType })),
        storageDescriptor: {
            location: pulumi.output(args.bucketName).apply(alertsLocation),
            inputFormat: "org.apache.hadoop.mapred.TextInputFormat",
            outputFormat: "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
            serDeInfo: { serializationLibrary: "org.openx.data.jsonserde.JsonSerDe" },
            columns: LAKE_COLUMNS.map((column) => ({ name: column.name, type: column.glueType, comment: column.comment })),
        },
    }, opts);
}

function createWorkgroup(
    name: string,
    lakeName: string,
    args: HealthScoreLakeArgs,
    settings: LakeSettings,
    opts: pulumi.CustomResourceOptions,
): { workgroup: aws.athena.Workgroup; results: PrivateBucket } {
    // Results hold query output (the lake's data): their own bucket, with the settings of every bucket of the
    // program (public access blocked, ACLs off, encrypted, versioned, TLS-only), expiring after the retention.
    const results = new PrivateBucket(`${name}-athena-results`, {
        kmsKeyArn: args.athenaResultsKmsKeyArn,
        expirations: [{ id: "expire-query-results", days: settings.athenaResultsRetentionDays }],
        // An expired result becomes a noncurrent version: gone a day later, so results do not outlive the
        // retention by PrivateBucket's 30-day undo window (they are re-run, never restored).
        noncurrentVersionDays: RESULTS_NONCURRENT_VERSION_DAYS,
        // Disposable: `pulumi destroy` may delete the bucket with the results in it.
        forceDestroy: true,
    }, { parent: opts.parent });

    const workgroup = new aws.athena.Workgroup(`${name}-athena`, {
        name: lakeName,
        description: "SQL over the health score alerts",
        // Query history and named queries go with the workgroup; results live in the bucket above.
        forceDestroy: true,
        configuration: {
            // Clients cannot override the results location, encryption or cutoff.
            enforceWorkgroupConfiguration: true,
            publishCloudwatchMetricsEnabled: true,
            bytesScannedCutoffPerQuery: settings.athenaBytesScannedCutoff,
            engineVersion: { selectedEngineVersion: "Athena engine version 3" },
            resultConfiguration: {
                outputLocation: pulumi.interpolate`s3://${results.bucketName}/results/`,
                encryptionConfiguration: args.athenaResultsKmsKeyArn
                    ? { encryptionOption: "SSE_KMS", kmsKeyArn: args.athenaResultsKmsKeyArn }
                    : { encryptionOption: "SSE_S3" },
            },
        },
    }, { ...opts, dependsOn: [results.policy] });
    return { workgroup, results };
}

function createNamedQueries(
    name: string,
    database: aws.glue.CatalogDatabase,
    workgroup: aws.athena.Workgroup,
    opts: pulumi.CustomResourceOptions,
): aws.athena.NamedQuery[] {
    return NAMED_QUERIES.map((query) => new aws.athena.NamedQuery(`${name}-${query.key}`, {
        name: query.title,
        description: query.description,
        database: database.name,
        workgroup: workgroup.name,
        query: query.sql,
    }, opts));
}

function shortHash(text: string): string {
    return crypto.createHash("sha256").update(text).digest("hex").slice(0, 8);
}
