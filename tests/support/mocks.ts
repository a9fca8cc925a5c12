/**
 * Pulumi unit-test mocks that record everything the program registers.
 *
 * Importing this module installs the mocks (pulumi.runtime.setMocks), so it must be imported before anything
 * that creates resources, and the program itself loaded afterwards with `await import(...)` inside `before`
 * (a static import would be hoisted above setMocks).
 *
 * Every resource is recorded with its type, name, inputs (secrets revealed), URN, parent URN and dependency
 * URNs; provider functions (invokes) are answered from a fixed table, and an unknown one throws.
 */
import { AsyncLocalStorage } from "async_hooks";
import * as pulumi from "@pulumi/pulumi";

export const ACCOUNT_ID = "123456789012";
export const REGION = "us-east-1";
/** The us-east-1 Elastic Load Balancing account, which delivers ALB access logs there. */
export const ELB_ACCOUNT_ARN = "arn:aws:iam::127311923021:root";
export const DEFAULT_VPC_ID = "vpc-0defa017";
export const DEFAULT_SUBNET_IDS = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2"];
export const GIVEN_SUBNETS_VPC_ID = "vpc-0913e11";

/**
 * Every subnet the mocks know (getSubnet fails loudly for any other): the default VPC's two default subnets,
 * the two the `configured` variant gives (tests/infra/variants.ts GIVEN_SUBNETS), and misplaced ones for the
 * placement checks: a second subnet in a zone already used, and one in another VPC.
 */
export const SUBNETS: Record<string, { availabilityZone: string; vpcId: string }> = {
    [DEFAULT_SUBNET_IDS[0]]: { availabilityZone: `${REGION}a`, vpcId: DEFAULT_VPC_ID },
    [DEFAULT_SUBNET_IDS[1]]: { availabilityZone: `${REGION}b`, vpcId: DEFAULT_VPC_ID },
    "subnet-0123456789abcdef0": { availabilityZone: `${REGION}a`, vpcId: GIVEN_SUBNETS_VPC_ID },
    "subnet-0fedcba9876543210": { availabilityZone: `${REGION}b`, vpcId: GIVEN_SUBNETS_VPC_ID },
    /** In GIVEN_SUBNETS_VPC_ID, and in the same zone as subnet-0123456789abcdef0. */
    "subnet-0aaaa00000000000a": { availabilityZone: `${REGION}a`, vpcId: GIVEN_SUBNETS_VPC_ID },
    /** In another VPC, zone c. */
    "subnet-0cccc00000000000c": { availabilityZone: `${REGION}c`, vpcId: "vpc-0othe12" },
};
/** What the mocked Function URL resource returns (the real one ends with a slash too). */
export const FUNCTION_URL = "https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws/";
export const ALB_ZONE_ID = "Z35SXDOTRQ7X7K";

/** The markers Pulumi's wire format wraps secrets and assets in. */
const SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export interface RecordedResource {
    type: string;
    name: string;
    urn: string;
    /** URN of the parent resource; "" for none. */
    parent: string;
    /** URNs this resource depends on: dependsOn and the resources its inputs came from. */
    dependencies: string[];
    custom: boolean;
    /** The ignoreChanges resource option. */
    ignoreChanges: string[];
    /** Inputs as the mock received them, with secret wrappers removed. */
    inputs: any;
    /** Input property names that were secret. */
    secretInputs: string[];
    /** The inputs with every secret value, at any depth, replaced by {@link REDACTED}: what is stored in clear. */
    publicInputs: any;
}

/** What a secret value becomes in {@link RecordedResource.publicInputs}. */
export const REDACTED = "[secret]";

export interface LogEntry {
    level: "debug" | "info" | "warn" | "error";
    message: string;
}

export interface RecordedCall {
    token: string;
    inputs: any;
}

export interface Deployment {
    resources: RecordedResource[];
    calls: RecordedCall[];
    /** Errors Pulumi logged (a failed invoke, a rejected input): a healthy program logs none. */
    errors: string[];
    warnings: string[];
    /** Every message logged through pulumi.log, in order; debug ones include the Pulumi SDK's own RPC traces. */
    logs: LogEntry[];
    /** The program's outputs, resolved. */
    outputs: Record<string, unknown>;
    /** Which outputs were secret. */
    secretOutputs: Record<string, boolean>;
    /** Every resource of `type`. */
    all(type: string): RecordedResource[];
    /** The one resource of `type` named `name`; throws if there is none, or more than one. */
    get(type: string, name: string): RecordedResource;
    /** The one resource of `type`; throws if there is none, or more than one. */
    only(type: string): RecordedResource;
    /** The resource with this URN; throws if there is none. */
    byUrn(urn: string): RecordedResource;
}

