/**
 * Which folder may import which (README, Project layout): shared/ is pure and owned by none of the others,
 * handlers/ never reach the components or the local stack, packaging/ builds the functions' code from the handlers
 * alone, and local/ and bench/ never import Pulumi components (nor bench/ a CLI command's internals).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.join(__dirname, "..");

interface Import {
    file: string;
    specifier: string;
    typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
    return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
        const relative = path.join(dir, entry.name);
        if (entry.isDirectory()) return sourceFiles(relative);
        return entry.name.endsWith(".ts") ? [relative] : [];
    });
}

/** Every import, require and dynamic import of the folder's files, with relative specifiers resolved from the root. */
function importsOf(dir: string): Import[] {
    return sourceFiles(dir).flatMap((file) => {
        const text = fs.readFileSync(path.join(ROOT, file), "utf8");
        const found = [...text.matchAll(/(import\s+type\s[^;]*?from|import[^;]*?from|import\(|require\()\s*["']([^"']+)["']/g)];
        return found.map((match) => {
            const raw = match[2];
            const specifier = raw.startsWith(".") ? path.normalize(path.join(path.dirname(file), raw)) : raw;
            return { file, specifier, typeOnly: /^import\s+type\s/.test(match[1]) };
        });
    });
}

const under = (folder: string) => (i: Import) => i.specifier === folder || i.specifier.startsWith(`${folder}/`);
const describeImports = (imports: Import[]) => imports.map((i) => `${i.file} -> ${i.specifier}`);

describe("project layout", () => {
    it("finds the imports it checks", () => {
        assert.ok(importsOf("local").some(under("shared")), "local/ reads shared/");
        assert.ok(importsOf("components").some(under("shared")), "components/ read shared/");
    });

    it("shared/ holds pure definitions: no Pulumi, no AWS SDK, no I/O, and nothing from components/, local/ or bench/", () => {
        const imports = importsOf("shared");
        const external = imports.filter((i) => !i.specifier.startsWith("shared/") && !i.specifier.startsWith("handlers/") && i.specifier !== "crypto");
        assert.deepStrictEqual(describeImports(external), []);
        // The lake's columns are typed by the record the receiver writes: a type, erased at compile time.
        assert.deepStrictEqual(describeImports(imports.filter((i) => under("handlers")(i) && !i.typeOnly)), []);
    });

    it("handlers/ keep no Set or Map at module scope: Pulumi's function serializer does not rebuild a captured one", () => {
        const found = sourceFiles("handlers").flatMap((file) =>
            [...fs.readFileSync(path.join(ROOT, file), "utf8").matchAll(/^(?:export )?const (\w+)[^=\n]*= new (?:Set|Map)\b/gm)].map((match) => `${file}: ${match[1]}`));
        assert.deepStrictEqual(found, []);
    });

    it("handlers/ import neither components/ nor local/", () => {
        const imports = importsOf("handlers");
        assert.deepStrictEqual(describeImports(imports.filter((i) => under("components")(i) || under("local")(i))), []);
    });

    it("packaging/ imports nothing from components/, local/ or bench/ (components/ and bench/ both use it)", () => {
        const imports = importsOf("packaging");
        assert.ok(imports.some((i) => i.specifier === "esbuild"), "packaging/ bundles with esbuild");
        assert.deepStrictEqual(describeImports(imports.filter((i) => under("components")(i) || under("local")(i) || under("bench")(i))), []);
    });

    it("local/ and bench/ import nothing from components/, and bench/ no CLI command", () => {
        const imports = [...importsOf("local"), ...importsOf("bench")];
        assert.deepStrictEqual(describeImports(imports.filter(under("components"))), []);
        assert.deepStrictEqual(describeImports(importsOf("bench").filter(under("local/commands"))), []);
    });
});
