/**
 * Keeping a delivery's bytes before the receiver answers: the raw archive in S3, retried briefly within a budget,
 * else the fallback queue, which the loader drains into the archive once S3 takes writes again. Only when both
 * fail is the delivery lost, and the receiver says so at once.
 */
import { describeError } from "./errors";
import { RetryBudget, retryWithinBudget } from "./deadline";
import { FallbackQueue, fallbackMessageOf } from "./fallbackQueue";
import { ArrivalUnknownError, type RawArchive } from "./storage";

/**
 * The raw PUT: 3 attempts of at most 2 s each, no attempt started after 4 s. A PUT of a 6 MB body takes about
 * 0.1 s in the Region (S3 at 50-100 MB/s per stream); S3's own advice is to retry a PUT that has not answered
 * within 2 s (S3 performance guidelines, "Timeouts and retries for latency-sensitive applications").
 */
export const ARCHIVE_BUDGET: RetryBudget = { attempts: 3, attemptTimeoutMs: 2_000, budgetMs: 4_000, backoffBaseMs: 100 };

/** The fallback SendMessage: 2 attempts of at most 1.5 s, within 3 s. With the archive's 4 s: at most 7 s in all. */
export const FALLBACK_BUDGET: RetryBudget = { attempts: 2, attemptTimeoutMs: 1_500, budgetMs: 3_000, backoffBaseMs: 100 };

export type Kept =
    /**
     * In raw/: `receivedAt` is the first copy's arrival (this one's, or an earlier copy's), or this one's when an
     * earlier copy's could not be read back (`arrivalUnread` says why); the bytes are kept either way.
     */
    | { kind: "archived"; receivedAt: Date; arrivalUnread?: string }
    /** In the fallback queue, with this arrival. */
    | { kind: "queued"; receivedAt: Date; archiveError: string }
    /** Neither the archive nor the queue took it. */
    | { kind: "lost"; archiveError: string; queueError: string };

export interface DurableArchiveOptions {
    archive: RawArchive;
    /** Absent: no fallback (a failed archive loses the delivery). */
    fallback?: FallbackQueue;
    archiveBudget?: RetryBudget;
    fallbackBudget?: RetryBudget;
}

export type KeepDelivery = (deliveryId: string, rawKey: string, body: Uint8Array, arrival: Date) => Promise<Kept>;

export function createDurableArchive(options: DurableArchiveOptions): KeepDelivery {
    const archiveBudget = options.archiveBudget ?? ARCHIVE_BUDGET;
    const fallbackBudget = options.fallbackBudget ?? FALLBACK_BUDGET;

    return async (deliveryId, rawKey, body, arrival) => {
        let archiveError: string;
        try {
            const receivedAt = await retryWithinBudget(archiveBudget,
                (signal) => options.archive.archiveRaw(rawKey, body, arrival, { signal }),
                // The body is in S3 already: trying again changes nothing, and the queue must not hold a second copy.
                (err) => err instanceof ArrivalUnknownError);
            return { kind: "archived", receivedAt };
        } catch (err) {
            // S3 refused to create the object because it exists (perhaps from this very request's first attempt,
            // whose answer was lost): the bytes are kept, only the first copy's arrival is unknown.
            if (err instanceof ArrivalUnknownError) return { kind: "archived", receivedAt: arrival, arrivalUnread: describeError(err) };
            archiveError = describeError(err);
        }

        if (!options.fallback) return { kind: "lost", archiveError, queueError: "no fallback queue is configured" };
        const message = fallbackMessageOf(deliveryId, body, arrival);
        if (!message.ok) return { kind: "lost", archiveError, queueError: message.problem };
        try {
            await retryWithinBudget(fallbackBudget, (signal) => options.fallback!.send(message.message, { signal }));
            return { kind: "queued", receivedAt: arrival, archiveError };
        } catch (err) {
            return { kind: "lost", archiveError, queueError: describeError(err) };
        }
    };
}

