/**
 * Worst-case bodies (issue 8, hardening): the time and memory the receiver spends on the most expensive inputs
 * the ingress lets through. The hardening work measures them with its own script; this entry of the suite list is
 * where that measurement joins `npm run bench` (run it here and return its rows). Until then the suite reports
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
        return { measured: false, note: "not measured yet: the hardening work (issue 8) joins its worst-case measurement to this suite (bench/worstCaseSuite.ts)" };
    },
};
