/**
 * The program as a whole under mocks: that it registered something at all (else every other assertion would
 * pass vacuously), parentage, names, outputs, the generated token, and index.ts reading the stack config.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { deploy, Deployment, physicalName, RecordedResource } from "../../support/mocks";
import { isValidToken } from "../../../shared/limits";
import { LOADER, RECEIVER_FUNCTION, RECEIVER_LOGS, T } from "./types";
import { deployConfig, deployed, TOKEN, VariantName, VARIANTS } from "./variants";

const VARIANT_NAMES = Object.keys(VARIANTS) as VariantName[];

/** What the program (and index.ts) export in every configuration. */
const CORE_OUTPUTS = ["alarmTopicArn", "bucketName", "dashboardName", "deadLetterQueueUrl", "endpointUrl", "functionName", "loaderFunctionName", "loaderLogGroupName", "logGroupName", "tableName"];
/** ...and by lake mode: nothing more with none, no crawler with projection. */
const OUTPUTS_BY_LAKE = {
    none: CORE_OUTPUTS,
    projection: [...CORE_OUTPUTS, "athenaWorkgroupName", "glueDatabaseName"].sort(),
    crawler: [...CORE_OUTPUTS, "athenaWorkgroupName", "crawlerName", "glueDatabaseName"].sort(),
};
const ROOTS: string[] = [T.store, T.loader, T.ingest, T.monitoring];

function lakeModeOf(variant: VariantName): keyof typeof OUTPUTS_BY_LAKE {
    return ((VARIANTS[variant] as { lake?: string }).lake ?? "crawler") as keyof typeof OUTPUTS_BY_LAKE;
}

/** The lake's outputs are the names of the Glue database, crawler (none with projection) and workgroup it registered. */
function assertLakeOutputs(deployment: Deployment, label: string): void {
    const { outputs } = deployment;
    assert.strictEqual(outputs.glueDatabaseName, deployment.only(T.glueDatabase).inputs.name, label);
    assert.strictEqual(outputs.athenaWorkgroupName, deployment.only(T.workgroup).inputs.name, label);
    const crawlers = deployment.all(T.crawler);
    assert.ok(crawlers.length <= 1, label);
    assert.strictEqual(outputs.crawlerName, crawlers[0]?.inputs.name, label);
    assert.ok(typeof outputs.glueDatabaseName === "string" && outputs.glueDatabaseName.length > 0, label);
}

/** The component a resource belongs to: the outermost ancestor, walking parent URNs. */
function rootOf(deployment: Deployment, resource: RecordedResource): RecordedResource {
    let current = resource;
    for (let depth = 0; current.parent; depth++) {
        if (depth > 10) throw new Error(`parent chain of ${resource.name} too deep`);
        current = deployment.byUrn(current.parent);
    }
    return current;
}

