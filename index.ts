/**
 * Health Score Ingest: `pulumi up` deploys it; `pulumi stack output endpointUrl --show-secrets` gives the URL for
 * the SparkPost alert. The settings are defined in shared/settings.ts and the resources in components/: this file
 * reads the config, builds the program and exports its outputs.
 */
import { parseConfig } from "./shared/settings";
import { readStackConfig } from "./components/stackConfig";
import { createProgram } from "./components/program";

const outputs = createProgram(parseConfig(readStackConfig()));

export const endpointUrl = outputs.endpointUrl;
export const bucketName = outputs.bucketName;
export const tableName = outputs.tableName;
export const functionName = outputs.functionName;
export const loaderFunctionName = outputs.loaderFunctionName;
export const deadLetterQueueUrl = outputs.deadLetterQueueUrl;
export const glueDatabaseName = outputs.glueDatabaseName;
export const crawlerName = outputs.crawlerName;
export const athenaWorkgroupName = outputs.athenaWorkgroupName;
