/**
 * The chart in BENCHMARKS.md, drawn with Vega-Lite and rendered to SVG by Vega without a browser: records per
 * second and time to store, per delivery size, for this project and the original approach under the latency
 * model (at the model: the emulators' excess subtracted), and this project on the bare emulators (as measured).
 */
import type { BenchResults } from "../results";

export interface ChartPoint {
    series: string;
    subaccounts: number;
    recordsPerSecond: number;
    storedSeconds: number;
}

export function chartPoints(results: BenchResults): ChartPoint[] {
    const points: ChartPoint[] = [];
    for (const size of results.suites.model?.sizes ?? []) {
        points.push({ series: "this project, latency model", subaccounts: size.subaccounts, recordsPerSecond: size.atModelRecordsPerSecond.median, storedSeconds: size.atModelMs.median / 1000 });
    }
    // The original's time is what the whole delivery needs at its rate, though its 10 s timeout cuts it short.
    for (const row of results.suites.baseline?.comparison ?? []) {
        points.push({ series: "original approach, latency model (time it would need)", subaccounts: row.subaccounts, recordsPerSecond: row.baselineRecordsPerSecond, storedSeconds: row.baselineFullMs / 1000 });
    }
    // Without a model nothing is subtracted: the measured time.
    for (const size of results.suites.emulators?.sizes ?? []) {
        points.push({ series: "this project, bare emulators", subaccounts: size.subaccounts, recordsPerSecond: size.stored.median / (size.storedMs.median / 1000), storedSeconds: size.storedMs.median / 1000 });
    }
    return points;
}

/** The chart's Vega-Lite specification. */
export function chartSpec(points: readonly ChartPoint[]): object {
    const sizes = [...new Set(points.map((point) => point.subaccounts))].sort((a, b) => a - b);
    const x = { field: "subaccounts", type: "ordinal", sort: sizes, title: "subaccounts in the delivery" };
    const color = { field: "series", type: "nominal", title: null, legend: { orient: "bottom", columns: 1, labelLimit: 500 } };
    const panel = (field: string, title: string) => ({
        width: 300,
        height: 220,
        mark: { type: "line", point: true },
        encoding: { x, y: { field, type: "quantitative", scale: { type: "log" }, title }, color },
    });
    return {
        $schema: "https://vega.github.io/schema/vega-lite/v6.json",
        data: { values: points },
        hconcat: [panel("recordsPerSecond", "records stored per second (log)"), panel("storedSeconds", "seconds until all stored (log)")],
        config: { font: "sans-serif" },
    };
}

// Vega and Vega-Lite are ES modules with top-level await, which `require` cannot load; ts-node compiles
// `import()` into `require`, so the import is built at run time.
const importModule = new Function("specifier", "return import(specifier)") as (specifier: string) => Promise<any>;

export async function renderChartSvg(results: BenchResults): Promise<string> {
    const [vega, vegaLite] = await Promise.all([importModule("vega"), importModule("vega-lite")]);
    const compiled = vegaLite.compile(chartSpec(chartPoints(results))).spec;
    const view = new vega.View(vega.parse(compiled), { renderer: "none" });
    try {
        return await view.toSVG();
    } finally {
        view.finalize();
    }
}
