/**
 * A local stand-in for SparkPost's Alerts API on a real HTTP server (127.0.0.1, a free port). It holds every
 * request to the documented contract and answers as SparkPost's API reference shows:
 * - paths under /api/v1: `POST /alerts`, `GET /alerts`, `GET|PUT|DELETE /alerts/{id}`;
 * - the API key itself in `Authorization` (no scheme word); `Content-Type: application/json` on a body;
 * - `POST` bodies: `name`, `metric`, `muted` (boolean), `filters` (array), `threshold_evaluator`
 *   `{operator: gt|lt, source: raw|day_over_day|week_over_week, value: number}`, `channels` (at least one of
 *   `emails`, `slack.target`, `webhook.target`), and exactly one of `any_subaccount: true` and `subaccounts`;
 *   `PUT` bodies: any of those fields, the result still consistent;
 * - answers `{"results": {"id": N}}` to create and delete, the alert (with `last_triggered`) to get and update,
 *   errors as `{"errors": [{"message", "description", "code"}]}`.
 * A request that breaks the contract is answered as SparkPost would (400, 401, 404 or 422) and recorded in
 * `violations`, which a test asserts empty. What `GET /alerts` holds per alert is not documented in the reference
 * the project keeps; this fake lists id, name, metric, muted and last_triggered, so a client must read an alert
 * to see its channels.
 */
import { strict as assert } from "assert";
import * as http from "http";
import { AddressInfo } from "net";

export const FAKE_API_KEY = "0123456789abcdef0123456789abcdef01234567";

export interface RecordedRequest {
    method: string;
    /** The path below the base URL, e.g. `/alerts/1001`. */
    path: string;
    headers: http.IncomingHttpHeaders;
    body: string;
    /** The body parsed, when it was JSON. */
    json?: unknown;
}

/** A failure to answer instead of the normal answer. */
export interface ScriptedAnswer {
    status: 401 | 403 | 404 | 422 | 429 | 500 | 502 | 503 | 504;
    /** The `Retry-After` header's value, e.g. "0" or "120". */
    retryAfter?: string;
    /** Do what was asked first, then answer the failure: a gateway error or a lost answer after the fact. */
    afterServing?: boolean;
    errors?: Array<{ message: string; description?: string; code?: string }>;
}

export interface StoredAlert {
    id: number;
    last_triggered: string | null;
    [field: string]: unknown;
}

const BASE_PATH = "/api/v1";
const METRICS = ["health_score", "block_bounce_rate", "hard_bounce_rate", "soft_bounce_rate", "monthly_sending_limit"];
const FILTER_TYPES = ["sending_domain", "ip_pool", "mailbox_provider"];
const FIELDS = ["name", "metric", "muted", "filters", "threshold_evaluator", "channels", "any_subaccount", "subaccounts"];
const REQUIRED_FIELDS = ["name", "metric", "muted", "filters", "threshold_evaluator", "channels"];

const DEFAULT_ERRORS: Record<ScriptedAnswer["status"], { message: string; description?: string; code?: string }> = {
    401: { message: "Unauthorized." },
    403: { message: "Forbidden." },
    404: { message: "resource not found", code: "1600" },
    422: { message: "invalid data format/type", description: "Invalid threshold_evaluator.value", code: "1300" },
    429: { message: "Too many requests", code: "1400" },
    500: { message: "Internal error", code: "1000" },
    502: { message: "Bad gateway" },
    503: { message: "Service Unavailable" },
    504: { message: "Gateway timeout" },
};

class ContractError extends Error {
    constructor(readonly status: number, readonly problems: string[]) {
        super(problems.join("; "));
    }
}

export class FakeAlertsApi {
    readonly requests: RecordedRequest[] = [];
    /** Every way a request broke the documented contract; empty after a well-behaved client. */
    readonly violations: string[] = [];
    readonly alerts = new Map<number, StoredAlert>();
    private readonly keys = new Set<string>([FAKE_API_KEY]);
    private readonly script: Array<{ answer: ScriptedAnswer | "stall"; on?: string }> = [];
    private nextId = 1001;