/** Removes Pulumi's secret wrappers from a value received by the mocks, at any depth. */
export function reveal(value: any): any {
    if (Array.isArray(value)) return value.map(reveal);
    if (value && typeof value === "object") {
        if (value[SIG] === SECRET_SIG) return reveal(value.value);
        // Assets and archives arrive as class instances holding promises: keep them whole.
        if (Object.getPrototypeOf(value) !== Object.prototype) return value;
        return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, reveal(item)]));
    }
    return value;
}

function isSecretValue(value: any): boolean {
    return !!value && typeof value === "object" && value[SIG] === SECRET_SIG;
}

/** Like {@link reveal}, but every secret value becomes {@link REDACTED}. */
export function redact(value: any): any {
    if (isSecretValue(value)) return REDACTED;
    if (Array.isArray(value)) return value.map(redact);
    if (value && typeof value === "object") {
        if (Object.getPrototypeOf(value) !== Object.prototype) return value;
        return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redact(item)]));
    }
    return value;
}

/** Resolves an Output's value (rejecting if it failed), for assertions outside `.apply`. */
export function unwrap<T>(output: pulumi.Output<T>): Promise<T> {
    return (output as any).promise() as Promise<T>;
}

export async function isSecret(output: pulumi.Output<unknown>): Promise<boolean> {
    return await (output as any).isSecret;
}

// ---- state of the current run ----

let resources: RecordedResource[] = [];
let calls: RecordedCall[] = [];
let errors: string[] = [];
let warnings: string[] = [];
let logs: LogEntry[] = [];
let registering: { parent: string; dependencies: string[]; ignoreChanges: string[]; type: string; name: string; stale: boolean } | undefined;

/**
 * Which run a registration, invoke or log message comes from: each deploy() runs its program in its own context.
 * A failed run leaves work behind that finishes later (a function whose code was still being serialized, say):
 * it is answered but not recorded, so it cannot turn up in the next run's record.
 */
const runContext = new AsyncLocalStorage<number>();
let generation = 0;
function fromStaleRun(): boolean {
    const run = runContext.getStore();
    return run !== undefined && run !== generation;
}

/** The physical name the mocks give a resource that has none in its inputs. */
export function physicalName(name: string): string {
    // Like Pulumi's autonaming: the logical name and a random-looking suffix.
    return `${name}-abc1234`;
}

function arn(service: string, resource: string, region = REGION): string {
    return `arn:aws:${service}:${region}:${ACCOUNT_ID}:${resource}`;
}

/** Outputs a real provider would compute, per resource type (ids are names where AWS's are). Inputs are echoed back as state too. */
function computedState(type: string, name: string, inputs: any): Record<string, unknown> {
    const physical = inputs.name ?? physicalName(name);
    switch (type) {
        case "aws:s3/bucket:Bucket": {
            const bucket = inputs.bucket ?? physicalName(name);
            return { bucket, id: bucket, arn: `arn:aws:s3:::${bucket}` };
        }
        case "aws:dynamodb/table:Table":
            return { id: physical, name: physical, arn: arn("dynamodb", `table/${physical}`) };
        case "aws:cloudwatch/logGroup:LogGroup":
            return { id: physical, name: physical, arn: arn("logs", `log-group:${physical}`) };
        case "aws:iam/role:Role":
            return { id: physical, name: physical, arn: `arn:aws:iam::${ACCOUNT_ID}:role/${physical}` };
        case "aws:lambda/function:Function":
            return { id: physical, name: physical, arn: arn("lambda", `function:${physical}`) };
        case "aws:lambda/functionUrl:FunctionUrl":
            return { functionUrl: FUNCTION_URL };
        case "aws:lb/loadBalancer:LoadBalancer":
            return {
                arn: arn("elasticloadbalancing", `loadbalancer/app/${physical}/50dc6c495c0c9188`),
                dnsName: `${physical}-1234567890.${REGION}.elb.amazonaws.com`,
                zoneId: ALB_ZONE_ID,
            };
        case "aws:lb/targetGroup:TargetGroup":
            return { arn: arn("elasticloadbalancing", `targetgroup/${physical}/73e2d6bc24d8a067`) };
        case "aws:lb/listener:Listener":
            return { arn: arn("elasticloadbalancing", `listener/app/${name}/50dc6c495c0c9188/f2f7dc8efc522ab2`) };
        case "aws:acm/certificate:Certificate":
            return {
                arn: arn("acm", "certificate/0e6b1a2c-1234-4f5e-9abc-def012345678"),
                domainValidationOptions: [{
                    domainName: inputs.domainName,
                    resourceRecordName: `_3f1a2b.${inputs.domainName}.`,
                    resourceRecordType: "CNAME",
                    resourceRecordValue: "_9c8d7e.acm-validations.aws.",
                }],
            };
        case "aws:acm/certificateValidation:CertificateValidation":
            return { certificateArn: inputs.certificateArn };
        case "aws:route53/record:Record":
            return { fqdn: inputs.name };
        case "aws:ec2/securityGroup:SecurityGroup":
            return { id: "sg-0123456789abcdef0", arn: arn("ec2", "security-group/sg-0123456789abcdef0") };
        case "random:index/randomPassword:RandomPassword": {
            // Letters and digits, like a real RandomPassword with special false.
            const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
            const result = Array.from({ length: inputs.length }, (_, i) => alphabet[(i * 7 + 3) % alphabet.length]).join("");
            return { result };
        }
        default:
            return {};
    }
}

