/**
 * Which AWS operation an HTTP request to an emulator is, from what is on the wire, so that the proxy can draw its
 * latency. Pure. Assumes the SDK's conventions here: path-style S3 URLs (`/<bucket>/<key>`), DynamoDB's and
 * SQS's JSON protocol (the operation in `x-amz-target`).
 */

export type Service = "s3" | "dynamodb" | "sqs";

/** Whether a request changes stored data (what "stored" waits for), reads it, or does neither. */
export type RequestKind = "write" | "read" | "control" | "event";

export interface Classified {
    operation: string;
    kind: RequestKind;
}

export interface RequestLine {
    method: string;
    /** Path and query, as on the request line. */
    url: string;
    headers: Record<string, string | string[] | undefined>;
    /** The request body as text, where the operation depends on it (a DynamoDB PutItem's condition). */
    body?: string;
}

/**
 * A request the benchmark itself sends to stand for a step between services that is not an HTTP call to an
 * emulator (an S3 event notification reaching a Lambda function): `POST /__bench/event/<operation>`.
 */
export const EVENT_PATH_PREFIX = "/__bench/event/";

/** Transactions of more actions than this are the model's `dynamodb:TransactWriteItems:large`. */
export const LARGE_TRANSACTION_ACTIONS = 25;

const DYNAMODB_WRITES = ["PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"];
const DYNAMODB_READS = ["GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems"];
const SQS_WRITES = ["SendMessage", "SendMessageBatch", "DeleteMessage", "DeleteMessageBatch", "ChangeMessageVisibility"];
const SQS_READS = ["ReceiveMessage"];

export function classifyRequest(service: Service, request: RequestLine): Classified {
    const [path, query = ""] = splitOnce(request.url, "?");
    if (request.method === "POST" && path.startsWith(EVENT_PATH_PREFIX)) {
        return { operation: decodeURIComponent(path.slice(EVENT_PATH_PREFIX.length)), kind: "event" };
    }
    switch (service) {
        case "s3":
            return classifyS3(request.method, path, new URLSearchParams(query), request.headers);
        case "dynamodb": {
            const classified = classifyTarget("dynamodb", header(request.headers, "x-amz-target"), DYNAMODB_WRITES, DYNAMODB_READS);
            // A conditional write reads the item first: AWS's latency for it differs from a plain put's.
            if (classified.operation === "dynamodb:PutItem" && request.body?.includes('"ConditionExpression"')) {
                return { ...classified, operation: "dynamodb:PutItem:conditional" };
            }
            // The published figures are for up to 25 actions; a larger transaction has its own (awsLatency.ts).
            if (classified.operation === "dynamodb:TransactWriteItems" && (request.body?.split('{"Put":').length ?? 0) - 1 > LARGE_TRANSACTION_ACTIONS) {
                return { ...classified, operation: "dynamodb:TransactWriteItems:large" };
            }
            return classified;
        }
        case "sqs":
            return classifyTarget("sqs", header(request.headers, "x-amz-target"), SQS_WRITES, SQS_READS);
    }
}

/**
 * S3 object transfers of at least `largeBytes` (the object sent, or received) are a different operation for the
 * model (`s3:PutObject:large`), since their latency includes the transfer.
 */
export function withObjectSize(classified: Classified, sizes: { requestBytes: number; responseBytes: number }, largeBytes: number): Classified {
    if (classified.operation === "s3:PutObject" && sizes.requestBytes >= largeBytes) return { ...classified, operation: "s3:PutObject:large" };
    if (classified.operation === "s3:GetObject" && sizes.responseBytes >= largeBytes) return { ...classified, operation: "s3:GetObject:large" };
    return classified;
}

/** `DynamoDB_20120810.PutItem` -> `dynamodb:PutItem`. */
function classifyTarget(service: Service, target: string | undefined, writes: string[], reads: string[]): Classified {
    const action = target?.split(".").pop() ?? "";
    if (action === "") return { operation: `${service}:unknown`, kind: "control" };
    const kind = writes.includes(action) ? "write" : reads.includes(action) ? "read" : "control";
    return { operation: `${service}:${action}`, kind };
}

function classifyS3(method: string, path: string, query: URLSearchParams, headers: RequestLine["headers"]): Classified {
    const [, bucket = "", ...keyParts] = path.split("/");
    const hasKey = keyParts.join("/") !== "";
    const subresource = ["acl", "tagging", "uploads", "uploadId", "versioning", "policy", "cors", "lifecycle", "location"].find((name) => query.has(name));
    if (bucket === "") return { operation: "s3:ListBuckets", kind: "control" };
    if (subresource) return { operation: `s3:${method}?${subresource}`, kind: "control" };
    if (!hasKey) {
        if (method === "GET") return { operation: "s3:ListObjects", kind: "read" };
        if (method === "POST" && query.has("delete")) return { operation: "s3:DeleteObjects", kind: "write" };
        return { operation: `s3:${method}Bucket`, kind: "control" };
    }
    switch (method) {
        case "GET":
            return { operation: "s3:GetObject", kind: "read" };
        case "HEAD":
            return { operation: "s3:HeadObject", kind: "read" };
        case "PUT":
            return header(headers, "x-amz-copy-source") ? { operation: "s3:CopyObject", kind: "write" } : { operation: "s3:PutObject", kind: "write" };
        case "DELETE":
            return { operation: "s3:DeleteObject", kind: "write" };
        default:
            return { operation: `s3:${method}Object`, kind: "control" };
    }
}

function header(headers: RequestLine["headers"], name: string): string | undefined {
    const value = headers[name];
    return Array.isArray(value) ? value[value.length - 1] : value;
}

function splitOnce(text: string, separator: string): [string, string?] {
    const at = text.indexOf(separator);
    return at === -1 ? [text] : [text.slice(0, at), text.slice(at + 1)];
}
