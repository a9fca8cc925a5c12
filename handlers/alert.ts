/**
 * The shape of one element of a SparkPost alert webhook delivery, as a superstruct schema.
 *
 * Two shapes are accepted: the documented one (`threshold_evaluator`, `incident_id`) and the one seen in real
 * deliveries (`evaluator`, no `incident_id`, `filters: {}` for the account overall, unrounded values).
 *
 * The schema is built by a function, never held at module scope: the Lambda serializer cannot capture a Struct,
 * so the handler factory builds it once per cold start.
 */
import {
    Failure,
    Infer,
    StructError,
    define,
    enums,
    integer,
    min,
    optional,
    pattern,
    refine,
    size,
    string,
    type,
} from "superstruct";

export const METRICS = [
    "health_score",
    "block_bounce_rate",
    "hard_bounce_rate",
    "soft_bounce_rate",
    "injection_count",
    "monthly_sending_limit",
    "blocklist",
] as const;

/** Unknown metrics are accepted, but the name becomes an S3 key segment and a partition value: keep it tame. */
export const METRIC_NAME = /^[a-z][a-z0-9_]{0,63}$/;

/** An evaluator's operator and source, when given. */
export const OPERATORS = ["gt", "lt"] as const;
export const SOURCES = ["raw", "day_over_day", "week_over_week"] as const;

/** Longest alert name, in UTF-16 code units (superstruct's `size` counts `length`). */
export const MAX_NAME_LENGTH = 1024;

/** The filters the schema knows besides `subaccount_id`: each a string when present. Others are kept as sent. */
export const STRING_FILTERS = ["ip_pool", "mailbox_provider", "sending_domain", "sending_ip", "blocklist_provider", "blocklist_resource"] as const;

/** ISO-8601 date-time with a zone, as SparkPost sends it (`2019-06-01T14:48:00.000Z`). */
const ISO_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/;

/**
 * True when `text` is an ISO-8601 timestamp that names a real instant (no February 30th, no hour 25) whose UTC
 * form is still a plain four-digit-year timestamp: `9999-12-31T23:00:00-05:00` would become `+010000-...`, which
 * breaks the `dt=` key and the string order of sort keys.
 */
export function isRealTimestamp(text: string): boolean {
    const match = ISO_TIMESTAMP.exec(text);
    if (!match) return false;
    const [year, month, day, hour, minute, second] = match.slice(1, 7).map((part) => Number(part ?? 0));
    // setUTCFullYear, not Date.UTC: Date.UTC reads years 0 to 99 as 1900 to 1999 (and 1900 is no leap year).
    const lastOfMonth = new Date(0);
    lastOfMonth.setUTCFullYear(year, month, 0);
    const daysInMonth = lastOfMonth.getUTCDate();
    return (
        month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth &&
        hour <= 23 && minute <= 59 && second <= 59 &&
        !Number.isNaN(Date.parse(text)) &&
        /^\d{4}-/.test(new Date(text).toISOString())
    );
}

/**
 * The instant (epoch milliseconds) of a timestamp written exactly as `toISOString` writes one and as SparkPost
 * sends it, `2019-06-01T14:48:00.000Z`, when it names a real instant from year 100 on; NaN for any other text
 * (which is not necessarily wrong: {@link isRealTimestamp} judges it). Such a text is already its own normalised
 * form. Read digit by digit, with no Date parsing: it runs for every alert. A property test holds it to
 * `isRealTimestamp`, `Date.parse` and `toISOString`.
 */
export function instantOfIsoUtc(text: string): number {
    if (
        text.length !== 24 || text.charCodeAt(4) !== 0x2d || text.charCodeAt(7) !== 0x2d || text.charCodeAt(10) !== 0x54 ||
        text.charCodeAt(13) !== 0x3a || text.charCodeAt(16) !== 0x3a || text.charCodeAt(19) !== 0x2e || text.charCodeAt(23) !== 0x5a
    ) return NaN;
    const year = digitsAt(text, 0, 4);
    const month = digitsAt(text, 5, 2);
    const day = digitsAt(text, 8, 2);
    const hour = digitsAt(text, 11, 2);
    const minute = digitsAt(text, 14, 2);
    const second = digitsAt(text, 17, 2);
    const millis = digitsAt(text, 20, 3);
    // Written so that NaN (a character that is no digit) fails every comparison. Date.UTC reads years 0 to 99 as
    // 1900 to 1999: those are left to the general path.
    if (!(year >= 100 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) &&
        hour <= 23 && minute <= 59 && second <= 59 && millis >= 0)) return NaN;
    return Date.UTC(year, month - 1, day, hour, minute, second, millis);
}

