import assert from "assert";
import fc from "fast-check";
import { MIN_STORABLE_MAGNITUDE, NUMBER_PROBLEMS, numberProblem, numberProblemAt, roundTo3 } from "../../handlers/numbers";
import { numberProblemReference, roundTo3Reference } from "../support/reference";
import { RUNS } from "./support";

/** What a function gives for an input, or the error it throws: the same for a fast version and its reference. */
function outcome<T>(run: () => T): { value: T } | { error: string } {
    try {
        return { value: run() };
    } catch (error) {
        return { error: String(error) };
    }
}

/** Doubles of every kind a score or a hostile sender can make, weighted to where rounding is delicate. */
const delicateDoubles = fc.oneof(
    fc.double(),
    // Real scores: SparkPost's long tails of digits.
    fc.double({ min: 0, max: 1, noNaN: true }).map((r) => 40 + r * 60 + 1e-11),
    // Next to a half thousandth, either side, a few ulps away, at every magnitude up to 2^53.
    fc.tuple(fc.bigInt({ min: -(2n ** 53n), max: 2n ** 53n }), fc.integer({ min: -4, max: 4 }), fc.integer({ min: -12, max: 0 }))
        .map(([thousandths, ulps, scale]) => {
            const half = (Number(thousandths) + 0.5) / 1000 * 10 ** scale;
            let value = half;
            for (let i = 0; i < Math.abs(ulps); i++) value = nextDouble(value, ulps > 0);
            return value;
        }),
    // Decimal literals of up to 17 significant digits, as any writer may send them.
    fc.tuple(fc.bigInt({ min: -(10n ** 17n), max: 10n ** 17n }), fc.integer({ min: -20, max: 5 })).map(([digits, exponent]) => Number(`${digits}e${exponent}`)),
);

/** The next double up (or down) from `value`. */
function nextDouble(value: number, up: boolean): number {
    if (value === 0) return up ? Number.MIN_VALUE : -Number.MIN_VALUE;
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, value);
    const bits = view.getBigUint64(0);
    view.setBigUint64(0, (value > 0) === up ? bits + 1n : bits - 1n);
    return view.getFloat64(0);
}

/** Round half away from zero to 3 decimals on the exact decimal `digits × 10^exponent`, in BigInt: the reference. */
function referenceRound(digits: bigint, exponent: number): number {
    const negative = digits < 0n;
    const magnitude = negative ? -digits : digits;
    const shift = exponent + 3;
    let thousandths: bigint;
    if (shift >= 0) {
        thousandths = magnitude * 10n ** BigInt(shift);
    } else {
        const divisor = 10n ** BigInt(-shift);
        thousandths = magnitude / divisor;
        if ((magnitude % divisor) * 2n >= divisor) thousandths += 1n;
    }
    const result = Number(`${thousandths}e-3`);
    return negative && result !== 0 ? -result : result;
}

