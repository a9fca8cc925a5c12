/**
 * Lambda's rule for reserved concurrency, as a pure function: "You can reserve up to the Unreserved account
 * concurrency value that is shown, minus 100 for functions that don't have reserved concurrency" (Lambda developer
 * guide, configuration-concurrency). The account's limit is Service Quotas' "Concurrent executions" (L-B99A9384):
 * 1,000 by default, but new accounts start reduced (10 is reported), and then nothing can be reserved.
 */

/** What Lambda keeps unreserved, whatever the account's quota. */
export const UNRESERVED_CONCURRENCY_MINIMUM = 100;

/** Service Quotas' code of Lambda's "Concurrent executions" quota. */
export const LAMBDA_CONCURRENCY_QUOTA = { serviceCode: "lambda", quotaCode: "L-B99A9384" } as const;

/** One function's reservation, and the config key that chose it (for the message). */
export interface Reservation {
    setting: string;
    reserved: number | "none";
}

/**
 * Why the stack's reservations must fail in an account whose quota is `quota`, or undefined when they may succeed.
 * Lambda applies the rule to the account's total, so the functions of one stack are checked together: each fits
 * alone but the second PutFunctionConcurrency fails once the first has taken the room. Other stacks' reservations,
 * which nothing at preview can see, may still take it.
 */
export function reservationProblem(reservations: readonly Reservation[], quota: number, region: string): string | undefined {
    const counted = reservations.filter((r): r is { setting: string; reserved: number } => r.reserved !== "none");
    const total = counted.reduce((sum, r) => sum + r.reserved, 0);
    const room = Math.max(0, quota - UNRESERVED_CONCURRENCY_MINIMUM);
    if (counted.length === 0 || total <= room) return undefined;
    const settings = counted.map((r) => r.setting);
    const what = counted.length === 1
        ? `${settings[0]} is ${total}`
        : `${counted.map((r) => `${r.setting} (${r.reserved})`).join(" and ")} reserve ${total} together`;
    const remedy = counted.length === 1 ? `Set ${settings[0]} none` : `Set ${settings.join(" or ")} none`;
    return `${what}, but the account's Lambda concurrency quota in ${region} is ${quota} (Service Quotas `
        + `${LAMBDA_CONCURRENCY_QUOTA.quotaCode}) and Lambda keeps at least ${UNRESERVED_CONCURRENCY_MINIMUM} unreserved, so at most ${room} `
        + `can be reserved. ${remedy} (the function then shares the unreserved pool), or lower it, or ask AWS for a higher quota`;
}
