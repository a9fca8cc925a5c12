/**
 * What the end-to-end benchmark measures: a pipeline that takes a SparkPost delivery and stores it, behind an
 * interface small enough that another design (an asynchronous receiver and loader, say) plugs in as one more
 * {@link PipelineDefinition} in `pipelines/index.ts`.
 *
 * The harness owns the clock. It starts it just before {@link MeasuredPipeline.deliver}, and the delivery counts
 * as stored at the later of the answer and the end of the last write the delivery caused (as the latency proxy
 * saw it), once {@link MeasuredPipeline.readBack} confirms that every element is readable. Reads made through
 * `direct` clients are outside the timeline and are not timed.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";

export interface Endpoints {
    s3: string;
    dynamodb: string;
}

export interface AwsClients {
    s3: S3Client;
    dynamodb: DynamoDBClient;
}

export interface StoreNames {
    bucketName: string;
    tableName: string;
}

export interface PipelineContext {
    /** Clients whose every request goes through the latency proxy: the code under test must use only these. */
    proxied: AwsClients;
    /** The same, as endpoints, for code that builds its own clients (a serialized `__index.js` reads them from the environment). */
    proxiedEndpoints: Endpoints;
    /** Clients straight to the emulators, outside the timeline: for {@link MeasuredPipeline.readBack} only. */
    direct: AwsClients;
    /** The bucket and table the project's stack uses (created as HealthScoreStore defines them). */
    store: StoreNames;
    /** An empty bucket and table of the original design's shape (hash key `id`), for the baseline. */
    baselineStore: StoreNames;
    /**
     * Waits as long as the latency model says a step between services takes (for example an S3 event notification
     * reaching a Lambda function), and records it in the timeline like a request. Operation names are those of the
     * model (`bench/latency/awsLatency.ts`); an unknown one takes no time and is reported as unmodelled.
     */
    event(operation: string): Promise<void>;
    /** The Lambda timeout the pipeline must honour, when the harness enforces one (the baseline's 10 s). */
    timeoutMs?: number;
}

export interface Delivery {
    /** The bytes SparkPost POSTs. */
    body: Buffer;
    /** Elements in the array: the subaccounts plus the account overall. */
    elements: number;
    subaccounts: number;
    /** The `triggered_at` of every element. */
    triggeredAt: Date;
}

/** What the sender sees. */
export interface Answer {
    status: number;
    body: string;
}

/** How many of a delivery's elements can be read back, in each store. */
export interface ReadBack {
    inTable: number;
    inLake: number;
}

export interface MeasuredPipeline {
    /** Sends the delivery the way SparkPost does and resolves with the answer it would get. */
    deliver(delivery: Delivery): Promise<Answer>;
    /** Counts, through the `direct` clients, the delivery's elements readable in DynamoDB and in the lake. */
    readBack(delivery: Delivery, answer: Answer): Promise<ReadBack>;
    /** Resolves once the work a pipeline does after its answer (an asynchronous loader) has ended, so that its memory is measured too. */
    settled?(): Promise<void>;
    close(): Promise<void>;
}

export interface PipelineDefinition {
    id: string;
    /** A short name for tables and the chart. */
    title: string;
    /** One sentence for BENCHMARKS.md: what it does per delivery. */
    description: string;
    /**
     * How long after its answer the pipeline may still be storing a delivery: 0 for one that stores before it
     * answers; an asynchronous one polls this long for every element to become readable.
     */
    settleMs: number;
    create(context: PipelineContext): Promise<MeasuredPipeline>;
}
