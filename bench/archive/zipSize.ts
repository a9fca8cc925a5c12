/**
 * The size of a zip archive of some files, without writing it: each entry deflated on its own (or stored, when
 * deflating does not help), plus the zip format's headers. Pulumi builds Lambda archives with Go's archive/zip,
 * whose Deflate runs at level 5; zlib at level 5 comes within a few percent of it.
 */
import * as zlib from "zlib";

/** Local file header (30 bytes) and central directory header (46 bytes), each followed by the name. */
const LOCAL_HEADER_BYTES = 30;
const CENTRAL_HEADER_BYTES = 46;
/** The data descriptor Go's writer adds after each entry's data. */
const DATA_DESCRIPTOR_BYTES = 16;
const END_OF_CENTRAL_DIRECTORY_BYTES = 22;
export const DEFLATE_LEVEL = 5;

/** Bytes one entry takes in the archive, given its name and its compressed size. */
export function zipEntryBytes(name: string, storedBytes: number): number {
    const nameBytes = Buffer.byteLength(name);
    return LOCAL_HEADER_BYTES + nameBytes + storedBytes + DATA_DESCRIPTOR_BYTES + CENTRAL_HEADER_BYTES + nameBytes;
}

export function zipArchiveBytes(entries: ReadonlyArray<{ name: string; storedBytes: number }>): number {
    return entries.reduce((sum, entry) => sum + zipEntryBytes(entry.name, entry.storedBytes), END_OF_CENTRAL_DIRECTORY_BYTES);
}

/** The bytes a file's content takes in the archive: deflated, or as it is when that is smaller. */
export function storedBytes(content: Buffer): number {
    if (content.byteLength === 0) return 0;
    return Math.min(content.byteLength, zlib.deflateRawSync(content, { level: DEFLATE_LEVEL }).byteLength);
}
