/** Requests and fixtures for receiver tests. */
import * as fs from "fs";
import * as path from "path";
import { HttpRequest } from "../../handlers/http";

export const TOKEN = "test-token-0123456789abcdef";
export const PREVIOUS_TOKEN = "previous-token-0123456789";
export const HOOK_PATH = `/hooks/${TOKEN}`;

export function fixture(name: string): Buffer {
    return fs.readFileSync(path.join(__dirname, "..", "fixtures", name));
}

export function fixtureJson<T = any>(name: string): T {
    return JSON.parse(fixture(name).toString("utf8"));
}

/** A request as SparkPost sends it; override one field at a time. */
export function hookRequest(body: Buffer | string | unknown, overrides: Partial<HttpRequest> = {}): HttpRequest {
    const bytes = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === "string" ? body : JSON.stringify(body));
    return {
        source: "alb",
        method: "POST",
        path: HOOK_PATH,
        headers: { "content-type": "application/json;charset=utf-8", "user-agent": "axios/0.21.4" },
        body: bytes,
        ...overrides,
    };
}
