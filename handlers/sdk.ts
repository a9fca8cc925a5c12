/**
 * The AWS SDK's client packages, loaded when first used instead of when the handler's code is: each takes tens
 * to a hundred and more milliseconds to load (BENCHMARKS.md, the Lambda archive), and a function's cold
 * initialisation should not pay for a client before a request needs it. Serialized handler code keeps these
 * `require` calls inside the functions, where they run on first use; a module-level import would become a
 * `require` at the top of `__index.js`. The runtime provides the packages, which the bundle leaves out (packaging/handlerArchive.ts).
 */
import type * as S3 from "@aws-sdk/client-s3";
import type * as DynamoDB from "@aws-sdk/client-dynamodb";
import type * as SQS from "@aws-sdk/client-sqs";
import type * as SSM from "@aws-sdk/client-ssm";

export const s3Sdk = (): typeof S3 => require("@aws-sdk/client-s3");
export const dynamoDbSdk = (): typeof DynamoDB => require("@aws-sdk/client-dynamodb");
export const sqsSdk = (): typeof SQS => require("@aws-sdk/client-sqs");
export const ssmSdk = (): typeof SSM => require("@aws-sdk/client-ssm");

/** What the handlers use of a client: its `send`. */
export type Sender<C extends { send: unknown }> = Pick<C, "send">;

/** A client made on its first `send`, or earlier by `load()` (which a caller may run while it waits on something else). */
export interface LazyClient<C extends { send: unknown }> extends Sender<C> {
    load(): void;
}

export function onFirstUse<C extends { send: (...args: any[]) => any }>(make: () => C): LazyClient<C> {
    let client: C | undefined;
    const get = (): C => (client ??= make());
    return {
        send: ((...args: unknown[]) => get().send(...args)) as C["send"],
        load: () => void get(),
    };
}
