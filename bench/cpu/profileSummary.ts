/**
 * Where a CPU profile's time goes: self and total time per function and per area (a project file, an npm
 * package, node's internals, the garbage collector). Pure: a `.cpuprofile` in, tables out.
 */

/** The parts of V8's `.cpuprofile` format read here. */
export interface CpuProfile {
    nodes: Array<{
        id: number;
        callFrame: { functionName: string; url: string; lineNumber: number };
        children?: number[];
    }>;
    startTime: number;
    endTime: number;
    samples?: number[];
    /** Microseconds since the previous sample. */
    timeDeltas?: number[];
}

export interface TimeShare {
    name: string;
    /** Time sampled in the function (or area) itself. */
    selfMs: number;
    /** Time sampled in it or anything it called (for an area: samples with any of its frames on the stack). */
    totalMs: number;
}

export interface ProfileSummary {
    sampledMs: number;
    byFunction: TimeShare[];
    byArea: TimeShare[];
}

/**
 * The area a frame belongs to: `handlers/alert.ts` for a project file, the package for a dependency, `node` for
 * node's own modules, or V8's pseudo-frames (`(garbage collector)`, `(program)`, `(idle)`) as they are.
 */
export function areaOf(url: string, functionName: string, projectRoot: string): string {
    if (url === "") return functionName.startsWith("(") ? functionName : "V8 built-ins";
    if (url.startsWith("node:")) return "node";
    const path = url.replace(/^file:\/\//, "");
    const packageMatch = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
    if (packageMatch) return packageMatch[1];
    const root = projectRoot.endsWith("/") ? projectRoot : `${projectRoot}/`;
    return path.startsWith(root) ? path.slice(root.length) : path;
}

/**
 * Samples with a frame of an `excludedAreas` area on the stack are left out (the profiler's own start and stop,
 * which are sampled too).
 */
export function summarizeProfile(profile: CpuProfile, projectRoot: string, top = 15, excludedAreas: readonly string[] = ["bench/cpu/profiler.ts"]): ProfileSummary {
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    const parent = new Map<number, number>();
    for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

    const functionKey = (id: number) => {
        const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
        const area = areaOf(url, functionName, projectRoot);
        return url === "" ? functionName || "(anonymous)" : `${functionName || "(anonymous)"} (${area}:${lineNumber + 1})`;
    };
    const areaKey = (id: number) => {
        const { functionName, url } = byId.get(id)!.callFrame;
        return areaOf(url, functionName, projectRoot);
    };

    const functions = new Map<string, TimeShare>();
    const areas = new Map<string, TimeShare>();
    const add = (table: Map<string, TimeShare>, name: string, field: "selfMs" | "totalMs", ms: number) => {
        const share = table.get(name) ?? { name, selfMs: 0, totalMs: 0 };
        share[field] += ms;
        table.set(name, share);
    };

    const samples = profile.samples ?? [];
    const deltas = profile.timeDeltas ?? [];
    let sampledMs = 0;
    const excluded = (id: number) => {
        for (let node: number | undefined = id; node !== undefined; node = parent.get(node)) if (excludedAreas.includes(areaKey(node))) return true;
        return false;
    };
    samples.forEach((id, i) => {
        if (excluded(id)) return;
        const ms = (deltas[i] ?? 0) / 1000;
        sampledMs += ms;
        add(functions, functionKey(id), "selfMs", ms);
        add(areas, areaKey(id), "selfMs", ms);
        // Total time: each function or area once per sample, however deep the recursion.
        const seenFunctions = new Set<string>();
        const seenAreas = new Set<string>();
        for (let node: number | undefined = id; node !== undefined; node = parent.get(node)) {
            if (byId.get(node)!.callFrame.functionName === "(root)") continue;
            seenFunctions.add(functionKey(node));
            seenAreas.add(areaKey(node));
        }
        for (const name of seenFunctions) add(functions, name, "totalMs", ms);
        for (const name of seenAreas) add(areas, name, "totalMs", ms);
    });

    const bySelf = (a: TimeShare, b: TimeShare) => b.selfMs - a.selfMs;
    return {
        sampledMs,
        byFunction: [...functions.values()].sort(bySelf).slice(0, top),
        byArea: [...areas.values()].sort(bySelf),
    };
}
