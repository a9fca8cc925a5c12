/**
 * The one table of prices the cost model uses: AWS list prices in us-east-1, on demand, without the free tier.
 * Researched on 2026-12-01 from the sources named on each line (the pricing pages, and where they could not be
 * read here, recent pages that quote them); check them before you rely on a total.
 */

export const PRICES_DATE = "2026-12-01";
export const PRICES_REGION = "us-east-1";

export interface Price {
    /** US dollars per `per` units. */
    usd: number;
    per: number;
    unit: string;
    source: string;
}

/** Dollars for one unit. */
export function unitPrice(price: Price): number {
    return price.usd / price.per;
}

const ELB = "aws.amazon.com/elasticloadbalancing/pricing";
const LAMBDA = "aws.amazon.com/lambda/pricing";
const S3 = "aws.amazon.com/s3/pricing";
const DYNAMODB = "aws.amazon.com/dynamodb/pricing/on-demand (after the November 2024 cut; airbyte.com, 2025-07, quotes the same)";
const CLOUDWATCH = "aws.amazon.com/cloudwatch/pricing (cloudburn.io, 2026-02, \"sourced from the official AWS CloudWatch pricing page\", quotes the same)";
const GLUE = "aws.amazon.com/glue/pricing (\"$0.44 per DPU-Hour, billed per second\"; awsnegotiations.com, 2026-05: \"ten-minute minimum per crawl\")";

export const PRICES = {
    albHour: { usd: 0.0225, per: 1, unit: "ALB-hour", source: ELB },
    albLcuHour: { usd: 0.008, per: 1, unit: "LCU-hour", source: ELB },
    publicIpv4Hour: { usd: 0.005, per: 1, unit: "public IPv4 address-hour", source: "aws.amazon.com/vpc/pricing (since 2024-02-01)" },
    lambdaRequest: { usd: 0.2, per: 1e6, unit: "requests", source: LAMBDA },
    lambdaArmGbSecond: { usd: 0.0000133334, per: 1, unit: "GB-second (arm64)", source: LAMBDA },
    s3Put: { usd: 0.005, per: 1_000, unit: "PUT, COPY, POST or LIST requests", source: S3 },
    s3Get: { usd: 0.0004, per: 1_000, unit: "GET requests", source: S3 },
    s3StorageGbMonth: { usd: 0.023, per: 1, unit: "GB-month (S3 Standard, first 50 TB)", source: S3 },
    dynamodbWriteUnit: { usd: 0.625, per: 1e6, unit: "write request units", source: DYNAMODB },
    dynamodbReadUnit: { usd: 0.125, per: 1e6, unit: "read request units", source: DYNAMODB },
    dynamodbStorageGbMonth: { usd: 0.25, per: 1, unit: "GB-month", source: DYNAMODB },
    dynamodbPitrGbMonth: { usd: 0.2, per: 1, unit: "GB-month of continuous backup", source: DYNAMODB },
    glueDpuHour: { usd: 0.44, per: 1, unit: "DPU-hour, per second, 10-minute minimum per crawl", source: GLUE },
    athenaTbScanned: { usd: 5, per: 1, unit: "TB scanned, 10 MB minimum per query", source: "aws.amazon.com/athena/pricing" },
    logsIngestedGb: { usd: 0.5, per: 1, unit: "GB ingested (CloudWatch Logs)", source: CLOUDWATCH },
    customMetricMonth: { usd: 0.3, per: 1, unit: "custom metric-month (first 10,000; each name and dimension set is one; prorated by the hour it is published in; EMF adds no API charge)", source: CLOUDWATCH },
    alarmMetricMonth: { usd: 0.1, per: 1, unit: "standard-resolution alarm metric-month", source: CLOUDWATCH },
    dashboardMonth: { usd: 3, per: 1, unit: "dashboard-month (an account's first 3 of up to 50 metrics are free, not counted here)", source: CLOUDWATCH },
    kmsKeyMonth: { usd: 1, per: 1, unit: "customer managed KMS key-month", source: "aws.amazon.com/kms/pricing" },
    sqsRequest: { usd: 0.4, per: 1e6, unit: "standard-queue requests (each 64 KB of a message is one; first million a month free, not counted here)", source: "aws.amazon.com/sqs/pricing" },
} as const satisfies Record<string, Price>;

export type PriceTable = { readonly [K in keyof typeof PRICES]: Price };
