/**
 * Pulumi unit-test mocks that record everything a program registers, through Pulumi's public API only.
 *
 * Importing this module installs the mocks (`pulumi.runtime.setMocks`), so it must be imported before anything
 * that creates resources, and a program that creates resources when loaded (index.ts) imported inside the run.
 *
 * How a run is recorded ({@link deploy}):
 * - The program runs inside its own root stack, `pulumi.runtime.runInPulumiStack`, as under `pulumi up`, with a
 *   stack transformation (`pulumi.runtime.registerStackTransformation`) that sees each resource as it is
 *   constructed: its parent, `dependsOn` and `ignoreChanges` options, and its inputs, whose dependencies Pulumi's
 *   own serializer computes (`pulumi.runtime.serializeResourceProperties`). The newer
 *   `registerResourceTransform` cannot serve: @pulumi/pulumi 3.248's mock monitor refuses transforms, and later
 *   ones record them without applying them.
 * - `newResource` receives what the provider would get (`MockResourceArgs`): type, name, custom, and the inputs,
 *   with secrets as Pulumi's wire format marks them (told apart with `pulumi.runtime.isRpcSecret`). It answers
 *   with the inputs echoed back plus what AWS would compute (ids, ARNs, names), and that state is recorded too.
 * - The run is over when its stack outputs have resolved and every resource it constructed has a URN (Pulumi
 *   resolves `resource.urn` once the registration is answered).
 * - Under mocks no engine is connected, so `pulumi.log` writes to the console: the run keeps what the console
 *   receives meanwhile, and prints none of it.
 *
 * Provider functions (invokes) are answered from a fixed table; an unknown one throws.
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
 * Every subnet the mocks know (getSubnet fails loudly for any other): the default VPC's two default subnets, the
 * two the `configured` variant gives (tests/components/program/variants.ts GIVEN_SUBNETS), and misplaced ones for
 * the placement checks: a second subnet in a zone already used, and one in another VPC.
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

export interface RecordedResource {
    type: string;
    name: string;
    urn: string;
    /** URN of the parent resource; "" for a resource created at the top of the program (a child of the stack). */
    parent: string;
    /** URNs this resource depends on: its dependsOn resources and the resources its inputs came from. */
    dependencies: string[];
    custom: boolean;
    /** The ignoreChanges resource option. */
    ignoreChanges: string[];
    /** Inputs as the provider receives them, with secret values unwrapped. */
    inputs: any;
    /** Input property names whose whole value is secret. */
    secretInputs: string[];
    /** The inputs with every secret value, at any depth, replaced by {@link REDACTED}: what is stored in clear. */
    publicInputs: any;
    /** The state the mocked provider answered: the inputs, and what AWS computes (ids, ARNs, generated names). */
    state: any;
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
    /** Errors of the run (a failed invoke, a failed program, an error logged): a healthy program has none. */
    errors: string[];
    warnings: string[];
    /** Every message the program logged through pulumi.log (and anything else it wrote to the console), in order. */
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

/** Unwraps secret values the mocks received, at any depth. */
export function reveal(value: any): any {
    if (pulumi.runtime.isRpcSecret(value)) return reveal(pulumi.runtime.unwrapRpcSecret(value));
    if (Array.isArray(value)) return value.map(reveal);
    if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, reveal(item)]));
    return value;
}

/** Like {@link reveal}, but every secret value becomes {@link REDACTED}. */
export function redact(value: any): any {
    if (pulumi.runtime.isRpcSecret(value)) return REDACTED;
    if (Array.isArray(value)) return value.map(redact);
    if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redact(item)]));
    return value;
}

/** Assets and archives arrive as class instances holding promises: they are kept whole. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
    return !!value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype;
}

/**
 * An Output's value, once known (under these mocks every value is known: they do not run as a preview). Only for
 * outputs of a finished run: one that failed never calls back.
 */
export function unwrap<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply((value) => {
        resolve(value);
        return value;
    }));
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
        case "aws:sqs/queue:Queue":
            // A queue's id is its URL.
            return { id: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT_ID}/${physical}`, url: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT_ID}/${physical}`, name: physical, arn: arn("sqs", physical) };
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

// ---- recording ----

/** A resource as the stack transformation saw it being constructed. */
interface Constructed {
    resource: pulumi.Resource;
    type: string;
    name: string;
    parent?: pulumi.Resource;
    dependsOn: Promise<pulumi.Resource[]>;
    /** The resources the inputs' values come from, as Pulumi computes them to register the resource. */
    inputSources: Promise<pulumi.Resource[]>;
    ignoreChanges: string[];
}

/** A registration as the mock monitor received it. */
interface Registration {
    type: string;
    name: string;
    custom: boolean;
    inputs: any;
    state: any;
}

