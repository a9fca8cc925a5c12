/**
 * Monthly cost of receiving one Health Score delivery a day, per design, from the one price table. Pure: every
 * measured input (durations, sizes) is passed in, and every assumption is a named field of {@link CostAssumptions}.
 */
import { METRICS } from "../../shared/observability";
import { PriceTable, unitPrice } from "./prices";

export type Design = "alb" | "function-url" | "original";

export interface CostAssumptions {
    deliveriesPerMonth: number;
    hoursPerMonth: number;
    /** The receiver's memory (`lambdaMemoryMb`, 256 MB), and the original design's function's. */
    lambdaMemoryGb: number;
    /** The loader's memory (`loaderMemoryMb`, 1,024 MB). */
    loaderMemoryGb: number;
    /**
     * The loader's event source mapping long-polls the fallback queue even when it is empty: Lambda keeps this many
     * pollers, each waiting up to `sqsLongPollSeconds` per ReceiveMessage (an assumption: AWS documents the
     * pollers but no idle request rate; idle polling is billed as ReceiveMessage requests). The dead-letter queue
     * and the fallback queue's messages cost nothing while S3 takes every body.
     */
    sqsPollers: number;
    sqsLongPollSeconds: number;
    /** Public IPv4 addresses of an internet-facing ALB: one per Availability Zone, at least 2. */
    albPublicAddresses: number;
    /** A Lambda target's processed bytes count against an LCU at 0.4 GB an hour. */
    albLcuGbPerHour: number;
    /** The ALB passes at most this many bytes to a Lambda target. */
    albMaxBodyBytes: number;
    /**
     * DynamoDB write units per stored element: history item + its index entry, latest entry + the index's delete and
     * put; the latest entry is written in a transaction, which takes 2 WRU per 1 KB (DynamoDB developer guide,
     * "Read/write capacity mode": transactional writes prepare, then commit).
     */
    writeUnitsPerElement: number;
    /** Per delivery: the delivery item (1 WRU) and its lookup (a strongly consistent read, 1 RRU). */
    writeUnitsPerDelivery: number;
    readUnitsPerDelivery: number;
    /** DynamoDB bytes per element kept: the history item, its copy in the record_id index (projection ALL). */
    tableBytesPerElement: number;
    historyRetentionDays: number;
    rawRetentionDays: number;
    /** Months of lake rows kept when the cost is taken (they are kept forever by default). */
    lakeMonthsKept: number;
    /** The daily crawl: its DPUs and billed minutes (the minimum). */
    crawlerDpu: number;
    crawlerMinutes: number;
    athenaQueriesPerMonth: number;
    /** Each query reads this many days of lake data (at least Athena's 10 MB minimum). */
    athenaDaysScanned: number;
    logBytesPerDelivery: number;
    /** The original design: a DynamoDB item per element (1 WRU, kept forever) and an S3 object per element. */
    originalTimeoutMs: number;
    originalBytesPerElement: number;
}

export const DEFAULT_ASSUMPTIONS: CostAssumptions = {
    deliveriesPerMonth: 30,
    hoursPerMonth: 730,
    lambdaMemoryGb: 0.25,
    loaderMemoryGb: 1,
    sqsPollers: 5,
    sqsLongPollSeconds: 20,
    albPublicAddresses: 2,
    albLcuGbPerHour: 0.4,
    albMaxBodyBytes: 1024 * 1024,
    writeUnitsPerElement: 6,
    writeUnitsPerDelivery: 1,
    readUnitsPerDelivery: 1,
    tableBytesPerElement: 2 * 700,
    historyRetentionDays: 30,
    rawRetentionDays: 90,
    lakeMonthsKept: 12,
    crawlerDpu: 2,
    crawlerMinutes: 10,
    athenaQueriesPerMonth: 120,
    athenaDaysScanned: 30,
    logBytesPerDelivery: 1_000,
    originalTimeoutMs: 10_000,
    originalBytesPerElement: 300,
};

export interface DeliveryShape {
    subaccounts: number;
    bodyBytes: number;
    /** Lake objects written per delivery (NDJSON of the records). */
    lakeBytes: number;
    /** How long the function runs per delivery, in this design: the receiver's time to answer, or the original's function. */
    durationMs: number;
    /** This project's loader, per delivery (absent: the receiver stores, as before the loader existed). */
    loaderDurationMs?: number;
}

