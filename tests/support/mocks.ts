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
 * Provider functions (invokes) are answered from a fixed table; an unknown one throws. Where the provider's answer
 * depends on the account or the Region, the table reads the run's {@link MockAccount} and the `aws:region` config
 * ({@link DeployOptions}); an invoke that fails in AWS fails here the same way (see {@link providerError}).
 */
import { AsyncLocalStorage } from "async_hooks";
import * as pulumi from "@pulumi/pulumi";
import type { DataLakeSettingsState } from "../../components/policies/lakeAdmins";

export const ACCOUNT_ID = "123456789012";
/** The Region of a run that sets no `aws:region` ({@link DeployOptions.region}). */
export const REGION = "us-east-1";
/** The us-east-1 Elastic Load Balancing account, which delivers ALB access logs there. */
export const ELB_ACCOUNT_ARN = "arn:aws:iam::127311923021:root";

/**
 * The provider's own map of Elastic Load Balancing accounts per Region (terraform-provider-aws
 * internal/service/elb/service_account_data_source.go, accountIDPerRegionMap, which `aws.elb.getServiceAccount`
 * reads without calling AWS), copied here so that the mocked invoke fails where the provider's does: in every
 * Region not listed ("unsupported AWS Region: <region>").
 */
export const PROVIDER_ELB_ACCOUNTS: Readonly<Record<string, string>> = {
    "af-south-1": "098369216593", "ap-east-1": "754344448648", "ap-northeast-1": "582318560864", "ap-northeast-2": "600734575887",
    "ap-northeast-3": "383597477331", "ap-south-1": "718504428378", "ap-southeast-1": "114774131450", "ap-southeast-2": "783225319266",
    "ap-southeast-3": "589379963580", "ca-central-1": "985666609251", "cn-north-1": "638102146993", "cn-northwest-1": "037604701340",
    "eu-central-1": "054676820928", "eu-north-1": "897822967062", "eu-south-1": "635631232127", "eu-west-1": "156460612806",
    "eu-west-2": "652711504416", "eu-west-3": "009996457667", "me-south-1": "076674570225", "sa-east-1": "507241528517",
    "us-east-1": "127311923021", "us-east-2": "033677994240", "us-gov-east-1": "190560391635", "us-gov-west-1": "048591011584",
    "us-west-1": "027434742980", "us-west-2": "797873946194",
};

/** The role the mocked deployer runs as: an assumed role with a path, as IAM Identity Center's roles have. */
export const DEPLOYER_ROLE_ARN = `arn:aws:iam::${ACCOUNT_ID}:role/ops/deployer`;
export const DEPLOYER_SESSION_ARN = `arn:aws:sts::${ACCOUNT_ID}:assumed-role/deployer/ci-session`;

/** Lake Formation's data lake settings as `getDataLakeSettings` returns them. */
export type MockDataLakeSettings = DataLakeSettingsState;

/** A new account's settings (AWS, change-settings): no admin, IAM-only defaults, and the two default parameters. */
export const NEW_ACCOUNT_LAKE_SETTINGS: MockDataLakeSettings = {
    admins: [],
    readOnlyAdmins: [],
    createDatabaseDefaultPermissions: [{ principal: "IAM_ALLOWED_PRINCIPALS", permissions: ["ALL"] }],
    createTableDefaultPermissions: [{ principal: "IAM_ALLOWED_PRINCIPALS", permissions: ["ALL"] }],
    trustedResourceOwners: [],
    parameters: { CROSS_ACCOUNT_VERSION: "1", SET_CONTEXT: "TRUE" },
    allowExternalDataFiltering: false,
    allowFullTableExternalDataAccess: false,
    externalDataFilteringAllowLists: [],
    authorizedSessionTagValueLists: [],
};

/** What the mocked account answers: who deploys, its Lake Formation settings, its Lambda concurrency quota. */
export interface MockAccount {
    /** `getCallerIdentity().arn`: an STS assumed-role ARN, or an IAM user's ARN. */
    callerArn: string;
    /** What `getSessionContext` answers for an assumed-role ARN: the role's IAM ARN, path included. */
    issuerArn: string;
    lakeFormation: MockDataLakeSettings;
    /** Service Quotas' "Concurrent executions" (L-B99A9384), or "denied" when the deployer may not read it. */
    lambdaConcurrencyQuota: number | "denied";
}

/** An account whose deployer is already a Lake Formation admin, under its role's path form, with Lambda's default quota. */
export const DEFAULT_ACCOUNT: MockAccount = {
    callerArn: DEPLOYER_SESSION_ARN,
    issuerArn: DEPLOYER_ROLE_ARN,
    lakeFormation: { ...NEW_ACCOUNT_LAKE_SETTINGS, admins: [DEPLOYER_ROLE_ARN] },
    lambdaConcurrencyQuota: 1000,
};

