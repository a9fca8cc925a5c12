/** Tracing the files `require` reaches, on small packages laid out in a temporary node_modules. */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { functionCodePathOptions, packageNameOf, traceRequiredFiles } from "../../handlers/packageFiles";
import { BUNDLED_PACKAGES } from "../../shared/lambdaPackage";

const PROJECT_ROOT = path.resolve(__dirname, "..", "..");

function project(files: Record<string, string>): string {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "healthscore-trace-"));
    for (const [name, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
        fs.writeFileSync(path.join(root, name), text);
    }
    return root;
}

describe("handlers/packageFiles", () => {
    it("names the package of a bare specifier, scoped or not, and none for a path", () => {
        assert.strictEqual(packageNameOf("@scope/pkg/sub/path"), "@scope/pkg");
        assert.strictEqual(packageNameOf("pkg/sub"), "pkg");
        assert.strictEqual(packageNameOf("./local.js"), undefined);
    });

    it("follows require and import() through exports and dependencies, skipping built-ins, provided packages and unused files", () => {
        const root = project({
            "node_modules/a/package.json": JSON.stringify({ name: "a", exports: { ".": { require: "./cjs/index.js", import: "./esm/index.js" } } }),
            "node_modules/a/cjs/package.json": JSON.stringify({ type: "commonjs" }),
            "node_modules/a/cjs/index.js": 'require("./b.js"); require("node:fs"); require("path"); require("@aws-sdk/client-s3"); import("@scope/c");',
            "node_modules/a/cjs/b.js": "module.exports = 1;",
            "node_modules/a/cjs/unused.js": "",
            "node_modules/a/esm/index.js": "export {};",
            "node_modules/a/README.md": "",
            "node_modules/@scope/c/package.json": JSON.stringify({ name: "@scope/c", main: "main.js" }),
            "node_modules/@scope/c/main.js": "",
        });
        try {
            const files = traceRequiredFiles(["a"], root, { provided: (name) => name.startsWith("@aws-sdk/") });
            assert.deepStrictEqual(files, [
                "node_modules/@scope/c/main.js",
                "node_modules/@scope/c/package.json",
                "node_modules/a/cjs/b.js",
                "node_modules/a/cjs/index.js",
                "node_modules/a/cjs/package.json",
                "node_modules/a/package.json",
            ]);
        } finally {
            fs.rmSync(root, { recursive: true, force: true });
        }
    });

    it("fails on a specifier that does not resolve, naming the file, unless it is an optional peer", () => {
        const root = project({
            "node_modules/a/package.json": JSON.stringify({ name: "a", main: "index.js", peerDependenciesMeta: { opt: { optional: true } } }),
            "node_modules/a/index.js": 'require("./opt-user.js");',
            "node_modules/a/opt-user.js": 'require("opt");',
            "node_modules/b/package.json": JSON.stringify({ name: "b", main: "index.js" }),
            "node_modules/b/index.js": 'require("missing");',
        });
        try {
            assert.deepStrictEqual(traceRequiredFiles(["a"], root).length, 3);
            assert.throws(() => traceRequiredFiles(["b"], root), /node_modules\/b\/index\.js requires "missing", which does not resolve/);
        } finally {
            fs.rmSync(root, { recursive: true, force: true });
        }
    });

    describe("the functions' code-path options", () => {
        const options = functionCodePathOptions({
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
            assert.throws(() => functionCodePathOptions({ dependencies: { superstruct: "2" } }, PROJECT_ROOT), /bundle @aws-lambda-powertools\/logger/);
        });
    });
});
