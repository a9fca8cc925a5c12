/**
 * Watching the stack: alarms (components/monitoring/alarms.ts) to an SNS topic encrypted with a key of its own,
 * optional email subscriptions, and a dashboard (components/monitoring/dashboard.ts).
 *
 * Why a key of its own: CloudWatch publishes an alarm to an encrypted topic only if the topic's key lets the
 * service principal `cloudwatch.amazonaws.com` use it (kms:Decrypt and kms:GenerateDataKey*). The AWS managed key
 * `alias/aws/sns` has a policy nobody can change, so alarms sent to a topic encrypted with it are dropped without an
 * error. ("Enable compatibility between event sources from AWS services and encrypted topics",
 * https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services.) The store's
 * `kmsKeyArn`, when set, is the user's key, whose policy the stack does not own either.
 */
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { ArgsOf, resolveGroup } from "../shared/settings";
import { AlarmSpec, alarmSpecs } from "./monitoring/alarms";
import { dashboardBody } from "./monitoring/dashboard";

export interface HealthScoreMonitoringArgs {
    receiverFunctionName: pulumi.Input<string>;
    loaderFunctionName: pulumi.Input<string>;
    deadLetterQueueName: pulumi.Input<string>;
    fallbackQueueName: pulumi.Input<string>;
    /** The `monitoring` group of the settings table (alarmEmails). */
    monitoring?: ArgsOf<"monitoring">;
}

export class HealthScoreMonitoring extends pulumi.ComponentResource {
    public readonly topic: aws.sns.Topic;
    public readonly topicKey: aws.kms.Key;
    public readonly alarms: aws.cloudwatch.MetricAlarm[];
    public readonly dashboard: aws.cloudwatch.Dashboard;

    constructor(name: string, args: HealthScoreMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
        const monitoring = resolveGroup("HealthScoreMonitoring", "monitoring", args.monitoring);
        super("healthscore:index:HealthScoreMonitoring", name, {}, opts);

        this.topicKey = this.createTopicKey(name);
        this.topic = new aws.sns.Topic(`${name}-alarms`, { kmsMasterKeyId: this.topicKey.arn }, { parent: this });
        for (const email of monitoring.alarmEmails) {
            // Named after the address, not its place in the list: removing one address leaves the others' (each
            // confirmed by its owner) as they are.
            new aws.sns.TopicSubscription(`${name}-alarm-email-${subscriptionSuffix(email)}`, { topic: this.topic.arn, protocol: "email", endpoint: email }, { parent: this });
        }

        const specs = alarmSpecs({ stack: pulumi.getStack(), ...args });
        this.alarms = specs.map((spec) => this.createAlarm(name, spec));
        this.dashboard = this.createDashboard(name, args);

        this.registerOutputs({ topicArn: this.topic.arn, dashboardName: this.dashboard.dashboardName });
    }

    /**
     * The topic's key: administered through IAM in this account (the usual root statement), and usable by
     * CloudWatch for this account's alarms only. CloudWatch's calls carry aws:SourceAccount and aws:SourceArn (the
     * alarm), unlike EventBridge's, whose KMS requests carry neither (AWS's Modern Data Architecture Accelerator,
     * grantCloudWatchAlarmsTopicAccess, conditions its grant the same way). To check after a first deploy:
     * `aws cloudwatch set-alarm-state` on an alarm, then `describe-alarm-history --history-item-type Action`.
     */
    private createTopicKey(name: string): aws.kms.Key {
        const account = aws.getCallerIdentityOutput({}, { parent: this });
        const region = aws.getRegionOutput({}, { parent: this });
        const partition = aws.getPartitionOutput({}, { parent: this });
        const policy = pulumi.all([account.accountId, region.region, partition.partition]).apply(([accountId, regionName, partitionName]) => JSON.stringify({
            Version: "2012-10-17",
            Statement: [
                { Sid: "AccountAdministersTheKey", Effect: "Allow", Principal: { AWS: `arn:${partitionName}:iam::${accountId}:root` }, Action: "kms:*", Resource: "*" },
                {
                    Sid: "CloudWatchAlarmsPublishToTheTopic",
                    Effect: "Allow",
                    Principal: { Service: "cloudwatch.amazonaws.com" },
                    Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
                    Resource: "*",
                    Condition: {
                        StringEquals: { "aws:SourceAccount": accountId },
                        ArnLike: { "aws:SourceArn": `arn:${partitionName}:cloudwatch:${regionName}:${accountId}:alarm:*` },
                    },
                },
            ],
        }));
        return new aws.kms.Key(`${name}-alarms-key`, {
            description: "Encrypts the Health Score Ingest alarm topic; CloudWatch may use it to publish this account's alarms.",
            enableKeyRotation: true,
            policy,
        }, { parent: this });
    }

    private createAlarm(name: string, spec: AlarmSpec<pulumi.Input<string>>): aws.cloudwatch.MetricAlarm {
        const { key, description, ...metric } = spec;
        return new aws.cloudwatch.MetricAlarm(`${name}-${key}`, {
            alarmDescription: description,
            ...metric,
            // OK too: a person who was told of a problem hears when it is over.
            alarmActions: [this.topic.arn],
            okActions: [this.topic.arn],
        }, { parent: this });
    }

    private createDashboard(name: string, args: HealthScoreMonitoringArgs): aws.cloudwatch.Dashboard {
        const region = aws.getRegionOutput({}, { parent: this });
        const body = pulumi.all([region.region, args.receiverFunctionName, args.loaderFunctionName, pulumi.all(this.alarms.map((alarm) => alarm.arn))])
            .apply(([regionName, receiverFunctionName, loaderFunctionName, alarmArns]) =>
                JSON.stringify(dashboardBody({ stack: pulumi.getStack(), region: regionName, receiverFunctionName, loaderFunctionName, alarmArns })));
        return new aws.cloudwatch.Dashboard(`${name}-dashboard`, {
            // Dashboard names allow letters, digits and -_ only, and are unique in the account, across Regions ("All
            // dashboards in your account are global, not region-specific", PutDashboard): the project, stack and Region.
            dashboardName: region.region.apply((regionName) => `${pulumi.getProject()}-${pulumi.getStack()}-${regionName}`.replace(/[^A-Za-z0-9_-]/g, "-")),
            dashboardBody: body,
        }, { parent: this });
    }
}

/** A short, stable name part for an address (case-insensitive, as email domains are). */
function subscriptionSuffix(email: string): string {
    return createHash("sha256").update(email.toLowerCase()).digest("hex").slice(0, 12);
}
