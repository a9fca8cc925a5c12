/**
 * Every suite `npm run bench` runs, in order. A new measurement is one more entry here (and, if it has a target,
 * one more in targets.ts).
 */
import { archiveSuite } from "./archive/suite";
import { costSuite } from "./cost/suite";
import { cpuSuite } from "./cpu/suite";
import { baselineSuite, emulatorSuite, modelSuite } from "./e2e/suites";
import type { Suite } from "./suite";
import { worstCaseSuite } from "./worstCaseSuite";

export const SUITES: readonly Suite[] = [
    modelSuite,
    baselineSuite,
    emulatorSuite,
    cpuSuite,
    archiveSuite,
    // Issue 8's worst-case bodies: time and memory of the most expensive inputs.
    worstCaseSuite,
    costSuite,
];

/** The suites to run for the ids asked for (all by default), with the ones they need, in the list's order. */
export function selectSuites(ids: readonly string[] | undefined): Suite[] {
    if (!ids || ids.length === 0) return [...SUITES];
    const unknown = ids.filter((id) => !SUITES.some((suite) => suite.id === id));
    if (unknown.length > 0) throw new Error(`unknown suite ${unknown.join(", ")}; the suites are ${SUITES.map((suite) => suite.id).join(", ")}`);
    const wanted = new Set<string>();
    const want = (id: string) => {
        if (wanted.has(id)) return;
        wanted.add(id);
        for (const need of SUITES.find((suite) => suite.id === id)!.needs ?? []) want(need);
    };
    ids.forEach(want);
    return SUITES.filter((suite) => wanted.has(suite.id));
}
