/**
 * A dynamic provider loaded from its serialized text (a dynamic resource's `__provider` input) the way Pulumi's
 * dynamic provider process does: require-from-string of the text, then `.handler()`.
 */
import Module from "module";

export function loadDynamicProvider<P>(text: string): P {
    const loaded = new Module("", module) as Module & { _compile(code: string, filename: string): void };
    loaded.filename = "";
    loaded.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(".");
    loaded._compile(text, "");
    return (loaded.exports as { handler: () => P }).handler();
}
