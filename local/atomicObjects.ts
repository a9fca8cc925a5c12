/**
 * Objects the local stack can trust after a crash. s3rver streams a PUT straight to the object's final path and
 * writes its checksum and metadata afterwards, so a killed process (or an aborted upload) leaves a truncated
 * object, or one without metadata, that every later read takes as whole: conditional writes skip it, a replay
 * cannot repair it, and the lake's queries fail on it. Real S3 writes are atomic; these make the emulator's so:
 *
 * - each PUT is written to a staging file and renamed into place only once it is complete, its metadata first;
 * - at start, staging leftovers are removed, and objects torn by an earlier process (no metadata, or a checksum
 *   that does not match) are moved out of the bucket into a quarantine folder, and named.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { Readable, Transform } from "stream";
import { pipeline } from "stream/promises";

/** The suffixes s3rver gives an object's files: `<key>._S3rver_object`, `.md5` and `._S3rver_metadata.json`. */
const OBJECT_SUFFIX = "._S3rver_object";
const MD5_SUFFIX = "._S3rver_object.md5";
const METADATA_SUFFIX = "._S3rver_metadata.json";

/** The parts of s3rver's FilesystemStore replaced here (lib/stores/filesystem.js). */
export interface FilesystemStore {
    getResourcePath(bucket: string, key: string | undefined, resource: string): string;
    putObject(object: StoredObject): Promise<{ size: number; md5: string }>;
    putMetadata(bucket: string, key: string, metadata: Record<string, string>, md5?: string): Promise<void>;
}

interface StoredObject {
    bucket: string;
    key: string;
    content: Buffer | Readable;
    metadata: Record<string, string>;
}

/**
 * Makes the store's object writes atomic: content and sidecar files go to `stagingDir` (on the same file system
 * as the bucket, so that a rename is atomic) and are renamed into place, the object last.
 */
export function makeWritesAtomic(store: FilesystemStore, stagingDir: string): void {
    // Unbound: it is called on a copy of the store that points its files at the staging folder.
    const putMetadata = store.putMetadata;
    const staged = () => path.join(stagingDir, crypto.randomUUID());
    const writeAtomically = async (target: string, data: string) => {
        const temporary = staged();
        await fs.promises.writeFile(temporary, data);
        await fs.promises.rename(temporary, target);
    };

    store.putMetadata = async (bucket, key, metadata, md5) => {
        // s3rver's own selection of what metadata to keep, written to a staging copy of the two files.
        const metadataPath = store.getResourcePath(bucket, key, "metadata.json");
        const md5Path = store.getResourcePath(bucket, key, "object.md5");
        const stagedMetadata = staged();
        const stagingStore = Object.create(store) as FilesystemStore;
        stagingStore.getResourcePath = (_b, _k, resource) => (resource === "metadata.json" ? stagedMetadata : `${stagedMetadata}.md5`);
        await putMetadata.call(stagingStore, bucket, key, metadata, undefined);
        await fs.promises.rename(stagedMetadata, metadataPath);
        if (md5) await writeAtomically(md5Path, md5);
    };

    store.putObject = async (object) => {
        const objectPath = store.getResourcePath(object.bucket, object.key, "object");
        await fs.promises.mkdir(path.dirname(objectPath), { recursive: true });
        const temporary = staged();
        const hash = crypto.createHash("md5");
        let size = 0;
        try {
            const source = Buffer.isBuffer(object.content) ? Readable.from([object.content]) : object.content;
            const measure = new Transform({
                transform(chunk: Buffer, _encoding, callback) {
                    hash.update(chunk);
                    size += chunk.length;
                    callback(null, chunk);
                },
            });
            // pipeline rejects when the upload is cut off, where pipe() would leave the write half done.
            await pipeline(source, measure, fs.createWriteStream(temporary));
            const md5 = hash.digest("hex");
            await store.putMetadata(object.bucket, object.key, object.metadata, md5);
            await fs.promises.rename(temporary, objectPath);
            return { size, md5 };
        } catch (err) {
            await fs.promises.rm(temporary, { force: true });
            throw err;
        }
    };
}

/** Empties the staging folder: what is there was being written when a process was killed. */
export function clearStaging(stagingDir: string): void {
    fs.rmSync(stagingDir, { recursive: true, force: true });
    fs.mkdirSync(stagingDir, { recursive: true });
}

/**
 * Moves every torn object of `bucketDir` (no metadata, unreadable metadata, no checksum, or content that does not
 * match its checksum) with its sidecar files to the same key under `quarantineDir`, and answers their keys.
 */
export function quarantineTornObjects(bucketDir: string, quarantineDir: string): string[] {
    const moved: string[] = [];
    for (const objectPath of objectFiles(bucketDir)) {
        const base = objectPath.slice(0, -OBJECT_SUFFIX.length);
        if (!isTorn(objectPath, base)) continue;
        const key = path.relative(bucketDir, base).split(path.sep).join("/");
        for (const suffix of [OBJECT_SUFFIX, MD5_SUFFIX, METADATA_SUFFIX]) {
            if (!fs.existsSync(base + suffix)) continue;
            const target = path.join(quarantineDir, path.relative(bucketDir, base) + suffix);
            fs.mkdirSync(path.dirname(target), { recursive: true });
            fs.renameSync(base + suffix, target);
        }
        moved.push(key);
    }
    return moved.sort();
}

function isTorn(objectPath: string, base: string): boolean {
    try {
        JSON.parse(fs.readFileSync(base + METADATA_SUFFIX, "utf8"));
        const md5 = fs.readFileSync(base + MD5_SUFFIX, "utf8").trim();
        return crypto.createHash("md5").update(fs.readFileSync(objectPath)).digest("hex") !== md5;
    } catch {
        return true;
    }
}

function objectFiles(dir: string): string[] {
    if (!fs.existsSync(dir)) return [];
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) return objectFiles(full);
        return entry.name.endsWith(OBJECT_SUFFIX) ? [full] : [];
    });
}