    private constructor(private readonly server: http.Server, readonly apiBaseUrl: string) {}

    static async start(): Promise<FakeAlertsApi> {
        const server = http.createServer();
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        const { port } = server.address() as AddressInfo;
        const fake = new FakeAlertsApi(server, `http://127.0.0.1:${port}${BASE_PATH}`);
        server.on("request", (req, res) => fake.handle(req, res));
        return fake;
    }

    /** Also accept this key (a rotated key of the same account). */
    acceptKey(key: string): void {
        this.keys.add(key);
    }

    revokeKey(key: string): void {
        this.keys.delete(key);
    }

    /**
     * The next `count` requests that keep the contract get this answer instead, in the order scripted; `on`
     * ("POST /alerts", "GET /alerts/1001") limits it to those requests.
     */
    failNext(count: number, answer: ScriptedAnswer, on?: string): void {
        for (let i = 0; i < count; i++) this.script.push({ answer, on });
    }

    /** The next `count` requests (matching `on`) get no answer at all, until the client gives up. */
    stallNext(count: number, on?: string): void {
        for (let i = 0; i < count; i++) this.script.push({ answer: "stall", on });
    }

    /** An alert as if made in SparkPost's UI, outside the client. */
    seedAlert(alert: Record<string, unknown>): number {
        const id = this.nextId++;
        this.alerts.set(id, { ...alert, id, last_triggered: null });
        return id;
    }

    async close(): Promise<void> {
        this.server.closeAllConnections();
        await new Promise<void>((resolve) => this.server.close(() => resolve()));
    }

