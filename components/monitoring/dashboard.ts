/**
 * The stack's CloudWatch dashboard, as the JSON body `aws.cloudwatch.Dashboard` takes: deliveries, the functions'
 * duration and errors, the band counts and the account's score over time, and the alarms' states. Every metric is
 * one the stack writes (shared/observability.ts) or one AWS publishes for a resource of the stack. Pure.
 */
import { HEALTH_BANDS } from "../../shared/healthBands";
import { BAND_METRICS, METRICS_NAMESPACE, MetricName, metricDimensions } from "../../shared/observability";

export interface DashboardResources {
    stack: string;
    region: string;
    receiverFunctionName: string;
    loaderFunctionName: string;
    /** The alarms whose states the dashboard shows. */
    alarmArns: string[];
}

/** A metric line of a widget: namespace, name, then dimension name and value pairs, then its options. */
type MetricLine = Array<string | Record<string, unknown>>;

const WIDTH = 12;
const HEIGHT = 6;

export function dashboardBody(resources: DashboardResources): { widgets: unknown[] } {
    const dimensions = Object.entries(metricDimensions(resources.stack)).flat();
    const custom = (name: MetricName, options: Record<string, unknown> = {}): MetricLine => [METRICS_NAMESPACE, name, ...dimensions, options];
    const lambda = (name: string, functionName: string, label: string, options: Record<string, unknown> = {}): MetricLine =>
        ["AWS/Lambda", name, "FunctionName", functionName, { label, ...options }];
    const metricWidget = (title: string, metrics: MetricLine[], stat: string, period: number) => ({
        type: "metric", width: WIDTH, height: HEIGHT,
        properties: { title, region: resources.region, view: "timeSeries", stacked: false, stat, period, metrics },
    });
    const widgets = [
        metricWidget("Deliveries (hourly; the heartbeat alarm watches them)", [custom("Deliveries"), custom("FallbackQueued"), custom("DeliveriesNotKept")], "Sum", 3_600),
        metricWidget("Records loaded and rejected", [custom("RecordsAccepted"), custom("RecordsRejected"), custom("LoadFailures")], "Sum", 3_600),
        metricWidget("Duration (ms, p95)", [
            lambda("Duration", resources.receiverFunctionName, "receiver"),
            lambda("Duration", resources.loaderFunctionName, "loader"),
        ], "p95", 300),
        metricWidget("Function errors", [
            lambda("Errors", resources.receiverFunctionName, "receiver"),
            lambda("Errors", resources.loaderFunctionName, "loader"),
        ], "Sum", 300),
        metricWidget("Subaccounts per Health Score band (daily)", HEALTH_BANDS.map(({ band }) => custom(BAND_METRICS[band], { label: band })), "Maximum", 86_400),
        metricWidget("The account's Health Score (daily)", [custom("AccountHealthScore")], "Maximum", 86_400),
        {
            type: "alarm", width: 2 * WIDTH, height: HEIGHT,
            properties: { title: "Alarms", alarms: resources.alarmArns, sortBy: "stateUpdatedTimestamp" },
        },
    ];
    return { widgets };
}
