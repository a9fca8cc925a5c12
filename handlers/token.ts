/**
 * The webhook's secret: SparkPost's alert webhook takes only a URL, so the token is a path segment,
 * `/hooks/<token>`. It is compared in constant time and never logged.
 */
import { createHash, randomBytes, timingSafeEqual } from "crypto";
import { HOOK_PATH_PREFIX, TOKEN_RULE, isValidToken } from "../shared/limits";

/**
 * Which route a request path took: the hook with the current token, the hook with the previous one (during a
 * rotation), or anything else. What is logged instead of the path, which the sender chose and may hold a token.
 */
export type Route = "hook" | "previous-token" | "other";

export interface TokenMatcher {
    /** The route of `path`: `hook` or `previous-token` only for exactly `/hooks/<token>`. */
    routeOf(path: string): Route;
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
    const current = sha256(token);
    const previous = previousToken ? sha256(previousToken) : undefined;

    const routeOf = (path: string): Route => {
        if (!path.startsWith(HOOK_PATH_PREFIX)) return "other";
        const candidate = sha256(path.slice(HOOK_PATH_PREFIX.length));
        // Compare with every token, whichever matches, so the time taken says nothing about which one did.
        const isCurrent = timingSafeEqual(candidate, current);
        const isPrevious = previous !== undefined && timingSafeEqual(candidate, previous);
        return isCurrent ? "hook" : isPrevious ? "previous-token" : "other";
    };
    return { routeOf, matchesPath: (path) => routeOf(path) !== "other" };
}

function sha256(text: string): Buffer {
    return createHash("sha256").update(text, "utf8").digest();
}
