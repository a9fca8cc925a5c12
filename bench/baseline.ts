/**
 * The original implementation's approach, re-implemented to measure it under the same latency model: for each
 * element of the delivery, one after another,
 *
 * 1. S3 GetObject of `HS-<alert_id>-<subaccount_id>-<epoch>` to check whether it was stored before (a
 *    redelivery: the element is skipped; every element the benchmark sends is new, so each makes all 3 calls),
 * 2. S3 PutObject of that key, the element as JSON,
 * 3. DynamoDB PutItem of the element under a random UUID.
 *
 * `<epoch>` is `triggered_at` in epoch seconds, and the account overall (`filters: {}`) is subaccount -1, as the
 * original stored it. No validation: the original parsed the body and wrote what it found. Lambda ended it at its
 * 10 s timeout, so whatever was not written by then was lost; {@link BaselineOptions.deadline} stands for that.
 */
import { randomUUID } from "crypto";
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, NoSuchKey, PutObjectCommand } from "@aws-sdk/client-s3";
import { CreateTableCommand, PutItemCommand, ScanCommand } from "@aws-sdk/client-dynamodb";
import { marshall } from "@aws-sdk/util-dynamodb";
import type { AwsClients, PipelineDefinition, StoreNames } from "./pipelines/pipeline";

/** The original's Lambda timeout. */
export const ORIGINAL_TIMEOUT_MS = 10_000;

export const BASELINE_HASH_KEY = "id";

interface OriginalAlert {
    alert_id: number;
    triggered_at: string;
    filters?: { subaccount_id?: number };
    [field: string]: unknown;
}

export function originalObjectKey(alert: Pick<OriginalAlert, "alert_id" | "triggered_at" | "filters">): string {
    const epoch = Math.floor(Date.parse(alert.triggered_at) / 1000);
    return `HS-${alert.alert_id}-${alert.filters?.subaccount_id ?? -1}-${epoch}`;
}

export interface BaselineOptions extends AwsClients, StoreNames {
    /** When the invocation would be killed (epoch ms); no call starts after it. */
    deadline?: number;
}

export interface BaselineResult {
    /** Elements whose three calls all completed. */
    stored: number;
    timedOut: boolean;
}

export async function runBaseline(body: Buffer, options: BaselineOptions): Promise<BaselineResult> {
    const alerts = JSON.parse(body.toString("utf8")) as OriginalAlert[];
    const pastDeadline = () => options.deadline !== undefined && Date.now() >= options.deadline;
    let stored = 0;
    for (const alert of alerts) {
        const key = originalObjectKey(alert);
        if (pastDeadline()) return { stored, timedOut: true };
        if (await objectExists(options, key)) continue;
        if (pastDeadline()) return { stored, timedOut: true };
        await options.s3.send(new PutObjectCommand({ Bucket: options.bucketName, Key: key, Body: JSON.stringify(alert), ContentType: "application/json" }));
        if (pastDeadline()) return { stored, timedOut: true };
        await options.dynamodb.send(new PutItemCommand({
            TableName: options.tableName,
            Item: marshall({ [BASELINE_HASH_KEY]: randomUUID(), ...alert, subaccount_id: alert.filters?.subaccount_id ?? -1 }, { removeUndefinedValues: true }),
        }));
        stored += 1;
    }
    return { stored, timedOut: false };
}

async function objectExists(options: BaselineOptions, key: string): Promise<boolean> {
    try {
        const object = await options.s3.send(new GetObjectCommand({ Bucket: options.bucketName, Key: key }));
        await object.Body?.transformToByteArray();
        return true;
    } catch (err) {
        if (err instanceof NoSuchKey || (err as { name?: string }).name === "NoSuchKey") return false;
        throw err;
    }
}

/** The original design's bucket and table (hash key `id`, on-demand). */
export async function createBaselineStore(clients: AwsClients, names: StoreNames): Promise<void> {
    await clients.s3.send(new CreateBucketCommand({ Bucket: names.bucketName }));
    await clients.dynamodb.send(new CreateTableCommand({
        TableName: names.tableName,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [{ AttributeName: BASELINE_HASH_KEY, AttributeType: "S" }],
        KeySchema: [{ AttributeName: BASELINE_HASH_KEY, KeyType: "HASH" }],
    }));
}

/** Counts a delivery's objects (by key) and items (by `triggered_at`, with a Scan: the original had no other way). */
async function readBackBaseline(clients: AwsClients, names: StoreNames, alertId: number, triggeredAt: Date): Promise<{ inTable: number; inLake: number }> {
    const epoch = Math.floor(triggeredAt.getTime() / 1000);
    let inLake = 0;
    let token: string | undefined;
    do {
        const page = await clients.s3.send(new ListObjectsV2Command({ Bucket: names.bucketName, Prefix: `HS-${alertId}-`, ContinuationToken: token }));
        inLake += (page.Contents ?? []).filter((object) => object.Key!.endsWith(`-${epoch}`)).length;
        token = page.NextContinuationToken;
    } while (token);
    let inTable = 0;
    let startKey: Record<string, any> | undefined;
    do {
        const page = await clients.dynamodb.send(new ScanCommand({
            TableName: names.tableName,
            FilterExpression: "triggered_at = :at",
            ExpressionAttributeValues: { ":at": { S: triggeredAt.toISOString() } },
            Select: "COUNT",
            ExclusiveStartKey: startKey,
        }));
        inTable += page.Count ?? 0;
        startKey = page.LastEvaluatedKey;
    } while (startKey);
    return { inTable, inLake };
}

export const baselinePipeline: PipelineDefinition = {
    id: "baseline",
    title: "original approach",
    description: "per element, one after another: S3 GetObject (exists?), S3 PutObject of `HS-<alert_id>-<subaccount_id>-<epoch>`, " +
        "DynamoDB PutItem under a random UUID; stopped at the original's 10 s Lambda timeout.",
    settleMs: 0,
    async create(context) {
        return {
            async deliver(delivery) {
                const deadline = context.timeoutMs === undefined ? undefined : Date.now() + context.timeoutMs;
                const result = await runBaseline(delivery.body, { ...context.proxied, ...context.baselineStore, deadline });
                // What an ALB answers when its Lambda target times out.
                return result.timedOut ? { status: 502, body: `timed out after ${result.stored} elements` } : { status: 200, body: `${result.stored} stored` };
            },
            readBack(delivery) {
                const [first] = JSON.parse(delivery.body.toString("utf8")) as OriginalAlert[];
                return readBackBaseline(context.direct, context.baselineStore, first.alert_id, delivery.triggeredAt);
            },
            async close() {
                // The clients belong to the harness.
            },
        };
    },
};
