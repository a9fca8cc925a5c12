/**
 * Where the receiver's webhook tokens come from: given directly (the local stack, tests), or read from SSM
 * Parameter Store (Lambda), where they are SecureString parameters. Read once per cold start, on the first request
 * (buildLambdaHandler), so that nothing secret sits in the function's configuration and nothing is read at import.
 */
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
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
 * Reads the parameters with decryption (GetParameter, one call each: the receiver's role may read exactly these
 * two ARNs). With the AWS managed key aws/ssm no KMS permission is needed; with a customer managed key, the role's
 * kms:Decrypt through SSM.
 */
export function ssmTokens(ssm: Pick<SSMClient, "send">, names: TokenParameterNames): TokenSource {
    const read = async (name: string): Promise<string> => {
        let value: string | undefined;
        try {
            const answer = await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
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
