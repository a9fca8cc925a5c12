/**
 * What the functions tell CloudWatch, named once: the metrics' namespace, their one dimension set, each metric with
 * its unit, and the service name on every log line. The handlers write these (handlers/metrics.ts), and the alarms
 * and the dashboard (components/monitoring/) read the same names, so that an alarm cannot watch a metric that is
 * never written (a heartbeat alarm whose dimensions differ from the emitted ones sees no data and, with missing data
 * breaching, alarms forever). Pure.
 */
import { HEALTH_BANDS, HealthBand } from "./healthBands";

/** The CloudWatch namespace of the custom metrics. */
export const METRICS_NAMESPACE = "HealthScoreIngest";

/** The `service` of every log line and metric (Powertools' default dimension is named `service` too). */
export const SERVICE_NAME = "healthscore";

/** The local stack's `stack` dimension; a deployed stack's is its Pulumi stack name. */
export const LOCAL_STACK_NAME = "local";

/**
 * The names of the one dimension set every custom metric carries. `stack` keeps two stacks of one account and
 * Region (dev and prod) apart: without it, one stack's deliveries would keep the other's heartbeat quiet.
 *
 * Deliberately nothing finer, and above all no subaccount: CloudWatch bills every distinct combination of
 * namespace, metric name and dimension values as one custom metric ($0.30 a month each), so a subaccount dimension
 * would cost thousands a month for ten thousand subaccounts, and the bands below say what matters in three numbers.
 */
export const METRIC_DIMENSION_NAMES = ["service", "stack"] as const;

export type MetricDimensions = Record<(typeof METRIC_DIMENSION_NAMES)[number], string>;

/** The dimension values of a stack's metrics: what the functions write and what its alarms watch. */
export function metricDimensions(stack: string): MetricDimensions {
    return { service: SERVICE_NAME, stack };
}

/** CloudWatch's units for what is written here. */
export type MetricUnit = "Count" | "None";

/** The metrics the functions write, each with its unit and where it comes from. */
export const METRICS = {
    /** Every POST that passed the token check, whatever its answer: the heartbeat watches it. */
    Deliveries: { unit: "Count", doc: "receiver: each POST with a valid token, whatever the answer" },
    /**
     * What SparkPost will never send again: a POST with a valid token whose body was refused (413, 415) or could be
     * kept nowhere (503), or any request while the function could not read its tokens (503, token unknown).
     */
    DeliveriesNotKept: { unit: "Count", doc: "receiver: a POST with a valid token whose body was not kept (413, 415, 503), or any request while the tokens cannot be read" },
    /** A body the raw archive did not take in time, sent to the fallback queue instead. */
    FallbackQueued: { unit: "Count", doc: "receiver: a body kept in the fallback queue because S3 did not take it" },
    RecordsAccepted: { unit: "Count", doc: "loader: records stored by a load" },
    RecordsRejected: { unit: "Count", doc: "loader: elements rejected by a load (a body that is no delivery at all counts as one)" },
    /** Dead letters have no metric of ours: Lambda moves a failed event, and the queue's own SQS metrics count it. */
    LoadFailures: { unit: "Count", doc: "loader: a load, or a fallback message's archiving, that failed and will be retried" },
    SubaccountsBad: { unit: "Count", doc: "loader: subaccounts whose Health Score in the delivery is below 55" },
    SubaccountsNeedsImprovement: { unit: "Count", doc: "loader: subaccounts whose Health Score in the delivery is 55 to 80" },
    SubaccountsGood: { unit: "Count", doc: "loader: subaccounts whose Health Score in the delivery is 80 or above" },
    AccountHealthScore: { unit: "None", doc: "loader: the account overall's Health Score in the delivery" },
} as const satisfies Record<string, { unit: MetricUnit; doc: string }>;

export type MetricName = keyof typeof METRICS;

/** The metric that counts the subaccounts of a band: `needs improvement` -> `SubaccountsNeedsImprovement`. */
export const BAND_METRICS: Readonly<Record<HealthBand, MetricName>> = Object.fromEntries(HEALTH_BANDS.map(({ band }) => [
    band,
    `Subaccounts${band.split(" ").map((word) => word[0].toUpperCase() + word.slice(1)).join("")}`,
])) as Record<HealthBand, MetricName>;
