/**
 * DynamoDB Local for a mocha suite (local/dynamoDbLocal.ts), for the loader's transactions, which dynalite does not
 * serve; and a proxy in front of it that records each request's operation and can answer one with a fault of
 * DynamoDB's own wire format instead of forwarding it.
 */
import * as http from "http";
import type { AddressInfo } from "net";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDbLocal, dynamoDbLocalUnavailable, startDynamoDbLocal } from "../../local/dynamoDbLocal";
import { localDynamoDbClient } from "../../local/clients";
import { TEST_TABLE } from "./emulators";

export interface DynamoDbLocalContext {
    local: DynamoDbLocal;
}

/**
 * Call inside a `describe`: starts DynamoDB Local with TEST_TABLE before the suite and stops it after. Without
 * Java the suite is skipped, saying why (CI installs Java: .ci/run).
 */
export function useDynamoDbLocal(): DynamoDbLocalContext {
    const context = {} as DynamoDbLocalContext;
    before(async function () {
        const unavailable = dynamoDbLocalUnavailable();
        if (unavailable) {
            console.warn(`      skipped: ${unavailable}`);
            this.skip();
        }
        this.timeout(90_000);
        context.local = await startDynamoDbLocal([TEST_TABLE]);
    });
    after(async () => {
        await context.local?.stop();
    });
    return context;
}

/** A fault DynamoDB could answer: its HTTP status and JSON error body (`__type` names the exception). */
export interface WireFault {
    status: number;
    body: Record<string, unknown>;
}

export interface FaultProxy {
    endpoint: string;
    dynamodb: DynamoDBClient;
    /** The operation (`x-amz-target` without its prefix) of each request, in order of arrival. */
    operations: string[];
    close(): Promise<void>;
}

/**
 * A proxy in front of `upstream`: `fault` sees each request's operation, its parsed body and how many of that
 * operation came before, and answers a fault in its place, or undefined to forward it.
 */
export async function startFaultProxy(upstream: string, fault: (operation: string, body: any, seen: number) => WireFault | undefined): Promise<FaultProxy> {
    const target = new URL(upstream);
    const operations: string[] = [];
    const server = http.createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on("data", (chunk: Buffer) => chunks.push(chunk));
        request.on("end", () => {
            const body = Buffer.concat(chunks);
            const operation = String(request.headers["x-amz-target"] ?? "").split(".").pop() ?? "";
            const seen = operations.filter((seenOperation) => seenOperation === operation).length;
            operations.push(operation);
            const answer = fault(operation, body.length > 0 ? JSON.parse(body.toString()) : undefined, seen);
            if (answer) {
                response.writeHead(answer.status, { "content-type": "application/x-amz-json-1.0" });
                response.end(JSON.stringify(answer.body));
                return;
            }
            const forwarded = http.request({ host: target.hostname, port: target.port, method: request.method, path: request.url, headers: request.headers }, (upstreamResponse) => {
                response.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
                upstreamResponse.pipe(response);
            });
            forwarded.on("error", (err) => response.destroy(err));
            forwarded.end(body);
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const dynamodb = localDynamoDbClient(endpoint, { maxAttempts: 1 });
    return {
        endpoint,
        dynamodb,
        operations,
        async close() {
            dynamodb.destroy();
            server.closeAllConnections();
            await new Promise<void>((resolve) => server.close(() => resolve()));
        },
    };
}
