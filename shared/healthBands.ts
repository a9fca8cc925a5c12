/**
 * SparkPost's Health Score bands, as its UI colours a score: below 55 bad, 55 to 80 needs improvement, 80 and
 * above good. The CLI labels scores with them and the `bands` named query groups by them, in the same words.
 */
export const HEALTH_BANDS = [
    { band: "bad", below: 55 },
    { band: "needs improvement", below: 80 },
    { band: "good", below: Infinity },
] as const;

export type HealthBand = (typeof HEALTH_BANDS)[number]["band"];

export function healthBand(score: number): HealthBand {
    return HEALTH_BANDS.find((band) => score < band.below)!.band;
}

/** Each band with its range in words: `below 55`, `55 to 80`, `80 and above`. */
export function healthBandRanges(): Array<{ band: HealthBand; range: string }> {
    return HEALTH_BANDS.map((band, i) => {
        const from = i === 0 ? undefined : HEALTH_BANDS[i - 1].below;
        if (from === undefined) return { band: band.band, range: `below ${band.below}` };
        return { band: band.band, range: band.below === Infinity ? `${from} and above` : `${from} to ${band.below}` };
    });
}

/** The bands in words: `below 55 bad, 55 to 80 needs improvement, 80 and above good`. */
export function describeHealthBands(): string {
    return healthBandRanges().map(({ band, range }) => `${range} ${band}`).join(", ");
}

/** SQL that maps `column` to each band's value (its name, or its rank from 1), in the same order as healthBand. */
export function healthBandSql(column: string, value: "name" | "rank"): string {
    const result = (i: number) => (value === "name" ? `'${HEALTH_BANDS[i].band}'` : String(i + 1));
    const last = HEALTH_BANDS.length - 1;
    const cases = HEALTH_BANDS.slice(0, last).map((band, i) => `WHEN ${column} < ${band.below} THEN ${result(i)}`);
    return `CASE ${cases.join(" ")} ELSE ${result(last)} END`;
}