export interface LineItem {
    item: string;
    usd: number;
}

export interface MonthlyCost {
    design: Design;
    subaccounts: number;
    /** False when the design cannot take the delivery at all (an ALB's 1 MB limit). */
    deliverable: boolean;
    /** Elements the design stores of each delivery (the original loses those after its timeout). */
    storedElements: number;
    usd: number;
    items: LineItem[];
}

const GB = 1e9;
const TB = 1e12;
const TEN_MB = 10e6;

export function monthlyCost(design: Design, delivery: DeliveryShape, prices: PriceTable, a: CostAssumptions = DEFAULT_ASSUMPTIONS): MonthlyCost {
    const elements = delivery.subaccounts + 1;
    const n = a.deliveriesPerMonth;
    const items: LineItem[] = [];
    const add = (item: string, usd: number) => items.push({ item, usd });
    const deliverable = design === "function-url" || delivery.bodyBytes <= a.albMaxBodyBytes;

    if (design !== "function-url") {
        add("ALB hours", a.hoursPerMonth * unitPrice(prices.albHour));
        add("ALB public IPv4 addresses", a.albPublicAddresses * a.hoursPerMonth * unitPrice(prices.publicIpv4Hour));
        // One delivery an hour at most: its bytes are the largest LCU dimension of that hour.
        add("ALB LCUs", n * (delivery.bodyBytes / GB / a.albLcuGbPerHour) * unitPrice(prices.albLcuHour));
    }
    if (!deliverable) return { design, subaccounts: delivery.subaccounts, deliverable, storedElements: 0, usd: sum(items), items };

    const durationMs = design === "original" ? Math.min(delivery.durationMs, a.originalTimeoutMs) : delivery.durationMs;
    const loads = design !== "original" && delivery.loaderDurationMs !== undefined;
    add("Lambda requests", n * (loads ? 2 : 1) * unitPrice(prices.lambdaRequest));
    add(design === "original" ? "Lambda duration" : "Lambda duration (receiver)", n * a.lambdaMemoryGb * (durationMs / 1000) * unitPrice(prices.lambdaArmGbSecond));
    if (loads) add("Lambda duration (loader)", n * a.loaderMemoryGb * (delivery.loaderDurationMs! / 1000) * unitPrice(prices.lambdaArmGbSecond));
    add("CloudWatch Logs", n * (loads ? 2 : 1) * (a.logBytesPerDelivery / GB) * unitPrice(prices.logsIngestedGb));

    if (design === "original") {
        const stored = delivery.durationMs <= a.originalTimeoutMs ? elements : Math.floor(elements * (a.originalTimeoutMs / delivery.durationMs));
        add("S3 requests (GET + PUT per element)", n * stored * (unitPrice(prices.s3Get) + unitPrice(prices.s3Put)));
        add("DynamoDB writes (1 WRU per element)", n * stored * unitPrice(prices.dynamodbWriteUnit));
        // Nothing expires: the month's figure after lakeMonthsKept months.
        const keptBytes = a.lakeMonthsKept * n * stored * a.originalBytesPerElement;
        add("S3 storage", (keptBytes / GB) * unitPrice(prices.s3StorageGbMonth));
        add("DynamoDB storage", (keptBytes / GB) * unitPrice(prices.dynamodbStorageGbMonth));
        return { design, subaccounts: delivery.subaccounts, deliverable, storedElements: stored, usd: sum(items), items };
    }

    add("S3 requests (raw + lake PUTs)", n * 2 * unitPrice(prices.s3Put));
    const rawBytes = Math.min(a.rawRetentionDays, a.lakeMonthsKept * n) * delivery.bodyBytes;
    const lakeBytesKept = a.lakeMonthsKept * n * delivery.lakeBytes;
    add("S3 storage (raw 90 days, lake kept)", ((rawBytes + lakeBytesKept) / GB) * unitPrice(prices.s3StorageGbMonth));
    add("DynamoDB writes", n * (elements * a.writeUnitsPerElement + a.writeUnitsPerDelivery) * unitPrice(prices.dynamodbWriteUnit));
    add("DynamoDB reads", n * a.readUnitsPerDelivery * unitPrice(prices.dynamodbReadUnit));
    const tableBytes = (a.historyRetentionDays + 1) * elements * a.tableBytesPerElement;
    add("DynamoDB storage and PITR", (tableBytes / GB) * (unitPrice(prices.dynamodbStorageGbMonth) + unitPrice(prices.dynamodbPitrGbMonth)));
    add("Glue crawler (daily)", n * a.crawlerDpu * (a.crawlerMinutes / 60) * unitPrice(prices.glueDpuHour));
    const scannedPerQuery = Math.max(TEN_MB, a.athenaDaysScanned * delivery.lakeBytes);
    add("Athena queries", a.athenaQueriesPerMonth * (scannedPerQuery / TB) * unitPrice(prices.athenaTbScanned));
    if (loads) {
        const receives = a.sqsPollers * (a.hoursPerMonth * 3600 / a.sqsLongPollSeconds);
        add("SQS (the loader polling the empty fallback queue)", receives * unitPrice(prices.sqsRequest));
    }
    // What the operations work creates to watch the stack, priced once (monitoringMonthlyCost).
    for (const line of monitoringMonthlyCost(prices, DEFAULT_MONITORING, a.hoursPerMonth)) add(line.item, line.usd);
    return { design, subaccounts: delivery.subaccounts, deliverable, storedElements: elements, usd: sum(items), items };
}