describe("handlers/numbers", () => {
    describe("roundTo3", () => {
        const examples: Array<[number, number]> = [
            [78.27250957000001, 78.273],
            [78.2725, 78.273],
            [54.9995, 55],
            [54.99950000000001, 55],
            [1.0005, 1.001],
            [-1.0005, -1.001],
            [0.0004, 0],
            [-0.0004, 0],
            [0.0005, 0.001],
            [91.0004999, 91],
            [2.675, 2.675],
            [1e-7, 0],
            [5e-4, 0.001],
            [123456789012.0005, 123456789012.001],
            // A half the old Math.round step rounded up, through 2784023184387877.4 held as ...877.5.
            [2784023184387.8774, 2784023184387.877],
            [-2784023184387.8774, -2784023184387.877],
            [40, 40],
            [1e21, 1e21],
            [-1e22, -1e22],
            [Number.MAX_VALUE, Number.MAX_VALUE],
        ];
        for (const [input, expected] of examples) {
            it(`rounds ${input} to ${expected}`, () => assert.ok(Object.is(roundTo3(input), expected), `got ${roundTo3(input)}`));
        }

        it("never answers -0", () => {
            assert.ok(Object.is(roundTo3(-0), 0));
            assert.ok(Object.is(roundTo3(-0.0001), 0));
        });

        it("equals the decimal rounding computed in BigInt, for numbers of up to 15 significant digits", () => {
            fc.assert(
                fc.property(
                    fc.bigInt({ min: -(10n ** 15n) + 1n, max: 10n ** 15n - 1n }),
                    fc.integer({ min: -20, max: 6 }),
                    (digits, exponent) => {
                        const value = Number(`${digits}e${exponent}`);
                        assert.ok(Object.is(roundTo3(value), referenceRound(digits, exponent)), `${digits}e${exponent} = ${value}`);
                    },
                ),
                RUNS,
            );
        });

        it("is idempotent, within 0.0005 of its input and has at most 3 decimals, for any finite double", () => {
            fc.assert(
                fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (value) => {
                    const rounded = roundTo3(value);
                    assert.ok(Object.is(roundTo3(rounded), rounded), `not idempotent at ${value}`);
                    assert.ok(Math.abs(rounded - value) <= 0.0005 * (1 + 1e-9) + 4 * Number.EPSILON * Math.abs(value), `${value} -> ${rounded}`);
                    if (Math.abs(rounded) < 1e21) assert.match(String(rounded), /^-?\d+(\.\d{1,3})?$/);
                }),
                RUNS,
            );
        });
    });

    describe("roundTo3 against its reference (the general decimal rounding it shortcuts)", () => {
        it("gives the same double, or the same error, for every double", () => {
            fc.assert(
                fc.property(delicateDoubles, (value) => {
                    const fast = outcome(() => roundTo3(value));
                    const reference = outcome(() => roundTo3Reference(value));
                    if ("value" in fast && "value" in reference) assert.ok(Object.is(fast.value, reference.value), `${value}: ${fast.value} != ${reference.value}`);
                    else assert.deepStrictEqual(fast, reference, String(value));
                }),
                { numRuns: 20_000 },
            );
        });
    });

    describe("numberProblem against its reference", () => {
        it("gives the same answer for every literal: a double's shortest form, long decimals, exponents, zeros", () => {
            const literals = fc.oneof(
                delicateDoubles.filter(Number.isFinite).map(String),
                fc.tuple(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.integer({ min: -400, max: 400 }), fc.constantFrom("e", "E", "e+", "plain"))
                    .map(([digits, exponent, form]) => (form === "plain" ? plainDecimal(digits, Math.max(-60, Math.min(exponent, 30))) : `${digits}${form}${exponent}`)),
                fc.tuple(fc.stringMatching(/^-?(0|[1-9][0-9]{0,25})$/), fc.stringMatching(/^[0-9]{1,25}$/)).map(([whole, fraction]) => `${whole}.${fraction}`),
                // Just off a half thousandth, by as many 9s or 0s as it takes to fool a shortcut: 78.272|4999999999999999|7.
                fc.tuple(fc.stringMatching(/^-?[1-9][0-9]{0,14}$/), fc.stringMatching(/^[0-9]{3}$/), fc.constantFrom("4", "5"), fc.nat(22), fc.stringMatching(/^[0-9]{0,4}$/))
                    .map(([whole, thousandths, half, repeat, tail]) => `${whole}.${thousandths}${half}${(half === "4" ? "9" : "0").repeat(repeat)}${tail}`),
            );
            fc.assert(
                fc.property(literals, fc.constantFrom("", "[", '{"a":'), fc.constantFrom("", ",", "]", "}1"), (literal, before, after) => {
                    const expected = outcome(() => numberProblemReference(literal));
                    assert.deepStrictEqual(outcome(() => numberProblem(literal)), expected, literal);
                    // Read in place, as the JSON scanner reads it.
                    const text = `${before}${literal}${after}`;
                    assert.deepStrictEqual(outcome(() => numberProblemAt(text, before.length, before.length + literal.length)), expected, text);
                }),
                { numRuns: 20_000 },
            );
        });
    });

    describe("numberProblem", () => {
        const examples: Array<[string, string | undefined]> = [
            ["0", undefined], ["-0", undefined], ["0.000000000000000000000", undefined], ["0e-999", undefined],
            ["78.27250957000001", undefined], ["9007199254740991", undefined], ["-9007199254740991", undefined], ["1e-130", undefined],
            ["1.5e2", undefined], ["1E2", undefined], ["123456789012345", undefined], ["0.000000000000001", undefined],
            ["9007199254740992", NUMBER_PROBLEMS.outOfRange], ["9007199254740993", NUMBER_PROBLEMS.outOfRange], ["1e16", NUMBER_PROBLEMS.outOfRange],
            ["1e400", NUMBER_PROBLEMS.outOfRange], ["-1e400", NUMBER_PROBLEMS.outOfRange], ["1" + "0".repeat(400), NUMBER_PROBLEMS.outOfRange],
            ["1e-131", NUMBER_PROBLEMS.tooCloseToZero], ["5e-324", NUMBER_PROBLEMS.tooCloseToZero], ["1e-400", NUMBER_PROBLEMS.tooCloseToZero],
            ["-0." + "0".repeat(500) + "1", NUMBER_PROBLEMS.tooCloseToZero],
            ["78.2724999999999999999", NUMBER_PROBLEMS.tooPrecise], ["0.00049999999999999999999", NUMBER_PROBLEMS.tooPrecise],
            ["78.27250000000000000001", undefined], ["1.0000000000000000000001", undefined],
        ];
        for (const [literal, problem] of examples) {
            it(`${problem === undefined ? "keeps" : "refuses"} ${literal.length > 30 ? `${literal.slice(0, 27)}...` : literal}`, () => {
                assert.strictEqual(numberProblem(literal), problem);
            });
        }

        it("agrees with an exact reference, in BigInt, on generated literals of up to 25 digits", () => {
            fc.assert(
                fc.property(
                    fc.bigInt({ min: -(10n ** 25n) + 1n, max: 10n ** 25n - 1n }),
                    fc.integer({ min: -160, max: 20 }),
                    fc.constantFrom("e", "E", "plain"),
                    (digits, exponent, form) => {
                        const literal = form === "plain" ? plainDecimal(digits, exponent) : `${digits}${form}${exponent}`;
                        const value = Number(literal);
                        const expected = !Number.isFinite(value) || Math.abs(value) > Number.MAX_SAFE_INTEGER ? NUMBER_PROBLEMS.outOfRange
                            : digits !== 0n && (value === 0 || Math.abs(value) < MIN_STORABLE_MAGNITUDE) ? NUMBER_PROBLEMS.tooCloseToZero
                            : digits !== 0n && referenceRound(digits, exponent) !== roundTo3(value) ? NUMBER_PROBLEMS.tooPrecise
                            : undefined;
                        assert.strictEqual(numberProblem(literal), expected, literal);
                    },
                ),
                { numRuns: 1000 },
            );
        });
    });
});

/** `digits × 10^exponent` written without an exponent: `-1234e-2` as `-12.34`, `5e3` as `5000`. */
function plainDecimal(digits: bigint, exponent: number): string {
    const negative = digits < 0n;
    const text = (negative ? -digits : digits).toString();
    const written = exponent >= 0 ? text + "0".repeat(exponent)
        : text.length > -exponent ? `${text.slice(0, exponent)}.${text.slice(exponent)}`
        : `0.${"0".repeat(-exponent - text.length)}${text}`;
    return negative ? `-${written}` : written;
}
