import { strict as assert } from "assert";
import * as fs from "fs";
import * as http from "http";
import type { AddressInfo } from "net";
import { DOCUMENTED_SAMPLE, endpointUrl, sendCommand } from "../../../local/commands/send";
import { FakePulumi, fakePulumi, pathWithoutPulumi } from "../../support/fakePulumi";

describe("send --stack", () => {
    let server: http.Server;
    let received: Array<{ url: string; body: Buffer }>;
    let pulumi: FakePulumi;
    let endpoint: string;

    before(async () => {
        received = [];
        server = http.createServer((request, response) => {
            const chunks: Buffer[] = [];
            request.on("data", (chunk: Buffer) => chunks.push(chunk));
            request.on("end", () => {
                received.push({ url: request.url ?? "", body: Buffer.concat(chunks) });
                response.writeHead(200, { "content-type": "application/json" });
                response.end(JSON.stringify({ accepted: 1, rejected: 0 }));
            });
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/deployed-token-0123456789`;
        pulumi = fakePulumi("dev", { endpointUrl: endpoint, bucketName: "b", tableName: "t" });
    });

    after(async () => {
        pulumi.remove();
        await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    /** Runs the command in this process with `env` and captures what it prints. */
    async function send(args: string[], env: NodeJS.ProcessEnv): Promise<{ out: string; exitCode: typeof process.exitCode }> {
        const saved = { path: process.env.PATH, write: process.stdout.write, exitCode: process.exitCode };
        let out = "";
        process.env.PATH = env.PATH;
        process.stdout.write = ((chunk: string) => { out += chunk; return true; }) as typeof process.stdout.write;
        try {
            await sendCommand().exitOverride().parseAsync(args, { from: "user" });
            return { out, exitCode: process.exitCode };
        } finally {
            process.env.PATH = saved.path;
            process.stdout.write = saved.write;
            process.exitCode = saved.exitCode;
        }
    }

    it("posts to the endpointUrl the Pulumi CLI gives for the stack", async () => {
        const { out, exitCode } = await send(["--stack", "dev", "--documented"], pulumi.env);
        assert.match(out, /^200 OK\n/);
        assert.notEqual(exitCode, 1);
        assert.equal(received.length, 1);
        assert.equal(received[0].url, "/hooks/deployed-token-0123456789");
        assert.deepEqual(received[0].body, fs.readFileSync(DOCUMENTED_SAMPLE));
        assert.ok(!out.includes("deployed-token"), "the token is not printed");
        assert.deepEqual(pulumi.calls().slice(-1), ["stack output --json --show-secrets --stack dev"]);
    });

    it("says so when the Pulumi CLI is not there", async () => {
        await assert.rejects(send(["--stack", "dev", "--documented"], pathWithoutPulumi()), /the Pulumi CLI is not on PATH/);
    });

    it("endpointUrl: --url, --stack or the local stack, never two", async () => {
        assert.equal(await endpointUrl({ dataDir: ".data", url: "https://x.example/hooks/t" }), "https://x.example/hooks/t");
        assert.equal(await endpointUrl({ dataDir: ".data", stack: "dev" }, { env: pulumi.env }), endpoint);
        await assert.rejects(endpointUrl({ dataDir: ".data", url: "https://x.example", stack: "dev" }), /give --url or --stack, not both/);
        await assert.rejects(endpointUrl({ dataDir: "/nonexistent-healthscore" }), /no local stack is running at \/nonexistent-healthscore: start one with `npm start -- --data-dir \/nonexistent-healthscore`/);
        await assert.rejects(endpointUrl({ dataDir: ".data", stack: "other" }, { env: pulumi.env }), /no stack named 'other' found/);
    });

    it("refuses an endpointUrl output that is not a URL, without quoting it", async () => {
        const broken = fakePulumi("dev", { endpointUrl: "not a url with SeCrEt" });
        try {
            await assert.rejects(endpointUrl({ dataDir: ".data", stack: "dev" }, { env: broken.env }), (err: Error) =>
                /the endpointUrl output of stack dev is not a URL/.test(err.message) && !err.message.includes("SeCrEt"));
        } finally {
            broken.remove();
        }
    });
});
