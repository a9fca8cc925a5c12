import assert from "assert";
import { AlbEvent, AlbResult, HttpApiEvent, HttpRequest, UnsupportedEventError, jsonResponse, toHttpRequest, toLambdaResult } from "../../handlers/http";
import { FIXTURE_TOKEN, fixture } from "./support";

const albEvent = () => fixture<AlbEvent>("events/alb.json");
const albMultiValueEvent = () => fixture<AlbEvent>("events/alb-multi-value.json");
const httpApiEvent = () => fixture<HttpApiEvent>("events/http-api.json");
const functionUrlEvent = () => fixture<HttpApiEvent>("events/function-url.json");

const documentedBody = () => JSON.stringify(fixture("documented-delivery.json"));
const text = (request: HttpRequest) => Buffer.from(request.body).toString("utf8");
/** Header maps have no prototype; compare their entries. */
const plain = (headers: Record<string, string>) => ({ ...headers });

describe("handlers/http", () => {
    describe("toHttpRequest", () => {
        const sources: Array<[string, () => AlbEvent | HttpApiEvent, HttpRequest["source"]]> = [
            ["an ALB target event", albEvent, "alb"],
            ["an ALB target event with multi-value headers", albMultiValueEvent, "alb-multi-value"],
            ["an HTTP API 2.0 event", httpApiEvent, "http-api"],
            ["a Function URL event", functionUrlEvent, "http-api"],
        ];
        for (const [what, event, source] of sources) {
            it(`reads ${what}`, () => {
                const request = toHttpRequest(event());

                assert.strictEqual(request.source, source);
                assert.strictEqual(request.method, "POST");
                assert.strictEqual(request.path, `/hooks/${FIXTURE_TOKEN}`);
                assert.strictEqual(request.headers["content-type"], "application/json;charset=utf-8");
                assert.strictEqual(request.headers["user-agent"], "axios/0.21.1");
                assert.deepStrictEqual(JSON.parse(text(request)), JSON.parse(documentedBody()));
            });

            it(`decodes a base64 body of ${what}, byte for byte`, () => {
                const bytes = Buffer.from([0x5b, 0xff, 0xfe, 0x00, 0x5d]);
                const base64 = { ...event(), body: bytes.toString("base64"), isBase64Encoded: true };

                assert.deepStrictEqual(Buffer.from(toHttpRequest(base64).body), bytes);
            });

            it(`reads a missing body of ${what} as no bytes`, () => {
                const { body: _omitted, ...withoutBody } = event();
                assert.strictEqual(toHttpRequest(withoutBody as AlbEvent | HttpApiEvent).body.byteLength, 0);
            });
        }

        it("keeps non-ASCII text bodies as UTF-8", () => {
            const event = { ...albEvent(), body: '[{"name":"Santé ✓"}]' };
            assert.strictEqual(text(toHttpRequest(event)), '[{"name":"Santé ✓"}]');
        });

        it("reads a null ALB body as no bytes", () => {
            assert.strictEqual(toHttpRequest({ ...albEvent(), body: null }).body.byteLength, 0);
        });

        it("lower-cases header names", () => {
            const event = albEvent();
            event.headers = { "Content-Type": "application/json", "X-Forwarded-For": "1.2.3.4" };
            assert.deepStrictEqual(plain(toHttpRequest(event).headers), { "content-type": "application/json", "x-forwarded-for": "1.2.3.4" });
        });

        it("takes the last value of a repeated multi-value header, and skips empty ones", () => {
            const event = albMultiValueEvent();
            event.multiValueHeaders = { "Content-Type": ["text/plain", "application/json"], "x-empty": [] };
            assert.deepStrictEqual(plain(toHttpRequest(event).headers), { "content-type": "application/json" });
        });

        it("reads an event without headers", () => {
            const { headers: _omitted, ...event } = httpApiEvent();
            assert.deepStrictEqual(plain(toHttpRequest(event as HttpApiEvent).headers), {});
        });

        it("keeps a header named __proto__ as a header", () => {
            const event = JSON.parse(JSON.stringify(albEvent()).replace('"accept":', '"__proto__": "x", "accept":')) as AlbEvent;

            const headers = toHttpRequest(event).headers;

            assert.strictEqual(Object.getOwnPropertyDescriptor(headers, "__proto__")?.value, "x");
            assert.strictEqual(({} as Record<string, unknown>).x, undefined);
        });

        it("uses the raw path of an HTTP API event", () => {
            const event = httpApiEvent();
            event.rawPath = "/hooks/other";
            assert.strictEqual(toHttpRequest(event).path, "/hooks/other");
        });

        it("refuses an event from elsewhere", () => {
            const restApiV1 = { httpMethod: "POST", path: "/", requestContext: { stage: "prod" }, headers: {}, body: "", isBase64Encoded: false };
            for (const event of [{}, restApiV1, { ...httpApiEvent(), version: "1.0" }]) {
                assert.throws(() => toHttpRequest(event as unknown as HttpApiEvent), UnsupportedEventError);
            }
        });
    });

    describe("toLambdaResult", () => {
        const response = jsonResponse(200, { accepted: 1 });

        it("answers an ALB with statusDescription and isBase64Encoded false", () => {
            assert.deepStrictEqual(toLambdaResult("alb", response), {
                statusCode: 200,
                statusDescription: "200 OK",
                headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" },
                body: '{"accepted":1}',
                isBase64Encoded: false,
            });
        });

        it("answers an ALB with multi-value headers in multiValueHeaders only", () => {
            assert.deepStrictEqual(toLambdaResult("alb-multi-value", response), {
                statusCode: 200,
                statusDescription: "200 OK",
                multiValueHeaders: { "content-type": ["application/json; charset=utf-8"], "cache-control": ["no-store"] },
                body: '{"accepted":1}',
                isBase64Encoded: false,
            });
        });

        it("answers an HTTP API or Function URL without statusDescription", () => {
            assert.deepStrictEqual(toLambdaResult("http-api", response), {
                statusCode: 200,
                headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" },
                body: '{"accepted":1}',
                isBase64Encoded: false,
            });
        });

        const descriptions: Array<[number, string]> = [
            [400, "400 Bad Request"],
            [404, "404 Not Found"],
            [413, "413 Payload Too Large"],
            [415, "415 Unsupported Media Type"],
            [422, "422 Unprocessable Entity"],
            [503, "503 Service Unavailable"],
            [599, "599 Unknown"],
        ];
        for (const [status, description] of descriptions) {
            it(`describes ${status} to the ALB as "${description}"`, () => {
                const result = toLambdaResult("alb", jsonResponse(status, {})) as AlbResult;
                assert.strictEqual(result.statusDescription, description);
                assert.strictEqual(result.statusCode, status);
            });
        }
    });

    describe("jsonResponse", () => {
        it("is JSON, not cached", () => {
            assert.deepStrictEqual(jsonResponse(422, { message: "é" }), {
                statusCode: 422,
                headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" },
                body: '{"message":"é"}',
            });
        });
    });
});
