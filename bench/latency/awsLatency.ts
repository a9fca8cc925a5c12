/**
 * The AWS latency model: what a Lambda function sees calling each service in its own Region over a warm
 * keep-alive connection (SDK v3 keeps connections alive by default). AWS publishes no percentiles for these
 * calls, only "single-digit millisecond" service-side latency for DynamoDB; the figures below combine the
 * published measurements cited on each line with assumptions, labelled as such. Researched 2026-12-01.
 *
 * Where AWS says something about latency:
 * - DynamoDB: "For most atomic operations, such as GetItem and PutItem, an average latency is in single-digit
 *   milliseconds. Latency for non-atomic operations, such as Query, Scan, BatchGetItem and BatchWriteItem, depend
 *   on many factors." (AWS re:Post knowledge center, dynamodb-high-latency)
 * - S3: small requests (under 512 KB) have "median latencies ... in the tens of milliseconds range"; retry a GET
 *   or PUT after 2 s (whitepaper "Best Practices Design Patterns: Optimizing Amazon S3 Performance", Timeouts and
 *   Retries for Latency-Sensitive Applications); "consistent small object latencies ... of roughly 100–200
 *   milliseconds" (S3 performance guidelines), read here as the tail.
 * - S3 event notifications: "typically delivered in seconds but can sometimes take a minute or longer" (S3 user
 *   guide, "Amazon S3 Event Notifications"); AWS gives no median for the hop from an object's creation to the
 *   Lambda invocation.
 */
import type { LatencyModel } from "./model";

const BURNING_MONK = "Yan Cui, theburningmonk.com (2019): Lambda → DynamoDB PutItem averaged about 10 ms with keep-alive, 33 ms without";
const KKC = "kkc.github.io/2020/03/16/s3-latency: Lambda us-east-1 → S3 us-east-1 upload of a 60 KB object, 60–133 ms";
const DEBRIE = "Alex DeBrie, github.com/alexdebrie/dynamodb-performance-testing (Lambda client, about 2020)";
const S3_GUIDELINES = "S3 performance guidelines: small objects roughly 100–200 ms (the tail); S3 whitepaper: medians in the tens of ms";

/** S3 bodies at least this large take the 1 MB figures (an assumption: the published figures are for ≤ 100 KB and 1 MB). */
export const LARGE_OBJECT_BYTES = 256 * 1024;

export const AWS_LATENCY: LatencyModel = {
    "dynamodb:PutItem": { p50Ms: 8, p99Ms: 30, source: `${BURNING_MONK}; p99 assumed at 3× the average` },
    "dynamodb:PutItem:conditional": { p50Ms: 9, p99Ms: 35, source: "as PutItem, plus the condition's evaluation (assumption)" },
    "dynamodb:GetItem": { p50Ms: 8, p99Ms: 30, source: `as PutItem (${BURNING_MONK}); AWS: single-digit ms average for atomic operations` },
    "dynamodb:Query": { p50Ms: 10, p99Ms: 40, source: "assumption from GetItem for one page of a few KB; AWS re:Post: non-atomic operations \"depend on many factors\"" },
    "dynamodb:BatchWriteItem": { p50Ms: 20, p99Ms: 60, source: `assumption: 25 items of about 0.5 KB written in parallel server-side (${DEBRIE}: 10 ms p50, 28 ms p99); AWS re:Post as for Query` },
    "dynamodb:TransactWriteItems": { p50Ms: 32, p99Ms: 98, source: `${DEBRIE}: TransactWriteItems of 25 items, 32.1 ms p50, 97.5 ms p99 (5 items: 25.3 ms, 92.5 ms)` },
    "dynamodb:TransactWriteItems:large": {
        p50Ms: 58,
        p99Ms: 117,
        source: `assumption for 26 to 100 items: ${DEBRIE}'s 5- and 25-item figures extended in a straight line to 100 items (+0.35 ms p50, +0.25 ms p99 an item)`,
    },
    "s3:PutObject": { p50Ms: 60, p99Ms: 200, source: `${KKC}; ${S3_GUIDELINES}` },
    "s3:PutObject:large": { p50Ms: 90, p99Ms: 300, source: "assumption for about 1 MB: the small-object figure plus transfer at 50–100 MB/s per stream from Lambda" },
    "s3:GetObject": { p50Ms: 25, p99Ms: 150, source: `${S3_GUIDELINES}; the median assumed at tens of ms (low confidence)` },
    "s3:GetObject:large": { p50Ms: 55, p99Ms: 250, source: "assumption for about 1 MB: GetObject plus the transfer time PutObject's 1 MB figure implies" },
    "s3:HeadObject": { p50Ms: 25, p99Ms: 150, source: "as GetObject of a small object (assumption)" },
    "s3:ListObjects": { p50Ms: 40, p99Ms: 200, source: "assumption: as GetObject of a page of keys (up to 1,000), a little slower at the median" },
    "s3:EventNotification": {
        p50Ms: 200,
        p99Ms: 1_500,
        source: "assumption: lukehoban/lambdaperf (event source → Lambda → write, one after another): SQS about 125 ms a hop, " +
            "S3 notifications slower than SQS and SNS and less steady; AWS S3 docs: notifications are \"typically delivered in " +
            "seconds but can sometimes take a minute or longer\" (the far tail, beyond this model)",
    },
    "sqs:SendMessage": { p50Ms: 15, p99Ms: 60, source: "assumption (no AWS figure found): standard queues replicate across AZs before they acknowledge" },
};
