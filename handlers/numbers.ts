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
    const rounded = roundAwayFromHalfTo3(value);
    if (rounded !== undefined) return rounded;
    const text = String(value);
    return roundShortDecimalTo3(text) ?? roundDecimalTo3(text);
}

/**
 * `roundTo3` in arithmetic alone, for a score that is not within a thousandth of a thousandth of a half: below
 * 2^31, `value * 1000` lies within 2.5e-4 of 1,000 times the shortest decimal form (half an ulp of the product,
 * plus 500 half ulps of the value), so when its fraction is more than 1e-3 from 0.5, both round to the same
 * integer k of thousandths, and k / 1,000 (one correct rounding) is the double that parsing `<k>e-3` gives.
 * Undefined near a half: there only the digits can tell. A property test holds it to the decimal rounding.
 */
function roundAwayFromHalfTo3(value: number): number | undefined {
    const magnitude = Math.abs(value);
    if (!(magnitude < 2 ** 31)) return undefined;
    const thousandths = magnitude * 1000;
    const whole = Math.floor(thousandths);
    const fraction = thousandths - whole; // exact: both share the exponent (or whole is 0)
    if (Math.abs(fraction - 0.5) <= 1e-3) return undefined;
    const rounded = (fraction > 0.5 ? whole + 1 : whole) / 1000;
    return value < 0 && rounded !== 0 ? -rounded : rounded;
}

/**
 * The rounding of `roundDecimalTo3` without its general parsing, for what nearly every score is: a plain decimal
 * (`-78.27250957000001`) with at most 15 digits up to its third decimal, so that they make an exact integer of
 * thousandths; undefined for any other text. Dividing that integer by 1,000 rounds once, correctly, to the same
 * double as parsing `<thousandths>e-3` does. A property test holds it to the general rounding.
 */
function roundShortDecimalTo3(text: string): number | undefined {
    const negative = text.charCodeAt(0) === 0x2d; /* - */
    const dot = text.indexOf(".");
    const start = negative ? 1 : 0;
    if (dot <= start || dot === text.length - 1) return undefined;
    if (dot - start + 3 > 15) return undefined; // digits through the third decimal
    const end = Math.min(text.length, dot + 4);
    let thousandths = 0;
    for (let i = start; i < end; i++) {
        if (i === dot) continue;
        const digit = text.charCodeAt(i) - 0x30;
        if (digit < 0 || digit > 9) return undefined;
        thousandths = thousandths * 10 + digit;
    }
    for (let i = end; i < dot + 4; i++) thousandths *= 10; // fewer than three decimals
    if (end < text.length) {
        const next = text.charCodeAt(end) - 0x30;
        if (next < 0 || next > 9) return undefined;
        // Only the next digit decides: the text is exact (a double's shortest form, or a literal), so a 5 there
        // is a half or more.
        if (next >= 5) thousandths += 1;
        for (let i = end + 1; i < text.length; i++) {
            const c = text.charCodeAt(i);
            if (c < 0x30 || c > 0x39) return undefined;
        }
    }
    const magnitude = thousandths / 1000;
    return negative && magnitude !== 0 ? -magnitude : magnitude;
}

/**
 * Why a JSON number literal cannot be stored as sent, if it cannot: beyond ±2^53 (the parser has rounded it, or
 * made it Infinity, and DynamoDB keeps at most 1e126), closer to zero than DynamoDB stores (parsing may even have
 * made it 0 or a subnormal: 1e-400, 5e-324 and 1e-131 are one problem), or with more digits than a double keeps
 * where that changes its value rounded to 3 decimals, the precision every stored score has.
 */
export function numberProblem(literal: string): string | undefined {
    if (!mayBeAltered(literal, 0, literal.length) || keepsItsRoundedValue(literal, 0, literal.length)) return undefined;
    return parsedNumberProblem(literal);
}

/** `numberProblem` of the literal `text.slice(start, end)`, read in place: the JSON scanner cuts out only a rare one. */
export function numberProblemAt(text: string, start: number, end: number): string | undefined {
    if (!mayBeAltered(text, start, end) || keepsItsRoundedValue(text, start, end)) return undefined;
    return parsedNumberProblem(text.slice(start, end));
}

