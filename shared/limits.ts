/**
 * The limits and fixed answers that the receiver, the components and the local stack must agree on: what each
 * ingress lets through, what a token may be, how long history is kept by default, and the one 404 answer.
 *
 * Plain data and pure functions only: the Lambda serializer captures what the handler uses from here.
 */

/** How deliveries reach the receiver: an Application Load Balancer, or a Lambda Function URL. */
export type Ingress = "alb" | "function-url";

export const INGRESSES: readonly Ingress[] = ["alb", "function-url"];

/**
 * The largest request body each ingress hands the function, in bytes. An ALB passes at most 1 MB to a Lambda
 * target (and the local stack's ALB stand-in applies the same limit); a Function URL, like an API Gateway HTTP
 * API, passes up to Lambda's 6 MB invocation payload.
 */
export const MAX_BODY_BYTES: { readonly [ingress in Ingress]: number } = {
    alb: 1024 * 1024,
    "function-url": 6 * 1024 * 1024,
};

/** SparkPost's alert webhook takes only a URL, so the token is a path segment: `/hooks/<token>`. */
export const HOOK_PATH_PREFIX = "/hooks/";

export const MIN_TOKEN_LENGTH = 16;
export const MAX_TOKEN_LENGTH = 128;

/** Tokens are URL-safe so that they can stand in a path (and in an ALB path pattern) unescaped. */
const TOKEN_PATTERN = new RegExp(`^[A-Za-z0-9_-]{${MIN_TOKEN_LENGTH},${MAX_TOKEN_LENGTH}}$`);

/** What {@link isValidToken} accepts, in words, for error messages and the README. */
export const TOKEN_RULE = `${MIN_TOKEN_LENGTH} to ${MAX_TOKEN_LENGTH} characters of A-Z, a-z, 0-9, "_" or "-"`;

export function isValidToken(token: string): boolean {
    return TOKEN_PATTERN.test(token);
}

/** An ALB listener rule's condition value (here the path pattern `/hooks/<token>`) holds at most 128 characters. */
export const ALB_PATH_PATTERN_MAX_LENGTH = 128;

/** So the ALB accepts shorter tokens than the handler does. */
export const MAX_ALB_TOKEN_LENGTH = ALB_PATH_PATTERN_MAX_LENGTH - HOOK_PATH_PREFIX.length;

/** The longest token an ingress can route. */
export function maxTokenLength(ingress: Ingress): number {
    return ingress === "alb" ? MAX_ALB_TOKEN_LENGTH : MAX_TOKEN_LENGTH;
}

/** Length of a token the stack generates: 43 characters of [A-Za-z0-9] is about 256 bits. */
export const GENERATED_TOKEN_LENGTH = 43;

/** Days DynamoDB keeps history items (their `expires_at`) unless configured otherwise. */
export const DEFAULT_RETENTION_DAYS = 30;

/**
 * The one answer to anything but `POST /hooks/<token>`: the receiver, the local ALB stand-in and the ALB's fixed
 * response all send `JSON.stringify(NOT_FOUND)`, so a probe cannot tell which of them answered.
 */
export const NOT_FOUND = { message: "Not Found" } as const;

export const NOT_FOUND_BODY = JSON.stringify(NOT_FOUND);
