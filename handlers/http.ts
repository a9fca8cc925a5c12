/**
 * The three ways an HTTP request reaches a Lambda function, reduced to one request shape, and the matching
 * response shape for each: an ALB target (which needs `statusDescription` and `isBase64Encoded`), an API Gateway
 * HTTP API (payload format 2.0), and a Function URL (the same format as 2.0).
 */
import { STATUS_CODES } from "http";

export type EventSource = "alb" | "alb-multi-value" | "http-api";

export interface HttpRequest {
    source: EventSource;
    method: string;
    path: string;
    /** Lower-case names. */
    headers: Record<string, string>;
    body: Uint8Array;
}

export interface HttpResponse {
    statusCode: number;
    headers: Record<string, string>;
    body: string;
}

/** The fields we read from an ALB target event (single- or multi-value headers). */
export interface AlbEvent {
    requestContext: { elb: { targetGroupArn: string } };
    httpMethod: string;
    path: string;
    headers?: Record<string, string | undefined>;
    multiValueHeaders?: Record<string, string[] | undefined>;
    body?: string | null;
    isBase64Encoded: boolean;
}

/** The fields we read from an HTTP API 2.0 or Function URL event. */
export interface HttpApiEvent {
    version: "2.0";
    rawPath: string;
    requestContext: { http: { method: string; path?: string } };
    headers?: Record<string, string | undefined>;
    body?: string;
    isBase64Encoded: boolean;
}

export type LambdaHttpEvent = AlbEvent | HttpApiEvent;

export interface AlbResult {
    statusCode: number;
    statusDescription: string;
    headers?: Record<string, string>;
    multiValueHeaders?: Record<string, string[]>;
    body: string;
    isBase64Encoded: false;
}

export interface HttpApiResult {
    statusCode: number;
    headers: Record<string, string>;
    body: string;
    isBase64Encoded: false;
}

export type LambdaHttpResult = AlbResult | HttpApiResult;

export class UnsupportedEventError extends Error {
    constructor() {
        super("event is not from an ALB target, an HTTP API (payload 2.0) or a Function URL");
        this.name = "UnsupportedEventError";
    }
}

export function toHttpRequest(event: LambdaHttpEvent): HttpRequest {
    const body = decodeBody(event.body ?? "", event.isBase64Encoded);
    if ("requestContext" in event && event.requestContext && "elb" in event.requestContext) {
        const alb = event as AlbEvent;
        if (alb.multiValueHeaders) {
            return { source: "alb-multi-value", method: alb.httpMethod, path: alb.path, headers: lastValues(alb.multiValueHeaders), body };
        }
        return { source: "alb", method: alb.httpMethod, path: alb.path, headers: lowerCaseKeys(alb.headers ?? {}), body };
    }
    if ((event as HttpApiEvent).version === "2.0") {
        const api = event as HttpApiEvent;
        return { source: "http-api", method: api.requestContext.http.method, path: api.rawPath, headers: lowerCaseKeys(api.headers ?? {}), body };
    }
    throw new UnsupportedEventError();
}

export function toLambdaResult(source: EventSource, response: HttpResponse): LambdaHttpResult {
    switch (source) {
        case "alb":
            return { ...albStatus(response.statusCode), headers: response.headers, body: response.body, isBase64Encoded: false };
        case "alb-multi-value":
            return {
                ...albStatus(response.statusCode),
                multiValueHeaders: Object.fromEntries(Object.entries(response.headers).map(([name, value]) => [name, [value]])),
                body: response.body,
                isBase64Encoded: false,
            };
        case "http-api":
            return { statusCode: response.statusCode, headers: response.headers, body: response.body, isBase64Encoded: false };
    }
}

/** A JSON response; every answer of the receiver is one. */
export function jsonResponse(statusCode: number, body: unknown): HttpResponse {
    return {
        statusCode,
        headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" },
        body: JSON.stringify(body),
    };
}

function albStatus(statusCode: number): { statusCode: number; statusDescription: string } {
    return { statusCode, statusDescription: `${statusCode} ${STATUS_CODES[statusCode] ?? "Unknown"}` };
}

function decodeBody(body: string, isBase64Encoded: boolean): Uint8Array {
    return isBase64Encoded ? Buffer.from(body, "base64") : Buffer.from(body, "utf8");
}

/** Header maps are built without a prototype: a header named `__proto__` stays a header. */
function lowerCaseKeys(headers: Record<string, string | undefined>): Record<string, string> {
    const result: Record<string, string> = Object.create(null);
    for (const [name, value] of Object.entries(headers)) {
        if (value !== undefined) result[name.toLowerCase()] = value;
    }
    return result;
}

function lastValues(headers: Record<string, string[] | undefined>): Record<string, string> {
    const result: Record<string, string> = Object.create(null);
    for (const [name, values] of Object.entries(headers)) {
        if (values && values.length > 0) result[name.toLowerCase()] = values[values.length - 1];
    }
    return result;
}
