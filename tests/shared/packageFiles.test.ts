/** Tracing the files `require` reaches, on small packages laid out in a temporary node_modules. */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { packageNameOf, traceRequiredFiles } from "../../shared/packageFiles";

function project(files: Record<string, string>): string {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "healthscore-trace-"));
    for (const [name, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
        fs.writeFileSync(path.join(root, name), text);
    }
    return root;
}

describe("shared/packageFiles", () => {
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
});
