/**
 * The functions' code as the components deploy it (packaging/handlerArchive.ts): serialized, bundled, minified.
 * The bundles run against the emulators in tests/handlers/lambda.test.ts and, as the mocks receive them, in
 * tests/components/program/.
 */
import * as assert from "assert";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { HANDLER_ENTRY, HANDLER_FILE, LAMBDA_RUNTIME, bundleHandler, esbuildTarget, packageOfPath } from "../../packaging/handlerArchive";
import { createLambdaHandler, createLoaderLambdaHandler } from "../../handlers/lambda";

const PROJECT_ROOT = path.resolve(__dirname, "..", "..");

describe("packaging/handlerArchive", function () {
    this.timeout(30_000);

    it("targets the runtime's Node.js version, and refuses a runtime that is not Node.js", () => {
        assert.strictEqual(esbuildTarget("nodejs22.x"), "node22");
        assert.strictEqual(esbuildTarget(LAMBDA_RUNTIME), "node22");
        assert.throws(() => esbuildTarget("python3.13"), /runtime "python3\.13" is not a Lambda Node\.js runtime/);
    });

    it("names a file's package, scoped or not, the innermost when nested, and none outside node_modules", () => {
        assert.strictEqual(packageOfPath("node_modules/superstruct/dist/index.cjs"), "superstruct");
        assert.strictEqual(packageOfPath("node_modules/@aws-lambda-powertools/logger/lib/cjs/index.js"), "@aws-lambda-powertools/logger");
        assert.strictEqual(packageOfPath("node_modules/a/node_modules/@scope/b/index.js"), "@scope/b");
        assert.strictEqual(packageOfPath("__index.js"), undefined);
    });

    it("names the entry Lambda calls after the one file: __index.js exporting handler", () => {
        assert.strictEqual(`${path.basename(HANDLER_FILE, ".js")}.handler`, HANDLER_ENTRY);
    });

    const POWERTOOLS_AND_SUPERSTRUCT = ["@aws-lambda-powertools/commons", "@aws-lambda-powertools/logger", "@aws/lambda-invoke-store", "superstruct"];
    for (const [name, factory, packages] of [
        ["receiver", createLambdaHandler, POWERTOOLS_AND_SUPERSTRUCT],
        // The runtime provides the SDK's clients, not necessarily its utilities.
        ["loader", createLoaderLambdaHandler, [...POWERTOOLS_AND_SUPERSTRUCT, "@aws-sdk/util-dynamodb"].sort()],
    ] as const) {
        describe(`the ${name}'s bundle`, () => {
            let first: Awaited<ReturnType<typeof bundleHandler>>;
            before(async () => { first = await bundleHandler(factory); });

            it(`holds superstruct and Powertools' Logger with its dependencies${name === "loader" ? ", util-dynamodb" : ""}, and nothing else from node_modules`, () => {
                assert.deepStrictEqual(first.packages, packages);
                assert.ok(first.bytesByPart[HANDLER_FILE] > 10_000, "the serialized handler is part of it");
            });

            it("is the same text on every build and names no path of this machine (a changed archive redeploys the function)", async () => {
                const second = await bundleHandler(factory);
                assert.strictEqual(second.text, first.text);
                assert.ok(!first.text.includes(PROJECT_ROOT), "the project's path is in the bundle");
            });

            it("exports the handler", () => {
                assert.match(first.text, /exports\.handler\s*=|\bhandler:\s*\(\)\s*=>/);
            });
        });
    }

    it("refuses a factory that captures a secret, rather than writing it into the archive in the clear", async () => {
        const token = pulumi.secret("not-in-any-archive");
        const factory = () => () => token;
        await assert.rejects(bundleHandler(factory), /secret/i);
    });
});
