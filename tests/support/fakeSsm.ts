/**
 * A small SSM Parameter Store over HTTP, speaking the AWS JSON 1.1 protocol as the real service does for
 * GetParameter (POST /, `X-Amz-Target: AmazonSSM.GetParameter`, `application/x-amz-json-1.1`), so that the real
 * `@aws-sdk/client-ssm` is tested against the wire, not mocked. It keeps SecureString parameters, answers the value
 * only when asked to decrypt, ParameterNotFound for an unknown name, and records every request.
 */
import * as http from "http";
import type { AddressInfo } from "net";

export interface FakeSsmRequest {
    target: string;
    contentType: string;
    signed: boolean;
    body: any;
}

export interface FakeSsm {
    endpoint: string;
    requests: FakeSsmRequest[];
    /** Parameters by name (SecureString). */
    parameters: Map<string, string>;
    /** While set, every request is answered 500 InternalServerError (an outage). */
    failing: boolean;
    /** This many of the next requests are answered 500 InternalServerError (a blip), counting down. */
    failNext: number;
    /** While above 0, every answer waits this long (a slow or hanging service). */
    delayMs: number;
    close(): Promise<void>;
}

const ACCOUNT = "123456789012";

export async function startFakeSsm(parameters: Record<string, string> = {}, region = "us-east-1"): Promise<FakeSsm> {
    const fake: Omit<FakeSsm, "endpoint" | "close"> = { requests: [], parameters: new Map(Object.entries(parameters)), failing: false, failNext: 0, delayMs: 0 };
    const timers = new Set<NodeJS.Timeout>();
    const server = http.createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on("data", (chunk: Buffer) => chunks.push(chunk));
        request.on("end", () => {
            const send = (status: number, body: unknown) => {
                if (response.destroyed) return;
                response.writeHead(status, { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": "fake-request" });
                response.end(JSON.stringify(body));
            };
            const answer = (status: number, body: unknown) => {
                if (fake.delayMs <= 0) return send(status, body);
                const timer = setTimeout(() => {
                    timers.delete(timer);
                    send(status, body);
                }, fake.delayMs);
                timers.add(timer);
            };
            const target = String(request.headers["x-amz-target"] ?? "");
            let body: any;
            try {
                body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
            } catch {
                return answer(400, { __type: "SerializationException", message: "body is not JSON" });
            }
            fake.requests.push({
                target,
                contentType: String(request.headers["content-type"] ?? ""),
                signed: /^AWS4-HMAC-SHA256 Credential=/.test(String(request.headers.authorization ?? "")),
                body,
            });
            if (fake.failing) return answer(500, { __type: "InternalServerError", message: "fake outage" });
            if (fake.failNext > 0) {
                fake.failNext--;
                return answer(500, { __type: "InternalServerError", message: "fake blip" });
            }
            if (request.method !== "POST" || target !== "AmazonSSM.GetParameter") {
                return answer(400, { __type: "UnknownOperationException", message: `${request.method} ${target}` });
            }
            const value = fake.parameters.get(body.Name);
            if (value === undefined) return answer(400, { __type: "ParameterNotFound", message: `Parameter ${body.Name} not found.` });
            answer(200, {
                Parameter: {
                    Name: body.Name,
                    Type: "SecureString",
                    // Without decryption SSM answers the ciphertext.
                    Value: body.WithDecryption === true ? value : Buffer.from(`encrypted:${body.Name}`).toString("base64"),
                    Version: 1,
                    DataType: "text",
                    LastModifiedDate: 1796133327.902,
                    ARN: `arn:aws:ssm:${region}:${ACCOUNT}:parameter/${String(body.Name).replace(/^\//, "")}`,
                },
            });
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return Object.assign(fake, {
        endpoint: `http://127.0.0.1:${port}`,
        close: () => {
            for (const timer of timers) clearTimeout(timer);
            server.closeAllConnections();
            return new Promise<void>((resolve) => server.close(() => resolve()));
        },
    }) as FakeSsm;
}
