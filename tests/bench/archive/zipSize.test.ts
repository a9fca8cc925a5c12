import assert from "assert";
import { randomBytes } from "crypto";
import { storedBytes, zipArchiveBytes, zipEntryBytes } from "../../../bench/archive/zipSize";

describe("bench/archive/zipSize", () => {
    it("adds the zip headers, the data descriptor and the name twice to each entry", () => {
        assert.strictEqual(zipEntryBytes("a.js", 100), 30 + 4 + 100 + 16 + 46 + 4);
        assert.strictEqual(zipArchiveBytes([]), 22);
        assert.strictEqual(zipArchiveBytes([{ name: "a.js", storedBytes: 100 }, { name: "b", storedBytes: 0 }]), 22 + 200 + 30 + 1 + 16 + 46 + 1);
    });

    it("deflates compressible content and stores incompressible content as it is", () => {
        assert.ok(storedBytes(Buffer.from("x".repeat(10_000))) < 100);
        const noise = randomBytes(10_000);
        assert.strictEqual(storedBytes(noise), 10_000);
        assert.strictEqual(storedBytes(Buffer.alloc(0)), 0);
    });
});
