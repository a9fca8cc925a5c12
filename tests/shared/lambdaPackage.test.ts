/** What the functions' deployment archives bundle. */
import * as assert from "assert";
import * as path from "path";
import { BUNDLED_PACKAGES, receiverCodePathOptions } from "../../shared/lambdaPackage";

const PROJECT_ROOT = path.resolve(__dirname, "..", "..");

describe("receiverCodePathOptions", () => {
    const options = receiverCodePathOptions({
        dependencies: { "@aws-sdk/client-s3": "1", "@duckdb/node-api": "1", superstruct: "2", "@aws-lambda-powertools/logger": "2", s3rver: "3" },
        devDependencies: { mocha: "1" },
    }, PROJECT_ROOT);

    it("excludes every dependency's folder, the bundled ones and @aws-sdk/* included", () => {
        assert.deepStrictEqual(options.extraExcludePackages, ["@aws-sdk/client-s3", "@duckdb/node-api", "superstruct", "@aws-lambda-powertools/logger", "s3rver"]);
        assert.deepStrictEqual(BUNDLED_PACKAGES, ["superstruct", "@aws-lambda-powertools/logger"]);
    });

    it("includes the CommonJS files the bundled packages reach, their dependencies' and the package.json files, and nothing else", () => {
        const files = options.extraIncludePaths;
        for (const expected of [
            "node_modules/superstruct/package.json",
            "node_modules/superstruct/dist/index.cjs",
            "node_modules/@aws-lambda-powertools/logger/package.json",
            "node_modules/@aws-lambda-powertools/logger/lib/cjs/index.js",
            // lib/cjs/package.json says "type": "commonjs": without it, Node would read the files as ES modules.
            "node_modules/@aws-lambda-powertools/logger/lib/cjs/package.json",
            "node_modules/@aws-lambda-powertools/commons/lib/cjs/index.js",
            "node_modules/@aws/lambda-invoke-store/package.json",
        ]) assert.ok(files.includes(expected), `${expected} missing`);
        assert.deepStrictEqual(files.filter((file) => /\.(d\.ts|map|md|mjs)$|\/esm\//.test(file)), []);
        assert.deepStrictEqual(files.filter((file) => file.includes("@aws-sdk/")), [], "the runtime provides @aws-sdk/*");
        assert.ok(files.every((file) => !path.isAbsolute(file) && file.startsWith("node_modules/")));
    });

    it("fails when a bundled package is missing from dependencies", () => {
        assert.throws(() => receiverCodePathOptions({ dependencies: { superstruct: "2" } }, PROJECT_ROOT), /bundle @aws-lambda-powertools\/logger/);
    });
});