/**
 * `triggered_at` as records keep it: ISO-8601, UTC, milliseconds (`new Date(text).toISOString()`). For a text
 * `isRealTimestamp` accepts; the usual form is returned as it is.
 */
export function isoUtcOf(text: string): string {
    return Number.isNaN(instantOfIsoUtc(text)) ? new Date(text).toISOString() : text;
}

/** The value of `count` decimal digits at `at`, or NaN if one of them is not a digit. */
function digitsAt(text: string, at: number, count: number): number {
    let value = 0;
    for (let i = at; i < at + count; i++) {
        const digit = text.charCodeAt(i) - 0x30;
        if (digit < 0 || digit > 9) return NaN;
        value = value * 10 + digit;
    }
    return value;
}

function daysInMonth(year: number, month: number): number {
    if (month !== 2) return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
    return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
}

export function createAlertStruct() {
    const finiteNumber = define<number>(
        "finite number",
        (value) => (typeof value === "number" && Number.isFinite(value)) || `Expected a finite number, but received ${describe(value)}`,
    );

    const evaluator = refine(
        type({
            operator: optional(enums(OPERATORS)),
            source: optional(enums(SOURCES)),
            value: optional(finiteNumber),
        }),
        "complete evaluator",
        (e) => {
            const present = [e.operator, e.source, e.value].filter((field) => field !== undefined).length;
            return present === 0 || present === 3 ||
                "Expected operator, source and value together (or an empty evaluator for blocklist alerts)";
        },
    );

    const filters = type({
        subaccount_id: optional(min(integer(), 0)),
        ip_pool: optional(string()),
        mailbox_provider: optional(string()),
        sending_domain: optional(string()),
        sending_ip: optional(string()),
        blocklist_provider: optional(string()),
        blocklist_resource: optional(string()),
    });

    const element = type({
        alert_id: min(integer(), 1),
        incident_id: optional(min(integer(), 1)),
        name: size(string(), 1, MAX_NAME_LENGTH),
        metric: pattern(string(), METRIC_NAME),
        triggered_value: finiteNumber,
        triggered_at: refine(string(), "timestamp", (text) =>
            isRealTimestamp(text) || `Expected an ISO-8601 timestamp such as 2019-06-01T14:48:00.000Z, but received ${describe(text)}`),
        threshold_evaluator: optional(evaluator),
        evaluator: optional(evaluator),
        filters,
    });

    return refine(element, "metric rules", (alert) => {
        const evaluatorKey = alert.threshold_evaluator !== undefined ? "threshold_evaluator" : "evaluator";
        const evaluator = alert.threshold_evaluator ?? alert.evaluator;
        if (evaluator === undefined || (evaluator.operator === undefined && evaluator.source === undefined && evaluator.value === undefined)) {
            // SparkPost makes an evaluator part of every alert but a blocklist one: without it nothing says what
            // the value is (a score, or a change of one), so nothing can be checked or compared.
            return alert.metric === "blocklist" || {
                path: [evaluatorKey],
                message: `Expected an evaluator {operator, source, value}: SparkPost sends one with every metric but blocklist, and ${alert.metric} came without`,
            };
        }
        if (alert.metric !== "health_score" || evaluator.source === undefined) return true;
        const value = alert.triggered_value;
        if (evaluator.source === "raw" && (value < 0 || value > 100)) {
            return { path: ["triggered_value"], message: `Expected a health score between 0 and 100, but received ${value}` };
        }
        // day_over_day and week_over_week carry the score's change against the day or week before (SparkPost
        // shows it as a % change). Either as a percentage or in points, a score that cannot go below 0 cannot
        // fall by more than 100; there is no upper bound (a rise from 1 to 100 is +9,900%).
        if (evaluator.source !== "raw" && value < -100) {
            return { path: ["triggered_value"], message: `Expected a health score change of -100 or more, but received ${value}` };
        }
        return true;
    });
}

