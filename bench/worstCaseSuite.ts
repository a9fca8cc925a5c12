/**
 * Worst-case bodies (issue 8, hardening): the time and memory the receiver spends on the most expensive inputs
 * the ingress lets through (tests/support/worstBodies.ts), measured by bench/worstCase.ts (also `npm run
 * bench:worst`), each body in a process of its own. A full run builds each at both ingress limits, 1 MB and 6 MB;
 * `--quick` at 1 MB only.
 */
import { MAX_BODY_BYTES } from "../shared/limits";
import type { Suite } from "./suite";
import { Measurement, WORST_CASE_TARGETS, measureWorstBodies } from "./worstCase";

export interface WorstCaseResult {
    targets: typeof WORST_CASE_TARGETS;
    measurements: Measurement[];
}

export const worstCaseSuite: Suite<WorstCaseResult> = {
    id: "worst-case",
    title: "Worst-case bodies",
    async run({ settings, progress }) {
        const sizes = settings.quick ? [MAX_BODY_BYTES.alb] : [MAX_BODY_BYTES.alb, MAX_BODY_BYTES["function-url"]];
        return { targets: WORST_CASE_TARGETS, measurements: await measureWorstBodies({ sizes, progress }) };
    },
};