/**
 * An invoke's failure as the program sees it from the engine. Pulumi's runtime rejects a failed invoke with
 * `new Error(err.details)`: an error thrown without `details` would reach the program with an empty message.
 */
export function providerError(token: string, message: string): Error {
    const details = `invocation of ${token} returned an error: ${message}`;
    return Object.assign(new Error(details), { details });
}
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
    /** The retainOnDelete resource option: `pulumi destroy` (or a replace) leaves the resource as it is in AWS. */
    retainOnDelete: boolean;
    /** The additionalSecretOutputs resource option: outputs the engine stores encrypted whatever their input was. */
    additionalSecretOutputs: string[];
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

/** The run's Region: the `aws:region` config, as the provider reads it. */
export function currentRegion(): string {
    return pulumi.runtime.getConfig("aws:region") ?? REGION;
}

function arn(service: string, resource: string, region = currentRegion()): string {
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
            return { id: `https://sqs.${currentRegion()}.amazonaws.com/${ACCOUNT_ID}/${physical}`, url: `https://sqs.${currentRegion()}.amazonaws.com/${ACCOUNT_ID}/${physical}`, name: physical, arn: arn("sqs", physical) };
        case "aws:lambda/functionUrl:FunctionUrl":
            return { functionUrl: FUNCTION_URL };
        case "aws:lb/loadBalancer:LoadBalancer":
            return {
                arn: arn("elasticloadbalancing", `loadbalancer/app/${physical}/50dc6c495c0c9188`),
                dnsName: `${physical}-1234567890.${currentRegion()}.elb.amazonaws.com`,
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
        case "aws:ssm/parameter:Parameter": {
            // The ARN's resource is `parameter` followed by the name, whose leading slash is not doubled.
            const parameterName = inputs.name ?? physicalName(name);
            return { id: parameterName, name: parameterName, arn: arn("ssm", `parameter/${parameterName.replace(/^\//, "")}`), version: 1 };
        }
        case "aws:cloudwatch/metricAlarm:MetricAlarm":
            return { id: physical, name: physical, arn: arn("cloudwatch", `alarm:${physical}`) };
        case "aws:sns/topic:Topic": {
            // A topic's id is its ARN.
            const topicArn = arn("sns", physical);
            return { id: topicArn, arn: topicArn, name: physical };
        }
        case "aws:kms/key:Key":
            return { id: "1234abcd-12ab-34cd-56ef-1234567890ab", keyId: "1234abcd-12ab-34cd-56ef-1234567890ab", arn: arn("kms", "key/1234abcd-12ab-34cd-56ef-1234567890ab") };
        case "aws:cloudwatch/dashboard:Dashboard":
            return { id: inputs.dashboardName, dashboardArn: `arn:aws:cloudwatch::${ACCOUNT_ID}:dashboard/${inputs.dashboardName}` };
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

const invokes: Record<string, (inputs: any, account: MockAccount) => Record<string, unknown>> = {
    "aws:index/getCallerIdentity:getCallerIdentity": (_, account) => ({
        accountId: ACCOUNT_ID, arn: account.callerArn, userId: "AROAEXAMPLE:ci-session", id: ACCOUNT_ID,
    }),
    // The provider parses assumed-role/<role>/<session> and calls iam:GetRole for the role's ARN (path included);
    // any other ARN is its own issuer.
    "aws:iam/getSessionContext:getSessionContext": (inputs, account) => {
        const role = /^arn:aws[a-z-]*:sts::\d{12}:assumed-role\/([^/]+)\/(.+)$/.exec(inputs.arn);
        if (!role) return { arn: inputs.arn, issuerArn: inputs.arn, issuerId: "", issuerName: "", sessionName: "", id: inputs.arn };
        if (!account.issuerArn.endsWith(`/${role[1]}`)) throw new Error(`mocks: the account's issuerArn ${account.issuerArn} is not role ${role[1]}`);
        return { arn: inputs.arn, issuerArn: account.issuerArn, issuerId: "AROAEXAMPLE", issuerName: role[1], sessionName: role[2], id: inputs.arn };
    },
    "aws:index/getRegion:getRegion": (inputs) => {
        const region = inputs.region ?? currentRegion();
        return { name: region, region, id: region, description: region, endpoint: `ec2.${region}.amazonaws.com` };
    },
    "aws:index/getPartition:getPartition": () => ({ partition: "aws", dnsSuffix: "amazonaws.com", id: "aws", reverseDnsPrefix: "com.amazonaws" }),
    "aws:ec2/getVpc:getVpc": (inputs) => {
        if (inputs.default !== true) throw new Error(`mocks: getVpc is only mocked for the default VPC, got ${JSON.stringify(inputs)}`);
        return { id: DEFAULT_VPC_ID, default: true, cidrBlock: "172.31.0.0/16" };
    },
    "aws:ec2/getSubnets:getSubnets": (inputs) => ({ ids: DEFAULT_SUBNET_IDS, filters: inputs.filters, id: currentRegion() }),
    "aws:ec2/getSubnet:getSubnet": (inputs) => {
        const subnet = SUBNETS[inputs.id];
        if (!subnet) throw new Error(`mocks: getSubnet knows no subnet ${JSON.stringify(inputs.id)}: add it to SUBNETS in tests/support/mocks.ts`);
        return { id: inputs.id, ...subnet, availabilityZoneId: `use1-az${subnet.availabilityZone.slice(-1)}` };
    },
    // A static lookup in the provider (no AWS call), failing in every Region its map lacks: the newer ones.
    "aws:elb/getServiceAccount:getServiceAccount": (inputs) => {
        const region = inputs.region ?? currentRegion();
        const account = PROVIDER_ELB_ACCOUNTS[region];
        if (!account) throw providerError("aws:elb/getServiceAccount:getServiceAccount", `unsupported AWS Region: ${region}`);
        return { arn: `arn:aws:iam::${account}:root`, id: account, region };
    },
    "aws:lakeformation/getDataLakeSettings:getDataLakeSettings": (inputs, account) => ({
        ...structuredClone(account.lakeFormation), catalogId: inputs.catalogId ?? ACCOUNT_ID, id: ACCOUNT_ID, region: currentRegion(),
    }),
    "aws:servicequotas/getServiceQuota:getServiceQuota": (inputs, account) => {
        const token = "aws:servicequotas/getServiceQuota:getServiceQuota";
        if (inputs.serviceCode !== "lambda" || inputs.quotaCode !== "L-B99A9384") throw new Error(`mocks: only Lambda's concurrency quota is mocked, got ${JSON.stringify(inputs)}`);
        if (account.lambdaConcurrencyQuota === "denied") {
            throw providerError(token, "getting Service Quota: operation error Service Quotas: GetServiceQuota, api error AccessDeniedException: "
                + `User: ${account.callerArn} is not authorized to perform: servicequotas:GetServiceQuota`);
        }
        return {
            serviceCode: "lambda", quotaCode: "L-B99A9384", quotaName: "Concurrent executions", value: account.lambdaConcurrencyQuota,
            defaultValue: 1000, adjustable: true, globalQuota: false, id: "lambda/L-B99A9384", serviceName: "AWS Lambda",
        };
    },
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
    retainOnDelete: boolean;
    additionalSecretOutputs: string[];
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
    account: MockAccount;
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
        const run = currentRun();
        const refused = refusal(args.type, inputs, run);
        if (refused) {
            run?.errors.push(refused);
            throw Object.assign(new Error(refused), { details: refused });
        }
        refuseAsAwsWould(args.type, inputs, run?.account ?? DEFAULT_ACCOUNT, run);
        const state = { ...(args.inputs ?? {}), ...computedState(args.type, args.name, inputs) };
        run?.registrations.push({ type: args.type, name: args.name, custom: !!args.custom, inputs: args.inputs ?? {}, state });
        const id = (state.id as string | undefined) ?? `${args.name}-id`;
        return { id: args.custom ? id : undefined, state };
    },
    call(args: pulumi.runtime.MockCallArgs): pulumi.runtime.MockCallResult {
        const inputs = reveal(args.inputs);
        const run = currentRun();
        run?.calls.push({ token: args.token, inputs });
        const answer = invokes[args.token];
        const account = run?.account ?? DEFAULT_ACCOUNT;
        if (!answer) {
            const message = `mocks: no mock for invoke ${args.token} (inputs ${JSON.stringify(inputs)}): add one to tests/support/mocks.ts`;
            run?.errors.push(message);
            throw new Error(message);
        }
        try {
            return answer(inputs, account);
        } catch (error) {
            // A mocked invoke that refuses its inputs fails loudly too; a provider's answer (providerError) is the
            // program's to handle.
            if (!(error instanceof Error && "details" in error)) run?.errors.push(String(error instanceof Error ? error.message : error));
            throw error;
        }
    },
}, "healthscore", "test", false);

