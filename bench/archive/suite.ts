/** The Lambda archive as Pulumi ships it, against a naive CallbackFunction: bytes and cold initialisation. */
import * as fs from "fs";
import type { Suite } from "../suite";
import { ColdInit, measureColdInit } from "./coldInit";
import { ArchiveKind, buildLambdaArchive } from "./lambdaArchive";
import { storedBytes, zipArchiveBytes } from "./zipSize";

export interface ArchiveMeasurement {
    kind: ArchiveKind;
    files: number;
    packages: string[];
    unzippedBytes: number;
    /** Absent when not computed (the naive archive under --quick). */
    zippedBytes?: number;
    indexJsBytes: number;
    coldInit: ColdInit;
}

export interface ArchiveResult {
    shipped: ArchiveMeasurement;
    naive: ArchiveMeasurement;
}

async function measureArchive(kind: ArchiveKind, zip: boolean, context: Parameters<Suite["run"]>[0]): Promise<ArchiveMeasurement> {
    const archive = await buildLambdaArchive(kind, context.projectRoot);
    const unzippedBytes = archive.files.reduce((sum, file) => sum + file.bytes, 0);
    context.progress(`${kind}: ${archive.files.length} files, ${archive.packages.length} packages, ${unzippedBytes} bytes unzipped`);
    const zippedBytes = zip
        ? zipArchiveBytes(archive.files.map((file) => ({
            name: file.name,
            storedBytes: storedBytes(file.text !== undefined ? Buffer.from(file.text) : fs.readFileSync(file.localPath!)),
        })))
        : undefined;
    const coldInit = measureColdInit(archive, context.projectRoot, context.settings.coldInitRuns);
    context.progress(`${kind}: cold initialisation ${coldInit.initMs.median.toFixed(0)} ms (median of ${coldInit.runs})`);
    return {
        kind,
        files: archive.files.length,
        packages: archive.packages.map((name) => name.replace(/^node_modules\//, "")),
        unzippedBytes,
        zippedBytes,
        indexJsBytes: Buffer.byteLength(archive.indexJs),
        coldInit,
    };
}

export const archiveSuite: Suite<ArchiveResult> = {
    id: "archive",
    title: "The Lambda archive and its cold initialisation",
    async run(context) {
        return {
            shipped: await measureArchive("shipped", true, context),
            naive: await measureArchive("naive", context.settings.zipNaiveArchive, context),
        };
    },
};
