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

/**
 * Why reserving `reserved` executions must fail in an account whose quota is `quota`, or undefined when it may
 * succeed (other functions' reservations, which nothing at preview can see, may still take the room). `setting` is
 * the config key that chose the number, for the message.
 */
export function reservationProblem(reserved: number, quota: number, setting: string, region: string): string | undefined {
    const room = Math.max(0, quota - UNRESERVED_CONCURRENCY_MINIMUM);
    if (reserved <= room) return undefined;
    return `${setting} is ${reserved}, but the account's Lambda concurrency quota in ${region} is ${quota} (Service Quotas `
        + `${LAMBDA_CONCURRENCY_QUOTA.quotaCode}) and Lambda keeps at least ${UNRESERVED_CONCURRENCY_MINIMUM} unreserved, so at most ${room} `
        + `can be reserved. Set ${setting} none (the function then shares the unreserved pool), or lower it, or ask AWS for a higher quota`;
}
