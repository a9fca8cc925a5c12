/** What the receiver's deployment archive bundles. */
import * as assert from "assert";
import { BUNDLED_PACKAGES, receiverCodePathOptions } from "../../shared/lambdaPackage";

describe("receiverCodePathOptions", () => {
    it("excludes every dependency but the bundled ones, @aws-sdk/* included", () => {
        const options = receiverCodePathOptions({
            dependencies: { "@aws-lambda-powertools/logger": "2", "@aws-sdk/client-s3": "1", "@duckdb/node-api": "1", superstruct: "2", s3rver: "3" },
            devDependencies: { mocha: "1" },
        });
        assert.deepStrictEqual(options.extraExcludePackages, ["@aws-sdk/client-s3", "@duckdb/node-api", "s3rver"]);
        assert.deepStrictEqual(BUNDLED_PACKAGES, ["superstruct", "@aws-lambda-powertools/logger"]);
    });

    it("fails when a bundled package is missing from dependencies", () => {
        assert.throws(() => receiverCodePathOptions({ dependencies: {} }), /bundles superstruct, @aws-lambda-powertools\/logger/);
    });
});
