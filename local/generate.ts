/**
 * Deliveries in the shape SparkPost really sends (`evaluator` key, no `incident_id`, `filters: {}` for the
 * account overall, subaccount 0 for the primary account, unrounded values), for `send` and for tests.
 */

export interface GenerateOptions {
    /** Subaccounts 0 (the primary account) to N-1, plus one element for the account overall. */
    subaccounts: number;
    /** The `triggered_at` instant of every element (SparkPost evaluates all subaccounts at once). */
    triggeredAt: Date;
    alertId?: number;
    /** The alert's metric. @default "health_score" */
    metric?: string;
    /** A source of numbers in [0, 1), for scores. @default Math.random */
    random?: () => number;
}

export interface GeneratedAlert {
    alert_id: number;
    name: string;
    metric: string;
    triggered_value: number;
    triggered_at: string;
    evaluator: { operator: "gt"; source: "raw"; value: number };
    filters: { subaccount_id?: number };
}

export function generateDelivery(options: GenerateOptions): GeneratedAlert[] {
    if (!Number.isInteger(options.subaccounts) || options.subaccounts < 0) {
        throw new RangeError(`subaccounts must be a whole number ≥ 0, got ${options.subaccounts}`);
    }
    const random = options.random ?? Math.random;
    const metric = options.metric ?? "health_score";
    const element = (filters: GeneratedAlert["filters"]): GeneratedAlert => ({
        alert_id: options.alertId ?? 1,
        name: metric === "health_score" ? "Daily health score" : `Daily ${metric.replace(/_/g, " ")}`,
        metric,
        // Scores as SparkPost computes them: floats with a long tail of digits, mostly in the good band. Other
        // metrics are rates in percent here (bounce rates, say): small floats.
        triggered_value: (metric === "health_score" ? 40 + random() * 60 : random() * 10) + 1e-11,
        triggered_at: options.triggeredAt.toISOString(),
        evaluator: { operator: "gt", source: "raw", value: 0 },
        filters,
    });
    return [element({}), ...Array.from({ length: options.subaccounts }, (_, id) => element({ subaccount_id: id }))];
}

/** A seeded generator (mulberry32), so that a test or a benchmark can generate the same delivery twice. */
export function seededRandom(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
        state = (state + 0x6d2b79f5) >>> 0;
        let t = state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}
