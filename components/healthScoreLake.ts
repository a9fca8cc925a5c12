/**
 * The data lake over the store's alerts/ prefix: a Glue database, Lake Formation registration and grants, a Glue
 * crawler that keeps the `alerts` table up to date (`lake: crawler`) or a projected table defined here
 * (`lake: projection`), and an Athena workgroup with the named queries of shared/lakeQueries.ts. Created inside
 * HealthScoreStore, unless `lake` is `none`.
 *
 * Lake Formation's grants are the gate to the data: alerts/ is registered in Lake Formation mode (not hybrid
 * mode, where principals not opted in keep IAM-only access), and no table of the database is created with the
 * account's default `IAMAllowedPrincipals: ALL` (createDatabase). Only a Lake Formation admin can make the grants,
 * which the preview checks (checkLakeAdmins).
 *
 * The constructor resolves the arguments once, then reads top-down: each helper takes its name, the resolved
 * arguments and its parent, and what it must wait for is stated where it is called.
 */
import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { NAMED_QUERIES } from "../shared/lakeQueries";
import {
    ALERTS_TABLE,
    DEFAULT_PROJECTED_METRICS,
    DEFAULT_PROJECTION_FIRST_DAY,
    LAKE_COLUMNS,
    PARTITION_COLUMNS,
    alertsLocation,
    alertsLocationArn,
    glueDatabaseNameFor,
    projectionParameters,
} from "../shared/lakeSchema";
import { ArgsOf, ArgumentError, CONFIG_NAMESPACE, SettingsOf, resolveGroup } from "../shared/settings";
import { DataLakeSettingsState, lakeAdminProblem, settingsWithAdmins } from "./policies/lakeAdmins";
import { arnPartition } from "./policies/policyDocument";
import {
    crawlerAccessPolicy,
    crawlerAssumeRolePolicy,
    glueServiceRolePolicyArn,
    lakeDataAccessAssumeRolePolicy,
    lakeDataAccessPolicy,
} from "./policies/lakePolicies";
import { PrivateBucket } from "./privateBucket";

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
     * Readers, admins, crawler schedule, partition projection and Athena's limits: the `lake` group of the
     * settings table (shared/settings.ts), which documents each and gives the defaults.
     */
    lake?: ArgsOf<"lake">;
    /**
     * The Glue database's name, which the crawler and the workgroup share. Lower case, digits and underscores, so
     * that queries need no quoting.
     * @default `<component name>_<stack>`, cleaned, e.g. `healthscore_dev`
     */
    databaseName?: string;
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
     * A KMS key for query results (SSE_KMS).
     * @default none: SSE_S3
     */
    athenaResultsKmsKeyArn?: pulumi.Input<string>;
}

/** The arguments with every default applied, as the helpers below take them. */
export interface ResolvedLakeArgs {
    bucketName: pulumi.Input<string>;
    bucketArn: pulumi.Input<string>;
    bucketKmsKeyArn?: pulumi.Input<string>;
    settings: SettingsOf<"lake">;
    databaseName: string;
    lakeProjectedMetrics: string[];
    lakeProjectionFirstDay: string;
    athenaResultsKmsKeyArn?: pulumi.Input<string>;
}

export class HealthScoreLake extends pulumi.ComponentResource {
    /** The Glue database that holds the `alerts` table. */
    public readonly glueDatabaseName: pulumi.Output<string>;
    /** The crawler's name (`<database>_alerts`); none with `lake: projection`. */
    public readonly crawlerName?: pulumi.Output<string>;
    /** The Athena workgroup analysts and `query --athena` run in (named like the database). */
    public readonly athenaWorkgroupName: pulumi.Output<string>;
    /** Where query results go (`s3://<bucket>/results/`). */
    public readonly athenaResultsBucketName: pulumi.Output<string>;

