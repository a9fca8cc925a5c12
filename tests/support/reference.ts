/**
 * The implementations of the pure core as they were before they were made fast, kept verbatim as oracles: the
 * property tests hold each fast version to its reference (same output for every input), so that a record id, a
 * rounding, a verdict or a message never changes because of a speed-up.
 */
import { createHash } from "crypto";
import { Alert, AlertStruct, ElementError, checkTriggeredAt, elementPath, truncate, validateAlert } from "../../handlers/alert";
import { MAX_JSON_DEPTH } from "../../handlers/body";
import { JsonKind, ScannedElement } from "../../handlers/jsonScan";
import { scanJsonReference } from "./jsonScanReference";
import { MIN_STORABLE_MAGNITUDE, NUMBER_PROBLEMS } from "../../handlers/numbers";
import {
    ACCOUNT_OVERALL,
    AlertRecord,
    DeliveryContext,
    Interpretation,
    MAX_DETAILED_REJECTIONS,
    MAX_ELEMENT_BYTES,
    MAX_ERRORS_PER_ELEMENT,
    MAX_REJECTION_DETAIL_BYTES,
    RejectedElement,
    couldBeAlert,
} from "../../handlers/records";

// handlers/numbers.ts

/** Rounds to 3 decimals, half away from zero, on the number's shortest decimal form. */
export function roundTo3Reference(value: number): number {
    // An integer is already rounded; from 1e21 up its decimal form is exponential and its digits need no rounding.
    if (Number.isInteger(value)) return value === 0 ? 0 : value;
    return roundDecimalTo3(String(value));
}

/**
 * Why a JSON number literal cannot be stored as sent, if it cannot: beyond ±2^53 (the parser has rounded it, or
 * made it Infinity, and DynamoDB keeps at most 1e126), closer to zero than DynamoDB stores (parsing may even have
 * made it 0 or a subnormal: 1e-400, 5e-324 and 1e-131 are one problem), or with more digits than a double keeps
 * where that changes its value rounded to 3 decimals, the precision every stored score has.
 */
export function numberProblemReference(literal: string): string | undefined {
    let digits = 0;
    let exponent = false;
    for (let i = 0; i < literal.length; i++) {
        const c = literal.charCodeAt(i);
        if (c >= 0x30 && c <= 0x39) digits++;
        else if (c === 0x65 || c === 0x45) {
            exponent = true;
            break;
        }
    }
    // Fifteen digits or fewer and no exponent: 0, or between 1e-15 and 1e15, and exactly what a double keeps.
    if (!exponent && digits <= 15) return undefined;

    const value = Number(literal); // what JSON.parse makes of it
    if (!Number.isFinite(value) || Math.abs(value) > Number.MAX_SAFE_INTEGER) return NUMBER_PROBLEMS.outOfRange;
    const { mantissa } = decimalParts(literal);
    if (mantissa === "") return undefined; // zero, however written
    if (value === 0 || Math.abs(value) < MIN_STORABLE_MAGNITUDE) return NUMBER_PROBLEMS.tooCloseToZero;
    // A double keeps any 15 significant digits exactly (DBL_DIG): only longer mantissas can be altered.
    if (mantissa.length <= 15) return undefined;
    return roundDecimalTo3(literal) === roundTo3Reference(value) ? undefined : NUMBER_PROBLEMS.tooPrecise;
}

/** The exact value of a decimal literal rounded half away from zero to 3 decimals, as the nearest double. */
function roundDecimalTo3(literal: string): number {
    const { negative, mantissa, pointAt } = decimalParts(literal);
    return mantissa === "" ? 0 : roundedDecimal(negative, mantissa, pointAt);
}

/**
 * A decimal literal as sign, significant digits (no leading or trailing zeros) and where the decimal point falls
 * among them: `-0.01250e3` is negative, "125", point at 2 (12.5).
 */
function decimalParts(literal: string): { negative: boolean; mantissa: string; pointAt: number } {
    const negative = literal.startsWith("-");
    const body = negative ? literal.slice(1) : literal;
    const e = body.search(/[eE]/);
    const number = e < 0 ? body : body.slice(0, e);
    const exponent = e < 0 ? 0 : Number(body.slice(e + 1));
    const dot = number.indexOf(".");
    const allDigits = dot < 0 ? number : number.slice(0, dot) + number.slice(dot + 1);
    const integerDigits = dot < 0 ? number.length : dot;
    const significant = allDigits.replace(/^0+/, "");
    const leading = allDigits.length - significant.length;
    return { negative, mantissa: significant.replace(/0+$/, ""), pointAt: integerDigits - leading + exponent };
}

