/**
 * The whole stack for one validated configuration: the token, the store, the ingest, and the stack outputs.
 * index.ts calls this with the stack's config; the mocks tests call it once per configuration variant.
 */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { GENERATED_TOKEN_LENGTH } from "../shared/limits";
import { StackSettings } from "../shared/settings";
import { HealthScoreIngest } from "./healthScoreIngest";
import { HealthScoreLoader, loaderReservation } from "./healthScoreLoader";
import { receiverReservation } from "./receiverFunction";
import { HealthScoreMonitoring } from "./healthScoreMonitoring";
import { HealthScoreStore } from "./healthScoreStore";
import { SparkPostAlert } from "./sparkpostAlert";

export interface StackOutputs {
    /** The URL for the SparkPost alert. Secret: it holds the token. */
    endpointUrl: pulumi.Output<string>;
    bucketName: pulumi.Output<string>;
    tableName: pulumi.Output<string>;
    /** The receiver Lambda, and the CloudWatch Logs group it writes to: where to look first when a delivery fails. */
    functionName: pulumi.Output<string>;
    logGroupName: pulumi.Output<string>;
    /** The loader, which `replay` invokes against a deployed stack, and its log group. */
    loaderFunctionName: pulumi.Output<string>;
    loaderLogGroupName: pulumi.Output<string>;
    /** Where failed loads wait; `replay --dead-letters` reads it. */
    deadLetterQueueUrl: pulumi.Output<string>;
    /** The SNS topic the alarms go to (subscribe to it beyond `alarmEmails`), and the CloudWatch dashboard. */
    alarmTopicArn: pulumi.Output<string>;
    dashboardName: pulumi.Output<string>;
    /** SparkPost's id of the alert the stack created: only with `sparkpostApiKey`. */
    sparkpostAlertId?: pulumi.Output<number>;
    /** The lake's names: absent with `lake: none`, and the crawler's with `lake: projection` (no undefined outputs). */
    glueDatabaseName?: pulumi.Output<string>;
    crawlerName?: pulumi.Output<string>;
    athenaWorkgroupName?: pulumi.Output<string>;
}

export function createProgram(settings: StackSettings, name = "healthscore"): StackOutputs {
    const webhookToken = settings.token.webhookToken !== undefined ? pulumi.secret(settings.token.webhookToken) : generateToken(name);
    const previousWebhookToken = settings.token.previousWebhookToken !== undefined ? pulumi.secret(settings.token.previousWebhookToken) : undefined;

    const store = new HealthScoreStore(name, {
        store: settings.store,
        deletionProtection: settings.deletionProtection,
        lake: settings.lake,
    });
    const loader = new HealthScoreLoader(`${name}-loader`, {
        store,
        loader: settings.loader,
        logRetentionDays: settings.lambda.logRetentionDays,
        reservedAlongside: [receiverReservation(settings.lambda)],
    });
    const ingest = new HealthScoreIngest(`${name}-ingest`, {
        store,
        fallbackQueue: { url: loader.fallbackQueue.url, arn: loader.fallbackQueue.arn },
        webhookToken,
        previousWebhookToken,
        ingress: settings.ingress,
        lambda: settings.lambda,
        reservedAlongside: [loaderReservation(settings.loader)],
        alb: settings.alb,
        deletionProtection: settings.deletionProtection,
    });

    const monitoring = new HealthScoreMonitoring(`${name}-monitoring`, {
        receiverFunctionName: ingest.functionName,
        loaderFunctionName: loader.functionName,
        deadLetterQueueName: loader.deadLetterQueue.name,
        fallbackQueueName: loader.fallbackQueue.name,
        monitoring: settings.monitoring,
    });

    const alert = createSparkPostAlert(name, settings.sparkpost, ingest);

    const lake = store.lake;
    return {
        endpointUrl: ingest.endpointUrl,
        bucketName: store.bucketName,
        tableName: store.tableName,
        functionName: ingest.functionName,
        logGroupName: ingest.logGroupName,
        loaderFunctionName: loader.functionName,
        loaderLogGroupName: loader.logGroup.name,
        deadLetterQueueUrl: loader.deadLetterQueue.url,
        alarmTopicArn: monitoring.topic.arn,
        dashboardName: monitoring.dashboard.dashboardName,
        ...(lake ? { glueDatabaseName: lake.glueDatabaseName, athenaWorkgroupName: lake.athenaWorkgroupName } : {}),
        ...(lake?.crawlerName ? { crawlerName: lake.crawlerName } : {}),
        ...(alert ? { sparkpostAlertId: alert.alertId } : {}),
    };
}

/**
 * The SparkPost alert that posts to the endpoint, when an API key is configured: created once the ingest is in
 * place (its URL answers), updated in place when the URL or the token changes. Its target holds the token and its
 * key is a key: both secret in the inputs, the outputs and the state (SparkPostAlert sees to it).
 */
function createSparkPostAlert(name: string, sparkpost: StackSettings["sparkpost"], ingest: HealthScoreIngest): SparkPostAlert | undefined {
    if (sparkpost.sparkpostApiKey === undefined) return undefined;
    return new SparkPostAlert(`${name}-sparkpost-alert`, {
        apiKey: pulumi.secret(sparkpost.sparkpostApiKey),
        target: ingest.endpointUrl,
        name: sparkpost.sparkpostAlertName,
        region: sparkpost.sparkpostRegion,
        apiBaseUrl: sparkpost.sparkpostApiUrl,
        muted: sparkpost.sparkpostAlertMuted,
    }, { dependsOn: [ingest] });
}

/**
 * A token made once and kept in the state: letters and digits only (special false), so it is URL-safe and
 * matches the handler's token format.
 */
function generateToken(name: string): pulumi.Output<string> {
    return new random.RandomPassword(`${name}-webhook-token`, { length: GENERATED_TOKEN_LENGTH, special: false }).result;
}
