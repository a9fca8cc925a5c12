/**
 * What a delivery says about the account as a whole, in a handful of numbers cheap enough to be metrics: how many
 * subaccounts each SparkPost band holds, and the account overall's score. Pure.
 *
 * A score is a raw `health_score` alert of a subaccount's own series (no filter but `subaccount_id`): a day_over_day
 * alert holds a change, and an alert on a facet (an IP pool, say) is not the subaccount's score. When a delivery
 * holds several scores of one subaccount, the latest counts (isLater: on equal times the greater record id, as in
 * the table and the lake).
 */
import { HEALTH_BANDS, HealthBand, healthBand } from "../shared/healthBands";
import { isLater, isOwnScore } from "../shared/layout";
import { ACCOUNT_OVERALL, AlertRecord } from "./records";

export interface ScoreAggregates {
    /** Subaccounts per band (the account overall is not a subaccount); every band is present, 0 included. */
    bands: Record<HealthBand, number>;
    /** The account overall's score, when the delivery holds it. */
    accountScore?: number;
}

/** The aggregates of a delivery's records, or undefined when it holds no score at all. */
export function scoreAggregates(records: readonly AlertRecord[]): ScoreAggregates | undefined {
    const latest = new Map<number, AlertRecord>();
    for (const record of records) {
        if (!isOwnScore(record)) continue;
        const seen = latest.get(record.subaccount_id);
        if (!seen || isLater(record, seen)) latest.set(record.subaccount_id, record);
    }
    if (latest.size === 0) return undefined;
    const bands = Object.fromEntries(HEALTH_BANDS.map(({ band }) => [band, 0])) as Record<HealthBand, number>;
    for (const [subaccount, record] of latest) {
        if (subaccount !== ACCOUNT_OVERALL) bands[healthBand(record.triggered_value)]++;
    }
    const account = latest.get(ACCOUNT_OVERALL);
    return { bands, ...(account ? { accountScore: account.triggered_value } : {}) };
}