interface Run {
    constructed: Constructed[];
    registrations: Registration[];
    calls: RecordedCall[];
    errors: string[];
    warnings: string[];
    logs: LogEntry[];
}

/**
 * Which run a registration, invoke or console message comes from: each deploy() runs its program in its own async
 * context. A failed run leaves work behind that finishes later (a function whose code was still being serialized,
 * say): it is answered but not recorded, so it cannot turn up in the next run's record.
 */
const runContext = new AsyncLocalStorage<Run>();

/** The run deploy() is recording; undefined between runs. */
let activeRun: Run | undefined;

/** The run that the current registration, invoke or message belongs to, if that is the one being recorded. */
function currentRun(): Run | undefined {
    const run = runContext.getStore();
    return run === activeRun ? run : undefined;
}

/**
 * What the provider's create would refuse, where the program could get it wrong. Lambda checks that the function's
 * role may send to an event invoke config's on-failure destination when the config is created: "Ensure the Lambda
 * Function IAM Role has necessary permissions for the destination, such as sqs:SendMessage ... otherwise the API
 * will return a generic InvalidParameterValueException: The destination ARN ... is invalid." (provider docs,
 * lambda_function_event_invoke_config). Registered before it means created before it: the role policy must be.
 */
function refusal(type: string, inputs: any, run: Run | undefined): string | undefined {
    if (type !== "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig" || !run) return undefined;
    const destination = inputs.destinationConfig?.onFailure?.destination;
    if (destination === undefined) return undefined;
    const allowed = run.registrations.filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy").some((r) => {
        const statements = JSON.parse(reveal(r.inputs).policy ?? "{\"Statement\":[]}").Statement as any[];
        return statements.some((st) => st.Effect === "Allow" && [st.Action].flat().includes("sqs:SendMessage") && [st.Resource].flat().includes(destination));
    });
    return allowed ? undefined : `creating Lambda Function Event Invoke Config: InvalidParameterValueException: The destination ARN ${destination} is invalid.`;
}

pulumi.runtime.setMocks({
    newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
        const inputs = reveal(args.inputs ?? {});
        const refused = refusal(args.type, inputs, currentRun());
        if (refused) {
            currentRun()?.errors.push(refused);
            throw Object.assign(new Error(refused), { details: refused });
        }
        const state = { ...(args.inputs ?? {}), ...computedState(args.type, args.name, inputs) };
        currentRun()?.registrations.push({ type: args.type, name: args.name, custom: !!args.custom, inputs: args.inputs ?? {}, state });
        const id = (state.id as string | undefined) ?? `${args.name}-id`;
        return { id: args.custom ? id : undefined, state };
    },
    call(args: pulumi.runtime.MockCallArgs): pulumi.runtime.MockCallResult {
        const inputs = reveal(args.inputs);
        const run = currentRun();
        run?.calls.push({ token: args.token, inputs });
        const answer = invokes[args.token];
        if (!answer) {
            const message = `mocks: no mock for invoke ${args.token} (inputs ${JSON.stringify(inputs)}): add one to tests/support/mocks.ts`;
            run?.errors.push(message);
            throw new Error(message);
        }
        try {
            return answer(inputs);
        } catch (error) {
            // A mocked invoke that refuses its inputs fails loudly too.
            run?.errors.push(String(error instanceof Error ? error.message : error));
            throw error;
        }
    },
}, "healthscore", "test", false);

/** Records each resource of the run as it is constructed; changes nothing. */
function recordConstruction(run: Run): pulumi.ResourceTransformation {
    return ({ resource, type, name, props, opts }) => {
        run.constructed.push({
            resource,
            type,
            name,
            parent: opts.parent,
            dependsOn: resourcesOf(opts.dependsOn),
            inputSources: pulumi.runtime.serializeResourceProperties(`${type} ${name}`, props)
                .then(([, dependencies]) => [...dependencies.values()].flatMap((set) => [...set]))
                // The registration fails the same way, and the run reports that.
                .catch(() => []),
            ignoreChanges: opts.ignoreChanges ?? [],
        });
        return undefined;
    };
}

async function resourcesOf(dependsOn: pulumi.ResourceOptions["dependsOn"]): Promise<pulumi.Resource[]> {
    const resolve = async (value: unknown): Promise<unknown> =>
        pulumi.Output.isInstance(value) ? unwrap(value as pulumi.Output<unknown>) : await value;
    const list = await resolve(dependsOn);
    const items = list === undefined ? [] : Array.isArray(list) ? list : [list];
    return (await Promise.all(items.map(resolve))) as pulumi.Resource[];
}

