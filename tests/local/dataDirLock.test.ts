/** One local stack per data dir: the lock file, a holder that is alive, and a stale one. */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DataDirInUseError, lockDataDir, lockHolder, lockPath } from "../../local/dataDirLock";

describe("local/dataDirLock", () => {
    let dataDir: string;
    beforeEach(() => { dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "healthscore-lock-")); });
    afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

    it("holds the data dir for this process until released, refusing another taker by naming the holder", () => {
        const lock = lockDataDir(dataDir);
        assert.equal(lockHolder(dataDir)?.pid, process.pid);
        assert.throws(() => lockDataDir(dataDir), (err: unknown) => err instanceof DataDirInUseError && err.holder.pid === process.pid
            && new RegExp(`in use by another local stack, process ${process.pid} .*kill ${process.pid}`).test(err.message));
        lock.release();
        assert.equal(lockHolder(dataDir), undefined);
        assert.ok(!fs.existsSync(lockPath(dataDir)));
    });

    it("reads a lock whose process has exited as none, and takes it over, reporting the stale holder", () => {
        const dead = spawnSync(process.execPath, ["-e", "0"]).pid;
        fs.writeFileSync(lockPath(dataDir), JSON.stringify({ pid: dead, startedAt: "2026-11-27T09:00:00.000Z" }));
        assert.equal(lockHolder(dataDir), undefined);
        const lock = lockDataDir(dataDir);
        assert.equal(lock.staleHolder?.pid, dead);
        assert.equal(lockHolder(dataDir)?.pid, process.pid);
        lock.release();
    });

    it("releases only its own lock, never one another process took over", () => {
        const lock = lockDataDir(dataDir);
        fs.writeFileSync(lockPath(dataDir), JSON.stringify({ pid: process.ppid, startedAt: "now" }));
        lock.release();
        assert.equal(JSON.parse(fs.readFileSync(lockPath(dataDir), "utf8")).pid, process.ppid);
    });
});
