/**
 * The score page of a running local stack, served at `/` by its load balancer stand-in: read at each request
 * from the stack's own DynamoDB emulator and, with DuckDB, its lake objects.
 */
import type { ServerResponse } from "http";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { createTableReader } from "../../handlers/reads";
import { openLocalLake } from "../query";
import type { Lake } from "../deployed";
import { gatherScorePage } from "./gather";
import { renderScorePage } from "./render";
import { buildScorePage } from "./scorePage";

export interface LocalPageOptions {
    dynamodb: DynamoDBClient;
    tableName: string;
    bucketDir: string;
    dataDir: string;
}

export const LOCAL_EMPTY_HINT = "Send some with `npm run send -- --subaccounts 50` (add --date YYYY-MM-DD for other days), or point a SparkPost alert at this stack's endpoint.";

/** Renders the page from the stack's data as it is now. */
export function localScorePage(options: LocalPageOptions): () => Promise<string> {
    const reader = createTableReader({ dynamodb: options.dynamodb, tableName: options.tableName });
    return async () => {
        let lake: Lake | undefined;
        let noLake: string | undefined;
        try {
            lake = await openLocalLake({ bucketDir: options.bucketDir });
        } catch (err) {
            noLake = `The lake could not be opened, so there are no sparklines or drops: ${(err as Error).message}`;
        }
        try {
            const input = await gatherScorePage(
                { description: `the local stack in ${options.dataDir}`, latest: () => reader.latest("health_score"), lake },
                { emptyHint: LOCAL_EMPTY_HINT, noLake },
            );
            return renderScorePage(buildScorePage(input));
        } finally {
            lake?.close();
        }
    };
}

/** Sends the page: HTML that loads nothing else and is never cached, so a reload shows the latest scores. */
export function sendPage(response: ServerResponse, html: string): void {
    response.writeHead(200, "OK", {
        "content-type": "text/html; charset=utf-8",
        "cache-control": "no-store",
        "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'",
        "x-content-type-options": "nosniff",
    });
    response.end(html);
}
