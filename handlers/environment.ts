/**
 * The receiver's environment variables: set by the ReceiverFunction component, read by the Lambda factory.
 * Named once here so that the two cannot drift apart. The tokens themselves are not among them: the function gets
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
} as const;

/** Where the receiver stores deliveries. */
export interface StoreEnvironment {
    bucketName: string;
    tableName: string;
    retentionDays: number;
}

export interface ReceiverEnvironment extends StoreEnvironment {
    /** The SSM parameter holding the token, and the one holding the previous token during a rotation. */
    tokenParameter: string;
    previousTokenParameter?: string;
}

export function readReceiverEnvironment(env: Record<string, string | undefined>): ReceiverEnvironment {
    const required = (name: string): string => {
        const value = env[name];
        if (!value) throw new Error(`environment variable ${name} is not set`);
        return value;
    };
    const retention = env[ENV.retentionDays] ?? String(DEFAULT_RETENTION_DAYS);
    const retentionDays = Number(retention);
    if (!Number.isInteger(retentionDays) || retentionDays < 1) {
        throw new Error(`environment variable ${ENV.retentionDays} must be a positive whole number of days, got ${JSON.stringify(retention)}`);
    }
    return {
        bucketName: required(ENV.bucketName),
        tableName: required(ENV.tableName),
        retentionDays,
        tokenParameter: required(ENV.tokenParameter),
        previousTokenParameter: env[ENV.previousTokenParameter] || undefined,
    };
}
