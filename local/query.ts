/**
 * SQL over the local stack's lake objects with an embedded DuckDB: a view `alerts` with the Glue table's columns
 * and partition columns (shared/lakeSchema.ts), read from the files s3rver keeps on disk. DuckDB cannot
 * download extensions here (no httpfs), so it reads files, never s3:// URLs.
 */
import * as fs from "fs";
import * as path from "path";
import {
    DuckDBArrayValue,
    DuckDBConnection,
    DuckDBDecimalValue,
    DuckDBInstance,
    DuckDBListValue,
    DuckDBMapValue,
    DuckDBStructValue,
    DuckDBValue,
} from "@duckdb/node-api";
import { bucketPrefixes } from "../shared/layout";
import { ALERTS_TABLE, LAKE_COLUMNS, PARTITION_COLUMNS } from "../shared/lakeSchema";
import { JsonValue, QueryResult, decimalNumber, rowKeys, wholeNumber } from "./queryResult";

/** The suffix s3rver adds to an object's key for the file holding its body. */
export const S3RVER_OBJECT_SUFFIX = "._S3rver_object";

export interface LocalLakeOptions {
    /** The bucket's directory: `<bucketDir>/alerts/metric=<m>/dt=<d>/<delivery>.ndjson<objectSuffix>`. */
    bucketDir: string;
    /**
     * What follows `.ndjson` in the files' names: s3rver's suffix, or "" for a copy of the bucket
     * (`aws s3 sync s3://<bucket>/alerts/ <dir>/alerts/`).
     * @default "._S3rver_object"
     */
    objectSuffix?: string;
}

export class LakeQueryError extends Error {
    constructor(message: string, options?: { cause?: unknown }) {
        super(message, options);
        this.name = "LakeQueryError";
    }
}

export interface LocalLake {
    /** How many lake objects the view reads (0: the lake is empty, and `alerts` has no rows). */
    readonly objectCount: number;
    /** Runs one SQL statement; a failure (bad SQL, an unreadable object) is a {@link LakeQueryError}. */
    query(sql: string): Promise<QueryResult>;
    close(): void;
}

/** `<bucketDir>/alerts/metric=*\/dt=*\/*.ndjson<suffix>`: the key layout of shared/layout.ts `lakeObjectKey`. */
export function lakeGlob(bucketDir: string, objectSuffix: string = S3RVER_OBJECT_SUFFIX): string {
    return path.join(bucketDir, bucketPrefixes.alerts, "metric=*", "dt=*", `*.ndjson${objectSuffix}`);
}

/** The lake objects on disk, found the way the glob finds them (DuckDB fails on a glob that matches nothing). */
export function listLakeObjects(bucketDir: string, objectSuffix: string = S3RVER_OBJECT_SUFFIX): string[] {
    const alertsDir = path.join(bucketDir, bucketPrefixes.alerts);
    const subdirs = (dir: string, prefix: string) =>
        (fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }) : [])
            .filter((entry) => entry.isDirectory() && entry.name.startsWith(prefix))
            .map((entry) => path.join(dir, entry.name));
    return subdirs(alertsDir, "metric=")
        .flatMap((metricDir) => subdirs(metricDir, "dt="))
        .flatMap((dayDir) => fs.readdirSync(dayDir).filter((file) => file.endsWith(`.ndjson${objectSuffix}`)).map((file) => path.join(dayDir, file)))
        .sort();
}

/**
 * The `alerts` view: data columns in the Glue table's order, then `metric` and `dt`, all explicitly typed (no
 * inference, so a day whose lines all lack a value still has the same types), partitions as strings.
 */
export function alertsViewSql(glob: string | readonly string[] | undefined): string {
    const names = [...LAKE_COLUMNS, ...PARTITION_COLUMNS].map((column) => column.name).join(", ");
    if (glob === undefined || glob.length === 0) {
        // No object yet: the same columns, no rows, so that queries run and answer nothing.
        const empty = [...LAKE_COLUMNS, ...PARTITION_COLUMNS].map((column) => `CAST(NULL AS ${column.duckdbType}) AS ${column.name}`).join(", ");
        return `CREATE OR REPLACE VIEW ${ALERTS_TABLE} AS SELECT ${empty} WHERE false`;
    }
    const columns = LAKE_COLUMNS.map((column) => `${sqlString(column.name)}: ${sqlString(column.duckdbType)}`).join(", ");
    const hiveTypes = PARTITION_COLUMNS.map((column) => `${sqlString(column.name)}: ${sqlString(column.duckdbType)}`).join(", ");
    const files = typeof glob === "string" ? sqlString(glob) : `[${glob.map(sqlString).join(", ")}]`;
    return `CREATE OR REPLACE VIEW ${ALERTS_TABLE} AS SELECT ${names} FROM read_json(${files}, ` +
        `format = 'newline_delimited', columns = {${columns}}, ` +
        // Without hive_types DuckDB would turn dt into a DATE; Glue's partition columns are strings.
        `hive_partitioning = true, hive_types = {${hiveTypes}}, hive_types_autocast = false)`;
}

