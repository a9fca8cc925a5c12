/**
 * Numbers as the store keeps them: rounded to 3 decimals, within ±2^53, no closer to zero than DynamoDB stores.
 * Pure: the JSON scanner asks whether a number literal survives parsing, the records round their scores.
 */

/** The smallest non-zero magnitude a DynamoDB number can have. */
export const MIN_STORABLE_MAGNITUDE = 1e-130;

/** One message per problem with a number, whatever its value: the path says which one. */
export const NUMBER_PROBLEMS = {
    outOfRange: "number is outside the safe range (±9007199254740991)",
    tooCloseToZero: `number is too close to zero to store (DynamoDB keeps magnitudes from ${MIN_STORABLE_MAGNITUDE})`,
    tooPrecise: "number has more digits than a 64-bit float keeps, and parsing it changes its value rounded to 3 decimals",
} as const;

/**
 * Rounds to 3 decimals, half away from zero, on the number's shortest decimal form: 78.2725 becomes 78.273, as a
 * reader of the JSON expects, where `Math.round(x * 1000) / 1000` would give 78.272. Done on the digits, so that
 * no intermediate double rounds a half the wrong way (2784023184387.8774 is 2784023184387.877).
 */
export function roundTo3(value: number): number {
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
export function numberProblem(literal: string): string | undefined {
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
    return roundDecimalTo3(literal) === roundTo3(value) ? undefined : NUMBER_PROBLEMS.tooPrecise;
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
