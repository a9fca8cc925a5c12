/**
 * The `alerts` table of the data lake, as plain data: its columns in Glue and DuckDB terms, its partition
 * columns, and the partition projection settings. The Glue table (components/healthScoreLake.ts) and the local
 * DuckDB view (local/query.ts) are both built from this, so the same SQL sees the same columns on Athena and locally.
 */
import { bucketPrefixes, lakePartitionKeys } from "./layout";
import type { LakeRow } from "../handlers/records";

/** The table the crawler creates: Glue names it after the last folder of its path, `alerts/`. */
export const ALERTS_TABLE = "alerts";

/** The filter keys the receiver's schema knows (handlers/alert.ts); others are stored but not typed here. */
export const FILTER_KEYS = [
    "subaccount_id",
    "ip_pool",
    "mailbox_provider",
    "sending_domain",
    "sending_ip",
    "blocklist_provider",
    "blocklist_resource",
] as const;

export interface LakeColumn {
    name: keyof LakeRow;
    /** Hive/Glue type, as the crawler infers it from the JSON lines (JSON numbers: bigint or double). */
    glueType: string;
    /** The same type in DuckDB, so that both engines compare, sort and do arithmetic alike. */
    duckdbType: string;
    comment: string;
}

const filtersGlueType = `struct<${FILTER_KEYS.map((key) => `${key}:${key === "subaccount_id" ? "bigint" : "string"}`).join(",")}>`;
const filtersDuckdbType = `STRUCT(${FILTER_KEYS.map((key) => `${key} ${key === "subaccount_id" ? "BIGINT" : "VARCHAR"}`).join(", ")})`;

/**
 * The data columns, in the order of the JSON lines (`toLakeNdjson`), which is the order the crawler gives them.
 * Timestamps stay strings on both engines: the crawler infers `string` from JSON strings, and ISO-8601 UTC
 * strings of one precision sort in time order.
 */
export const LAKE_COLUMNS: readonly LakeColumn[] = [
    { name: "record_id", glueType: "string", duckdbType: "VARCHAR", comment: "name-based UUID of the alert's content" },
    { name: "alert_id", glueType: "bigint", duckdbType: "BIGINT", comment: "SparkPost alert id" },
    { name: "incident_id", glueType: "bigint", duckdbType: "BIGINT", comment: "SparkPost incident id, null when not sent" },
    { name: "name", glueType: "string", duckdbType: "VARCHAR", comment: "the alert's name" },
    { name: "subaccount_id", glueType: "bigint", duckdbType: "BIGINT", comment: "-1 account overall, 0 primary account, else the subaccount" },
    { name: "filters", glueType: filtersGlueType, duckdbType: filtersDuckdbType, comment: "the alert's filters as sent" },
    { name: "operator", glueType: "string", duckdbType: "VARCHAR", comment: "gt or lt, null for blocklist alerts" },
    { name: "source", glueType: "string", duckdbType: "VARCHAR", comment: "raw, day_over_day or week_over_week" },
    { name: "threshold", glueType: "double", duckdbType: "DOUBLE", comment: "the evaluator's value" },
    { name: "triggered_value", glueType: "double", duckdbType: "DOUBLE", comment: "the value that triggered the alert, 3 decimals" },
    { name: "triggered_at", glueType: "string", duckdbType: "VARCHAR", comment: "ISO-8601 UTC, millisecond precision" },
    { name: "received_at", glueType: "string", duckdbType: "VARCHAR", comment: "ISO-8601 UTC, when the delivery arrived" },
    { name: "delivery_id", glueType: "string", duckdbType: "VARCHAR", comment: "the delivery, archived under raw/" },
    // Last, so that a table crawled before it existed only gains a column; in lines written before, it is NULL.
    { name: "facets", glueType: "string", duckdbType: "VARCHAR", comment: "the filters other than subaccount_id as canonical JSON, {} for the subaccount itself" },
];

/** Partition columns after the data columns, as Glue lists them: both strings (`dt` is `YYYY-MM-DD`). */
export const PARTITION_COLUMNS: ReadonlyArray<{ name: (typeof lakePartitionKeys)[number]; glueType: "string"; duckdbType: "VARCHAR" }> =
    lakePartitionKeys.map((name) => ({ name, glueType: "string", duckdbType: "VARCHAR" }));

/** `s3://<bucket>/alerts/`: the crawler's path and the table's location. */
export function alertsLocation(bucketName: string): string {
    return `s3://${bucketName}/${bucketPrefixes.alerts}`;
}

/** `arn:<partition>:s3:::<bucket>/alerts`: the Lake Formation location (registered without the trailing slash). */
export function alertsLocationArn(bucketArn: string): string {
    return `${bucketArn}/${bucketPrefixes.alerts.replace(/\/$/, "")}`;
}

/** With partition projection, the `metric` partitions Athena enumerates unless told otherwise. */
export const DEFAULT_PROJECTED_METRICS: readonly string[] = ["health_score"];

/** With partition projection, the first day Athena considers unless told otherwise. */
export const DEFAULT_PROJECTION_FIRST_DAY = "2024-01-01";

export interface ProjectionOptions {
    bucketName: string;
    /** The values of the `metric` partition Athena enumerates. */
    metrics: readonly string[];
    /** The first `dt` Athena considers, `YYYY-MM-DD`. */
    firstDay: string;
}

/**
 * Table parameters for Athena partition projection: partitions are computed from these instead of being read
 * from the catalog, so a new day is queryable before any crawl. `dt` is projected as a date but stays a
 * string column, as in the crawler's table.
 */
export function projectionParameters(options: ProjectionOptions): Record<string, string> {
    if (options.metrics.length === 0) throw new Error("lakeProjectedMetrics must name at least one metric");
    if (!/^\d{4}-\d{2}-\d{2}$/.test(options.firstDay)) {
        throw new Error(`lakeProjectionFirstDay must be YYYY-MM-DD, got ${JSON.stringify(options.firstDay)}`);
    }
    return {
        classification: "json",
        "projection.enabled": "true",
        "projection.metric.type": "enum",
        "projection.metric.values": options.metrics.join(","),
        "projection.dt.type": "date",
        "projection.dt.format": "yyyy-MM-dd",
        "projection.dt.range": `${options.firstDay},NOW`,
        "projection.dt.interval": "1",
        "projection.dt.interval.unit": "DAYS",
        "storage.location.template": `${alertsLocation(options.bucketName)}metric=\${metric}/dt=\${dt}/`,
    };
}

/**
 * A Glue database name from the component and stack names: Athena wants lower case, digits and underscores
 * (a hyphen would need quoting in every query), at most 255 characters.
 */
export function glueDatabaseNameFor(componentName: string, stack: string): string {
    const clean = (text: string) => text.toLowerCase().replace(/[^a-z0-9_]+/g, "_").replace(/^_+|_+$/g, "");
    const name = [clean(componentName), clean(stack)].filter((part) => part !== "").join("_");
    if (name === "") throw new Error(`cannot derive a Glue database name from ${JSON.stringify(componentName)} and ${JSON.stringify(stack)}`);
    return name.slice(0, 255);
}
