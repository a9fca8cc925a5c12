/**
 * Loads serialized Lambda code (a `__index.js` as Pulumi produces it) the way the Lambda runtime does: from its
 * own directory, with the environment the function gets, and with `@aws-sdk/*` resolved from outside the
 * archive (in AWS the runtime provides it; here, the project's node_modules stands in for the runtime's).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ENV } from "../../handlers/environment";
import { LambdaHandler } from "../../handlers/lambda";
import { Emulators } from "../../local/emulators";

export interface LoadedHandler {
    handler: LambdaHandler;
    dir: string;
    /** Puts the environment back and removes the temp dir. */
    dispose(): void;
}

export interface FunctionEnvironment {
    bucketName: string;
    tableName: string;
    /** The SSM parameters holding the tokens, and the fake SSM endpoint (tests/support/fakeSsm.ts) that serves them. */
    tokenParameter: string;
    previousTokenParameter?: string;
    ssmEndpoint: string;
}

/**
 * The function's environment as the component sets it, plus what points the SDK at the emulators and the fake SSM:
 * the SDK v3 reads service endpoints from AWS_ENDPOINT_URL_<SERVICE>, and an IP endpoint makes it use path-style S3
 * URLs.
 */
export function emulatorEnvironment(emulators: Emulators, fn: FunctionEnvironment): Record<string, string> {
    return {
        [ENV.bucketName]: fn.bucketName,
        [ENV.tableName]: fn.tableName,
        [ENV.tokenParameter]: fn.tokenParameter,
        ...(fn.previousTokenParameter ? { [ENV.previousTokenParameter]: fn.previousTokenParameter } : {}),
        AWS_REGION: "us-east-1",
        AWS_ACCESS_KEY_ID: "S3RVER",
        AWS_SECRET_ACCESS_KEY: "S3RVER",
        AWS_ENDPOINT_URL_S3: emulators.s3Endpoint,
        AWS_ENDPOINT_URL_DYNAMODB: emulators.dynamodbEndpoint,
        AWS_ENDPOINT_URL_SSM: fn.ssmEndpoint,
        // s3rver predates the SDK's default CRC32 checksums.
        AWS_REQUEST_CHECKSUM_CALCULATION: "WHEN_REQUIRED",
        AWS_RESPONSE_CHECKSUM_VALIDATION: "WHEN_REQUIRED",
    };
}

export function loadSerializedHandler(indexJs: string, environment: Record<string, string>, exportName = "handler"): LoadedHandler {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "healthscore-lambda-"));
    fs.writeFileSync(path.join(dir, "__index.js"), indexJs);
    fs.symlinkSync(path.resolve(__dirname, "..", "..", "node_modules"), path.join(dir, "node_modules"), "dir");

    const saved = Object.fromEntries(Object.keys(environment).map((name) => [name, process.env[name]]));
    Object.assign(process.env, environment);
    const dispose = () => {
        for (const [name, value] of Object.entries(saved)) {
            if (value === undefined) delete process.env[name];
            else process.env[name] = value;
        }
        fs.rmSync(dir, { recursive: true, force: true });
    };
    try {
        // eslint-disable-next-line @typescript-eslint/no-var-requires
        const module = require(path.join(dir, "__index.js"));
        return { handler: module[exportName], dir, dispose };
    } catch (err) {
        dispose();
        throw err;
    }
}