export type AlertStruct = ReturnType<typeof createAlertStruct>;
export type Alert = Infer<AlertStruct>;
export type Evaluator = NonNullable<Alert["evaluator"]>;

/** One reason an element was rejected: where (`[3].filters.subaccount_id`) and what. */
export interface ElementError {
    index: number;
    path: string;
    message: string;
}

export type Validated = { ok: true; alert: Alert } | { ok: false; errors: ElementError[] };

/** Validates one element of the delivery array; `index` is its position, used in every error path. */
export function validateAlert(struct: AlertStruct, value: unknown, index: number): Validated {
    const [error, alert] = struct.validate(value);
    if (alert !== undefined) return { ok: true, alert };
    return { ok: false, errors: describeFailures(error!, index) };
}

function describeFailures(error: StructError, index: number): ElementError[] {
    return error.failures().map((failure) => ({
        index,
        path: elementPath(index, failure.path.map(String)),
        message: messageOf(failure),
    }));
}

/**
 * Superstruct's wording, where it reads badly: a missing field, an array printed as "", "a integer". Cut to a
 * bounded length, because messages echo the value received and every error goes into the response, which the
 * ALB refuses above 1 MB.
 */
function messageOf(failure: Failure): string {
    if (failure.value === undefined) return "Expected a value, but the field is missing";
    if (failure.type === "type" && failure.refinement === undefined) {
        return truncate(`Expected an object, but received ${Array.isArray(failure.value) ? "an array" : describe(failure.value)}`);
    }
    return truncate(failure.message.replace(/^Expected a integer\b/, "Expected an integer"));
}

/** Longest error message, and longest error path, in characters. */
export const MAX_MESSAGE_LENGTH = 200;

/** Cuts an error's text (a message, or a path that holds keys the sender chose) to a bounded length. */
export function truncate(message: string): string {
    return message.length <= MAX_MESSAGE_LENGTH ? message : `${message.slice(0, MAX_MESSAGE_LENGTH - 1)}…`;
}

/**
 * SparkPost launched the Health Score in 2019: no alert of it triggered earlier. (Epoch milliseconds, not a Date:
 * the Lambda serializer does not keep a Date captured from module scope.)
 */
export const EARLIEST_TRIGGERED_AT_MS = Date.UTC(2019, 0, 1);

/**
 * How long after its delivery first arrived an alert may say it triggered. An alert is sent seconds after it
 * triggers, and both clocks are kept by NTP, so any real skew is far below an hour; an hour also caps the harm of
 * a wrong clock: an alert from the future holds its series' latest entry (only a newer alert replaces it) for an
 * hour at most, never across the next daily alert. A day would let one bad alert hide the next real one.
 */
export const MAX_CLOCK_SKEW_MS = 60 * 60 * 1000;

/**
 * The latest `triggered_at` (epoch milliseconds) a delivery that first arrived at `firstArrival` may hold; NaN,
 * which nothing passes, past the end of time as Date keeps it.
 */
export function latestTriggeredAtMs(firstArrival: Date): number {
    return new Date(firstArrival.getTime() + MAX_CLOCK_SKEW_MS).getTime();
}

/**
 * The one check of an alert that depends on its delivery: `triggered_at` from 2019 to an hour after the delivery
 * first arrived. Judged against the first arrival, so a replay, any day later, judges as the first copy did.
 */
export function checkTriggeredAt(alert: Alert, index: number, firstArrival: Date): ElementError | undefined {
    const latest = new Date(latestTriggeredAtMs(firstArrival));
    const instant = Date.parse(alert.triggered_at);
    if (instant >= EARLIEST_TRIGGERED_AT_MS && instant <= latest.getTime()) return undefined;
    return {
        index,
        path: elementPath(index, ["triggered_at"]),
        message: truncate(
            `Expected a time from ${new Date(EARLIEST_TRIGGERED_AT_MS).toISOString()} (the Health Score's launch) to ${latest.toISOString()} ` +
            `(an hour after the delivery first arrived), but received ${describe(alert.triggered_at)}`,
        ),
    };
}

export function elementPath(index: number, keys: readonly string[]): string {
    return [`[${index}]`, ...keys].join(".");
}

function describe(value: unknown): string {
    return typeof value === "string" ? JSON.stringify(value) : String(value);
}
