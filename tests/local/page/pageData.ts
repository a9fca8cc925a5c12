/** Records and page inputs for the page's unit tests. */
import type { AlertRecord } from "../../../handlers/records";
import type { ScorePageInput } from "../../../local/page/scorePage";

/** A latest entry of the table, as `TableReader.latest` returns it. */
export function record(subaccount: number, score: number, extra: Partial<AlertRecord> = {}): AlertRecord {
    return {
        record_id: `r-${subaccount}-${score}`,
        alert_id: 1,
        incident_id: null,
        name: "Daily health score",
        metric: "health_score",
        subaccount_id: subaccount,
        filters: subaccount === -1 ? {} : { subaccount_id: subaccount },
        operator: "gt",
        source: "raw",
        threshold: 0,
        triggered_value: score,
        triggered_at: "2026-11-27T09:00:03.123Z",
        received_at: "2026-11-27T09:00:04.000Z",
        delivery_id: "d-1",
        ...extra,
    };
}

export function input(extra: Partial<ScorePageInput> = {}): ScorePageInput {
    return {
        source: "the local stack in .data",
        generatedAt: "2026-11-28T10:00:00.000Z",
        latest: [],
        days: 30,
        notices: [],
        emptyHint: "Send some.",
        ...extra,
    };
}
