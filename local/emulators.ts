/**
 * S3 and DynamoDB emulators in this process, speaking the real wire protocols (s3rver, dynalite), with their
 * data on disk. The bucket and table are created from the same definitions the Pulumi components deploy.
 */
import * as fs from "fs";
import type * as http from "http";
import * as path from "path";
import type { AddressInfo } from "net";
import { S3Client, CreateBucketCommand, BucketAlreadyOwnedByYou } from "@aws-sdk/client-s3";
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceInUseException } from "@aws-sdk/client-dynamodb";
import { EMULATOR_LATEST_WRITES, localClients, localSqsClient } from "./clients";
import { tableSchema } from "../shared/layout";
import { clearStaging, makeWritesAtomic, quarantineTornObjects } from "./atomicObjects";
import { Middleware, conditionalPutMiddleware, installBeforeRouter } from "./conditionalWrites";
// Neither emulator ships type declarations.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const S3rver = require("s3rver");
// eslint-disable-next-line @typescript-eslint/no-var-requires
const dynalite = require("dynalite");

// Also here for the modules that start the emulators; a command that only talks to a running stack imports ./clients.
export { EMULATOR_LATEST_WRITES, localClients, localSqsClient };

export interface EmulatorOptions {
    /**
     * Data lives in `<dataDir>/s3` and `<dataDir>/dynamodb`; S3 writes are staged in `<dataDir>/s3-staging`, and
     * objects torn by a killed process are moved to `<dataDir>/quarantine`.
     */
    dataDir: string;
    bucketName: string;
    tableName: string;
    /** 0 picks free ports. */
    s3Port?: number;
    dynamodbPort?: number;
    /**
     * Middleware run in s3rver before its router, after the conditional writes: a test's fault injection (S3
     * refusing a prefix, say) at the emulator, on the wire.
     */
    s3Middleware?: Middleware[];
}

/** What S3 tells a notification about a created object. */
export interface CreatedObject {
    bucket: string;
    key: string;
    size?: number;
    eTag?: string;
}

export interface Emulators {
    s3Endpoint: string;
    dynamodbEndpoint: string;
    /** The bucket's objects on disk, as s3rver keeps them (`<key>._S3rver_object`). */
    bucketDir: string;
    /** Keys of the objects found torn at start (written when a process was killed) and moved to `quarantineDir`. */
    quarantined: string[];
    quarantineDir: string;
    s3: S3Client;
    dynamodb: DynamoDBClient;
    /** Called for every object created (PutObject, copy, multipart), once it is stored: S3's event notifications. */
    onObjectCreated(listener: (object: CreatedObject) => void): void;
    /** The DynamoDB emulator's HTTP server, for a test that stops it for a while (close, then listen on its port). */
    dynamodbServer: http.Server;
    stop(): Promise<void>;
}

export async function startEmulators(options: EmulatorOptions): Promise<Emulators> {
    const s3Dir = path.join(options.dataDir, "s3");
    const dynamodbDir = path.join(options.dataDir, "dynamodb");
    fs.mkdirSync(s3Dir, { recursive: true });
    fs.mkdirSync(dynamodbDir, { recursive: true });

    const bucketDir = path.join(s3Dir, options.bucketName);
    const stagingDir = path.join(options.dataDir, "s3-staging");
    const quarantineDir = path.join(options.dataDir, "quarantine");
    clearStaging(stagingDir);
    const quarantined = quarantineTornObjects(bucketDir, quarantineDir);

    const s3Server = new S3rver({ address: "127.0.0.1", port: options.s3Port ?? 0, directory: s3Dir, silent: true });
    makeWritesAtomic(s3Server.store, stagingDir);
    installBeforeRouter(s3Server, conditionalPutMiddleware());
    for (const middleware of options.s3Middleware ?? []) installBeforeRouter(s3Server, middleware);
    const createdListeners: Array<(object: CreatedObject) => void> = [];
    // s3rver emits an S3 event (its own shape: the key not URL-encoded) after each object is stored.
    s3Server.on("event", (event: { Records: Array<{ eventName: string; s3: { bucket: { name: string }; object: { key: string; size?: number; eTag?: string } } }> }) => {
        for (const record of event.Records) {
            if (!record.eventName.startsWith("ObjectCreated:")) continue;
            const created = { bucket: record.s3.bucket.name, key: record.s3.object.key, size: record.s3.object.size, eTag: record.s3.object.eTag };
            for (const listener of createdListeners) listener(created);
        }
    });
    const s3Address: AddressInfo = await s3Server.run();
    const dynamodbServer = dynalite({ path: dynamodbDir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await new Promise<void>((resolve, reject) => {
        dynamodbServer.once("error", reject);
        dynamodbServer.listen(options.dynamodbPort ?? 0, "127.0.0.1", () => resolve());
    });
    const dynamodbAddress = dynamodbServer.address() as AddressInfo;

    const endpoints = {
        s3Endpoint: `http://127.0.0.1:${s3Address.port}`,
        dynamodbEndpoint: `http://127.0.0.1:${dynamodbAddress.port}`,
    };
    const clients = localClients(endpoints);
    await createBucket(clients.s3, options.bucketName);
    await createTable(clients.dynamodb, options.tableName);

    return {
        ...endpoints,
        ...clients,
        bucketDir,
        quarantined,
        quarantineDir,
        dynamodbServer,
        onObjectCreated: (listener) => { createdListeners.push(listener); },
        async stop() {
            clients.s3.destroy();
            clients.dynamodb.destroy();
            await s3Server.close();
            dynamodbServer.closeAllConnections?.();
            await new Promise<void>((resolve) => dynamodbServer.close(() => resolve()));
        },
    };
}

async function createBucket(s3: S3Client, bucketName: string): Promise<void> {
    try {
        await s3.send(new CreateBucketCommand({ Bucket: bucketName }));
    } catch (err) {
        if (!(err instanceof BucketAlreadyOwnedByYou) && (err as Error).name !== "BucketAlreadyExists") throw err;
    }
}

/** The table as HealthScoreStore defines it (TTL aside: dynalite has no UpdateTimeToLive, so reads filter). */
export async function createTable(dynamodb: DynamoDBClient, tableName: string): Promise<void> {
    try {
        await dynamodb.send(new CreateTableCommand({
            TableName: tableName,
            BillingMode: "PAY_PER_REQUEST",
            AttributeDefinitions: tableSchema.attributes.map((a) => ({ AttributeName: a.name, AttributeType: a.type })),
            KeySchema: [
                { AttributeName: tableSchema.hashKey, KeyType: "HASH" },
                { AttributeName: tableSchema.rangeKey, KeyType: "RANGE" },
            ],
            GlobalSecondaryIndexes: tableSchema.globalSecondaryIndexes.map((index) => ({
                IndexName: index.name,
                KeySchema: [{ AttributeName: index.hashKey, KeyType: "HASH" }],
                Projection: { ProjectionType: index.projectionType },
            })),
        }));
    } catch (err) {
        if (!(err instanceof ResourceInUseException)) throw err;
    }
    await waitUntilActive(dynamodb, tableName);
}

/**
 * dynalite answers CreateTable with the table CREATING and makes it ACTIVE a moment later, as DynamoDB does; a
 * write in between fails with ResourceNotFoundException. The SDK's waiter polls every 20 s at first: poll briskly.
 */
async function waitUntilActive(dynamodb: DynamoDBClient, tableName: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const { Table: table } = await dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
        if (table?.TableStatus === "ACTIVE") return;
        if (Date.now() > deadline) throw new Error(`table ${tableName} is still ${table?.TableStatus} after ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 10));
    }
}