const invokes: Record<string, (inputs: any) => Record<string, unknown>> = {
    "aws:index/getCallerIdentity:getCallerIdentity": () => ({
        accountId: ACCOUNT_ID, arn: `arn:aws:iam::${ACCOUNT_ID}:user/deployer`, userId: "AIDAEXAMPLE", id: ACCOUNT_ID,
    }),
    "aws:index/getRegion:getRegion": () => ({
        name: REGION, region: REGION, id: REGION, description: "US East (N. Virginia)", endpoint: `ec2.${REGION}.amazonaws.com`,
    }),
    "aws:index/getPartition:getPartition": () => ({ partition: "aws", dnsSuffix: "amazonaws.com", id: "aws", reverseDnsPrefix: "com.amazonaws" }),
    "aws:ec2/getVpc:getVpc": (inputs) => {
        if (inputs.default !== true) throw new Error(`mocks: getVpc is only mocked for the default VPC, got ${JSON.stringify(inputs)}`);
        return { id: DEFAULT_VPC_ID, default: true, cidrBlock: "172.31.0.0/16" };
    },
    "aws:ec2/getSubnets:getSubnets": (inputs) => ({ ids: DEFAULT_SUBNET_IDS, filters: inputs.filters, id: REGION }),
    "aws:ec2/getSubnet:getSubnet": (inputs) => {
        const subnet = SUBNETS[inputs.id];
        if (!subnet) throw new Error(`mocks: getSubnet knows no subnet ${JSON.stringify(inputs.id)}: add it to SUBNETS in tests/support/mocks.ts`);
        return { id: inputs.id, ...subnet, availabilityZoneId: `use1-az${subnet.availabilityZone.slice(-1)}` };
    },
    "aws:elb/getServiceAccount:getServiceAccount": () => ({ arn: ELB_ACCOUNT_ARN, id: "127311923021", region: REGION }),
};

pulumi.runtime.setMocks({
    newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
        const meta = registering;
        registering = undefined;
        if (!meta || meta.type !== args.type || meta.name !== args.name) {
            throw new Error(`mocks: lost track of the registration of ${args.type} ${args.name}`);
        }
        const inputs = reveal(args.inputs);
        const secretInputs = Object.keys(args.inputs ?? {}).filter((key) => isSecretValue(args.inputs[key]));
        if (!meta.stale) resources.push({
            type: args.type, name: args.name, urn: "", parent: meta.parent, dependencies: meta.dependencies, ignoreChanges: meta.ignoreChanges,
            custom: !!args.custom, inputs, secretInputs, publicInputs: redact(args.inputs ?? {}),
        });
        const state = { ...args.inputs, ...computedState(args.type, args.name, inputs) };
        const id = (state.id as string | undefined) ?? `${args.name}-id`;
        return { id: args.custom ? id : undefined, state };
    },
    call(args: pulumi.runtime.MockCallArgs): pulumi.runtime.MockCallResult {
        const inputs = reveal(args.inputs);
        const stale = fromStaleRun();
        if (!stale) calls.push({ token: args.token, inputs });
        const answer = invokes[args.token];
        if (!answer) {
            const message = `mocks: no mock for invoke ${args.token} (inputs ${JSON.stringify(inputs)}): add one to tests/support/mocks.ts`;
            if (!stale) errors.push(message);
            throw new Error(message);
        }
        try {
            return answer(inputs);
        } catch (error) {
            // A mocked invoke that refuses its inputs fails loudly too.
            if (!stale) errors.push(String(error instanceof Error ? error.message : error));
            throw error;
        }
    },
}, "healthscore", "test", false);

// The mock API passes neither the parent nor the dependencies to newResource: read them from the request.
const monitor = pulumi.runtime.getMonitor() as any;
const registerResource = monitor.registerResource.bind(monitor);
monitor.registerResource = (req: any, callback: (err: any, response: any) => void) => {
    const stale = fromStaleRun();
    registering = {
        type: req.getType(), name: req.getName(), parent: req.getParent(), dependencies: req.getDependenciesList(), ignoreChanges: req.getIgnorechangesList(),
        stale,
    };
    // newResource runs synchronously inside, before the first await, and takes `registering`.
    return registerResource(req, (err: any, response: any) => {
        if (stale) {
            // A failed run's leftover: answered, not recorded.
        } else if (!err) {
            const record = [...resources].reverse().find((r) => r.type === req.getType() && r.name === req.getName() && r.urn === "");
            if (record) record.urn = response.getUrn();
        } else {
            errors.push(`register ${req.getType()} ${req.getName()}: ${err}`);
        }
        callback(err, response);
    });
};