/**
 * The exact decimal `0.<mantissa> × 10^pointAt` (sign aside) rounded half away from zero to 3 decimals, as a
 * number. Called for non-integers and for magnitudes up to 2^53, below which a double has a fraction, so
 * `pointAt` is at most 16 and the digits kept at most 19.
 */
function roundedDecimal(negative: boolean, mantissa: string, pointAt: number): number {
    const keep = pointAt + 3; // digits up to the third decimal; the one after decides the rounding
    const kept = keep <= 0 ? "0" : mantissa.slice(0, keep).padEnd(keep, "0");
    const next = keep < 0 ? 0 : keep < mantissa.length ? Number(mantissa[keep]) : 0;
    const thousandths = BigInt(kept) + (next >= 5 ? 1n : 0n);
    const magnitude = Number(`${thousandths}e-3`);
    return negative && magnitude !== 0 ? -magnitude : magnitude;
}

// shared/canonicalJson.ts

export function canonicalJsonReference(value: unknown): string {
    if (Array.isArray(value)) return `[${value.map(canonicalJsonReference).join(",")}]`;
    if (value !== null && typeof value === "object") {
        const entries = Object.keys(value)
            .sort()
            .map((key) => `${JSON.stringify(key)}:${canonicalJsonReference((value as Record<string, unknown>)[key])}`);
        return `{${entries.join(",")}}`;
    }
    return JSON.stringify(value);
}

// handlers/ids.ts