    constructor(name: string, args: HealthScoreLakeArgs, opts?: pulumi.ComponentResourceOptions) {
        // Checked before the component registers: a bad argument leaves nothing behind in the stack.
        const lake = resolveLakeArgs(name, args);
        super("healthscore:index:HealthScoreLake", name, {}, opts);

        // Resolves once the deployer is known to be (or has been made) an admin; fails the preview otherwise.
        const admins = checkLakeAdmins(name, lake, this);
        const dataAccess = createDataAccessRole(name, lake, this);
        const crawlerRole = lake.settings.lake === "crawler" ? createCrawlerRole(name, lake, this) : undefined;
        const tableWriter = crawlerRole
            ? { arn: crawlerRole.role.arn, permissions: ["ALL"] }
            : { arn: dataAccess.role.arn, permissions: ["SELECT"] };
        const database = createDatabase(name, lake, this, tableWriter, { dependsOn: admins });
        const location = registerAlertsLocation(name, lake, this, dataAccess.role, { dependsOn: admins.apply((ready) => [...ready, dataAccess.policy]) });
        grantReaders(name, lake, this, database, { dependsOn: admins });

        let crawler: aws.glue.Crawler | undefined;
        if (crawlerRole) {
            const grants = grantCrawler(name, this, crawlerRole.role, database, location, { dependsOn: admins });
            crawler = createCrawler(name, lake, this, crawlerRole.role, database, { dependsOn: [...crawlerRole.policies, ...grants] });
        } else {
            createProjectedTable(name, lake, this, database);
        }

        const workgroup = createWorkgroup(name, lake, this);
        createNamedQueries(name, this, database, workgroup.workgroup);

        this.glueDatabaseName = database.name;
        this.crawlerName = crawler?.name;
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

/**
 * The arguments with every default applied, once each plain argument is checked (errors name the argument).
 * HealthScoreStore calls it too, so that a bad lake argument leaves nothing of the store behind.
 */
export function resolveLakeArgs(name: string, args: HealthScoreLakeArgs): ResolvedLakeArgs {
    const settings = resolveGroup("HealthScoreLake", "lake", args.lake);
    if (settings.lake === "none") {
        throw new ArgumentError("HealthScoreLake", "lake.lake", "is none: HealthScoreStore creates no lake then; give crawler or projection");
    }
    // The workgroup and crawler share the database's name: analysts find all three under one word.
    const databaseName = args.databaseName ?? glueDatabaseNameFor(name, pulumi.getStack());
    if (!/^[a-z0-9_]{1,255}$/.test(databaseName)) {
        throw new Error(`HealthScoreLake: databaseName must be lower case letters, digits and underscores, got ${JSON.stringify(databaseName)}`);
    }
    const resolved: ResolvedLakeArgs = {
        bucketName: args.bucketName,
        bucketArn: args.bucketArn,
        bucketKmsKeyArn: args.bucketKmsKeyArn,
        settings,
        databaseName,
        lakeProjectedMetrics: args.lakeProjectedMetrics ?? [...DEFAULT_PROJECTED_METRICS],
        lakeProjectionFirstDay: args.lakeProjectionFirstDay ?? DEFAULT_PROJECTION_FIRST_DAY,
        athenaResultsKmsKeyArn: args.athenaResultsKmsKeyArn,
    };
    if (settings.lake === "projection") {
        // Checks the metrics and the first day now rather than at deployment.
        try {
            projectionParameters({ bucketName: "checked", metrics: resolved.lakeProjectedMetrics, firstDay: resolved.lakeProjectionFirstDay });
        } catch (err) {
            throw new Error(`HealthScoreLake: ${(err as Error).message}`);
        }
    }
    return resolved;
}

/**
 * The preview's check that the identity running Pulumi can make the lake's grants: a Lake Formation admin now,
 * or one of the admins this stack adds (`manageLakeAdmins`). The deployer's IAM ARN comes from its session
 * (getSessionContext: an assumed role's ARN, path included; the deployer needs iam:GetRole on its own role).
 * Resolves to what the lake's Lake Formation resources must wait for: the added admins, if any.
 */
function checkLakeAdmins(name: string, lake: ResolvedLakeArgs, parent: pulumi.Resource): pulumi.Output<pulumi.Resource[]> {
    const caller = aws.getCallerIdentityOutput({}, { parent });
    const deployerArn = aws.iam.getSessionContextOutput({ arn: caller.arn }, { parent }).issuerArn;
    const region = aws.getRegionOutput({}, { parent }).region;
    const current = aws.lakeformation.getDataLakeSettingsOutput({}, { parent });
    const { manageLakeAdmins, lakeAdmins } = lake.settings;
    const checked = pulumi.all([deployerArn, region, current]).apply(([deployer, regionName, settings]) => {
        const state = dataLakeSettingsState(settings);
        const problem = lakeAdminProblem({
            deployerArn: deployer,
            admins: state.admins,
            added: manageLakeAdmins ? lakeAdmins : [],
            managed: manageLakeAdmins,
            region: regionName,
            lakeMode: lake.settings.lake,
            configNamespace: CONFIG_NAMESPACE,
        });
        if (problem) throw new Error(`HealthScoreLake: ${problem}`);
        return state;
    });
    if (!manageLakeAdmins) return checked.apply(() => []);
    return pulumi.output([createDataLakeSettings(name, parent, checked.apply((state) => settingsWithAdmins(state, lakeAdmins)))]);
}

/**
 * The account's data lake settings with `lakeAdmins` added and everything else as it was, passed explicitly:
 * the provider puts the whole structure, clearing whatever is left out. Retained on delete: the provider's Delete
 * writes empty admins and empty default permissions, which would leave the account without any admin (and a
 * replace, on a catalogId change, deletes too). The admins it adds stay after `pulumi destroy`.
 */
function createDataLakeSettings(name: string, parent: pulumi.Resource, settings: pulumi.Output<DataLakeSettingsState>): aws.lakeformation.DataLakeSettings {
    return new aws.lakeformation.DataLakeSettings(`${name}-lake-admins`, {
        admins: settings.admins,
        readOnlyAdmins: settings.readOnlyAdmins,
        createDatabaseDefaultPermissions: settings.createDatabaseDefaultPermissions,
        createTableDefaultPermissions: settings.createTableDefaultPermissions,
        trustedResourceOwners: settings.trustedResourceOwners,
        parameters: settings.parameters,
        allowExternalDataFiltering: settings.allowExternalDataFiltering,
        allowFullTableExternalDataAccess: settings.allowFullTableExternalDataAccess,
        externalDataFilteringAllowLists: settings.externalDataFilteringAllowLists,
        authorizedSessionTagValueLists: settings.authorizedSessionTagValueLists,
    }, { parent, retainOnDelete: true });
}

/** getDataLakeSettings' answer, every list and flag present. */
function dataLakeSettingsState(settings: aws.lakeformation.GetDataLakeSettingsResult): DataLakeSettingsState {
    const permissions = (list: { principal: string; permissions: string[] }[] | undefined) =>
        (list ?? []).map((entry) => ({ principal: entry.principal, permissions: [...entry.permissions] }));
    return {
        admins: [...(settings.admins ?? [])],
        readOnlyAdmins: [...(settings.readOnlyAdmins ?? [])],
        createDatabaseDefaultPermissions: permissions(settings.createDatabaseDefaultPermissions),
        createTableDefaultPermissions: permissions(settings.createTableDefaultPermissions),
        trustedResourceOwners: [...(settings.trustedResourceOwners ?? [])],
        parameters: { ...(settings.parameters ?? {}) },
        allowExternalDataFiltering: settings.allowExternalDataFiltering ?? false,
        allowFullTableExternalDataAccess: settings.allowFullTableExternalDataAccess ?? false,
        externalDataFilteringAllowLists: [...(settings.externalDataFilteringAllowLists ?? [])],
        authorizedSessionTagValueLists: [...(settings.authorizedSessionTagValueLists ?? [])],
    };
}

/** Who gets permissions on every new table of the database, in place of the account's default. */
interface TableWriter {
    arn: pulumi.Input<string>;
    permissions: string[];
}

/**
 * The database, whose new tables get permissions for `writer` only, never the account's default
 * `IAMAllowedPrincipals: ALL` (which would let any IAM principal with Glue and S3 permissions read the data, whatever
 * Lake Formation grants). The provider cannot send an empty list (`[]` is left out, so Glue applies the account's
 * default: terraform-provider-aws#27295, catalog_database.go sends the list only when `len > 0`), so the list names
 * the crawler's role (ALL: it writes the crawled tables) or, with the projected table, which the stack defines, the
 * data-access role (SELECT: assumable by Lake Formation only; read-only, and in Glue's list of permissions, which,
 * unlike Lake Formation's, has no DESCRIBE: Glue API reference, PrincipalPermissions). The database's own `IAMAllowedPrincipals` grant,
 * from the account's CreateDatabaseDefaultPermissions, is left as it is (metadata only; the README says how to
 * revoke it).
 */
function createDatabase(
    name: string,
    lake: ResolvedLakeArgs,
    parent: pulumi.Resource,
    writer: TableWriter,
    { dependsOn }: { dependsOn: pulumi.Input<pulumi.Resource[]> },
): aws.glue.CatalogDatabase {
    return new aws.glue.CatalogDatabase(`${name}-database`, {
        name: lake.databaseName,
        description: "SparkPost Health Score alerts, from the alerts/ prefix of the store's bucket",
        createTableDefaultPermissions: [{ principal: { dataLakePrincipalIdentifier: writer.arn }, permissions: writer.permissions }],
    }, { parent, dependsOn });
}

/** The role alerts/ is registered with (see lakeDataAccessPolicy): read of alerts/, and decrypt with the bucket's key. */
function createDataAccessRole(name: string, lake: ResolvedLakeArgs, parent: pulumi.Resource): { role: aws.iam.Role; policy: aws.iam.RolePolicy } {
    const role = new aws.iam.Role(`${name}-data-access`, {
        description: "Lake Formation data access to the health score alerts/ prefix (read-only)",
        assumeRolePolicy: JSON.stringify(lakeDataAccessAssumeRolePolicy()),
    }, { parent });
    const region = aws.getRegionOutput({}, { parent });
    const policy = new aws.iam.RolePolicy(`${name}-data-access-policy`, {
        role: role.name,
        policy: pulumi.all([lake.bucketArn, region.region, lake.bucketKmsKeyArn]).apply(([bucketArn, regionName, kmsKeyArn]) =>
            JSON.stringify(lakeDataAccessPolicy({ bucketArn, region: regionName, kmsKeyArn }))),
    }, { parent });
    return { role, policy };
}

/**
 * alerts/ as a Lake Formation location. Lake Formation reads it as the data-access role and vends that role's
 * credentials to the crawler and to Athena, so neither needs a bucket policy. Not the service-linked role: a
 * customer managed key (kmsKeyArn) cannot be granted to it through IAM, so SSE-KMS objects would be unreadable.
 */
function registerAlertsLocation(
    name: string,
    lake: ResolvedLakeArgs,
    parent: pulumi.Resource,
    dataAccessRole: aws.iam.Role,
    { dependsOn }: { dependsOn: pulumi.Input<pulumi.Resource[]> },
): aws.lakeformation.Resource {
    return new aws.lakeformation.Resource(`${name}-alerts-location`, {
        arn: pulumi.output(lake.bucketArn).apply(alertsLocationArn),
        roleArn: dataAccessRole.arn,
        useServiceLinkedRole: false,
        // Lake Formation mode: in hybrid mode, principals that are not opted in keep reading with IAM permissions
        // alone (Lake Formation, hybrid-access-mode.html), so the grants would not be the gate.
        hybridAccessEnabled: false,
    }, { parent, dependsOn });
}

/** One grant per reader, named after a hash of its ARN so that adding a reader does not re-create the others. */
function grantReaders(
    name: string,
    lake: ResolvedLakeArgs,
    parent: pulumi.Resource,
    database: aws.glue.CatalogDatabase,
    { dependsOn }: { dependsOn: pulumi.Input<pulumi.Resource[]> },
): aws.lakeformation.Permissions[] {
    return lake.settings.lakeReaders.map((arn) => new aws.lakeformation.Permissions(`${name}-reader-${shortHash(arn)}`, {
        principal: arn,
        permissions: ["SELECT", "DESCRIBE"],
        // Every table of the database, including the crawler's, which does not exist when this is granted.
        table: { databaseName: database.name, wildcard: true },
    }, { parent, dependsOn }));
}

/** A role only Glue assumes, with Glue's service policy and read of alerts/ (crawlerAccessPolicy). */
function createCrawlerRole(name: string, lake: ResolvedLakeArgs, parent: pulumi.Resource): { role: aws.iam.Role; policies: pulumi.Resource[] } {
    const role = new aws.iam.Role(`${name}-crawler`, {
        description: "Glue crawler of the health score alerts/ prefix",
        assumeRolePolicy: JSON.stringify(crawlerAssumeRolePolicy()),
    }, { parent });
    const managed = new aws.iam.RolePolicyAttachment(`${name}-crawler-glue`, {
        role: role.name,
        policyArn: pulumi.output(lake.bucketArn).apply((arn) => glueServiceRolePolicyArn(arnPartition(arn))),
    }, { parent });
    const access = new aws.iam.RolePolicy(`${name}-crawler-access`, {
        role: role.name,
        policy: pulumi.output(lake.bucketArn).apply((bucketArn) => JSON.stringify(crawlerAccessPolicy({ bucketArn }))),
    }, { parent });
    return { role, policies: [managed, access] };
}

/** What the crawler needs of Lake Formation: to create and alter tables in the database, and to read alerts/. */
function grantCrawler(
    name: string,
    parent: pulumi.Resource,
    crawlerRole: aws.iam.Role,
    database: aws.glue.CatalogDatabase,
    location: aws.lakeformation.Resource,
    { dependsOn }: { dependsOn: pulumi.Input<pulumi.Resource[]> },
): aws.lakeformation.Permissions[] {
    const databaseGrant = new aws.lakeformation.Permissions(`${name}-crawler-database`, {
        principal: crawlerRole.arn,
        permissions: ["CREATE_TABLE", "ALTER", "DESCRIBE"],
        database: { name: database.name },
    }, { parent, dependsOn });
    const locationGrant = new aws.lakeformation.Permissions(`${name}-crawler-location`, {
        principal: crawlerRole.arn,
        permissions: ["DATA_LOCATION_ACCESS"],
        dataLocation: { arn: location.arn },
    }, { parent, dependsOn });
    return [databaseGrant, locationGrant];
}

function createCrawler(
    name: string,
    lake: ResolvedLakeArgs,
    parent: pulumi.Resource,
    crawlerRole: aws.iam.Role,
    database: aws.glue.CatalogDatabase,
    { dependsOn }: { dependsOn: pulumi.Resource[] },
): aws.glue.Crawler {
    return new aws.glue.Crawler(`${name}-crawler`, {
        name: `${lake.databaseName}_alerts`,
        description: "Adds the new days of alerts/ to the alerts table",
        databaseName: database.name,
        role: crawlerRole.arn,
        s3Targets: [{ path: pulumi.output(lake.bucketName).apply(alertsLocation) }],
        schedule: lake.settings.crawlerSchedule,
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
    }, { parent, dependsOn });
}

/** The `alerts` table as the crawler would build it, with partitions projected from the key layout. */
function createProjectedTable(name: string, lake: ResolvedLakeArgs, parent: pulumi.Resource, database: aws.glue.CatalogDatabase): aws.glue.CatalogTable {
    return new aws.glue.CatalogTable(`${name}-alerts`, {
        name: ALERTS_TABLE,
        databaseName: database.name,
        tableType: "EXTERNAL_TABLE",
        parameters: pulumi.output(lake.bucketName).apply((bucketName) => ({
            EXTERNAL: "TRUE",
            ...projectionParameters({ bucketName, metrics: lake.lakeProjectedMetrics, firstDay: lake.lakeProjectionFirstDay }),
        })),
        partitionKeys: PARTITION_COLUMNS.map((column) => ({ name: column.name, type: column.glueType })),
        storageDescriptor: {
            location: pulumi.output(lake.bucketName).apply(alertsLocation),
            inputFormat: "org.apache.hadoop.mapred.TextInputFormat",
            outputFormat: "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
            serDeInfo: { serializationLibrary: "org.openx.data.jsonserde.JsonSerDe" },
            columns: LAKE_COLUMNS.map((column) => ({ name: column.name, type: column.glueType, comment: column.comment })),
        },
    }, { parent });
}

function createWorkgroup(name: string, lake: ResolvedLakeArgs, parent: pulumi.Resource): { workgroup: aws.athena.Workgroup; results: PrivateBucket } {
    // Results hold query output (the lake's data): their own bucket, with the settings of every bucket of the
    // program (public access blocked, ACLs off, encrypted, versioned, TLS-only), expiring after the retention.
    const results = new PrivateBucket(`${name}-athena-results`, {
        kmsKeyArn: lake.athenaResultsKmsKeyArn,
        expirations: [{ id: "expire-query-results", days: lake.settings.athenaResultsRetentionDays }],
        // An expired result becomes a noncurrent version: gone a day later, so results do not outlive the
        // retention by PrivateBucket's 30-day undo window (they are re-run, never restored).
        noncurrentVersionDays: RESULTS_NONCURRENT_VERSION_DAYS,
        // Disposable: `pulumi destroy` may delete the bucket with the results in it.
        forceDestroy: true,
    }, { parent });

    const workgroup = new aws.athena.Workgroup(`${name}-athena`, {
        name: lake.databaseName,
        description: "SQL over the health score alerts",
        // Query history and named queries go with the workgroup; results live in the bucket above.
        forceDestroy: true,
        configuration: {
            // Clients cannot override the results location, encryption or cutoff.
            enforceWorkgroupConfiguration: true,
            publishCloudwatchMetricsEnabled: true,
            bytesScannedCutoffPerQuery: lake.settings.athenaBytesScannedCutoff,
            engineVersion: { selectedEngineVersion: "Athena engine version 3" },
            resultConfiguration: {
                outputLocation: pulumi.interpolate`s3://${results.bucketName}/results/`,
                encryptionConfiguration: lake.athenaResultsKmsKeyArn
                    ? { encryptionOption: "SSE_KMS", kmsKeyArn: lake.athenaResultsKmsKeyArn }
                    : { encryptionOption: "SSE_S3" },
            },
        },
    }, { parent, dependsOn: [results.policy] });
    return { workgroup, results };
}

function createNamedQueries(
    name: string,
    parent: pulumi.Resource,
    database: aws.glue.CatalogDatabase,
    workgroup: aws.athena.Workgroup,
): aws.athena.NamedQuery[] {
    return NAMED_QUERIES.map((query) => new aws.athena.NamedQuery(`${name}-${query.key}`, {
        name: query.title,
        description: query.description,
        database: database.name,
        workgroup: workgroup.name,
        query: query.sql,
    }, { parent }));
}

function shortHash(text: string): string {
    return crypto.createHash("sha256").update(text).digest("hex").slice(0, 8);
}
