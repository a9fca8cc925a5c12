/**
 * The pipelines the end-to-end benchmark can measure. To measure another design, implement
 * {@link PipelineDefinition} (see pipeline.ts) and add it here; the suites in bench/suites.ts name the ones they run.
 */
import { baselinePipeline } from "../baseline";
import { asynchronousPipeline } from "./asynchronous";
import type { PipelineDefinition } from "./pipeline";

export const PIPELINES: Readonly<Record<string, PipelineDefinition>> = {
    [asynchronousPipeline.id]: asynchronousPipeline,
    [baselinePipeline.id]: baselinePipeline,
};

export function pipelineById(id: string): PipelineDefinition {
    const pipeline = PIPELINES[id];
    if (!pipeline) throw new Error(`no pipeline "${id}"; known: ${Object.keys(PIPELINES).join(", ")}`);
    return pipeline;
}
