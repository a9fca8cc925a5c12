/** Starts the S3 and DynamoDB emulators in a fresh temp dir for a mocha suite, and stops them after it. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EMULATOR_LATEST_WRITES, Emulators, startEmulators } from "../../local/emulators";
import { createAwsStorage, DeliveryStorage } from "../../handlers/storage";

export const TEST_BUCKET = "healthscore-test";
export const TEST_TABLE = "healthscore-test";

export interface EmulatorContext {
    emulators: Emulators;
    dataDir: string;
    storage: DeliveryStorage;
}

/** Call inside a `describe`: the returned object is filled in by `before` and valid inside tests. */
export function useEmulators(): EmulatorContext {
    const context = {} as EmulatorContext;
    before(async function () {
        this.timeout(30_000);
        context.dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "healthscore-test-"));
        context.emulators = await startEmulators({ dataDir: context.dataDir, bucketName: TEST_BUCKET, tableName: TEST_TABLE });
        context.storage = createAwsStorage({
            s3: context.emulators.s3,
            dynamodb: context.emulators.dynamodb,
            bucketName: TEST_BUCKET,
            tableName: TEST_TABLE,
            retentionDays: 30,
            latestWrites: EMULATOR_LATEST_WRITES,
        });
    });
    after(async () => {
        await context.emulators?.stop();
        if (context.dataDir) fs.rmSync(context.dataDir, { recursive: true, force: true });
    });
    return context;
}
