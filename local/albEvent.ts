/**
 * What an Application Load Balancer does in front of a Lambda target, as pure functions, so that the local
 * stack hands the handler exactly the event it gets in AWS: the listener's path rule, the 1 MB body limit, and
 * the event shape (single-value, lower-case headers; body base64-encoded unless its type is text).
 */
import { isUtf8 } from "buffer";
import type { AlbEvent } from "../handlers/http";
import { HOOK_PATH_PREFIX } from "../shared/limits";

export const LOCAL_TARGET_GROUP_ARN = "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/healthscore-local/0000000000000000";

/** The content types whose bodies the ALB passes as text; everything else (or any content-encoding) is base64. */
const TEXT_CONTENT_TYPES = [/^text\//, /^application\/json\b/, /^application\/javascript\b/, /^application\/xml\b/];

export interface IncomingRequest {
    method: string;
    /** Path and query, as on the request line. */
    url: string;
    headers: Record<string, string | string[] | undefined>;
    body: Buffer;
}

/**
 * The listener rule: `POST` and a path that is exactly `/hooks/<token>` for one of the tokens. Like ALB path
 * patterns, it is case-sensitive and ignores the query string.
 */
export function matchesListenerRule(method: string, path: string, tokens: readonly string[]): boolean {
    return method === "POST" && tokens.some((token) => path === `${HOOK_PATH_PREFIX}${token}`);
}

/** Path and query parameters as the ALB passes them: neither normalised nor URL-decoded. */
export function splitUrl(url: string): { path: string; query: Record<string, string> } {
    const mark = url.indexOf("?");
    if (mark === -1) return { path: url, query: {} };
    const pairs = url.slice(mark + 1).split("&").filter((pair) => pair !== "").map((pair): [string, string] => {
        const equals = pair.indexOf("=");
        return equals === -1 ? [pair, ""] : [pair.slice(0, equals), pair.slice(equals + 1)];
    });
    // fromEntries defines own properties: a parameter named __proto__ stays a parameter.
    return { path: url.slice(0, mark), query: Object.fromEntries(pairs) };
}

export function toAlbEvent(request: IncomingRequest): AlbEvent & { queryStringParameters: Record<string, string> } {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
        // Single-value mode: the ALB passes the last value of a repeated header.
        if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value[value.length - 1] : value;
    }
    const { path, query } = splitUrl(request.url);
    // A string cannot carry bytes that are not UTF-8: such a body goes base64-encoded, to reach the handler
    // byte for byte and be refused there, as it is in AWS.
    const asText = isTextBody(headers["content-type"], headers["content-encoding"]) && isUtf8(request.body);
    return {
        requestContext: { elb: { targetGroupArn: LOCAL_TARGET_GROUP_ARN } },
        httpMethod: request.method,
        path,
        queryStringParameters: query,
        headers,
        body: asText ? request.body.toString("utf8") : request.body.toString("base64"),
        isBase64Encoded: !asText,
    };
}

function isTextBody(contentType: string | undefined, contentEncoding: string | undefined): boolean {
    if (contentEncoding) return false;
    return TEXT_CONTENT_TYPES.some((pattern) => pattern.test((contentType ?? "").toLowerCase()));
}