describe("program (mocks)", () => {
    const deployments = {} as Record<VariantName, Deployment>;

    before(async function () {
        this.timeout(60_000);
        for (const variant of VARIANT_NAMES) deployments[variant] = await deployed(variant);
    });

    it("registers the resources of each variant, with no errors logged and no unknown invoke", () => {
        for (const variant of VARIANT_NAMES) {
            const deployment = deployments[variant];
            assert.ok(deployment.resources.filter((r) => r.custom).length >= 15, `${variant}: ${deployment.resources.length} resources`);
            for (const type of [T.store, T.ingest, T.bucket, T.table, T.function, T.role, T.rolePolicy]) {
                assert.ok(deployment.all(type).length > 0, `${variant}: no ${type}`);
            }
            assert.deepStrictEqual(deployment.errors, [], variant);
            assert.ok(deployment.resources.every((r) => r.urn.startsWith("urn:pulumi:test::healthscore::")), `${variant}: every registration answered`);
        }
    });

    it("parents every resource under HealthScoreStore, HealthScoreLoader, HealthScoreIngest or HealthScoreMonitoring (the generated token aside)", () => {
        for (const variant of VARIANT_NAMES) {
            const deployment = deployments[variant];
            for (const resource of deployment.resources) {
                if (ROOTS.includes(resource.type) || resource.type === T.randomPassword) {
                    assert.strictEqual(resource.parent, "", `${variant}: ${resource.name} is top-level`);
                    continue;
                }
                const root = rootOf(deployment, resource);
                assert.ok(ROOTS.includes(root.type), `${variant}: ${resource.type} ${resource.name} is under ${root.type}`);
            }
        }
    });

    it("puts storage under the store, the loader and its queues under the loader, and the receiver, load balancer and URL under the ingest", () => {
        const https = deployments.https;
        const owner = (type: string) => https.all(type).map((r) => rootOf(https, r).type);
        const namesUnder = (type: string, root: string) => https.all(type).filter((r) => rootOf(https, r).type === root).map((r) => r.name).sort();
        assert.deepStrictEqual(owner(T.table), [T.store]);
        // The store holds its data bucket and, through the lake, the Athena results bucket; the ingest the ALB's log bucket.
        assert.deepStrictEqual(namesUnder(T.bucket, T.store), ["healthscore-data-bucket", "healthscore-lake-athena-results-bucket"]);
        assert.deepStrictEqual(namesUnder(T.bucket, T.ingest), ["healthscore-ingest-lb-access-logs-bucket"]);
        for (const type of [T.loadBalancer, T.listener, T.listenerRule]) assert.deepStrictEqual(owner(type), [T.ingest], type);
        for (const type of [T.function, T.logGroup, T.permission]) assert.deepStrictEqual([...new Set(owner(type))].sort(), [T.loader, T.ingest].sort(), type);
        assert.deepStrictEqual(namesUnder(T.function, T.ingest), ["healthscore-ingest-receiver-function"]);
        assert.deepStrictEqual(namesUnder(T.function, T.loader), ["healthscore-loader-function"]);
        for (const type of [T.queue, T.invokeConfig, T.eventSourceMapping, T.bucketNotification]) assert.deepStrictEqual([...new Set(owner(type))], [T.loader], type);
        assert.deepStrictEqual(namesUnder(T.role, T.loader), ["healthscore-loader-role"]);
        // IAM: the receiver's role and policy under the ingest; under the store (in the lake) the crawler's, and the
        // data-access role alerts/ is registered with in Lake Formation.
        assert.deepStrictEqual(namesUnder(T.role, T.ingest), ["healthscore-ingest-receiver-role"]);
        assert.deepStrictEqual(namesUnder(T.rolePolicy, T.ingest), ["healthscore-ingest-receiver-policy"]);
        assert.deepStrictEqual(namesUnder(T.role, T.store), ["healthscore-lake-crawler", "healthscore-lake-data-access"]);
        assert.deepStrictEqual(namesUnder(T.rolePolicy, T.store), ["healthscore-lake-crawler-access", "healthscore-lake-data-access-policy"]);
        assert.deepStrictEqual(deployments.functionUrl.all(T.functionUrl).map((r) => rootOf(deployments.functionUrl, r).type), [T.ingest]);
    });

    it("with lake none (the dev stack): no lake component, nothing of Lake Formation, Glue or Athena, and no lake invoke", () => {
        const dev = deployments.dev;
        assert.deepStrictEqual(dev.all(T.lake), []);
        const lakeTypes = dev.resources.filter((r) => /^aws:(lakeformation|glue|athena)\//.test(r.type)).map((r) => r.type);
        assert.deepStrictEqual(lakeTypes, []);
        assert.deepStrictEqual(dev.all(T.bucket).map((b) => b.name), ["healthscore-data-bucket"], "no Athena results bucket");
        assert.deepStrictEqual(dev.calls.filter((c) => /lakeformation|getSessionContext/.test(c.token)), [], "no admin check: only IAM is needed");
    });

    it("puts the lake and all its children under HealthScoreStore, through HealthScoreLake", () => {
        for (const variant of VARIANT_NAMES.filter((v) => lakeModeOf(v) !== "none")) {
            const deployment = deployments[variant];
            const lake = deployment.only(T.lake);
            assert.strictEqual(deployment.byUrn(lake.parent).type, T.store, variant);
            assert.ok(lake.urn.includes(`::${T.store}$${T.lake}::`), `${variant}: ${lake.urn}`);
            const ancestors = (resource: RecordedResource): RecordedResource[] =>
                resource.parent ? [deployment.byUrn(resource.parent), ...ancestors(deployment.byUrn(resource.parent))] : [];
            const underLake = deployment.resources.filter((r) => ancestors(r).includes(lake));
            // The catalog, Lake Formation, Athena and the results bucket, whatever the variant.
            for (const type of [T.glueDatabase, T.workgroup, T.privateBucket, T.bucket, "aws:lakeformation/resource:Resource"]) {
                assert.ok(underLake.some((r) => r.type === type), `${variant}: no ${type} under the lake`);
            }
            for (const resource of underLake) {
                // The URN names the parent's type (the mocks, unlike the engine, keep only the nearest one).
                assert.ok(resource.urn.includes(`::${deployment.byUrn(resource.parent).type}$${resource.type}::`), `${variant}: ${resource.urn}`);
                const chain = ancestors(resource).map((r) => r.type);
                assert.strictEqual(chain[chain.length - 1], T.store, `${variant}: ${resource.name} is under ${chain.join(" < ")}`);
            }
            // Nothing of the lake's kinds outside it.
            for (const type of [T.glueDatabase, T.glueTable, T.crawler, T.workgroup, T.lakePermissions]) {
                for (const resource of deployment.all(type)) assert.ok(underLake.includes(resource), `${variant}: ${resource.name} outside the lake`);
            }
        }
    });

    it("names every resource uniquely, from its component's name", () => {
        for (const variant of VARIANT_NAMES) {
            const deployment = deployments[variant];
            const keys = deployment.resources.map((r) => `${r.type}::${r.name}`);
            assert.strictEqual(new Set(keys).size, keys.length, `${variant}: duplicate ${keys.filter((k, i) => keys.indexOf(k) !== i)}`);
            assert.strictEqual(new Set(deployment.resources.map((r) => r.urn)).size, keys.length, `${variant}: duplicate URN`);
            for (const resource of deployment.resources) {
                assert.ok(resource.name === "healthscore" || resource.name.startsWith("healthscore-"), resource.name);
                if (resource.parent) {
                    const parent = deployment.byUrn(resource.parent);
                    // The component's main resource may take the component's own name (the ALB does, for AWS's 32 characters).
                    assert.ok(resource.name === parent.name || resource.name.startsWith(`${parent.name}-`), `${resource.name} is not named from ${parent.name}`);
                }
            }
        }
    });

    it("exports endpointUrl (secret), bucketName, tableName, the receiver and the loader with their log groups, deadLetterQueueUrl, and the lake's names its mode has, of the resources it made", () => {
        for (const variant of VARIANT_NAMES) {
            const deployment = deployments[variant];
            const { outputs, secretOutputs } = deployment;
            assert.deepStrictEqual(Object.keys(outputs).sort(), OUTPUTS_BY_LAKE[lakeModeOf(variant)], variant);
            assert.deepStrictEqual(Object.entries(secretOutputs).filter(([, secret]) => secret).map(([key]) => key), ["endpointUrl"], variant);
            assert.strictEqual(outputs.bucketName, physicalName("healthscore-data-bucket"));
            assert.strictEqual(outputs.tableName, physicalName("healthscore-table"));
            assert.strictEqual(outputs.functionName, physicalName(RECEIVER_FUNCTION));
            assert.strictEqual(outputs.logGroupName, physicalName(RECEIVER_LOGS));
            assert.strictEqual(deployment.get(T.function, RECEIVER_FUNCTION).inputs.loggingConfig.logGroup, outputs.logGroupName, "the group the receiver logs to");
            assert.strictEqual(outputs.loaderFunctionName, physicalName(LOADER.function));
            assert.strictEqual(outputs.loaderLogGroupName, physicalName(LOADER.logs));
            assert.strictEqual(deployment.get(T.function, LOADER.function).inputs.loggingConfig.logGroup, outputs.loaderLogGroupName, "the group the loader logs to");
            assert.strictEqual(outputs.deadLetterQueueUrl, deployment.get(T.queue, LOADER.deadLetterQueue).state.url);
            if (lakeModeOf(variant) !== "none") assertLakeOutputs(deployment, variant);
        }
        assert.strictEqual(deployments.https.outputs.glueDatabaseName, "healthscore_lake_test");
        assert.strictEqual(deployments.https.outputs.crawlerName, "healthscore_lake_test_alerts");
    });

    it("warns of no undefined stack output in any lake mode (absent outputs are left out, not exported as undefined)", () => {
        for (const variant of VARIANT_NAMES) {
            assert.deepStrictEqual(deployments[variant].warnings.filter((w) => /Undefined value/.test(w)), [], variant);
        }
        assert.ok(VARIANT_NAMES.some((v) => lakeModeOf(v) === "none") && VARIANT_NAMES.some((v) => lakeModeOf(v) === "projection"));
    });

    it("generates a URL-safe token of at least 32 characters with RandomPassword (special false) when none is configured", () => {
        const password = deployments.https.only(T.randomPassword).inputs;
        assert.strictEqual(password.special, false);
        assert.ok(password.length >= 32);
        const token = new URL(deployments.https.outputs.endpointUrl as string).pathname.split("/").pop()!;
        assert.ok(isValidToken(token) && token.length === password.length, token);
    });

    it("generates no token when one is configured, and uses the configured one", () => {
        assert.deepStrictEqual(deployments.functionUrl.all(T.randomPassword), []);
        assert.ok((deployments.functionUrl.outputs.endpointUrl as string).endsWith(`/hooks/${TOKEN}`));
    });

    describe("index.ts", () => {
        let fromIndex: Deployment;

        before(async function () {
            this.timeout(60_000);
            pulumi.runtime.setAllConfig({
                "aws:region": "us-east-1",
                "healthscore:ingress": "function-url",
                "healthscore:webhookToken": TOKEN,
                "healthscore:lambdaMemoryMb": "384",
                "healthscore:crawlerSchedule": "cron(0 6 * * ? *)",
            }, ["healthscore:webhookToken"]);
            // index.ts's `export =` object, as the language host reads it (module.exports).
            fromIndex = await deploy(async () => ({ ...require("../../../index") }));
        });

        it("reads the healthscore namespace of the stack config and exports the outputs of its lake mode", () => {
            assert.strictEqual(fromIndex.get(T.function, RECEIVER_FUNCTION).inputs.memorySize, 384);
            assert.strictEqual(fromIndex.all(T.functionUrl).length, 1);
            assert.deepStrictEqual(Object.keys(fromIndex.outputs).sort(), OUTPUTS_BY_LAKE.crawler);
            assertLakeOutputs(fromIndex, "index.ts");
            // The lake's keys of the namespace reach the lake too.
            assert.strictEqual(fromIndex.only(T.crawler).inputs.schedule, "cron(0 6 * * ? *)");
            assert.ok((fromIndex.outputs.endpointUrl as string).endsWith(`/hooks/${TOKEN}`));
            assert.strictEqual(fromIndex.secretOutputs.endpointUrl, true);
        });
    });

    describe("the README's Pulumi.prod.yaml example", () => {
        // eslint-disable-next-line @typescript-eslint/no-var-requires
        const yaml = require("js-yaml");
        const readme = fs.readFileSync(path.join(__dirname, "..", "..", "..", "README.md"), "utf8");
        const marker = readme.indexOf("<!-- Pulumi.prod.yaml example");
        const block = /```yaml\n([\s\S]*?)```/.exec(readme.slice(marker))![1];
        const config: Record<string, unknown> = yaml.load(block).config;
        const raw = Object.fromEntries(Object.entries(config).filter(([key]) => key.startsWith("healthscore:"))
            .map(([key, value]) => [key.slice("healthscore:".length), String(value)]));

        it("previews under mocks in its Region: HTTPS on the ALB, the crawled lake with its reader, the key everywhere", async function () {
            this.timeout(60_000);
            assert.ok(marker >= 0 && Object.keys(raw).length >= 5, "the example is in the README");
            const deployment = await deployConfig(raw, { region: String(config["aws:region"]) });
            assert.deepStrictEqual(deployment.errors, []);
            assert.strictEqual(deployment.only(T.listener).inputs.protocol, "HTTPS");
            assert.strictEqual(deployment.all(T.crawler).length, 1);
            assert.deepStrictEqual(deployment.all(T.lakePermissions).filter((p) => /-reader-/.test(p.name)).map((p) => p.inputs.principal), [raw.lakeReaders]);
            assert.strictEqual(deployment.only(T.workgroup).inputs.configuration.resultConfiguration.encryptionConfiguration.kmsKeyArn, raw.kmsKeyArn);
        });
    });

    describe("Pulumi.dev.yaml", () => {
        // eslint-disable-next-line @typescript-eslint/no-var-requires
        const yaml = require("js-yaml");
        const stack = yaml.load(fs.readFileSync(path.join(__dirname, "..", "..", "..", "Pulumi.dev.yaml"), "utf8"));

        it("sets a Region and holds no secrets", () => {
            assert.strictEqual(stack.config["aws:region"], "us-east-1");
            assert.ok(!JSON.stringify(stack).includes("secure"));
        });

        it("is what the dev variant deploys (tests/components/program/variants.ts), key for key", () => {
            const raw = Object.fromEntries(Object.entries(stack.config).filter(([key]) => key.startsWith("healthscore:"))
                .map(([key, value]) => [key.slice("healthscore:".length), String(value)]));
            assert.deepStrictEqual(raw, VARIANTS.dev);
        });

        it("needs nothing beyond IAM: no data lake (so no Lake Formation admin) and no reserved concurrency (a new account's quota of 10 allows none)", async () => {
            const { parseConfig } = await import("../../../shared/settings");
            const raw = Object.fromEntries(Object.entries(stack.config).filter(([key]) => key.startsWith("healthscore:"))
                .map(([key, value]) => [key.slice("healthscore:".length), String(value)]));
            const settings = parseConfig(raw);
            assert.strictEqual(settings.lake.lake, "none");
            assert.strictEqual(settings.lambda.reservedConcurrency, "none");
            assert.strictEqual(settings.loader.loaderReservedConcurrency, "none");
        });

        it("is a valid configuration", async () => {
            const { parseConfig } = await import("../../../shared/settings");
            const raw = Object.fromEntries(Object.entries(stack.config).filter(([key]) => key.startsWith("healthscore:"))
                .map(([key, value]) => [key.slice("healthscore:".length), String(value)]));
            assert.ok(Object.keys(raw).length > 0);
            assert.doesNotThrow(() => parseConfig(raw));
        });
    });
});
