/**
 * The webhook's secret: SparkPost's alert webhook takes only a URL, so the token is a path segment,
 * `/hooks/<token>`. It is compared in constant time and never logged.
 */
import { createHash, randomBytes, timingSafeEqual } from "crypto";
import { HOOK_PATH_PREFIX, TOKEN_RULE, isValidToken } from "../shared/limits";

export interface TokenMatcher {
    /** True when `path` is `/hooks/<token>` for the current or the previous token. */
    matchesPath(path: string): boolean;
}

export function assertValidToken(token: string, name: string): void {
    if (!isValidToken(token)) {
        throw new TypeError(`${name} must be ${TOKEN_RULE}`);
    }
}

/** A new random token: 32 bytes, base64url. */
export function generateToken(): string {
    return randomBytes(32).toString("base64url");
}

export function createTokenMatcher(token: string, previousToken?: string): TokenMatcher {
    assertValidToken(token, "webhook token");
    if (previousToken) assertValidToken(previousToken, "previous webhook token");
    // Hashing first gives equal-length buffers (timingSafeEqual throws otherwise) and hides the token's length.
    const digests = [token, previousToken].filter((t): t is string => !!t).map(sha256);

    return {
        matchesPath(path: string): boolean {
            if (!path.startsWith(HOOK_PATH_PREFIX)) return false;
            const candidate = sha256(path.slice(HOOK_PATH_PREFIX.length));
            // Compare with every token, whichever matches, so the time taken says nothing about which one did.
            return digests.map((digest) => timingSafeEqual(candidate, digest)).includes(true);
        },
    };
}

/**
 * The path as it may be logged: `/hooks/<token>` becomes `/hooks/[redacted]`, and so does a `/hooks/` further in
 * or in another case (`//hooks/<token>`, `/prod/hooks/<token>`, `/HOOKS/<token>`): such a path does not match,
 * but it still carries the token.
 */
export function redactPath(path: string): string {
    const at = path.search(/\/hooks\//i);
    return at < 0 ? path : `${path.slice(0, at + HOOK_PATH_PREFIX.length)}[redacted]`;
}

function sha256(text: string): Buffer {
    return createHash("sha256").update(text, "utf8").digest();
}
