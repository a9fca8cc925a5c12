/**
 * The named queries over the `alerts` table: pure data, saved as Athena named queries by components/healthScoreLake.ts
 * and run by `query --named` on DuckDB or Athena.
 *
 * One SQL text for both engines: only what Trino (Athena engine 3) and DuckDB both read the same way
 * (window functions, `date_diff('day', ...)`, `CAST(... AS DATE)`, no engine-specific functions).
 *
 * Parameters: Athena saves a named query as plain SQL, so each parameter is written as a working default
 * followed by a marker comment, `0 /* @subaccount_id *\/`. In the Athena console the query runs as saved (edit the
 * number before the marker); the CLI replaces `<default> /* @name *\/` with the bound value ({@link bindParameters}).
 * Values are whole numbers only, checked before they reach the text, so binding cannot inject SQL.
 *
 * Scores are the `raw` health_score alerts only: a day_over_day or week_over_week alert's value is a change,
 * not a score.
 */
import { describeHealthBands, healthBandSql } from "./healthBands";
import { NO_FACETS } from "./layout";

export interface QueryParameter {
    name: string;
    description: string;
    /** The value written in the SQL, used when none is bound. */
    default: number;
    min?: number;
}

export interface NamedQuery {
    /** The `--named` argument. */
    key: string;
    /** The Athena named query's name. */
    title: string;
    description: string;
    sql: string;
    parameters: readonly QueryParameter[];
}

/**
 * The rows that hold a subaccount's own score: raw health_score alerts (a day_over_day alert holds a change) of the
 * subaccount itself, not of a facet (an ip_pool, a sending domain). Lines written before the facets column existed
 * have it NULL and count as the subaccount's own.
 */
const RAW_SCORES = `metric = 'health_score'
      AND source = 'raw'
      AND coalesce(facets, '${NO_FACETS}') = '${NO_FACETS}'`;

const LATEST_PER_SUBACCOUNT = `SELECT subaccount_id, triggered_value AS score, triggered_at, dt
    FROM (
        SELECT subaccount_id, triggered_value, triggered_at, dt,
               row_number() OVER (PARTITION BY subaccount_id ORDER BY triggered_at DESC, record_id DESC) AS recency
        FROM alerts
        WHERE ${RAW_SCORES}
    ) ranked
    WHERE recency = 1`;

/** Every raw score of each subaccount with its rank within its day; `recency = 1` is the day's last. */
const DAILY_SCORES = `SELECT subaccount_id, dt, triggered_value AS score, triggered_at,
           row_number() OVER (PARTITION BY subaccount_id, dt ORDER BY triggered_at DESC, record_id DESC) AS recency
    FROM alerts
    WHERE ${RAW_SCORES}`;

export const NAMED_QUERIES: readonly NamedQuery[] = [
    {
        key: "latest",
        title: "latest-score-per-subaccount",
        description: "The latest health score of each subaccount (-1 = account overall, 0 = primary account).",
        sql: `-- The latest health score of each subaccount (-1 = account overall, 0 = primary account).
${LATEST_PER_SUBACCOUNT.replace(/^ {4}/gm, "")}
ORDER BY subaccount_id`,
        parameters: [],
    },
    {
        key: "trend",
        title: "subaccount-30-day-trend",
        description: "One subaccount's daily score (the day's last) over the 30 days up to its latest score.",
        sql: `-- One subaccount's daily score (the day's last) over the 30 days up to its latest score.
-- Edit the number before /* @subaccount_id */ (-1 = account overall, 0 = primary account).
WITH series AS (
    SELECT dt, triggered_at, triggered_value, record_id
    FROM alerts
    WHERE ${RAW_SCORES}
      AND subaccount_id = 0 /* @subaccount_id */
),
daily AS (
    SELECT dt, triggered_value AS score, triggered_at,
           row_number() OVER (PARTITION BY dt ORDER BY triggered_at DESC, record_id DESC) AS recency
    FROM series
)
SELECT dt, score, triggered_at
FROM daily
WHERE recency = 1
  AND date_diff('day', CAST(dt AS DATE), (SELECT CAST(max(dt) AS DATE) FROM series)) < 30
ORDER BY dt`,
        parameters: [{ name: "subaccount_id", description: "the subaccount (-1 = account overall, 0 = primary account)", default: 0, min: -1 }],
    },
    {
        key: "bands",
        title: "subaccounts-per-band",
        description: `Each subaccount's latest score in its SparkPost band: ${describeHealthBands()}.`,
        sql: `-- Each subaccount's latest score in its SparkPost band: ${describeHealthBands()}.
WITH latest AS (
    ${LATEST_PER_SUBACCOUNT}
),
banded AS (
    SELECT subaccount_id, score,
           ${healthBandSql("score", "name")} AS band,
           ${healthBandSql("score", "rank")} AS band_order
    FROM latest
)
SELECT band, count(*) OVER (PARTITION BY band) AS subaccounts_in_band, subaccount_id, score
FROM banded
ORDER BY band_order, score, subaccount_id`,
        parameters: [],
    },
    {
        key: "drops",
        title: "biggest-day-over-day-drops",
        description: "The biggest falls of a subaccount's daily score (the day's last) from one day to the next.",
        sql: `-- The biggest falls of a subaccount's daily score (the day's last) from one day to the next.
-- Edit the number before /* @limit */ for more or fewer rows.
WITH daily AS (
    ${DAILY_SCORES}
),
changes AS (
    SELECT subaccount_id, dt, score,
           lag(dt) OVER (PARTITION BY subaccount_id ORDER BY dt) AS previous_dt,
           lag(score) OVER (PARTITION BY subaccount_id ORDER BY dt) AS previous_score
    FROM daily
    WHERE recency = 1
)
SELECT subaccount_id, previous_dt, dt, previous_score, score, round(previous_score - score, 3) AS score_drop
FROM changes
WHERE previous_dt IS NOT NULL
  AND date_diff('day', CAST(previous_dt AS DATE), CAST(dt AS DATE)) = 1
  AND score < previous_score
ORDER BY score_drop DESC, subaccount_id, dt
LIMIT 20 /* @limit */`,
        parameters: [{ name: "limit", description: "how many drops to list", default: 20, min: 1 }],
    },
    {
        key: "daily",
        title: "daily-score-per-subaccount",
        description: "Each subaccount's daily score (the day's last) over the 30 days up to the lake's latest day: sparklines and pools.",
        // The window ends at the lake's latest day, not today, so that a subaccount that stopped sending shows
        // its last days and the answer does not depend on when it is asked.
        sql: `-- Each subaccount's daily score (the day's last) over the 30 days up to the lake's latest day.
-- Edit the number before /* @days */ for a longer or shorter window.
WITH daily AS (
    ${DAILY_SCORES}
)
SELECT subaccount_id, dt, score, triggered_at
FROM daily
WHERE recency = 1
  AND date_diff('day', CAST(dt AS DATE), (SELECT CAST(max(dt) AS DATE) FROM daily)) < 30 /* @days */
ORDER BY subaccount_id, dt`,
        parameters: [{ name: "days", description: "how many days, up to the lake's latest", default: 30, min: 1 }],
    },
];

