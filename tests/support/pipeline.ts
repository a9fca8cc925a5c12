/**
 * The receiver followed by the loader, in one call, as the deployed pipeline behaves once S3's notification has run
 * the loader: for tests of what a delivery stores, without the asynchronous hop in between.
 */
import { createLoader } from "../../handlers/loader";
import { silentLogger } from "../../handlers/logger";
import { createReceiver, Receiver, ReceiverOptions } from "../../handlers/receiver";
import type { DeliveryStorage } from "../../handlers/storage";
import { rawObjectKey } from "../../shared/layout";

/** A receiver whose every answer that archived a body (202, 400, 422) waits for the loader to store it. */
export function receiveAndLoad(options: ReceiverOptions & { storage: DeliveryStorage }): Receiver {
    const receive = createReceiver(options);
    const load = createLoader({ storage: options.storage, logger: options.logger ?? silentLogger });
    return async (request) => {
        const response = await receive(request);
        const answer = JSON.parse(response.body) as { delivery_id?: string; queued?: boolean };
        if (answer.delivery_id && !answer.queued && [202, 400, 422].includes(response.statusCode)) await load(rawObjectKey(answer.delivery_id));
        return response;
    };
}
