import assert from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import { otherBusyProcesses } from "../../bench/otherProcesses";

describe("bench/otherProcesses", function () {
    this.timeout(10_000);

    it("lists busy processes outside this process's tree, never its own children", async function () {
        if (!fs.existsSync("/proc/self/stat")) this.skip();
        const child = spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" });
        try {
            await new Promise((resolve) => setTimeout(resolve, 100));
            const busy = await otherBusyProcesses(300, 0);
            assert.ok(busy, "reported on Linux");
            assert.ok(!busy.some((p) => p.pid === child.pid || p.pid === process.pid), JSON.stringify(busy));
            assert.ok(busy.every((p) => p.percentOfCore >= 0 && p.command.length > 0));
        } finally {
            child.kill();
        }
    });
});
