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

export interface LoadedHandler<H = LambdaHandler> {
    handler: H;
    dir: string;
    /** Puts the environment back and removes the temp dir. */
    dispose(): void;
}

export interface FunctionEnvironment {
    bucketName: string;
    tableName: string;
    /**
     * The receiver's SSM parameters holding the tokens, and the fake SSM endpoint (tests/support/fakeSsm.ts) that
     * serves them; the loader reads no token.
     */
    tokenParameter?: string;
    previousTokenParameter?: string;
    ssmEndpoint?: string;
    /** The receiver's fallback queue, on an SQS emulator (local/sqsEmulator.ts) at `sqsEndpoint`. */
    fallbackQueueUrl?: string;
    sqsEndpoint?: string;
    /** The `stack` dimension of the functions' metrics. @default "test" */
    stack?: string;
}

/**
 * The functions' environment as the components set it (the receiver's and the loader's, together), plus what
 * points the SDK at the emulators and the fake SSM: the SDK v3 reads service endpoints from
 * AWS_ENDPOINT_URL_<SERVICE>, and an IP endpoint makes it use path-style S3 URLs.
 */
export function emulatorEnvironment(emulators: Emulators, fn: FunctionEnvironment): Record<string, string> {
    return {
        [ENV.bucketName]: fn.bucketName,
        [ENV.tableName]: fn.tableName,
        [ENV.stack]: fn.stack ?? "test",
        ...(fn.tokenParameter ? { [ENV.tokenParameter]: fn.tokenParameter } : {}),
        ...(fn.previousTokenParameter ? { [ENV.previousTokenParameter]: fn.previousTokenParameter } : {}),
        [ENV.fallbackQueueUrl]: fn.fallbackQueueUrl ?? "http://127.0.0.1:9/000000000000/none",
        ...(fn.sqsEndpoint ? { AWS_ENDPOINT_URL_SQS: fn.sqsEndpoint } : {}),
        AWS_REGION: "us-east-1",
        AWS_ACCESS_KEY_ID: "S3RVER",
        AWS_SECRET_ACCESS_KEY: "S3RVER",
        AWS_ENDPOINT_URL_S3: emulators.s3Endpoint,
        AWS_ENDPOINT_URL_DYNAMODB: emulators.dynamodbEndpoint,
        ...(fn.ssmEndpoint ? { AWS_ENDPOINT_URL_SSM: fn.ssmEndpoint } : {}),
        // s3rver predates the SDK's default CRC32 checksums.
        AWS_REQUEST_CHECKSUM_CALCULATION: "WHEN_REQUIRED",
        AWS_RESPONSE_CHECKSUM_VALIDATION: "WHEN_REQUIRED",
    };
}

export function loadSerializedHandler<H = LambdaHandler>(indexJs: string, environment: Record<string, string>, exportName = "handler"): LoadedHandler<H> {
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