export function uuidV5Reference(name: string | Uint8Array, namespace: string): string {
    const namespaceHex = namespace.replace(/-/g, "");
    if (!/^[0-9a-f]{32}$/i.test(namespaceHex)) throw new TypeError(`namespace is not a UUID: ${namespace}`);
    const namespaceBytes = Buffer.from(namespaceHex, "hex");
    const hash = createHash("sha1").update(namespaceBytes).update(name).digest();
    hash[6] = (hash[6] & 0x0f) | 0x50; // version 5
    hash[8] = (hash[8] & 0x3f) | 0x80; // RFC 4122 variant
    const hex = hash.subarray(0, 16).toString("hex");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

// handlers/records.ts

/** The alert's fields the record id is derived from (`Alert`, loosely: the reference takes anything). */
interface IdentityFields {
    alert_id: unknown;
    incident_id?: unknown;
    metric: unknown;
    filters: unknown;
    evaluator?: unknown;
    threshold_evaluator?: unknown;
    triggered_at: string;
    triggered_value: unknown;
}

export function recordIdReference(alert: IdentityFields): string {
    return uuidV5Reference(identityJsonReference(alert, new Date(alert.triggered_at).toISOString()), "8b0c9722-cb4d-5f33-aa12-37dc22e845e3");
}

export function identityJsonReference(alert: IdentityFields, triggeredAt: string): string {
    const evaluator = alert.threshold_evaluator ?? alert.evaluator ?? {};
    return canonicalJsonReference({
        alert_id: alert.alert_id,
        incident_id: alert.incident_id ?? null,
        metric: alert.metric,
        filters: alert.filters,
        evaluator,
        triggered_at: triggeredAt,
        triggered_value: alert.triggered_value,
    });
}

// handlers/body.ts

export function decodeUtf8Reference(bytes: Uint8Array): { ok: true; value: string } | { ok: false; problem: { status: 400; message: string } } {
    try {
        return { ok: true, value: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
    } catch {
        return { ok: false, problem: { status: 400, message: "body is not valid UTF-8" } };
    }
}

// handlers/records.ts: the record, and the whole interpretation (superstruct judging every element)

export function toRecordReference(alert: Alert, context: DeliveryContext): AlertRecord {
    const evaluator = alert.threshold_evaluator ?? alert.evaluator ?? {};
    return {
        record_id: recordIdReference(alert),
        alert_id: alert.alert_id,
        incident_id: alert.incident_id ?? null,
        name: alert.name,
        metric: alert.metric,
        subaccount_id: alert.filters.subaccount_id ?? ACCOUNT_OVERALL,
        filters: alert.filters,
        operator: evaluator.operator ?? null,
        source: evaluator.source ?? null,
        threshold: evaluator.value ?? null,
        triggered_value: roundTo3Reference(alert.triggered_value),
        triggered_at: new Date(alert.triggered_at).toISOString(),
        received_at: context.receivedAt.toISOString(),
        delivery_id: context.deliveryId,
    };
}

export function interpretDeliveryReference(body: Uint8Array | string, struct: AlertStruct, context: DeliveryContext): Interpretation {
    let text: string;
    if (typeof body === "string") {
        text = body;
    } else {
        const decoded = decodeUtf8Reference(body);
        if (!decoded.ok) return { kind: "not-alerts", message: decoded.problem.message };
        text = decoded.value;
    }

    const records = new Map<string, AlertRecord>();
    const rejected: RejectedElement[] = [];
    let rejectedCount = 0;
    let errorCount = 0;
    let duplicates = 0;
    let detailBytes = 0;
    let sawObject = false;

    const canDetail = () => rejected.length < MAX_DETAILED_REJECTIONS && detailBytes < MAX_REJECTION_DETAIL_BYTES;
    /** Rejects an element: detailed (its first errors, and a copy when it is safe) while the limits allow. */
    const reject = (index: number, errors: ElementError[], total = errors.length, copy?: { value: unknown }): void => {
        rejectedCount++;
        if (!canDetail()) return;
        const entry: RejectedElement = { index, ...(copy ? { element: copy.value } : {}), errors: [] };
        entry.errors = errors.slice(0, MAX_ERRORS_PER_ELEMENT).map((error) => ({ ...error, path: truncate(error.path) }));
        if (total > entry.errors.length) entry.more_errors = total - entry.errors.length;
        errorCount += total;
        detailBytes += JSON.stringify(entry).length;
        rejected.push(entry);
    };
    const keep = (alert: Alert): void => {
        const record = toRecordReference(alert, context);
        if (records.has(record.record_id)) duplicates++;
        else records.set(record.record_id, record);
    };

    const visit = (scanned: ScannedElement): void => {
        const { index } = scanned;
        const elementText = () => text.slice(scanned.start, scanned.end);
        if (scanned.kind === "object") sawObject = true;

        const bytes = elementBytesReference(text, scanned);
        if (bytes > MAX_ELEMENT_BYTES) {
            return reject(index, [{ index, path: elementPath(index, []), message: `alert is ${bytes} bytes; the limit is ${MAX_ELEMENT_BYTES}` }]);
        }
        if (scanned.kind !== "object") {
            const errors = [{ index, path: elementPath(index, []), message: `Expected an alert object, but received ${describeKind(scanned.kind)}` }];
            return reject(index, errors, 1, canDetail() ? { value: JSON.parse(elementText()) } : undefined);
        }
        if (scanned.problemCount > 0) {
            // What could not be stored faithfully is not copied into the rejection either: the raw archive has it.
            return reject(index, scanned.problems.map(({ path, message }) => ({ index, path, message })), scanned.problemCount);
        }
        if (!canDetail()) {
            // Past the detail limit only the verdict matters: what cannot be an alert is not even parsed, and for
            // the rest superstruct's first failure decides.
            if (!couldBeAlert(scanned)) return reject(index, []);
            const [failure, alert] = struct.validate(JSON.parse(elementText()));
            if (failure || checkTriggeredAt(alert!, index, context.receivedAt)) return reject(index, []);
            return keep(alert!);
        }
        const element: unknown = JSON.parse(elementText());
        const validated = validateAlert(struct, element, index);
        if (!validated.ok) return reject(index, validated.errors, validated.errors.length, { value: element });
        const outOfWindow = checkTriggeredAt(validated.alert, index, context.receivedAt);
        if (outOfWindow) return reject(index, [outOfWindow], 1, { value: element });
        keep(validated.alert);
    };

    const scan = scanJsonReference(text, visit, { maxDepth: MAX_JSON_DEPTH, maxProblemsPerElement: MAX_ERRORS_PER_ELEMENT, maxTrackedChars: MAX_ELEMENT_BYTES });
    if (!scan.ok) return { kind: "not-alerts", message: scan.message };
    if (scan.rootKind !== "array") {
        return { kind: "not-alerts", message: `expected a JSON array of alerts, but received ${describeKind(scan.rootKind)}` };
    }
    if (scan.elementCount > 0 && !sawObject) {
        return { kind: "not-alerts", message: "expected a JSON array of alert objects, but no element is an object" };
    }
    return { kind: "alerts", records: [...records.values()], rejected, rejectedCount, errorCount, undetailed: rejectedCount - rejected.length, duplicates };
}

function elementBytesReference(text: string, scanned: ScannedElement): number {
    const chars = scanned.end - scanned.start;
    return chars * 3 <= MAX_ELEMENT_BYTES ? chars : Buffer.byteLength(text.slice(scanned.start, scanned.end));
}

function describeKind(kind: JsonKind): string {
    return kind === "null" ? "null" : kind === "object" || kind === "array" ? `an ${kind}` : `a ${kind}`;
}