export class UnknownNamedQueryError extends Error {
    constructor(readonly key: string) {
        super(`no named query ${JSON.stringify(key)}; choose one of: ${NAMED_QUERIES.map((query) => query.key).join(", ")}`);
        this.name = "UnknownNamedQueryError";
    }
}

export class QueryParameterError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "QueryParameterError";
    }
}

export function findNamedQuery(key: string): NamedQuery {
    const query = NAMED_QUERIES.find((candidate) => candidate.key === key);
    if (!query) throw new UnknownNamedQueryError(key);
    return query;
}

/** `<default> /* @name *\/`, the default being a whole number, possibly negative. */
function markerPattern(name: string): RegExp {
    return new RegExp(`-?\\d+ /\\* @${name} \\*/`, "g");
}

/**
 * The query's SQL with `values` in place of its parameters' defaults. Unknown names and values that are not
 * whole numbers (within the parameter's minimum) are refused: nothing but digits reaches the SQL.
 */
export function bindParameters(query: NamedQuery, values: Readonly<Record<string, string | number | undefined>> = {}): string {
    const known = new Set(query.parameters.map((parameter) => parameter.name));
    for (const name of Object.keys(values)) {
        if (values[name] !== undefined && !known.has(name)) {
            const accepted = known.size === 0 ? "it takes no parameters" : `it takes ${[...known].join(", ")}`;
            throw new QueryParameterError(`the ${query.key} query has no parameter ${JSON.stringify(name)}: ${accepted}`);
        }
    }
    let sql = query.sql;
    for (const parameter of query.parameters) {
        const raw = values[parameter.name];
        const value = raw === undefined ? parameter.default : parseWholeNumber(parameter, raw);
        const pattern = markerPattern(parameter.name);
        if ((sql.match(pattern) ?? []).length !== 1) {
            // A named query whose text lost its marker would silently ignore the value: fail loudly instead.
            throw new QueryParameterError(`the ${query.key} query's SQL must hold exactly one "<default> /* @${parameter.name} */"`);
        }
        sql = sql.replace(pattern, `${value} /* @${parameter.name} */`);
    }
    return sql;
}

function parseWholeNumber(parameter: QueryParameter, raw: string | number): number {
    const text = String(raw).trim();
    const value = /^-?\d{1,15}$/.test(text) ? Number(text) : NaN;
    if (!Number.isSafeInteger(value)) {
        throw new QueryParameterError(`${parameter.name} must be a whole number (${parameter.description}), got ${JSON.stringify(raw)}`);
    }
    if (parameter.min !== undefined && value < parameter.min) {
        throw new QueryParameterError(`${parameter.name} must be at least ${parameter.min} (${parameter.description}), got ${value}`);
    }
    return value;
}