    private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        const body = Buffer.concat(chunks).toString("utf8");
        const path = (req.url ?? "").startsWith(BASE_PATH) ? (req.url ?? "").slice(BASE_PATH.length) : req.url ?? "";
        const recorded: RecordedRequest = { method: req.method ?? "", path, headers: req.headers, body };
        this.requests.push(recorded);
        try {
            const route = this.route(req, path);
            this.checkHeaders(req, body);
            if (body !== "") recorded.json = parseJson(body);
            const scripted = this.nextScripted(`${req.method} ${path}`);
            if (scripted === "stall") return; // the socket stays open until the client aborts
            if (scripted && !scripted.afterServing) return this.answerScripted(res, scripted);
            if (!this.keys.has(req.headers.authorization ?? "")) {
                return answer(res, 401, { errors: [DEFAULT_ERRORS[401]] });
            }
            const served = this.serve(route, recorded.json);
            if (scripted) return this.answerScripted(res, scripted);
            answer(res, served.status, served.body);
        } catch (err) {
            if (!(err instanceof ContractError)) throw err;
            this.violations.push(...err.problems.map((problem) => `${req.method} ${req.url}: ${problem}`));
            answer(res, err.status, { errors: err.problems.map((problem) => ({ message: "invalid request", description: problem, code: "1300" })) });
        }
    }

    private nextScripted(request: string): ScriptedAnswer | "stall" | undefined {
        const index = this.script.findIndex((entry) => entry.on === undefined || entry.on === request);
        return index < 0 ? undefined : this.script.splice(index, 1)[0].answer;
    }

    private route(req: http.IncomingMessage, path: string): { action: string; id?: number } {
        if (!(req.url ?? "").startsWith(`${BASE_PATH}/`)) throw new ContractError(404, [`path outside ${BASE_PATH}`]);
        const collection = path === "/alerts";
        const item = /^\/alerts\/(\d+)$/.exec(path);
        if (collection && req.method === "POST") return { action: "create" };
        if (collection && req.method === "GET") return { action: "list" };
        if (item && req.method === "GET") return { action: "get", id: Number(item[1]) };
        if (item && req.method === "PUT") return { action: "update", id: Number(item[1]) };
        if (item && req.method === "DELETE") return { action: "delete", id: Number(item[1]) };
        throw new ContractError(404, [`no such endpoint: ${req.method} ${path}`]);
    }

    private checkHeaders(req: http.IncomingMessage, body: string): void {
        const authorization = req.headers.authorization;
        if (authorization === undefined || authorization === "") throw new ContractError(401, ["no Authorization header"]);
        if (/\s/.test(authorization)) {
            throw new ContractError(401, ["Authorization must be the API key itself, without a scheme word"]);
        }
        const problems: string[] = [];
        const withBody = req.method === "POST" || req.method === "PUT";
        const contentType = req.headers["content-type"] ?? "";
        if (withBody && !/^application\/json\s*(;\s*charset=utf-8\s*)?$/i.test(contentType)) {
            problems.push(`Content-Type must be application/json, not "${contentType}"`);
        }
        if (withBody && body === "") problems.push("no body");
        if (!withBody && body !== "") problems.push(`a ${req.method} has no body`);
        if (problems.length > 0) throw new ContractError(400, problems);
    }

    private answerScripted(res: http.ServerResponse, scripted: ScriptedAnswer): void {
        const headers: Record<string, string> = scripted.retryAfter === undefined ? {} : { "Retry-After": scripted.retryAfter };
        answer(res, scripted.status, { errors: scripted.errors ?? [DEFAULT_ERRORS[scripted.status]] }, headers);
    }

    private serve(route: { action: string; id?: number }, json: unknown): { status: number; body: unknown } {
        if (route.action === "create") {
            const problems = checkDefinition(json, "create");
            if (problems.length > 0) throw new ContractError(422, problems);
            const id = this.nextId++;
            this.alerts.set(id, { ...(json as object), id, last_triggered: null });
            return { status: 200, body: { results: { id } } };
        }
        if (route.action === "list") {
            const results = [...this.alerts.values()].map(({ id, name, metric, muted, last_triggered }) => ({ id, name, metric, muted, last_triggered }));
            return { status: 200, body: { results } };
        }
        const problems = route.action === "update" ? checkDefinition(json, "update") : [];
        if (problems.length > 0) throw new ContractError(422, problems);
        const alert = this.alerts.get(route.id!);
        if (!alert) {
            return { status: 404, body: { errors: [{ ...DEFAULT_ERRORS[404], description: `Alert ${route.id} does not exist` }] } };
        }
        if (route.action === "get") return { status: 200, body: { results: alert } };
        if (route.action === "delete") {
            this.alerts.delete(alert.id);
            return { status: 200, body: { results: { id: alert.id } } };
        }
        const updated: StoredAlert = { ...alert, ...(json as object) };
        const conflicts = subaccountProblems(updated);
        if (conflicts.length > 0) throw new ContractError(422, conflicts);
        this.alerts.set(alert.id, updated);
        return { status: 200, body: { results: updated } };
    }
}

/**
 * A fresh fake for each test, closed after it; a test that passed fails if the fake saw a request break the
 * contract (a test that breaks it on purpose empties `violations` after asserting them).
 */
export function useFakeAlertsApi(): { readonly fake: FakeAlertsApi } {
    const env = {} as { fake: FakeAlertsApi };
    beforeEach(async () => {
        env.fake = await FakeAlertsApi.start();
    });
    afterEach(async function () {
        await env.fake.close();
        if (this.currentTest?.state === "passed") assert.deepEqual(env.fake.violations, [], "requests that break SparkPost's contract");
    });
    return env;
}

function parseJson(body: string): unknown {
    try {
        return JSON.parse(body);
    } catch {
        throw new ContractError(400, ["the body is not JSON"]);
    }
}

function answer(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text), ...headers });
    res.end(text);
}

const isObject = (value: unknown): value is Record<string, unknown> =>
    typeof value === "object" && value !== null && !Array.isArray(value);

function isUrl(value: unknown): boolean {
    if (typeof value !== "string") return false;
    try {
        return ["http:", "https:"].includes(new URL(value).protocol);
    } catch {
        return false;
    }
}

