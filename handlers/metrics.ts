/**
 * Metrics in CloudWatch's Embedded Metric Format: one JSON object per line on stdout, which CloudWatch Logs turns
 * into metrics as it ingests the function's log (no PutMetricData call, no client, no extra latency). A test holds
 * its documents equal to Powertools Metrics' for the same metrics; this module exists to keep the Lambda archive
 * small, not to differ.
 *
 * Spec (AWS, CloudWatch_Embedded_Metric_Format_Specification): the log event is one JSON object, no prefix:
 * `{"_aws": {"Timestamp", "CloudWatchMetrics": [{"Namespace", "Dimensions": [[names]], "Metrics": [{"Name",
 * "Unit"}]}]}, <dimension>: <value>, ..., <metric>: <value or values>}`. Lambda's patched console.log prefixes a
 * timestamp and the request id in its text log format, which would hide the object: the line goes straight to
 * process.stdout, as Powertools does.
 */
import { METRICS, METRICS_NAMESPACE, MetricDimensions, MetricName, MetricUnit } from "../shared/observability";

/** Each metric's values in one invocation: every value is a data point (a Sum adds them, a Maximum takes the largest). */
export type MetricValues = Partial<Record<MetricName, number[]>>;

export interface EmfDocument {
    _aws: {
        Timestamp: number;
        CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit: MetricUnit }> }>;
    };
    [key: string]: unknown;
}

/** EMF's limit of values per metric in one document (Powertools: MAX_METRIC_VALUES_SIZE). */
export const MAX_VALUES_PER_METRIC = 100;

/**
 * The EMF document for an invocation's metrics, or undefined when there are none. A metric with more values than
 * EMF takes keeps the first {@link MAX_VALUES_PER_METRIC} (a loader invocation holds one S3 record in practice).
 */
export function emfDocument(dimensions: MetricDimensions, values: MetricValues, timestamp: number): EmfDocument | undefined {
    const present = (Object.entries(values) as Array<[MetricName, number[] | undefined]>)
        .filter((entry): entry is [MetricName, number[]] => entry[1] !== undefined && entry[1].length > 0);
    if (present.length === 0) return undefined;
    const document: EmfDocument = {
        _aws: {
            Timestamp: timestamp,
            CloudWatchMetrics: [{
                Namespace: METRICS_NAMESPACE,
                Dimensions: [Object.keys(dimensions)],
                Metrics: present.map(([name]) => ({ Name: name, Unit: METRICS[name].unit })),
            }],
        },
        ...dimensions,
    };
    for (const [name, list] of present) {
        const kept = list.slice(0, MAX_VALUES_PER_METRIC);
        document[name] = kept.length === 1 ? kept[0] : kept;
    }
    return document;
}

/** Where an invocation's metrics go. */
export interface MetricsPublisher {
    publish(values: MetricValues): void;
}

/** Writes each invocation's metrics as one EMF line (to stdout, unless told otherwise). */
export function emfMetrics(options: { dimensions: MetricDimensions; write?: (line: string) => void; now?: () => number }): MetricsPublisher {
    const write = options.write ?? ((line: string) => { process.stdout.write(`${line}\n`); });
    const now = options.now ?? Date.now;
    return {
        publish(values) {
            const document = emfDocument(options.dimensions, values, now());
            if (document) write(JSON.stringify(document));
        },
    };
}

/** For tests and commands that run a function's code without being the function (replay, the benchmark). */
export const noMetrics: MetricsPublisher = { publish: () => undefined };

/** Adds a data point to an invocation's values. */
export function addMetric(values: MetricValues, name: MetricName, value: number): void {
    (values[name] ??= []).push(value);
}
