/** The Lambda archive as Pulumi ships it, against a naive CallbackFunction: bytes and cold initialisation. */
import * as fs from "fs";
import type { Suite } from "../suite";
import { ColdInit, measureColdInits } from "./coldInit";
import { ArchiveKind, LambdaArchive, buildLambdaArchive } from "./lambdaArchive";
import { packageOfPath } from "../../packaging/handlerArchive";
import { storedBytes, zipArchiveBytes } from "./zipSize";

export interface ArchiveMeasurement {
    kind: ArchiveKind;
    files: number;
    packages: string[];
    unzippedBytes: number;
    /** Absent when not computed (the naive archive under --quick). */
    zippedBytes?: number;
    indexJsBytes: number;
    /**
     * Unzipped bytes per package beside `__index.js`, or for a bundle each package's share of it, with the
     * serialized code's under `__index.js` (absent from results of earlier versions).
     */
    bytesByPackage?: Record<string, number>;
    coldInit: ColdInit;
}

export interface ArchiveResult {
    /** The receiver's archive as shipped. */
    shipped: ArchiveMeasurement;
    /** The loader's archive as shipped (absent from results of earlier versions). */
    loader?: ArchiveMeasurement;
    naive: ArchiveMeasurement;
}

function measureSizes(archive: LambdaArchive, zip: boolean): Omit<ArchiveMeasurement, "coldInit"> {
    return {
        kind: archive.kind,
        files: archive.files.length,
        packages: archive.packages.map((name) => name.replace(/^node_modules\//, "")),
        unzippedBytes: archive.files.reduce((sum, file) => sum + file.bytes, 0),
        zippedBytes: zip
            ? zipArchiveBytes(archive.files.map((file) => ({
                name: file.name,
                storedBytes: storedBytes(file.text !== undefined ? Buffer.from(file.text) : fs.readFileSync(file.localPath!)),
            })))
            : undefined,
        indexJsBytes: Buffer.byteLength(archive.indexJs),
        bytesByPackage: archive.bytesByPart ?? archive.files.filter((file) => file.localPath).reduce<Record<string, number>>((sums, file) => {
            const name = packageOfPath(file.name) ?? file.name;
            sums[name] = (sums[name] ?? 0) + file.bytes;
            return sums;
        }, {}),
    };
}

export const archiveSuite: Suite<ArchiveResult> = {
    id: "archive",
    title: "The Lambda archive and its cold initialisation",
    async run(context) {
        const shipped = await buildLambdaArchive("receiver", context.projectRoot);
        const loader = await buildLambdaArchive("loader", context.projectRoot);
        const naive = await buildLambdaArchive("naive", context.projectRoot);
        const sizes = [measureSizes(shipped, true), measureSizes(loader, true), measureSizes(naive, context.settings.zipNaiveArchive)];
        for (const size of sizes) context.progress(`${size.kind}: ${size.files} files, ${size.packages.length} packages, ${size.unzippedBytes} bytes unzipped`);
        const [shippedInit, loaderInit, naiveInit] = measureColdInits([shipped, loader, naive], context.projectRoot, context.settings.coldInitRuns);
        context.progress(`cold initialisation: receiver ${shippedInit.initMs.median.toFixed(0)} ms (first invocation ${shippedInit.firstInvocationMs?.median.toFixed(0)} ms), ` +
            `loader ${loaderInit.initMs.median.toFixed(0)} ms, naive ${naiveInit.initMs.median.toFixed(0)} ms (medians of ${shippedInit.runs})`);
        return {
            shipped: { ...sizes[0], coldInit: shippedInit },
            loader: { ...sizes[1], coldInit: loaderInit },
            naive: { ...sizes[2], coldInit: naiveInit },
        };
    },
};
