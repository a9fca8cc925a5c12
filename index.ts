/**
 * Health Score Ingest: `pulumi up` deploys it; `pulumi stack output endpointUrl --show-secrets` gives the URL for
 * the SparkPost alert. The settings are defined in shared/settings.ts and the resources in components/: this file
 * reads the config, builds the program and exports its outputs (an object, so that the outputs a configuration
 * does not have, the lake's with `lake: none`, are absent rather than undefined).
 */
import { parseConfig } from "./shared/settings";
import { readStackConfig } from "./components/stackConfig";
import { createProgram } from "./components/program";

export = createProgram(parseConfig(readStackConfig()));