/** Keeps what the console receives during a run (pulumi.log writes there under mocks), and prints none of it. */
function captureConsole(): () => void {
    const levels = { log: "info", info: "info", debug: "debug", warn: "warn", error: "error" } as const;
    const saved = Object.fromEntries(Object.keys(levels).map((method) => [method, (console as any)[method]]));
    for (const [method, level] of Object.entries(levels)) {
        (console as any)[method] = (...args: unknown[]) => {
            const run = runContext.getStore();
            // Not from a run: a test's own output, printed as usual.
            if (run === undefined) return saved[method](...args);
            if (run !== activeRun) return;
            const message = args.map(String).join(" ").replace(/^(debug|info|warning|error): \[runtime\] /, "");
            run.logs.push({ level, message });
            if (level === "warn") run.warnings.push(message);
            if (level === "error") run.errors.push(message);
        };
    }
    return () => Object.assign(console, saved);
}

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

/** Waits until every resource the run constructed is registered, and what it depends on is known. */
async function settle(run: Run): Promise<void> {
    let settled = 0;
    // Resources constructed while others register (none here, but an apply may construct one) join the wait.
    while (settled < run.constructed.length) {
        const pending = run.constructed.slice(settled);
        settled = run.constructed.length;
        await Promise.all(pending.flatMap((c) => [unwrap(c.resource.urn), c.dependsOn, c.inputSources]));
    }
}

/**
 * Runs `program` (which creates resources and returns its outputs) in a root stack of its own, waits for
 * everything it registered, and returns what was recorded. One run at a time. Rejects if the program throws, an
 * output fails, or a resource operation fails (an apply feeding an input threw): as `pulumi preview` would fail.
 */
export async function deploy(program: () => Record<string, unknown> | Promise<Record<string, unknown>>): Promise<Deployment> {
    const run: Run = { constructed: [], registrations: [], calls: [], errors: [], warnings: [], logs: [] };
    activeRun = run;
    lastRunFailed = false;
    const restoreConsole = captureConsole();
    const failed = new Promise<never>((_, reject) => { failRun = reject; });
    const work = runContext.run(run, async () => {
        let exported: Record<string, unknown> = {};
        await pulumi.runtime.runInPulumiStack(async () => {
            pulumi.runtime.registerStackTransformation(recordConstruction(run));
            exported = await program();
            return exported;
        });
        const outputs: Record<string, unknown> = {};
        const secretOutputs: Record<string, boolean> = {};
        for (const [key, output] of Object.entries(exported)) {
            if (!pulumi.Output.isInstance(output)) continue;
            outputs[key] = await unwrap(output);
            secretOutputs[key] = await pulumi.isSecret(output);
        }
        await settle(run);
        return snapshot(run, outputs, secretOutputs);
    });
    try {
        return await Promise.race([work, failed]);
    } catch (error) {
        lastRunFailed = true;
        // A failed deployment logs its error, as the language host would: the run's record keeps it, and Pulumi
        // does not report the failed run's unfinished operations as leaked promises when the process exits.
        await runContext.run(run, () => pulumi.log.error(`deployment failed: ${error instanceof Error ? error.message : String(error)}`));
        throw error;
    } finally {
        failRun = undefined;
        restoreConsole();
        activeRun = undefined;
    }
}

async function snapshot(run: Run, outputs: Record<string, unknown>, secretOutputs: Record<string, boolean>): Promise<Deployment> {
    const urnOf = (resource: pulumi.Resource) => unwrap(resource.urn);
    const recorded: RecordedResource[] = [];
    for (const constructed of run.constructed) {
        const registrations = run.registrations.filter((r) => r.type === constructed.type && r.name === constructed.name);
        if (registrations.length !== 1) {
            throw new Error(`mocks: ${constructed.type} ${constructed.name} was registered ${registrations.length} times`);
        }
        const [registration] = registrations;
        const dependsOn = [...await constructed.dependsOn, ...await constructed.inputSources];
        recorded.push({
            type: constructed.type,
            name: constructed.name,
            urn: await urnOf(constructed.resource),
            parent: constructed.parent ? await urnOf(constructed.parent) : "",
            dependencies: [...new Set(await Promise.all(dependsOn.map(urnOf)))],
            custom: registration.custom,
            ignoreChanges: constructed.ignoreChanges,
            inputs: reveal(registration.inputs),
            secretInputs: Object.keys(registration.inputs).filter((key) => pulumi.runtime.isRpcSecret(registration.inputs[key])),
            publicInputs: redact(registration.inputs),
            state: reveal(registration.state),
        });
    }
    const all = (type: string) => recorded.filter((r) => r.type === type);
    return {
        resources: recorded,
        calls: [...run.calls],
        errors: [...run.errors],
        warnings: [...run.warnings],
        logs: [...run.logs],
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