/**
 * Creations AWS refuses whatever the program, as the provider reports them:
 * - a reservation of Lambda concurrency that would leave less than 100 of the account's quota unreserved
 *   (PutFunctionConcurrency). The rule is account-wide: the functions registered before this one count too.
 * - a Glue database whose default table permissions name a permission Glue's PrincipalPermissions does not list
 *   (the provider validates the enum: catalog_database.go, `enum.Validate[awstypes.Permission]`; Glue API reference,
 *   PrincipalPermissions). Lake Formation's list is longer (DESCRIBE is Lake Formation's, not Glue's).
 */
const GLUE_PERMISSIONS = ["ALL", "SELECT", "ALTER", "DROP", "DELETE", "INSERT", "CREATE_DATABASE", "CREATE_TABLE", "DATA_LOCATION_ACCESS"];

function refuseAsAwsWould(type: string, inputs: any, account: MockAccount, run: Run | undefined): void {
    const reserved = inputs.reservedConcurrentExecutions;
    const quota = account.lambdaConcurrencyQuota === "denied" ? DEFAULT_ACCOUNT.lambdaConcurrencyQuota as number : account.lambdaConcurrencyQuota;
    const reservedBefore = (run?.registrations ?? [])
        .filter((r) => r.type === "aws:lambda/function:Function")
        .reduce((sum, r) => sum + (reveal(r.inputs).reservedConcurrentExecutions ?? 0), 0);
    if (type === "aws:lambda/function:Function" && typeof reserved === "number" && reserved >= 0 && reservedBefore + reserved > quota - 100) {
        throw new Error(`setting Lambda Function (${inputs.name}) concurrency: InvalidParameterValueException: Specified ReservedConcurrentExecutions `
            + "for function decreases account's UnreservedConcurrentExecution below its minimum value of [100].");
    }
    if (type === "aws:glue/catalogDatabase:CatalogDatabase") {
        for (const permission of (inputs.createTableDefaultPermissions ?? []).flatMap((p: any) => p.permissions ?? [])) {
            if (!GLUE_PERMISSIONS.includes(permission)) {
                throw new Error(`expected create_table_default_permission.0.permissions to be one of [${GLUE_PERMISSIONS.join(" ")}], got ${permission}`);
            }
        }
    }
}

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
            retainOnDelete: opts.retainOnDelete === true,
            additionalSecretOutputs: (opts as pulumi.CustomResourceOptions).additionalSecretOutputs ?? [],
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
/** The failures of earlier runs: the same failure surfacing again later (through another output) is not news. */
const reportedFailures = new Set<string>();
const failureKey = (reason: unknown) => (reason instanceof Error ? reason.message : String(reason));
process.on("unhandledRejection", (reason) => {
    if (failRun) return failRun(reason);
    // The failed run's other resources rejecting after it ended: already reported.
    if (lastRunFailed || reportedFailures.has(failureKey(reason))) return;
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

/** What a run's account and Region are. */
export interface DeployOptions {
    /** The stack's `aws:region` for this run. @default the config's, else {@link REGION} */
    region?: string;
    /** How the account differs from {@link DEFAULT_ACCOUNT}. */
    account?: Partial<MockAccount>;
}

/**
 * Runs `program` (which creates resources and returns its outputs) in a root stack of its own, waits for
 * everything it registered, and returns what was recorded. One run at a time. Rejects if the program throws, an
 * output fails, or a resource operation fails (an apply feeding an input threw): as `pulumi preview` would fail.
 */
export async function deploy(program: () => Record<string, unknown> | Promise<Record<string, unknown>>, options: DeployOptions = {}): Promise<Deployment> {
    const account: MockAccount = { ...DEFAULT_ACCOUNT, ...options.account };
    const run: Run = { account, constructed: [], registrations: [], calls: [], errors: [], warnings: [], logs: [] };
    activeRun = run;
    const previousRegion = pulumi.runtime.getConfig("aws:region");
    pulumi.runtime.setConfig("aws:region", options.region ?? previousRegion ?? REGION);
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
        reportedFailures.add(failureKey(error));
        // A failed deployment logs its error, as the language host would: the run's record keeps it, and Pulumi
        // does not report the failed run's unfinished operations as leaked promises when the process exits.
        await runContext.run(run, () => pulumi.log.error(`deployment failed: ${error instanceof Error ? error.message : String(error)}`));
        throw error;
    } finally {
        failRun = undefined;
        pulumi.runtime.setConfig("aws:region", previousRegion ?? REGION);
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
            retainOnDelete: constructed.retainOnDelete,
            additionalSecretOutputs: constructed.additionalSecretOutputs,
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
