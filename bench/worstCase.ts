/**
 * Worst-case bodies (issue 8, hardening): the time and memory the receiver spends on the most expensive inputs
 * the ingress lets through. Its bodies and measurements are issue 8's to add here; until then the suite reports
 * that nothing was measured, and no target depends on it.
 */
import type { Suite } from "./suite";

export interface WorstCaseResult {
    measured: false;
    note: string;
}

export const worstCaseSuite: Suite<WorstCaseResult> = {
    id: "worst-case",
    title: "Worst-case bodies",
    async run() {
        return { measured: false, note: "not measured yet: the hardening work (issue 8) adds its worst-case bodies to bench/worstCase.ts" };
    },
};
