/**
 * Monitoring under mocks: the alarms (the heartbeat above all), the encrypted topic they go to and its key, the email
 * subscriptions, the log groups' retention, and the dashboard, every reference of which is checked against the
 * resources the stack registers.
 */
import * as assert from "assert";
import { Deployment, RecordedResource, physicalName } from "../../support/mocks";
import { METRICS, METRICS_NAMESPACE, metricDimensions } from "../../../shared/observability";
import { HEARTBEAT_HOURS } from "../../../components/monitoring/alarms";
import { DEFAULT_MONITORING } from "../../../bench/cost/model";
import { LOADER, RECEIVER_FUNCTION, RECEIVER_LOGS, T } from "./types";
import { ALARM_EMAILS, VARIANTS, deployConfig, deployed, policyOf } from "./variants";

const MONITORING = "healthscore-monitoring";
/** The stack the mocks run: `pulumi.getStack()`, the functions' `stack` dimension. */
const STACK = "test";

describe("monitoring (mocks)", () => {
    let https: Deployment;
    let configured: Deployment;
    const alarm = (key: string): RecordedResource => https.get(T.alarm, `${MONITORING}-${key}`);

    before(async function () {
        this.timeout(60_000);
        https = await deployed("https");
        configured = await deployed("configured");
    });

    describe("the heartbeat: no delivery in 26 hours", () => {
        it("sums Deliveries per hour and fires when all of the last 26 hours are below 1, no data counting as breaching", () => {
            const heartbeat = alarm("heartbeat").inputs;
            assert.deepStrictEqual(
                {
                    period: heartbeat.period, evaluationPeriods: heartbeat.evaluationPeriods, datapointsToAlarm: heartbeat.datapointsToAlarm,
                    statistic: heartbeat.statistic, comparisonOperator: heartbeat.comparisonOperator, threshold: heartbeat.threshold,
                    treatMissingData: heartbeat.treatMissingData,
                },
                { period: 3600, evaluationPeriods: 26, datapointsToAlarm: 26, statistic: "Sum", comparisonOperator: "LessThanThreshold", threshold: 1, treatMissingData: "breaching" });
            assert.strictEqual(HEARTBEAT_HOURS * heartbeat.period, 26 * 3600);
        });

        it("watches exactly the metric the receiver writes: its namespace, name and dimensions (shared/observability.ts)", () => {
            const heartbeat = alarm("heartbeat").inputs;
            assert.deepStrictEqual([heartbeat.namespace, heartbeat.metricName, heartbeat.dimensions], [METRICS_NAMESPACE, "Deliveries", metricDimensions(STACK)]);
            // ...and the receiver is told that stack: the dimension it writes.
            assert.strictEqual(https.get(T.function, RECEIVER_FUNCTION).inputs.environment.variables.HEALTHSCORE_STACK, STACK);
            assert.strictEqual(https.get(T.function, LOADER.function).inputs.environment.variables.HEALTHSCORE_STACK, STACK);
        });
    });

    it("alarms on each function's errors, by the function's name", () => {
        for (const [key, functionName] of [["receiver-errors", RECEIVER_FUNCTION], ["loader-errors", LOADER.function]]) {
            const inputs = alarm(key).inputs;
            assert.deepStrictEqual(
                [inputs.namespace, inputs.metricName, inputs.dimensions, inputs.statistic, inputs.period, inputs.threshold, inputs.comparisonOperator, inputs.treatMissingData],
                ["AWS/Lambda", "Errors", { FunctionName: https.get(T.function, functionName).state.name }, "Sum", 300, 1, "GreaterThanOrEqualToThreshold", "notBreaching"], key);
        }
    });

    it("alarms on any delivery not kept (SparkPost never retries), the receiver's metric with the stack's dimensions", () => {
        const inputs = alarm("deliveries-not-kept").inputs;
        assert.deepStrictEqual([inputs.namespace, inputs.metricName, inputs.dimensions, inputs.statistic, inputs.period, inputs.threshold, inputs.comparisonOperator, inputs.treatMissingData],
            [METRICS_NAMESPACE, "DeliveriesNotKept", metricDimensions(STACK), "Sum", 300, 1, "GreaterThanOrEqualToThreshold", "notBreaching"]);
    });

    it("alarms on rejected records, the loader's metric with the stack's dimensions", () => {
        const inputs = alarm("rejected-records").inputs;
        assert.deepStrictEqual([inputs.namespace, inputs.metricName, inputs.dimensions, inputs.statistic, inputs.threshold, inputs.comparisonOperator],
            [METRICS_NAMESPACE, "RecordsRejected", metricDimensions(STACK), "Sum", 1, "GreaterThanOrEqualToThreshold"]);
    });

    it("alarms on any dead letter, and on a fallback queue that does not drain, by the queues' names", () => {
        const deadLetters = alarm("dead-letters").inputs;
        assert.deepStrictEqual([deadLetters.namespace, deadLetters.metricName, deadLetters.dimensions, deadLetters.statistic, deadLetters.threshold, deadLetters.comparisonOperator],
            ["AWS/SQS", "ApproximateNumberOfMessagesVisible", { QueueName: https.get(T.queue, LOADER.deadLetterQueue).state.name }, "Maximum", 0, "GreaterThanThreshold"]);
        const fallback = alarm("fallback-not-draining").inputs;
        assert.deepStrictEqual([fallback.namespace, fallback.metricName, fallback.dimensions, fallback.statistic, fallback.threshold, fallback.comparisonOperator],
            ["AWS/SQS", "ApproximateAgeOfOldestMessage", { QueueName: https.get(T.queue, LOADER.fallbackQueue).state.name }, "Maximum", 900, "GreaterThanThreshold"]);
    });

    it("sends every alarm, and its end, to the one topic; and watches only metrics that exist (ours are in METRICS)", () => {
        const topicArn = https.only(T.topic).state.arn;
        const alarms = https.all(T.alarm);
        // The cost model (bench/cost/model.ts) counts them too.
        assert.strictEqual(alarms.length, DEFAULT_MONITORING.alarms);
        for (const { name, inputs } of alarms) {
            assert.deepStrictEqual([inputs.alarmActions, inputs.okActions], [[topicArn], [topicArn]], name);
            assert.ok(typeof inputs.alarmDescription === "string" && inputs.alarmDescription.length > 20, name);
            if (inputs.namespace === METRICS_NAMESPACE) assert.ok(inputs.metricName in METRICS, name);
        }
    });

    describe("the topic", () => {
        it("is encrypted with a key of the stack's own, which CloudWatch may use for this account's alarms (aws/sns could not be)", () => {
            const topic = https.only(T.topic);
            const key = https.only(T.kmsKey);
            assert.strictEqual(topic.inputs.kmsMasterKeyId, key.state.arn);
            assert.notStrictEqual(topic.inputs.kmsMasterKeyId, "alias/aws/sns");
            assert.strictEqual(key.inputs.enableKeyRotation, true);
            const statements = policyOf(key).Statement;
            const cloudwatch = statements.find((statement: any) => statement.Principal?.Service === "cloudwatch.amazonaws.com");
            assert.deepStrictEqual(cloudwatch.Action, ["kms:Decrypt", "kms:GenerateDataKey*"]);
            assert.deepStrictEqual(cloudwatch.Condition, {
                StringEquals: { "aws:SourceAccount": "123456789012" },
                ArnLike: { "aws:SourceArn": "arn:aws:cloudwatch:us-east-1:123456789012:alarm:*" },
            });
            assert.deepStrictEqual(statements.find((statement: any) => statement.Action === "kms:*").Principal, { AWS: "arn:aws:iam::123456789012:root" });
        });

        it("has an email subscription per alarmEmails address, and none by default", () => {
            assert.deepStrictEqual(https.all(T.topicSubscription), []);
            const subscriptions = configured.all(T.topicSubscription);
            assert.deepStrictEqual(subscriptions.map((s) => [s.inputs.protocol, s.inputs.endpoint, s.inputs.topic]),
                ALARM_EMAILS.map((email) => ["email", email, configured.only(T.topic).state.arn]));
        });

        it("names each subscription after its address, so removing one address leaves the others' subscriptions in place", async () => {
            const names = (deployment: Deployment) => new Map(deployment.all(T.topicSubscription).map((s) => [s.inputs.endpoint, s.name]));
            const all = names(configured);
            const fewer = names(await deployConfig({ ...VARIANTS.configured, alarmEmails: ALARM_EMAILS.slice(1).join(", ") }));
            assert.strictEqual(fewer.size, ALARM_EMAILS.length - 1);
            for (const [email, name] of fewer) assert.strictEqual(name, all.get(email), email);
        });
    });

    it("keeps both functions' logs in log groups of their own, with the configured retention", () => {
        for (const [deployment, days] of [[https, 30], [configured, 90]] as const) {
            for (const logs of [RECEIVER_LOGS, LOADER.logs]) assert.strictEqual(deployment.get(T.logGroup, logs).inputs.retentionInDays, days, logs);
            assert.strictEqual(deployment.get(T.function, RECEIVER_FUNCTION).inputs.loggingConfig.logGroup, physicalName(RECEIVER_LOGS));
            assert.strictEqual(deployment.get(T.function, LOADER.function).inputs.loggingConfig.logGroup, physicalName(LOADER.logs));
        }
    });

    describe("the dashboard", () => {
        let widgets: any[];
        before(() => {
            widgets = JSON.parse(https.only(T.dashboard).inputs.dashboardBody).widgets;
        });

        it("shows deliveries, duration, errors, band counts and the alarms' states", () => {
            const titles = widgets.map((widget) => widget.properties.title).join(" | ");
            for (const shown of ["Deliveries", "Duration", "errors", "Health Score band", "Alarms"]) assert.ok(titles.includes(shown), `${shown} in ${titles}`);
            const metricNames = widgets.flatMap((widget) => (widget.properties.metrics ?? []).map((line: any[]) => line[1]));
            for (const name of ["Deliveries", "Duration", "Errors", "SubaccountsBad", "SubaccountsNeedsImprovement", "SubaccountsGood", "AccountHealthScore"]) assert.ok(metricNames.includes(name), name);
        });

        it("refers only to metrics and alarms the stack really has", () => {
            const functionNames = https.all(T.function).map((fn) => fn.state.name);
            const alarmArns = https.all(T.alarm).map((a) => a.state.arn);
            let checked = 0;
            for (const widget of widgets) {
                if (widget.type === "alarm") {
                    assert.deepStrictEqual([...widget.properties.alarms].sort(), [...alarmArns].sort());
                    checked += widget.properties.alarms.length;
                    continue;
                }
                assert.strictEqual(widget.properties.region, "us-east-1");
                for (const line of widget.properties.metrics) {
                    const [namespace, name, ...rest] = line;
                    const dimensions = Object.fromEntries(rest.filter((item: unknown) => typeof item === "string").reduce((pairs: string[][], item: string, i: number) => (i % 2 === 0 ? [...pairs, [item]] : (pairs[pairs.length - 1].push(item), pairs)), []));
                    if (namespace === METRICS_NAMESPACE) {
                        assert.ok(name in METRICS, name);
                        assert.deepStrictEqual(dimensions, metricDimensions(STACK), name);
                    } else {
                        assert.strictEqual(namespace, "AWS/Lambda", name);
                        assert.ok(functionNames.includes(dimensions.FunctionName), `${name} of ${dimensions.FunctionName}`);
                    }
                    checked++;
                }
            }
            assert.ok(checked >= 15, `${checked} references`);
        });

        it("is named after the project and the stack", () => {
            assert.strictEqual(https.only(T.dashboard).inputs.dashboardName, "healthscore-test-us-east-1");
            assert.strictEqual(https.outputs.dashboardName, "healthscore-test-us-east-1");
            assert.strictEqual(https.outputs.alarmTopicArn, https.only(T.topic).state.arn);
        });
    });
});