/** The problems with a create body, or with the fields an update body gives (every field optional there). */
export function checkDefinition(body: unknown, kind: "create" | "update"): string[] {
    if (!isObject(body)) return ["the body must be a JSON object"];
    const problems: string[] = [];
    for (const field of Object.keys(body)) if (!FIELDS.includes(field)) problems.push(`unknown field ${field}`);
    if (kind === "create") {
        for (const field of REQUIRED_FIELDS) if (!(field in body)) problems.push(`${field} is required`);
        problems.push(...subaccountProblems(body));
    } else if (Object.keys(body).length === 0) {
        problems.push("an update must change something");
    }
    const has = (field: string) => field in body;
    if (has("name") && (typeof body.name !== "string" || body.name.trim() === "")) problems.push("name must be a non-empty string");
    if (has("metric") && !METRICS.includes(body.metric as string)) problems.push(`metric must be one of ${METRICS.join(", ")}`);
    if (has("muted") && typeof body.muted !== "boolean") problems.push("muted must be a boolean");
    if (has("filters")) problems.push(...filterProblems(body.filters));
    if (has("threshold_evaluator")) problems.push(...evaluatorProblems(body.threshold_evaluator));
    if (has("channels")) problems.push(...channelProblems(body.channels));
    if (has("any_subaccount") && typeof body.any_subaccount !== "boolean") problems.push("any_subaccount must be a boolean");
    if (has("subaccounts") && !(Array.isArray(body.subaccounts) && body.subaccounts.length > 0
        && body.subaccounts.every((id) => Number.isSafeInteger(id) && id >= 0))) {
        problems.push("subaccounts must be a non-empty array of subaccount ids");
    }
    return problems;
}

function subaccountProblems(alert: Record<string, unknown>): string[] {
    const any = alert.any_subaccount === true;
    const listed = alert.subaccounts !== undefined;
    return any === listed ? ["give exactly one of any_subaccount: true and subaccounts"] : [];
}

function filterProblems(filters: unknown): string[] {
    if (!Array.isArray(filters)) return ["filters must be an array"];
    const problems = filters.flatMap((filter, index) => {
        if (!isObject(filter) || !FILTER_TYPES.includes(filter.filter_type as string)) {
            return [`filters[${index}].filter_type must be one of ${FILTER_TYPES.join(", ")}`];
        }
        const values = filter.filter_values;
        return Array.isArray(values) && values.length > 0 && values.every((value) => typeof value === "string")
            ? []
            : [`filters[${index}].filter_values must be a non-empty array of strings`];
    });
    if (new Set(filters.map((filter) => (filter as { filter_type?: unknown })?.filter_type)).size > 1) {
        problems.push("filters must all have one filter_type");
    }
    return problems;
}

function evaluatorProblems(evaluator: unknown): string[] {
    if (!isObject(evaluator)) return ["threshold_evaluator must be an object"];
    const problems: string[] = [];
    if (!["gt", "lt"].includes(evaluator.operator as string)) problems.push("threshold_evaluator.operator must be gt or lt");
    if (!["raw", "day_over_day", "week_over_week"].includes(evaluator.source as string)) {
        problems.push("threshold_evaluator.source must be raw, day_over_day or week_over_week");
    }
    if (typeof evaluator.value !== "number" || !Number.isFinite(evaluator.value)) problems.push("threshold_evaluator.value must be a number");
    return problems;
}

function channelProblems(channels: unknown): string[] {
    if (!isObject(channels)) return ["channels must be an object"];
    const problems: string[] = [];
    for (const key of Object.keys(channels)) {
        if (!["emails", "slack", "webhook"].includes(key)) problems.push(`unknown channel ${key}`);
    }
    if (!["emails", "slack", "webhook"].some((key) => key in channels)) {
        problems.push("channels needs at least one of emails, slack and webhook");
    }
    if ("emails" in channels && !(Array.isArray(channels.emails) && channels.emails.length > 0
        && channels.emails.every((email) => typeof email === "string" && email.includes("@")))) {
        problems.push("channels.emails must be a non-empty array of addresses");
    }
    for (const key of ["slack", "webhook"] as const) {
        if (key in channels && !(isObject(channels[key]) && isUrl((channels[key] as { target?: unknown }).target))) {
            problems.push(`channels.${key}.target must be a URL`);
        }
    }
    return problems;
}
