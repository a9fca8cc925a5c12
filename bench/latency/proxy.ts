/**
 * An HTTP proxy in front of one emulator that makes it answer as slowly as the AWS service would: each request
 * is forwarded at once, and its response is held until the latency drawn for its operation has passed since the
 * request arrived. The emulator's own service time is thus absorbed into the modelled latency; when the emulator
 * takes longer than the draw, the response goes out as soon as the emulator answers, and the excess is recorded.
 * Requests are never queued behind each other: like the real services, any number run at once.
 */
import * as http from "http";
import type { AddressInfo } from "net";
import { Classified, Service, classifyRequest, withObjectSize } from "./classify";
import { LatencySampler } from "./model";
import { wallClockMs } from "../clock";

export interface TimelineEntry extends Classified {
    service: Service;
    /** Wall-clock milliseconds (see {@link wallClockMs}): when the request arrived, and when its response was sent. */
    start: number;
    end: number;
    /** How long the emulator took to answer. */
    serviceMs: number;
    /** The latency drawn from the model; absent for an operation the model does not know. */
    modelMs?: number;
    status: number;
}

export interface LatencyProxy {
    url: string;
    /** Every request so far, in the order their responses were sent. */
    readonly timeline: readonly TimelineEntry[];
    /** Replaces the latency model for the requests that arrive from now on. */
    setSampler(sampler: LatencySampler): void;
    close(): Promise<void>;
}

export interface ProxyOptions {
    service: Service;
    upstream: string;
    sampler: LatencySampler;
    /** Object transfers from this size on are the model's `:large` operations. */
    largeObjectBytes: number;
}

interface Upstream {
    status: number;
    headers: http.IncomingHttpHeaders;
    body: Buffer;
}

export async function startLatencyProxy(options: ProxyOptions): Promise<LatencyProxy> {
    const upstreamUrl = new URL(options.upstream);
    const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
    const timeline: TimelineEntry[] = [];
    let sampler = options.sampler;

    const forward = (request: http.IncomingMessage, body: Buffer) => new Promise<Upstream>((resolve, reject) => {
        const forwarded = http.request({
            agent,
            host: upstreamUrl.hostname,
            port: upstreamUrl.port,
            method: request.method,
            path: request.url,
            // Unchanged, host included: the client signed them.
            headers: request.headers,
        }, (response) => {
            const chunks: Buffer[] = [];
            response.on("data", (chunk: Buffer) => chunks.push(chunk));
            response.on("end", () => resolve({ status: response.statusCode ?? 502, headers: response.headers, body: Buffer.concat(chunks) }));
            response.on("error", reject);
        });
        forwarded.on("error", reject);
        forwarded.end(body);
    });

    const handle = async (request: http.IncomingMessage, response: http.ServerResponse, start: number, body: Buffer) => {
        const line = { method: request.method ?? "GET", url: request.url ?? "/", headers: request.headers };
        // Only DynamoDB's operation depends on the body, which is JSON of at most a few hundred KB.
        let classified = classifyRequest(options.service, options.service === "dynamodb" ? { ...line, body: body.toString("utf8") } : line);
        let upstream: Upstream;
        if (classified.kind === "event") {
            // The benchmark's stand-in for a hop between services: no emulator behind it.
            upstream = { status: 204, headers: {}, body: Buffer.alloc(0) };
        } else {
            try {
                upstream = await forward(request, body);
            } catch (err) {
                upstream = { status: 502, headers: { "content-type": "text/plain" }, body: Buffer.from(`proxy: ${(err as Error).message}`) };
            }
        }
        const serviceMs = wallClockMs() - start;
        classified = withObjectSize(classified, { requestBytes: body.byteLength, responseBytes: upstream.body.byteLength }, options.largeObjectBytes);
        const draw = sampler(classified.operation);
        const send = () => {
            response.writeHead(upstream.status, upstream.headers);
            response.end(upstream.body);
            timeline.push({ ...classified, service: options.service, start, end: wallClockMs(), serviceMs, modelMs: draw.modelled ? draw.ms : undefined, status: upstream.status });
        };
        const wait = start + draw.ms - wallClockMs();
        if (wait > 0) setTimeout(send, wait);
        else send();
    };

    const server = http.createServer((request, response) => {
        const start = wallClockMs();
        const chunks: Buffer[] = [];
        request.on("data", (chunk: Buffer) => chunks.push(chunk));
        request.on("end", () => void handle(request, response, start, Buffer.concat(chunks)));
    });
    server.keepAliveTimeout = 60_000;

    await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    return {
        url: `http://127.0.0.1:${port}`,
        timeline,
        setSampler(next) {
            sampler = next;
        },
        async close() {
            server.closeAllConnections();
            await new Promise<void>((resolve) => server.close(() => resolve()));
            agent.destroy();
        },
    };
}