function sum(items: readonly LineItem[]): number {
    return items.reduce((total, item) => total + item.usd, 0);
}

/**
 * A duration at `subaccounts`, from measured (subaccounts, ms) points: the measured value when there is one,
 * else linear in the number of elements from the largest measured size.
 */
export function durationAt(subaccounts: number, measured: ReadonlyArray<{ subaccounts: number; ms: number }>): { ms: number; extrapolated: boolean } {
    const exact = measured.find((point) => point.subaccounts === subaccounts);
    if (exact) return { ms: exact.ms, extrapolated: false };
    const largest = [...measured].sort((a, b) => b.subaccounts - a.subaccounts)[0];
    if (!largest) throw new Error("no measured duration to extrapolate from");
    return { ms: largest.ms * ((subaccounts + 1) / (largest.subaccounts + 1)), extrapolated: true };
}

/** What watching a stack is made of (components/healthScoreMonitoring.ts; a mocks test holds the alarm count to it). */
export interface MonitoringShape {
    /** The custom metrics the functions write (shared/observability.ts METRICS), one per name: one dimension set. */
    customMetrics: number;
    alarms: number;
    dashboards: number;
    /** The alarm topic's key. */
    kmsKeys: number;
    /** Hours a month in which the metrics are published: one delivery a day writes them in 30 hours. */
    hoursPublishedPerMonth: number;
}

export const DEFAULT_MONITORING: MonitoringShape = {
    customMetrics: Object.keys(METRICS).length,
    alarms: 7,
    dashboards: 1,
    kmsKeys: 1,
    hoursPublishedPerMonth: 30,
};

/**
 * A stack's monitoring a month: custom metrics are billed for the hours they are published in (a metric written once
 * a day costs 30/730 of a metric-month), alarms and the dashboard for the whole month, whether anything happens.
 */
export function monitoringMonthlyCost(prices: PriceTable, shape: MonitoringShape = DEFAULT_MONITORING, hoursPerMonth = DEFAULT_ASSUMPTIONS.hoursPerMonth): LineItem[] {
    return [
        { item: "CloudWatch custom metrics", usd: shape.customMetrics * (Math.min(shape.hoursPublishedPerMonth, hoursPerMonth) / hoursPerMonth) * unitPrice(prices.customMetricMonth) },
        { item: "CloudWatch alarms", usd: shape.alarms * unitPrice(prices.alarmMetricMonth) },
        { item: "CloudWatch dashboard", usd: shape.dashboards * unitPrice(prices.dashboardMonth) },
        { item: "KMS key of the alarm topic", usd: shape.kmsKeys * unitPrice(prices.kmsKeyMonth) },
    ];
}
