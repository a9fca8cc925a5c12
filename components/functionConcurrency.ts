/**
 * Reserved concurrency for every function of the stack (the receiver and the loader): the
 * function property, and the preview's advisory check against the account's quota
 * (shared/lambdaConcurrency.ts says the rule). The provider has no data source for Lambda's account settings; Service
 * Quotas is the only way to read the limit, and the deployer may lack permission to: then the check is skipped
 * with a warning, never failing a deployment that could succeed.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { LAMBDA_CONCURRENCY_QUOTA, Reservation, reservationProblem } from "../shared/lambdaConcurrency";

export type ReservedConcurrency = number | "none";

/**
 * `none` leaves the property out, so Lambda reserves nothing and the function uses the unreserved pool (and is
 * capped by nothing but the account). A count caps the function: a flood is throttled rather than billed or passed
 * on to DynamoDB, at the price of holding that many executions away from every other function of the account.
 */
export function reservedConcurrencyProperty(reserved: ReservedConcurrency): { reservedConcurrentExecutions?: number } {
    return reserved === "none" ? {} : { reservedConcurrentExecutions: reserved };
}

/**
 * Resolves (to `then`, for a dependsOn) once a function's reservation, together with the other reservations of the
 * stack (`alongside`), is known not to exceed what the account allows; fails the preview, naming the settings, when
 * the quota certainly leaves no room. Nothing is read when the function reserves nothing.
 */
export function checkReservedConcurrency(
    own: Reservation,
    alongside: readonly Reservation[],
    parent: pulumi.Resource,
    then: pulumi.Resource[],
): pulumi.Output<pulumi.Resource[]> {
    const { reserved, setting } = own;
    if (reserved === "none") return pulumi.output(then);
    const region = aws.getRegionOutput({}, { parent }).region;
    const quota = aws.servicequotas.getServiceQuota({ ...LAMBDA_CONCURRENCY_QUOTA }, { parent }).then(
        (answer) => answer.value,
        (err: Error) => {
            pulumi.log.warn(`${setting} ${reserved} is not checked against the account's Lambda concurrency quota, which could not be read `
                + `(${err.message}); the deployer needs servicequotas:GetServiceQuota for the check`, parent);
            return undefined;
        });
    return pulumi.all([region, quota]).apply(([regionName, limit]) => {
        const problem = limit === undefined ? undefined : reservationProblem([own, ...alongside], limit, regionName);
        if (problem) throw new Error(problem);
        return then;
    });
}
