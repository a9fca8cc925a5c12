/**
 * A `pulumi` executable for tests of `--stack`: a shell script in a temp dir, put first on PATH, that answers
 * `pulumi stack output --json --show-secrets --stack <name>` for one stack, as the real CLI does, and fails for
 * any other stack or any other arguments, with the real CLI's message.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export interface FakePulumi {
    /** A PATH that finds the fake first. */
    env: NodeJS.ProcessEnv;
    /** The arguments of every call, one line each. */
    calls(): string[];
    remove(): void;
}

export function fakePulumi(stack: string, outputs: Record<string, unknown>): FakePulumi {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fake-pulumi-"));
    const log = path.join(dir, "calls.log");
    fs.writeFileSync(path.join(dir, "outputs.json"), JSON.stringify(outputs, null, 4));
    fs.writeFileSync(path.join(dir, "pulumi"), [
        "#!/bin/sh",
        `echo "$*" >> '${log}'`,
        `if [ "$*" = "stack output --json --show-secrets --stack ${stack}" ]; then cat '${path.join(dir, "outputs.json")}'; exit 0; fi`,
        `if [ "$1 $2" = "stack output" ]; then echo "error: no stack named '$6' found" >&2; exit 255; fi`,
        'echo "error: unexpected arguments: $*" >&2; exit 2',
        "",
    ].join("\n"), { mode: 0o755 });
    return {
        env: { ...process.env, PATH: `${dir}${path.delimiter}${process.env.PATH ?? ""}` },
        calls: () => (fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : []),
        remove: () => fs.rmSync(dir, { recursive: true, force: true }),
    };
}

/** A PATH on which no `pulumi` can be found. */
export function pathWithoutPulumi(): NodeJS.ProcessEnv {
    const dirs = (process.env.PATH ?? "").split(path.delimiter).filter((dir) => dir !== "" && !fs.existsSync(path.join(dir, "pulumi")));
    return { ...process.env, PATH: dirs.join(path.delimiter) };
}