// Keep Pulumi's log quiet, and keep what it said.
const log = pulumi.log as any;
const record = (level: LogEntry["level"], message: string, also?: string[]) => {
    if (fromStaleRun()) return Promise.resolve();
    logs.push({ level, message });
    also?.push(message);
    return Promise.resolve();
};
log.debug = (message: string) => record("debug", message);
log.info = (message: string) => record("info", message);
log.warn = (message: string) => record("warn", message, warnings);
log.error = (message: string) => record("error", message, errors);

// A failed resource operation (an apply that threw while its inputs were serialized, say) is an unhandled rejection
// by design: the language host catches it and fails the program, and the failed resource's dependents wait forever.
// Mocha would swallow it (it re-emits user rejections to nobody), so a deployment in progress fails with it here.
let failRun: ((reason: unknown) => void) | undefined;
let lastRunFailed = false;
process.on("unhandledRejection", (reason) => {
    if (failRun) return failRun(reason);
    // The failed run's other resources rejecting after it ended: already reported.
    if (lastRunFailed) return;
    throw reason;
});

/**
 * Forgets a failed run's operations, which never finish (their inputs never resolve), so that the next run's
 * settle() does not wait on them and Pulumi does not report them as leaked at exit. Internal but stable.
 */
async function abandonRun(): Promise<void> {
    // Let the failed run's other rejections arrive while it is still known to have failed.
    await new Promise((resolve) => setImmediate(resolve));
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    require("@pulumi/pulumi/runtime/state").getStore().settings.rpcDone = Promise.resolve();
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    require("@pulumi/pulumi/runtime/debuggable").leakedPromises();
    registering = undefined;
}

/** Waits until every resource registration and invoke the program started has finished. */
async function settle(): Promise<void> {
    // Internal but stable: the same wait `pulumi up` does before it exits.
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const settings = require("@pulumi/pulumi/runtime/settings");
    await settings.waitForRPCs();
}

/**
 * Runs `program` (which creates resources and returns its outputs) with a clean record, waits for everything it
 * registered, and returns what was recorded. One run at a time. Rejects if the program throws, an output fails,
 * or a resource operation fails (an apply feeding an input threw): as `pulumi preview` would fail.
 */
export async function deploy(program: () => Record<string, pulumi.Output<unknown>> | Promise<Record<string, pulumi.Output<unknown>>>): Promise<Deployment> {
    await settle();
    resources = [];
    calls = [];
    errors = [];
    warnings = [];
    logs = [];
    const failed = new Promise<never>((_, reject) => {
        failRun = (reason) => {
            errors.push(`program failed: ${reason instanceof Error ? reason.message : String(reason)}`);
            reject(reason);
        };
    });
    lastRunFailed = false;
    const run = () => runContext.run(++generation, async () => {
        const exported = await program();
        const outputs: Record<string, unknown> = {};
        const secretOutputs: Record<string, boolean> = {};
        for (const [key, output] of Object.entries(exported)) {
            if (!pulumi.Output.isInstance(output)) continue;
            outputs[key] = await unwrap(output);
            secretOutputs[key] = await isSecret(output);
        }
        await settle();
        return snapshot(outputs, secretOutputs);
    });
    try {
        return await Promise.race([run(), failed]);
    } catch (error) {
        lastRunFailed = true;
        failRun = undefined;
        await abandonRun();
        throw error;
    } finally {
        failRun = undefined;
    }
}

function snapshot(outputs: Record<string, unknown>, secretOutputs: Record<string, boolean>): Deployment {
    const recorded = [...resources];
    const all = (type: string) => recorded.filter((r) => r.type === type);
    return {
        resources: recorded,
        calls: [...calls],
        errors: [...errors],
        warnings: [...warnings],
        logs: [...logs],
        outputs,
        secretOutputs,
        all,
        get(type, name) {
            const found = recorded.filter((r) => r.type === type && r.name === name);
            if (found.length !== 1) {
                const names = all(type).map((r) => r.name).join(", ") || "none";
                throw new Error(`expected one ${type} named ${name}, found ${found.length} (registered: ${names})`);
            }
            return found[0];
        },
        only(type) {
            const found = all(type);
            if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}: ${found.map((r) => r.name).join(", ")}`);
            return found[0];
        },
        byUrn(urn) {
            const found = recorded.find((r) => r.urn === urn);
            if (!found) throw new Error(`no resource with URN ${urn}`);
            return found;
        },
    };
}
