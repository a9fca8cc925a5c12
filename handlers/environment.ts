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
} as const;

export interface ReceiverEnvironment {
    bucketName: string;
    tableName: string;
    retentionDays: number;
    token: string;
    previousToken?: string;
}

export function readReceiverEnvironment(env: Record<string, string | undefined>): ReceiverEnvironment {
    const required = (name: string): string => {
        const value = env[name];
        if (!value) throw new Error(`environment variable ${name} is not set`);
        return value;
    };
    // Checked here too, so that a bad token's error names its variable (the matcher's cannot).
    const token = (name: string): string => {
        const value = required(name);
        assertValidToken(value, `environment variable ${name}`);
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
        token: token(ENV.token),
        previousToken: env[ENV.previousToken] ? token(ENV.previousToken) : undefined,
    };
}