function parsedNumberProblem(literal: string): string | undefined {
    const value = Number(literal); // what JSON.parse makes of it
    if (!Number.isFinite(value) || Math.abs(value) > Number.MAX_SAFE_INTEGER) return NUMBER_PROBLEMS.outOfRange;
    // The literal is the double's own shortest form (`78.27250957000001`, as any JSON writer sends a double):
    // parsing keeps it exactly, so only its magnitude can be a problem.
    if (value !== 0 && Math.abs(value) >= MIN_STORABLE_MAGNITUDE && String(value) === literal) return undefined;
    const { mantissa } = decimalParts(literal);
    if (mantissa === "") return undefined; // zero, however written
    if (value === 0 || Math.abs(value) < MIN_STORABLE_MAGNITUDE) return NUMBER_PROBLEMS.tooCloseToZero;
    // A double keeps any 15 significant digits exactly (DBL_DIG): only longer mantissas can be altered.
    if (mantissa.length <= 15) return undefined;
    return roundDecimalTo3(literal) === roundTo3(value) ? undefined : NUMBER_PROBLEMS.tooPrecise;
}

/**
 * Whether the number literal `text.slice(start, end)` could be one that parsing alters: one with an exponent or
 * more than 15 digits. Fifteen digits or fewer and no exponent is 0, or between 1e-15 and 1e15, and exactly what a
 * double keeps. Read in place, so that the JSON scanner cuts no string for the usual short number.
 */
export function mayBeAltered(text: string, start: number, end: number): boolean {
    if (end - start <= 15) {
        for (let i = start; i < end; i++) {
            const c = text.charCodeAt(i);
            if (c === 0x65 || c === 0x45) return true;
        }
        return false;
    }
    let digits = 0;
    for (let i = start; i < end; i++) {
        const c = text.charCodeAt(i);
        if (c >= 0x30 && c <= 0x39) digits++;
        else if (c === 0x65 || c === 0x45) return true;
    }
    return digits > 15;
}

/**
 * True when the literal `text.slice(start, end)` is a plain decimal from 1 (`78.27250957000001`, a score as
 * SparkPost sends it) whose value rounded to 3 decimals parsing surely keeps, by its digits alone, without parsing
 * it; false when that takes the general check. Parsing and then writing the double's shortest form moves the
 * value by at most one unit in the last place, less than 10^(p - 15.6) for p integer digits; rounding is
 * decided on which side of the half thousandth the value lies, and the first digit after the third decimal that
 * is not the half's (4 then 9s, or 5 then 0s), at position m of the tail, puts the literal at least 10^-(m + 3)
 * from it. With p + m <= 12 no such move can cross it. A property test holds it to the general check.
 */
function keepsItsRoundedValue(text: string, start: number, end: number): boolean {
    let i = text.charCodeAt(start) === 0x2d /* - */ ? start + 1 : start;
    const integerStart = i;
    let c = text.charCodeAt(i);
    if (c < 0x31 || c > 0x39) return false;
    do c = text.charCodeAt(++i); while (c >= 0x30 && c <= 0x39 && i < end);
    const integerDigits = i - integerStart;
    if (integerDigits > 11 || c !== 0x2e /* . */) return false;
    const fractionStart = i + 1;
    for (let k = fractionStart; k < end; k++) {
        const d = text.charCodeAt(k);
        if (d < 0x30 || d > 0x39) return false; // an exponent
    }
    if (end - fractionStart < 4) return false;
    const first = text.charCodeAt(fractionStart + 3) - 0x30;
    let position = 1;
    if (first === 4 || first === 5) {
        const half = first === 4 ? 0x39 : 0x30; // 0.4999... or 0.5000...
        let k = fractionStart + 4;
        position = 2;
        while (k < end && text.charCodeAt(k) === half) {
            k++;
            position++;
        }
        if (k === end) return false; // as close to the half as it is written: left to the general check
    }
    return integerDigits + position <= 12;
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
