/** The selection of what the functions' archives hold besides their code. */
import * as assert from "assert";
import { receiverCodePathOptions } from "../../shared/lambdaPackage";

describe("receiverCodePathOptions", () => {
    it("excludes every dependency's folder and includes the bundled files given", () => {
        const options = receiverCodePathOptions(
            { dependencies: { "@aws-sdk/client-s3": "1", superstruct: "2", "@aws-lambda-powertools/logger": "2", s3rver: "3" }, devDependencies: { mocha: "1" } },
            ["node_modules/superstruct/package.json"],
        );
        assert.deepStrictEqual(options, {
            extraExcludePackages: ["@aws-sdk/client-s3", "superstruct", "@aws-lambda-powertools/logger", "s3rver"],
            extraIncludePaths: ["node_modules/superstruct/package.json"],
        });
    });

    it("fails when a bundled package is missing from dependencies", () => {
        assert.throws(() => receiverCodePathOptions({ dependencies: { superstruct: "2" } }, []), /bundle @aws-lambda-powertools\/logger/);
    });
});