export async function openLocalLake(options: LocalLakeOptions): Promise<LocalLake> {
    const objectSuffix = options.objectSuffix ?? S3RVER_OBJECT_SUFFIX;
    const objectCount = listLakeObjects(options.bucketDir, objectSuffix).length;
    // Nothing to download here: fail fast instead of trying the network when a query names an extension.
    const instance = await DuckDBInstance.create(":memory:", { autoinstall_known_extensions: "false" });
    let connection: DuckDBConnection | undefined;
    try {
        connection = await instance.connect();
        await connection.run(alertsViewSql(objectCount > 0 ? lakeGlob(options.bucketDir, objectSuffix) : undefined));
    } catch (err) {
        connection?.closeSync();
        instance.closeSync();
        throw new LakeQueryError(`could not open the lake at ${options.bucketDir}: ${messageOf(err)}`, { cause: err });
    }
    const open = connection;
    const notice = objectCount === 0
        ? `the lake is empty: no alert objects under ${path.join(options.bucketDir, bucketPrefixes.alerts)} (send deliveries to the local stack first)`
        : undefined;
    // Objects DuckDB could not read (a torn write, a file put there by hand): left out of the view from then on.
    const skipped = new Map<string, string>();

    /**
     * Runs `sql`; when DuckDB fails on one lake object, names it, leaves it out, and runs again, so that one bad
     * object costs a warning, not every answer.
     */
    async function run(sql: string) {
        for (;;) {
            try {
                return await open.runAndReadAll(sql);
            } catch (err) {
                const message = messageOf(err);
                // Listed again: objects may have been written since the lake was opened.
                const objects = listLakeObjects(options.bucketDir, objectSuffix);
                const culprit = objects.find((file) => !skipped.has(file) && message.includes(file));
                if (!culprit) throw err;
                skipped.set(culprit, message.split("\n")[0]);
                await open.run(alertsViewSql(objects.filter((file) => !skipped.has(file))));
            }
        }
    }

    return {
        objectCount,
        async query(sql: string): Promise<QueryResult> {
            if (sql.trim() === "") throw new LakeQueryError("the query is empty");
            let reader;
            try {
                reader = await run(sql);
            } catch (err) {
                throw new LakeQueryError(`the query failed: ${messageOf(err)}`, { cause: err });
            }
            const names = reader.columnNames();
            const keys = rowKeys(names);
            const types = reader.columnTypes().map((type) => type.toString());
            const rows = reader.getRows().map((values) =>
                Object.fromEntries(values.map((value, i) => [keys[i], toJsonValue(value)])));
            const warnings = [...skipped].map(([file, reason]) =>
                `skipped the unreadable lake object ${path.relative(options.bucketDir, file).slice(0, -objectSuffix.length || undefined)}: ${reason}`);
            return { columns: names.map((name, i) => ({ name, type: types[i] })), rows, ...(notice ? { notice } : {}), ...(warnings.length > 0 ? { warnings } : {}) };
        },
        close() {
            open.closeSync();
            instance.closeSync();
        },
    };
}

/** A DuckDB value as plain JSON: BIGINT as a number when exact, else a string; nested values recursively. */
export function toJsonValue(value: DuckDBValue): JsonValue {
    if (value === null || typeof value === "boolean" || typeof value === "string") return value;
    if (typeof value === "number") return Number.isFinite(value) ? value : String(value);
    if (typeof value === "bigint") return wholeNumber(value);
    if (value instanceof DuckDBDecimalValue) return decimalNumber(value.toString());
    if (value instanceof DuckDBListValue || value instanceof DuckDBArrayValue) return value.items.map(toJsonValue);
    if (value instanceof DuckDBStructValue) {
        return Object.fromEntries(Object.entries(value.entries).map(([key, entry]) => [key, toJsonValue(entry)]));
    }
    if (value instanceof DuckDBMapValue) return value.entries.map((entry) => ({ key: toJsonValue(entry.key), value: toJsonValue(entry.value) }));
    // Dates, timestamps, intervals, UUIDs, blobs: their SQL text.
    return String(value);
}

function sqlString(text: string): string {
    return `'${text.replace(/'/g, "''")}'`;
}

function messageOf(err: unknown): string {
    return err instanceof Error ? err.message : String(err);
}
