/**
 * The local S3 emulator's writes, as a killed process or a cut-off upload leaves them: never a torn object.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { Emulators, startEmulators } from "../../local/emulators";
import { getText, listKeys } from "../support/store";

const BUCKET = "healthscore-atomic";

/** Sends a PUT that announces `announced` bytes, sends half of them, and cuts the connection. */
function cutOffUpload(endpoint: string, key: string, announced: number): Promise<void> {
    return new Promise((resolve) => {
        const url = new URL(`${endpoint}/${BUCKET}/${key}`);
        const request = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: "PUT", headers: { "content-length": announced } });
        request.on("error", () => resolve());
        request.write(Buffer.alloc(announced / 2, 0x61), () => setTimeout(() => {
            request.destroy();
            // Give the emulator the time to notice.
            setTimeout(resolve, 200);
        }, 50));
    });
}

describe("local S3 writes (atomic, with torn objects quarantined at start)", function () {
    this.timeout(30_000);
    let dataDir: string;
    let emulators: Emulators;

    beforeEach(async () => {
        dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "healthscore-atomic-"));
        emulators = await startEmulators({ dataDir, bucketName: BUCKET, tableName: BUCKET });
    });
    afterEach(async () => {
        await emulators?.stop();
        fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it("leaves no object behind an upload cut off halfway, so the next conditional write succeeds", async () => {
        await cutOffUpload(emulators.s3Endpoint, "raw/cut.json", 200_000);

        await assert.rejects(emulators.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "raw/cut.json" })), /NotFound/);
        assert.deepEqual(await listKeys(emulators.s3, BUCKET), []);
        await emulators.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "raw/cut.json", Body: "[]", IfNoneMatch: "*" }));
        assert.equal(await getText(emulators.s3, BUCKET, "raw/cut.json"), "[]");
    });

    it("keeps an object's metadata with it", async () => {
        await emulators.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "raw/m.json", Body: "[]", Metadata: { "received-at": "2026-11-28T10:00:00.000Z" } }));
        const head = await emulators.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "raw/m.json" }));
        assert.deepEqual(head.Metadata, { "received-at": "2026-11-28T10:00:00.000Z" });
    });

    it("moves objects torn by a killed process out of the bucket at start, names them, and keeps whole ones", async () => {
        await emulators.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "raw/whole.json", Body: "[1]" }));
        await emulators.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "alerts/metric=m/dt=2026-11-27/truncated.ndjson", Body: '{"a":1}\n{"b":2}\n' }));
        await emulators.stop();
        // As s3rver left them when killed mid-write: content cut short (its checksum no longer matches), and an
        // object whose checksum and metadata were never written.
        const bucketDir = emulators.bucketDir;
        fs.writeFileSync(path.join(bucketDir, "alerts/metric=m/dt=2026-11-27/truncated.ndjson._S3rver_object"), '{"a":1}\n{"b"');
        fs.writeFileSync(path.join(bucketDir, "raw/no-metadata.json._S3rver_object"), "[{");
        fs.writeFileSync(path.join(dataDir, "s3-staging", "left-over"), "half a body");

        emulators = await startEmulators({ dataDir, bucketName: BUCKET, tableName: BUCKET });

        assert.deepEqual(emulators.quarantined, ["alerts/metric=m/dt=2026-11-27/truncated.ndjson", "raw/no-metadata.json"]);
        assert.deepEqual(await listKeys(emulators.s3, BUCKET), ["raw/whole.json"]);
        assert.ok(fs.existsSync(path.join(emulators.quarantineDir, "raw/no-metadata.json._S3rver_object")));
        assert.deepEqual(fs.readdirSync(path.join(dataDir, "s3-staging")), []);
        // The keys are free again: a replay writes them whole.
        await emulators.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "raw/no-metadata.json", Body: "[]", IfNoneMatch: "*" }));
    });
});
