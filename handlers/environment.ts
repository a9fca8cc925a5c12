/**
 * The functions' environment variables: set by the ReceiverFunction and HealthScoreLoader components, read by
 * the Lambda factories. Named once here so that the two sides cannot drift apart. The tokens themselves are not
 * among them: the receiver gets
 * the names of the SSM parameters that hold them (handlers/tokenSource.ts); only the local stack takes the tokens
 * from its own environment (`token`, `previousToken`).
 */
import { DEFAULT_RETENTION_DAYS } from "../shared/limits";

export const ENV = {
    bucketName: "HEALTHSCORE_BUCKET",
    tableName: "HEALTHSCORE_TABLE",
    retentionDays: "HEALTHSCORE_RETENTION_DAYS",
    tokenParameter: "HEALTHSCORE_WEBHOOK_TOKEN_PARAMETER",
    previousTokenParameter: "HEALTHSCORE_PREVIOUS_WEBHOOK_TOKEN_PARAMETER",
    /**
     * The parameters' versions, which the function does not read: a new token changes them, and so the function's
     * configuration, and Lambda then serves from new instances, which read the new token.
     */
    tokenVersions: "HEALTHSCORE_WEBHOOK_TOKEN_VERSIONS",
    /** The local stack's token (`npm start`), and the one being rotated out. */
    token: "HEALTHSCORE_WEBHOOK_TOKEN",
    previousToken: "HEALTHSCORE_PREVIOUS_WEBHOOK_TOKEN",
    /** The receiver's fallback for the raw archive. */
    fallbackQueueUrl: "HEALTHSCORE_FALLBACK_QUEUE_URL",
    /** The Pulumi stack: the `stack` dimension of the functions' metrics, which the stack's alarms watch. */
    stack: "HEALTHSCORE_STACK",
} as const;

/** Where the receiver keeps a delivery's body: S3, else the fallback queue. The loader writes the table. */
export interface ArchiveEnvironment {
    bucketName: string;
    fallbackQueueUrl: string;
}

export interface ReceiverEnvironment extends ArchiveEnvironment {
    /** The SSM parameter holding the token, and the one holding the previous token during a rotation. */
    tokenParameter: string;
    previousTokenParameter?: string;
    /** The stack the function belongs to, for its metrics' dimensions. */
    stack: string;
}

export function readReceiverEnvironment(env: Record<string, string | undefined>): ReceiverEnvironment {
    const required = (name: string): string => requiredVariable(env, name);
    return {
        bucketName: required(ENV.bucketName),
        fallbackQueueUrl: required(ENV.fallbackQueueUrl),
        tokenParameter: required(ENV.tokenParameter),
        previousTokenParameter: env[ENV.previousTokenParameter] || undefined,
        stack: required(ENV.stack),
    };
}

/** The loader's environment: where it reads raw deliveries and writes the store. */
export interface LoaderEnvironment {
    bucketName: string;
    tableName: string;
    retentionDays: number;
}

/** A deployed loader's environment: also the stack it belongs to, for its metrics' dimensions. */
export interface DeployedLoaderEnvironment extends LoaderEnvironment {
    stack: string;
}

export function readLoaderEnvironment(env: Record<string, string | undefined>): DeployedLoaderEnvironment {
    const required = (name: string): string => requiredVariable(env, name);
    return { bucketName: required(ENV.bucketName), tableName: required(ENV.tableName), retentionDays: readRetentionDays(env), stack: required(ENV.stack) };
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
