/**
 * The receiver's environment variables: set by the ReceiverFunction component, read by the Lambda factory.
 * Named once here so that the two cannot drift apart.
 */
import { DEFAULT_RETENTION_DAYS } from "../shared/limits";
import { assertValidToken } from "./token";

export const ENV = {
    bucketName: "HEALTHSCORE_BUCKET",
    tableName: "HEALTHSCORE_TABLE",
    retentionDays: "HEALTHSCORE_RETENTION_DAYS",
    token: "HEALTHSCORE_WEBHOOK_TOKEN",
    previousToken: "HEALTHSCORE_PREVIOUS_WEBHOOK_TOKEN",
    /** The receiver's fallback for the raw archive. */
    fallbackQueueUrl: "HEALTHSCORE_FALLBACK_QUEUE_URL",
} as const;

/** The receiver archives raw bodies (S3, else the fallback queue); the loader writes the table. */
export interface ReceiverEnvironment {
    bucketName: string;
    token: string;
    previousToken?: string;
    fallbackQueueUrl: string;
}

export function readReceiverEnvironment(env: Record<string, string | undefined>): ReceiverEnvironment {
    const required = (name: string): string => requiredVariable(env, name);
    // Checked here too, so that a bad token's error names its variable (the matcher's cannot).
    const token = (name: string): string => {
        const value = required(name);
        assertValidToken(value, `environment variable ${name}`);
        return value;
    };
    return {
        bucketName: required(ENV.bucketName),
        token: token(ENV.token),
        previousToken: env[ENV.previousToken] ? token(ENV.previousToken) : undefined,
        fallbackQueueUrl: required(ENV.fallbackQueueUrl),
    };
}

/** The loader's environment: where it reads raw deliveries and writes the store. */
export interface LoaderEnvironment {
    bucketName: string;
    tableName: string;
    retentionDays: number;
}

export function readLoaderEnvironment(env: Record<string, string | undefined>): LoaderEnvironment {
    const required = (name: string): string => requiredVariable(env, name);
    return { bucketName: required(ENV.bucketName), tableName: required(ENV.tableName), retentionDays: readRetentionDays(env) };
}

function requiredVariable(env: Record<string, string | undefined>, name: string): string {
    const value = env[name];
    if (!value) throw new Error(`environment variable ${name} is not set`);
    return value;
}

function readRetentionDays(env: Record<string, string | undefined>): number {
    const retention = env[ENV.retentionDays] ?? String(DEFAULT_RETENTION_DAYS);
    const retentionDays = Number(retention);
    if (!Number.isInteger(retentionDays) || retentionDays < 1) {
        throw new Error(`environment variable ${ENV.retentionDays} must be a positive whole number of days, got ${JSON.stringify(retention)}`);
    }
    return retentionDays;
}
