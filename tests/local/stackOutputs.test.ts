import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { deployedOutputs, parseOutputs, pulumiStackOutputs, readOutputsFile, requireOutputs, resolveRegion } from "../../local/stackOutputs";
import { FakePulumi, fakePulumi, pathWithoutPulumi } from "../support/fakePulumi";

const SECRET_URL = "https://abc.lambda-url.us-east-1.on.aws/hooks/SeCrEtToKeN0123456789abcdef";

describe("local/stackOutputs", () => {
    describe("from the Pulumi CLI (--stack)", () => {
        let pulumi: FakePulumi;
        before(() => {
            pulumi = fakePulumi("dev", { endpointUrl: SECRET_URL, tableName: "healthscore-dev", athenaWorkgroupName: "wg", glueDatabaseName: "db" });
        });
        after(() => pulumi.remove());

        it("runs `pulumi stack output --json --show-secrets --stack NAME` and reads its JSON", async () => {
            const outputs = await pulumiStackOutputs("dev", { env: pulumi.env });
            assert.equal(outputs.endpointUrl, SECRET_URL);
            assert.deepEqual(pulumi.calls().slice(-1), ["stack output --json --show-secrets --stack dev"]);
        });

        it("names the stack and passes on the CLI's reason when it fails", async () => {
            await assert.rejects(pulumiStackOutputs("prod", { env: pulumi.env }), /`pulumi stack output --stack prod` failed: error: no stack named 'prod' found/);
        });

        it("says clearly when the Pulumi CLI is not on PATH, and what to do instead", async () => {
            await assert.rejects(pulumiStackOutputs("dev", { env: pathWithoutPulumi() }), (err: Error) =>
                /the Pulumi CLI is not on PATH, so --stack cannot read the stack's outputs/.test(err.message) &&
                /`pulumi stack output --json --show-secrets --stack dev > stack.json` and pass --outputs stack.json/.test(err.message));
        });

        it("deployedOutputs checks the keys a command needs", async () => {
            assert.deepEqual(await deployedOutputs({ stack: "dev" }, ["tableName"], { env: pulumi.env }), { tableName: "healthscore-dev" });
            await assert.rejects(deployedOutputs({ stack: "dev" }, ["tableName", "crawlerName"], { env: pulumi.env }), /the outputs of stack dev lacks crawlerName/);
        });
    });

    describe("from a file (--outputs)", () => {
        let dir: string;
        before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), "stack-outputs-")); });
        after(() => fs.rmSync(dir, { recursive: true, force: true }));

        it("reads `pulumi stack output --json` saved to a file", async () => {
            const file = path.join(dir, "stack.json");
            fs.writeFileSync(file, JSON.stringify({ tableName: "t", bucketName: "b" }));
            assert.deepEqual(readOutputsFile(file), { tableName: "t", bucketName: "b" });
            assert.deepEqual(await deployedOutputs({ outputs: file }, ["tableName"]), { tableName: "t" });
        });

        it("says what is missing, unreadable or not JSON, never quoting the text (it may hold the token)", () => {
            assert.throws(() => readOutputsFile(path.join(dir, "none.json")), /cannot read .*none.json: write it with `pulumi stack output --json > /);
            assert.throws(() => parseOutputs(`{"endpointUrl": "${SECRET_URL}",}`, "stack.json"), (err: Error) =>
                /^stack.json is not JSON \(/.test(err.message) && !err.message.includes("SeCrEt"));
            assert.throws(() => requireOutputs(parseOutputs("[1]", "x.json"), ["tableName"], "x.json"), /x.json lacks tableName: is it the output of `pulumi stack output --json`/);
            assert.throws(() => requireOutputs({ tableName: "" }, ["tableName"], "x.json"), /lacks tableName/);
        });

        it("refuses both sources at once, and neither", async () => {
            await assert.rejects(deployedOutputs({ stack: "dev", outputs: "x.json" }, ["tableName"]), /give --stack NAME or --outputs FILE, not both/);
            await assert.rejects(deployedOutputs({}, ["tableName"]), /give --stack NAME \(with the Pulumi CLI\) or --outputs FILE/);
        });
    });

    describe("resolveRegion", () => {
        const none = async () => undefined;
        it("--region, else AWS_REGION, else the AWS profile's", async () => {
            assert.equal(await resolveRegion("eu-west-1", none, { AWS_REGION: "us-east-1" }), "eu-west-1");
            assert.equal(await resolveRegion(undefined, none, { AWS_REGION: "us-east-1" }), "us-east-1");
            assert.equal(await resolveRegion(undefined, async () => "ap-south-2", {}), "ap-south-2");
        });

        it("says how to give one when there is none", async () => {
            const missing = /no AWS Region for the deployed stack: pass --region \(the stack's `pulumi config get aws:region`\) or set AWS_REGION/;
            await assert.rejects(resolveRegion(undefined, none, {}), missing);
            await assert.rejects(resolveRegion(undefined, async () => { throw new Error("Region is missing"); }, {}), missing);
        });
    });
});
