/**
 * Where the receiver's webhook tokens come from: given directly (the local stack, tests), or read from SSM
 * Parameter Store (Lambda), where they are SecureString parameters. Read once per cold start, on the first request
 * (buildLambdaHandler), so that nothing secret sits in the function's configuration and nothing is read at import.
 */
import type { SSMClient } from "@aws-sdk/client-ssm";
import { RetryBudget, retryWithinBudget } from "./deadline";
import { Sender, ssmSdk } from "./sdk";
import { assertValidToken } from "./token";

export interface WebhookTokens {
    token: string;
    /** The token being rotated out, accepted too. */
    previousToken?: string;
}

/** Loads the tokens; a failure (SSM unreachable, a parameter missing or malformed) rejects, naming the parameter, never the value. */
export type TokenSource = () => Promise<WebhookTokens>;

export function staticTokens(tokens: WebhookTokens): TokenSource {
    return async () => tokens;
}

/** The names of the SecureString parameters that hold the tokens. */
export interface TokenParameterNames {
    token: string;
    previousToken?: string;
}

/**
 * The token read on a cold start: 3 attempts of at most 1 s each, none started after 2 s. SSM answers a
 * GetParameter in tens of milliseconds; what this bounds is an answer that hangs, so that the read, the archive
 * (4 s, durableArchive.ts) and its fallback (3 s) end within the receiver's default 10 s timeout, and a slow cold
 * start is answered, not cut off by Lambda.
 */
export const TOKEN_BUDGET: RetryBudget = { attempts: 3, attemptTimeoutMs: 1_000, budgetMs: 2_000, backoffBaseMs: 50 };

/** Errors no retry can mend: the parameter is missing, or the role may not read or decrypt it. (An array: Pulumi's function serializer does not rebuild a captured Set.) */
const FINAL_SSM_ERRORS: readonly string[] = ["ParameterNotFound", "ParameterVersionNotFound", "AccessDeniedException", "InvalidKeyId"];

/**
 * Reads the parameters with decryption (GetParameter, one call each: the receiver's role may read exactly these
 * two ARNs), each within `budget` (give the client `maxAttempts: 1`: the budget decides the retries). With the
 * AWS managed key aws/ssm no KMS permission is needed; with a customer managed key, the role's kms:Decrypt
 * through SSM.
 */
export function ssmTokens(ssm: Sender<SSMClient>, names: TokenParameterNames, budget: RetryBudget = TOKEN_BUDGET): TokenSource {
    const read = async (name: string): Promise<string> => {
        let value: string | undefined;
        try {
            const answer = await retryWithinBudget(budget,
                (signal) => ssm.send(new (ssmSdk().GetParameterCommand)({ Name: name, WithDecryption: true }), { abortSignal: signal }),
                (err) => FINAL_SSM_ERRORS.includes((err as Error).name));
            value = answer.Parameter?.Value;
        } catch (err) {
            throw new Error(`SSM parameter ${name} could not be read: ${(err as Error).name}: ${(err as Error).message}`);
        }
        if (value === undefined) throw new Error(`SSM parameter ${name} has no value`);
        assertValidToken(value, `SSM parameter ${name}`);
        return value;
    };
    return async () => {
        const [token, previousToken] = await Promise.all([read(names.token), names.previousToken ? read(names.previousToken) : undefined]);
        return { token, ...(previousToken ? { previousToken } : {}) };
    };
}
