/**
 * The stack's alarms, as plain data: what each watches and when it fires. HealthScoreMonitoring turns each into an
 * `aws.cloudwatch.MetricAlarm` on the alarm topic; the dashboard shows their states. The custom metrics' namespace,
 * names and dimensions come from shared/observability.ts, which the handlers write with, so an alarm cannot watch a
 * metric nobody writes. Pure: `N` is how a name is given (a string, or a Pulumi input).
 */
import { METRICS_NAMESPACE, MetricName, metricDimensions } from "../../shared/observability";

/** What the alarms watch: the stack (its metrics' dimension), its functions and its queues. */
export interface WatchedResources<N> {
    stack: string;
    receiverFunctionName: N;
    loaderFunctionName: N;
    deadLetterQueueName: N;
    fallbackQueueName: N;
}

export interface AlarmSpec<N> {
    /** The alarm's logical name, after the stack's component name. */
    key: string;
    description: string;
    namespace: string;
    metricName: string;
    dimensions: Record<string, N | string>;
    statistic: "Sum" | "Maximum";
    period: number;
    evaluationPeriods: number;
    datapointsToAlarm?: number;
    threshold: number;
    comparisonOperator: "GreaterThanOrEqualToThreshold" | "GreaterThanThreshold" | "LessThanThreshold";
    treatMissingData: "breaching" | "notBreaching";
}

/** SparkPost sends Health Scores once a day: 26 hours without a delivery is a day missed, with 2 hours of slack. */
export const HEARTBEAT_HOURS = 26;

/**
 * A body older than this in the fallback queue means the loader is not draining it: a healthy loader archives it
 * within seconds. Well under the queue's visibility timeout (6 times the loader's, 30 minutes by default), because
 * a message received three times without being deleted drops out of ApproximateAgeOfOldestMessage ("the metric
 * points at the second-oldest message that hasn't been received more than three times", SQS developer guide,
 * available CloudWatch metrics): an hour, the third receive, would be seen only by chance.
 */
export const FALLBACK_MAX_AGE_SECONDS = 900;

/** Five minutes: SQS publishes its metrics at that granularity, and Lambda's are summed over it. */
const FIVE_MINUTES = 300;

export function alarmSpecs<N>(watched: WatchedResources<N>): AlarmSpec<N>[] {
    const custom = (metricName: MetricName) => ({ namespace: METRICS_NAMESPACE, metricName, dimensions: metricDimensions(watched.stack) });
    const functionErrors = (key: string, functionName: N, what: string): AlarmSpec<N> => ({
        key,
        description: `The ${what} failed (an error or a timeout) at least once in 5 minutes. Its log group says why.`,
        namespace: "AWS/Lambda", metricName: "Errors", dimensions: { FunctionName: functionName },
        statistic: "Sum", period: FIVE_MINUTES, evaluationPeriods: 1, threshold: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold", treatMissingData: "notBreaching",
    });
    return [
        {
            key: "heartbeat",
            description: `No SparkPost delivery in ${HEARTBEAT_HOURS} hours: the alert muted or deleted, the endpoint unreachable, or the token `
                + "rotated on one side only. A new stack is in ALARM until its first delivery.",
            ...custom("Deliveries"),
            // Hourly sums, all 26 of the last 26 below 1: an hour with no delivery has no data point, which counts as
            // breaching. A period under an hour could not span more than a day (PutMetricAlarm's rule).
            statistic: "Sum", period: 3_600, evaluationPeriods: HEARTBEAT_HOURS, datapointsToAlarm: HEARTBEAT_HOURS,
            threshold: 1, comparisonOperator: "LessThanThreshold", treatMissingData: "breaching",
        },
        {
            key: "deliveries-not-kept",
            description: "A SparkPost delivery was refused (413, 415) or could be kept nowhere (503), or requests came while the receiver could not "
                + "read its tokens: SparkPost never retries, so ask it to resend. The receiver's log group says which and why.",
            ...custom("DeliveriesNotKept"),
            statistic: "Sum", period: FIVE_MINUTES, evaluationPeriods: 1, threshold: 1,
            comparisonOperator: "GreaterThanOrEqualToThreshold", treatMissingData: "notBreaching",
        },
        functionErrors("receiver-errors", watched.receiverFunctionName, "receiver"),
        functionErrors("loader-errors", watched.loaderFunctionName, "loader"),
        {
            key: "rejected-records",
            description: "A load rejected elements of a delivery (or a body that is no delivery): rejected/<delivery>.json says which and why.",
            ...custom("RecordsRejected"),
            statistic: "Sum", period: FIVE_MINUTES, evaluationPeriods: 1, threshold: 1,
            comparisonOperator: "GreaterThanOrEqualToThreshold", treatMissingData: "notBreaching",
        },
        {
            key: "dead-letters",
            description: "A delivery's load ended in the dead-letter queue after its retries: fix the cause, then `npm run replay -- --dead-letters`.",
            namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", dimensions: { QueueName: watched.deadLetterQueueName },
            statistic: "Maximum", period: FIVE_MINUTES, evaluationPeriods: 1, threshold: 0,
            comparisonOperator: "GreaterThanThreshold", treatMissingData: "notBreaching",
        },
        {
            key: "fallback-not-draining",
            description: `A body has waited in the fallback queue more than ${FALLBACK_MAX_AGE_SECONDS / 60} minutes: the loader cannot archive it to raw/ (S3 down, or its permissions).`,
            namespace: "AWS/SQS", metricName: "ApproximateAgeOfOldestMessage", dimensions: { QueueName: watched.fallbackQueueName },
            statistic: "Maximum", period: FIVE_MINUTES, evaluationPeriods: 1, threshold: FALLBACK_MAX_AGE_SECONDS,
            comparisonOperator: "GreaterThanThreshold", treatMissingData: "notBreaching",
        },
    ];
}
