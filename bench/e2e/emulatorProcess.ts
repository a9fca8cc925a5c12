/**
 * The emulators in a process of their own, so that their work does not delay the latency proxy's timers or the
 * pipeline under test. Started by cloud.ts: it sends the store names, answers with the endpoints once the bucket
 * and tables exist, and stops (removing its data) when told to or when the parent goes away. DynamoDB is Amazon's
 * DynamoDB Local (a JVM of its own), not dynalite: the loader moves latest entries in transactions, as in AWS,
 * and dynalite serves none.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

import * as fs from "fs";
import { startEmulators } from "../../local/emulators";
import { startDynamoDbLocal } from "../../local/dynamoDbLocal";
import { createBaselineStore } from "../baseline";
import { clientsFor, destroyClients } from "../pipelines/clients";
import type { Endpoints, StoreNames } from "../pipelines/pipeline";

export interface EmulatorRequest {
    dataDir: string;
    store: StoreNames;
    baselineStore: StoreNames;
}

export type EmulatorMessage = { type: "ready"; endpoints: Endpoints } | { type: "failed"; message: string };

process.once("message", async (request: EmulatorRequest) => {
    try {
        const emulators = await startEmulators({ dataDir: request.dataDir, ...request.store });
        const table = await startDynamoDbLocal([request.store.tableName]);
        const endpoints = { s3: emulators.s3Endpoint, dynamodb: table.endpoint };
        const clients = clientsFor(endpoints);
        await createBaselineStore(clients, request.baselineStore);
        destroyClients(clients);
        const stop = async () => {
            await emulators.stop();
            await table.stop();
            fs.rmSync(request.dataDir, { recursive: true, force: true });
            process.exit(0);
        };
        process.on("message", (message) => void (message === "stop" && stop()));
        process.on("disconnect", () => void stop());
        process.send!({ type: "ready", endpoints } satisfies EmulatorMessage);
    } catch (err) {
        process.send!({ type: "failed", message: (err as Error).stack ?? String(err) } satisfies EmulatorMessage, () => process.exit(1));
    }
});
