import { strict as assert } from "assert";
// The shared mocks install themselves on import: before the component module, which registers through @pulumi/aws.
import {
    ACCOUNT_ID as TEST_ACCOUNT, DEPLOYER_ROLE_ARN, Deployment, DeployOptions, NEW_ACCOUNT_LAKE_SETTINGS, deploy, physicalName,
} from "../support/mocks";
import type * as Lake from "../../components/healthScoreLake";
import { NAMED_QUERIES } from "../../shared/lakeQueries";
import { LAKE_COLUMNS } from "../../shared/lakeSchema";

const BUCKET = "healthscore-store-bucket";
const BUCKET_ARN = `arn:aws:s3:::${BUCKET}`;
const READERS = [`arn:aws:iam::${TEST_ACCOUNT}:role/analysts`, `arn:aws:iam::${TEST_ACCOUNT}:user/dana`];
const COMPONENT = "healthscore:index:HealthScoreLake";
const PRIVATE_BUCKET = "healthscore:index:PrivateBucket";
const BUCKET_TYPE = "aws:s3/bucket:Bucket";

describe("HealthScoreLake (Pulumi mocks)", function () {
    this.timeout(20_000);
    let lake: typeof Lake;

    before(async () => {
        lake = await import("../../components/healthScoreLake");
    });

    /** Deploys a lake alone (fake bucket inputs) and gives typed helpers over what it registered. */
    async function build(name: string, args: Partial<Lake.HealthScoreLakeArgs> = {}, options: DeployOptions = {}) {
        const deployment: Deployment = await deploy(() => {
            const component = new lake.HealthScoreLake(name, { bucketName: BUCKET, bucketArn: BUCKET_ARN, ...args });
            return {
                glueDatabaseName: component.glueDatabaseName,
                crawlerName: component.crawlerName,
                athenaWorkgroupName: component.athenaWorkgroupName,
                athenaResultsBucketName: component.athenaResultsBucketName,
            };
        }, options);
        assert.deepEqual(deployment.errors, []);
        const outputs = deployment.outputs as Record<string, string | undefined>;
        const ofType = (type: string) => deployment.all(type).map((resource) => ({ name: resource.name, inputs: resource.inputs }));
        const one = (type: string, nameSuffix?: string) =>
            (nameSuffix === undefined ? deployment.only(type) : deployment.get(type, `${name}-${nameSuffix}`)).inputs;
        return { deployment, outputs, resources: deployment.resources, ofType, one };
    }

    describe("with the crawler (default)", () => {
        let built: Awaited<ReturnType<typeof build>>;
        let crawlerRoleArn: string;
        let dataAccessRoleArn: string;
        before(async () => {
            built = await build("healthscore", { lake: { lakeReaders: READERS } });
            crawlerRoleArn = built.deployment.get("aws:iam/role:Role", "healthscore-crawler").state.arn;
            dataAccessRoleArn = built.deployment.get("aws:iam/role:Role", "healthscore-data-access").state.arn;
        });

        it("registers one component, parent of every lake resource, and a Glue database named after it and the stack", () => {
            const component = built.deployment.only(COMPONENT);
            const results = built.deployment.get(PRIVATE_BUCKET, "healthscore-athena-results");
            for (const resource of built.resources) {
                if (resource === component) continue;
                // The results bucket's own resources belong to its PrivateBucket, itself a child of the lake.
                const expected = resource.parent === results.urn ? results.urn : component.urn;
                assert.equal(resource.parent, expected, `${resource.type} ${resource.name}`);
            }
            assert.equal(results.parent, component.urn);
            assert.ok(built.resources.filter((resource) => resource.parent === results.urn).length >= 7, "the bucket and its six settings");
            assert.equal(built.one("aws:glue/catalogDatabase:CatalogDatabase").name, "healthscore_test");
            assert.equal(built.outputs.glueDatabaseName, "healthscore_test");
        });

        // Not with the service-linked role (useServiceLinkedRole true): a customer managed key cannot be granted to
        // that role through IAM, so with kmsKeyArn crawls and Athena queries could not decrypt alerts/.
        it("registers alerts/ (not the whole bucket) with Lake Formation, as its own data-access role, not the service-linked one", () => {
            const location = built.deployment.only("aws:lakeformation/resource:Resource");
            assert.equal(location.inputs.arn, `${BUCKET_ARN}/alerts`);
            assert.equal(location.inputs.useServiceLinkedRole, false);
            assert.equal(location.inputs.roleArn, dataAccessRoleArn);
            const policy = built.deployment.get("aws:iam/rolePolicy:RolePolicy", "healthscore-data-access-policy");
            assert.ok(location.dependencies.includes(policy.urn), "registered once the role may read");
        });

        it("lets only Lake Formation assume the data-access role, which reads alerts/ only and, without a key, has no KMS permission", () => {
            const role = built.one("aws:iam/role:Role", "data-access");
            assert.deepEqual(JSON.parse(role.assumeRolePolicy), {
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Principal: { Service: "lakeformation.amazonaws.com" }, Action: "sts:AssumeRole" }],
            });
            const policy = built.one("aws:iam/rolePolicy:RolePolicy", "data-access-policy");
            assert.equal(policy.role, physicalName("healthscore-data-access"));
            assert.deepEqual(JSON.parse(policy.policy).Statement, [
                { Sid: "ReadAlertObjects", Effect: "Allow", Action: "s3:GetObject", Resource: `${BUCKET_ARN}/alerts/*` },
                {
                    Sid: "ListAlertObjects", Effect: "Allow", Action: "s3:ListBucket", Resource: BUCKET_ARN,
                    Condition: { StringLike: { "s3:prefix": ["alerts/", "alerts/*"] } },
                },
            ]);
        });

        it("leaves the account's data lake admins alone, having checked that the deployer is one (by its session's issuer)", () => {
            assert.deepEqual(built.ofType("aws:lakeformation/dataLakeSettings:DataLakeSettings"), []);
            const tokens = built.deployment.calls.map((call) => call.token);
            for (const token of ["aws:index/getCallerIdentity:getCallerIdentity", "aws:iam/getSessionContext:getSessionContext", "aws:lakeformation/getDataLakeSettings:getDataLakeSettings"]) {
                assert.ok(tokens.includes(token), token);
            }
        });

        it("makes the grants the gate: new tables get ALL for the crawler's role only, never the account's IAMAllowedPrincipals default", () => {
            const database = built.one("aws:glue/catalogDatabase:CatalogDatabase");
            assert.deepEqual(database.createTableDefaultPermissions, [{ principal: { dataLakePrincipalIdentifier: crawlerRoleArn }, permissions: ["ALL"] }]);
            assert.ok(!JSON.stringify(database).includes("IAM_ALLOWED_PRINCIPALS"));
        });

        it("registers alerts/ in Lake Formation mode, not hybrid mode (where principals not opted in keep IAM-only access)", () => {
            const location = built.one("aws:lakeformation/resource:Resource");
            assert.equal(location.hybridAccessEnabled, false);
            assert.ok(location.roleArn);
        });

        it("grants the crawler role CREATE_TABLE, ALTER and DESCRIBE on the database and DATA_LOCATION_ACCESS on alerts/", () => {
            const database = built.one("aws:lakeformation/permissions:Permissions", "crawler-database");
            assert.equal(database.principal, crawlerRoleArn);
            assert.deepEqual([...database.permissions].sort(), ["ALTER", "CREATE_TABLE", "DESCRIBE"]);
            assert.deepEqual(database.database, { name: "healthscore_test" });
            const location = built.one("aws:lakeformation/permissions:Permissions", "crawler-location");
            assert.equal(location.principal, crawlerRoleArn);
            assert.deepEqual(location.permissions, ["DATA_LOCATION_ACCESS"]);
            assert.deepEqual(location.dataLocation, { arn: `${BUCKET_ARN}/alerts` });
        });

        it("grants each reader SELECT and DESCRIBE on every table of the database, and nothing else", () => {
            const grants = built.ofType("aws:lakeformation/permissions:Permissions").filter((grant) => /-reader-[0-9a-f]{8}$/.test(grant.name));
            assert.deepEqual(grants.map((grant) => grant.inputs.principal).sort(), [...READERS].sort());
            for (const { inputs } of grants) {
                assert.deepEqual([...inputs.permissions].sort(), ["DESCRIBE", "SELECT"]);
                assert.deepEqual(inputs.table, { databaseName: "healthscore_test", wildcard: true });
                assert.equal(inputs.permissionsWithGrantOptions, undefined);
            }
        });

        it("crawls s3://<bucket>/alerts/ incrementally, on schedule, with Lake Formation credentials", () => {
            const crawler = built.one("aws:glue/crawler:Crawler");
            assert.deepEqual(crawler.s3Targets, [{ path: `s3://${BUCKET}/alerts/` }]);
            assert.equal(crawler.databaseName, "healthscore_test");
            assert.equal(crawler.role, crawlerRoleArn);
            assert.equal(crawler.schedule, "cron(0 10 * * ? *)");
            assert.deepEqual(crawler.recrawlPolicy, { recrawlBehavior: "CRAWL_NEW_FOLDERS_ONLY" });
            assert.deepEqual(crawler.schemaChangePolicy, { updateBehavior: "LOG", deleteBehavior: "LOG" });
            assert.deepEqual(crawler.lakeFormationConfiguration, { useLakeFormationCredentials: true });
            assert.equal(JSON.parse(crawler.configuration).Grouping.TableGroupingPolicy, "CombineCompatibleSchemas");
            assert.equal(crawler.tablePrefix, undefined, "the table is named alerts, after the folder");
            assert.equal(crawler.name, "healthscore_test_alerts");
            assert.equal(built.outputs.crawlerName, "healthscore_test_alerts");
        });

        it("creates the crawler after its grants and policies, so its first run is allowed", () => {
            const crawler = built.deployment.only("aws:glue/crawler:Crawler");
            const needed = [
                built.deployment.get("aws:lakeformation/permissions:Permissions", "healthscore-crawler-database"),
                built.deployment.get("aws:lakeformation/permissions:Permissions", "healthscore-crawler-location"),
                built.deployment.get("aws:iam/rolePolicy:RolePolicy", "healthscore-crawler-access"),
                built.deployment.get("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "healthscore-crawler-glue"),
            ];
            for (const resource of needed) assert.ok(crawler.dependencies.includes(resource.urn), resource.name);
        });

        it("gives the crawler a role only Glue assumes, with the Glue service policy and read of alerts/ only", () => {
            const role = built.one("aws:iam/role:Role", "crawler");
            assert.deepEqual(JSON.parse(role.assumeRolePolicy).Statement, [
                { Effect: "Allow", Principal: { Service: "glue.amazonaws.com" }, Action: "sts:AssumeRole" },
            ]);
            const attachment = built.one("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "crawler-glue");
            assert.equal(attachment.policyArn, "arn:aws:iam::aws:policy/service-role/AWSGlueServiceRole");
            assert.equal(attachment.role, physicalName("healthscore-crawler"));

            const policy = JSON.parse(built.one("aws:iam/rolePolicy:RolePolicy", "crawler-access").policy);
            const actions = policy.Statement.flatMap((statement: { Action: string | string[] }) => [statement.Action].flat());
            assert.deepEqual(actions.sort(), ["lakeformation:GetDataAccess", "s3:GetObject", "s3:ListBucket"]);
            const read = policy.Statement.find((statement: { Action: string }) => statement.Action === "s3:GetObject");
            assert.equal(read.Resource, `${BUCKET_ARN}/alerts/*`);
            const list = policy.Statement.find((statement: { Action: string }) => statement.Action === "s3:ListBucket");
            assert.deepEqual(list.Condition, { StringLike: { "s3:prefix": ["alerts/", "alerts/*"] } });
            assert.ok(!JSON.stringify(policy).includes("raw/"), "no access to raw bodies");
        });

        it("defines no table of its own: the crawler makes it", () => {
            assert.deepEqual(built.ofType("aws:glue/catalogTable:CatalogTable"), []);
        });

        it("enforces the workgroup's configuration: encrypted results in their own bucket, a bytes cutoff, CloudWatch metrics", () => {
            const workgroup = built.one("aws:athena/workgroup:Workgroup");
            const configuration = workgroup.configuration;
            assert.equal(configuration.enforceWorkgroupConfiguration, true);
            assert.equal(configuration.publishCloudwatchMetricsEnabled, true);
            assert.equal(configuration.bytesScannedCutoffPerQuery, 1024 ** 3);
            assert.equal(configuration.engineVersion.selectedEngineVersion, "Athena engine version 3");
            assert.equal(configuration.resultConfiguration.outputLocation, `s3://${built.outputs.athenaResultsBucketName}/results/`);
            assert.notEqual(built.outputs.athenaResultsBucketName, BUCKET);
            assert.deepEqual(configuration.resultConfiguration.encryptionConfiguration, { encryptionOption: "SSE_S3" });
            assert.equal(workgroup.name, "healthscore_test");
            assert.equal(built.outputs.athenaWorkgroupName, "healthscore_test");
        });

        it("keeps results in a PrivateBucket: private, ACLs off, SSE-S3, versioned, TLS-only, expiring, force-destroyed", () => {
            // The settings every bucket of the program has (tests/components/program/store.test.ts checks them stack-wide).
            const bucket = built.deployment.get(BUCKET_TYPE, "healthscore-athena-results-bucket");
            assert.equal(bucket.parent, built.deployment.get(PRIVATE_BUCKET, "healthscore-athena-results").urn);
            assert.equal(built.outputs.athenaResultsBucketName, physicalName(bucket.name));
            // Query results are disposable (re-run, never restored): destroy may take them along.
            assert.equal(bucket.inputs.forceDestroy, true);
            const block = built.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock");
            assert.deepEqual([block.blockPublicAcls, block.blockPublicPolicy, block.ignorePublicAcls, block.restrictPublicBuckets], [true, true, true, true]);
            assert.deepEqual(built.one("aws:s3/bucketOwnershipControls:BucketOwnershipControls").rule, { objectOwnership: "BucketOwnerEnforced" });
            const encryption = built.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration");
            assert.deepEqual(encryption.rules, [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
            assert.deepEqual(built.one("aws:s3/bucketVersioning:BucketVersioning").versioningConfiguration, { status: "Enabled" });

            const lifecycle = built.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration");
            assert.deepEqual(lifecycle.rules.map((rule: { id: string }) => rule.id), ["expire-query-results", "noncurrent-versions-and-incomplete-uploads"]);
            assert.deepEqual(lifecycle.rules[0], { id: "expire-query-results", status: "Enabled", filter: {}, expiration: { days: 30 } });
            // An expired result is gone a day later, not after PrivateBucket's default 30-day undo window.
            assert.deepEqual(lifecycle.rules[1].noncurrentVersionExpiration, { noncurrentDays: 1 });
            assert.deepEqual(lifecycle.rules[1].abortIncompleteMultipartUpload, { daysAfterInitiation: 1 });

            const arn = bucket.state.arn;
            const policy = JSON.parse(built.one("aws:s3/bucketPolicy:BucketPolicy").policy);
            const insecure = policy.Statement.find((statement: any) => statement.Condition?.Bool?.["aws:SecureTransport"] !== undefined);
            assert.deepEqual([insecure.Effect, insecure.Action, insecure.Resource, String(insecure.Condition.Bool["aws:SecureTransport"])],
                ["Deny", "s3:*", [arn, `${arn}/*`], "false"]);
            assert.ok(policy.Statement.some((statement: any) => statement.Effect === "Deny" && statement.Condition?.NumericLessThan?.["s3:TlsVersion"] === 1.2));
        });

        it("creates the workgroup once the results bucket's policy is in place", () => {
            const workgroup = built.deployment.only("aws:athena/workgroup:Workgroup");
            assert.ok(workgroup.dependencies.includes(built.deployment.only("aws:s3/bucketPolicy:BucketPolicy").urn));
        });

        it("saves every named query in the workgroup, on the database, with the SQL the CLI runs", () => {
            const saved = built.ofType("aws:athena/namedQuery:NamedQuery").map((resource) => resource.inputs);
            assert.deepEqual(saved.map((query) => query.name).sort(), NAMED_QUERIES.map((query) => query.title).sort());
            for (const query of NAMED_QUERIES) {
                const inputs = saved.find((candidate) => candidate.name === query.title);
                assert.equal(inputs?.query, query.sql);
                assert.equal(inputs?.database, "healthscore_test");
                assert.equal(inputs?.workgroup, "healthscore_test");
                assert.equal(inputs?.description, query.description);
            }
            assert.deepEqual(NAMED_QUERIES.map((query) => query.key), ["latest", "trend", "bands", "drops", "daily"]);
        });
    });

    describe("with partition projection and managed admins", () => {
        let built: Awaited<ReturnType<typeof build>>;
        // The deployer, entered without its role's path, and another team's admin the account already has.
        const admin = `arn:aws:iam::${TEST_ACCOUNT}:role/deployer`;
        const existingAdmin = `arn:aws:iam::${TEST_ACCOUNT}:role/data-platform`;
        const accountSettings = {
            ...NEW_ACCOUNT_LAKE_SETTINGS,
            admins: [existingAdmin],
            readOnlyAdmins: [`arn:aws:iam::${TEST_ACCOUNT}:role/auditor`],
            trustedResourceOwners: ["210987654321"],
            createTableDefaultPermissions: [],
        };
        before(async () => {
            built = await build("projected", {
                lake: {
                    lake: "projection",
                    manageLakeAdmins: true,
                    lakeAdmins: [admin],
                    athenaBytesScannedCutoff: 100 * 1024 ** 2,
                    athenaResultsRetentionDays: 7,
                    crawlerSchedule: "cron(0 12 * * ? *)",
                },
                lakeProjectedMetrics: ["health_score", "block_bounce_rate"],
                athenaResultsKmsKeyArn: `arn:aws:kms:us-east-1:${TEST_ACCOUNT}:key/abcd`,
                databaseName: "analytics_healthscore",
            }, { account: { lakeFormation: accountSettings } });
        });

        it("defines the alerts table with partition projection over the key layout, and no crawler", () => {
            assert.deepEqual(built.ofType("aws:glue/crawler:Crawler"), []);
            // No crawler role; the only role is the one alerts/ is registered with, which Athena reads through.
            assert.deepEqual(built.ofType("aws:iam/role:Role").map((role) => role.name), ["projected-data-access"]);
            assert.equal(built.outputs.crawlerName, undefined);
            const table = built.one("aws:glue/catalogTable:CatalogTable");
            assert.equal(table.name, "alerts");
            assert.equal(table.databaseName, "analytics_healthscore");
            assert.equal(table.tableType, "EXTERNAL_TABLE");
            assert.deepEqual(table.partitionKeys, [{ name: "metric", type: "string" }, { name: "dt", type: "string" }]);
            assert.equal(table.parameters["projection.enabled"], "true");
            assert.equal(table.parameters["projection.metric.values"], "health_score,block_bounce_rate");
            assert.equal(table.parameters["projection.dt.type"], "date");
            assert.equal(table.parameters["projection.dt.format"], "yyyy-MM-dd");
            assert.equal(table.parameters["projection.dt.range"], "2024-01-01,NOW");
            assert.equal(table.parameters["storage.location.template"], `s3://${BUCKET}/alerts/metric=\${metric}/dt=\${dt}/`);
            assert.equal(table.storageDescriptor.location, `s3://${BUCKET}/alerts/`);
            assert.equal(table.storageDescriptor.serDeInfo.serializationLibrary, "org.openx.data.jsonserde.JsonSerDe");
            assert.deepEqual(table.storageDescriptor.columns.map((column: { name: string; type: string }) => [column.name, column.type]),
                LAKE_COLUMNS.map((column) => [column.name, column.glueType]));
        });

        it("still registers the location and grants readers nothing when there are none", () => {
            assert.equal(built.one("aws:lakeformation/resource:Resource").arn, `${BUCKET_ARN}/alerts`);
            assert.equal(built.one("aws:lakeformation/resource:Resource").roleArn, built.deployment.get("aws:iam/role:Role", "projected-data-access").state.arn);
            assert.deepEqual(built.ofType("aws:lakeformation/permissions:Permissions"), []);
        });

        it("DataLakeSettings adds lakeAdmins to the account's admins and passes every other setting through, defaults included", () => {
            const settings = built.one("aws:lakeformation/dataLakeSettings:DataLakeSettings");
            assert.deepEqual(settings.admins, [existingAdmin, admin]);
            assert.deepEqual(settings.readOnlyAdmins, accountSettings.readOnlyAdmins);
            assert.deepEqual(settings.trustedResourceOwners, ["210987654321"]);
            assert.deepEqual(settings.createDatabaseDefaultPermissions, [{ principal: "IAM_ALLOWED_PRINCIPALS", permissions: ["ALL"] }]);
            assert.deepEqual(settings.createTableDefaultPermissions ?? [], []);
            assert.deepEqual(settings.parameters, { CROSS_ACCOUNT_VERSION: "1", SET_CONTEXT: "TRUE" });
            assert.equal(settings.allowExternalDataFiltering, false);
            assert.equal(settings.allowFullTableExternalDataAccess, false);
        });

        it("DataLakeSettings is retained on delete (the provider's delete empties the admins), and the database waits for it", () => {
            const settings = built.deployment.only("aws:lakeformation/dataLakeSettings:DataLakeSettings");
            assert.equal(settings.retainOnDelete, true);
            const database = built.deployment.only("aws:glue/catalogDatabase:CatalogDatabase");
            assert.ok(database.dependencies.includes(settings.urn));
            assert.ok(built.deployment.only("aws:lakeformation/resource:Resource").dependencies.includes(settings.urn));
        });

        it("makes the grants the gate with the projected table too: new tables get SELECT (Glue has no DESCRIBE) for the data-access role only", () => {
            const dataAccessArn = built.deployment.get("aws:iam/role:Role", "projected-data-access").state.arn;
            assert.deepEqual(built.one("aws:glue/catalogDatabase:CatalogDatabase").createTableDefaultPermissions,
                [{ principal: { dataLakePrincipalIdentifier: dataAccessArn }, permissions: ["SELECT"] }]);
        });

        it("applies the configured cutoff, retention and KMS key", () => {
            const workgroup = built.one("aws:athena/workgroup:Workgroup");
            assert.equal(workgroup.name, "analytics_healthscore");
            const configuration = workgroup.configuration;
            assert.equal(configuration.bytesScannedCutoffPerQuery, 100 * 1024 ** 2);
            assert.deepEqual(configuration.resultConfiguration.encryptionConfiguration, {
                encryptionOption: "SSE_KMS", kmsKeyArn: `arn:aws:kms:us-east-1:${TEST_ACCOUNT}:key/abcd`,
            });
            assert.deepEqual(built.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").rules[0].expiration, { days: 7 });
            const encryption = built.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration");
            assert.deepEqual(encryption.rules, [{
                applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: `arn:aws:kms:us-east-1:${TEST_ACCOUNT}:key/abcd` },
                bucketKeyEnabled: true,
            }]);
            assert.equal(built.deployment.get(BUCKET_TYPE, "projected-athena-results-bucket").inputs.forceDestroy, true);
        });
    });

    describe("with the bucket encrypted with a KMS key (SSE-KMS)", () => {
        const KEY = `arn:aws:kms:us-east-1:${TEST_ACCOUNT}:key/0f1e2d3c`;
        let built: Awaited<ReturnType<typeof build>>;
        before(async () => { built = await build("encrypted", { bucketKmsKeyArn: KEY }); });

        it("lets the data-access role decrypt with that key only, through S3 in the Region, and still only read", () => {
            const statements = JSON.parse(built.one("aws:iam/rolePolicy:RolePolicy", "data-access-policy").policy).Statement;
            assert.deepEqual(statements.map((statement: { Action: string }) => statement.Action), ["s3:GetObject", "s3:ListBucket", "kms:Decrypt"]);
            assert.deepEqual(statements[2], {
                Sid: "DecryptAlertObjectsThroughS3", Effect: "Allow", Action: "kms:Decrypt", Resource: KEY,
                Condition: { StringEquals: { "kms:ViaService": "s3.us-east-1.amazonaws.com" } },
            });
        });

        it("gives the crawler no KMS permission: it reads through Lake Formation's credentials, as the data-access role", () => {
            assert.deepEqual(built.one("aws:glue/crawler:Crawler").lakeFormationConfiguration, { useLakeFormationCredentials: true });
            assert.ok(!built.one("aws:iam/rolePolicy:RolePolicy", "crawler-access").policy.includes("kms:"));
        });
    });

    describe("the preview's check that the deployer is a Lake Formation admin", () => {
        const LAKE = "aws:lakeformation";
        const noAdmin = { account: { lakeFormation: NEW_ACCOUNT_LAKE_SETTINGS } };

        it("without an admin (a new account): fails the preview with the exact get-edit-put commands and the config keys", async () => {
            await assert.rejects(build("no-admin", {}, noAdmin), (err: Error) => {
                assert.match(err.message, new RegExp(`HealthScoreLake: the identity that runs Pulumi, ${DEPLOYER_ROLE_ARN}, is not a Lake Formation admin in us-east-1`));
                assert.match(err.message, /aws lakeformation get-data-lake-settings --region us-east-1 --query DataLakeSettings > lf-settings\.json/);
                assert.match(err.message, new RegExp(`jq --arg me '${DEPLOYER_ROLE_ARN}' '\\.DataLakeAdmins = \\(\\(\\.DataLakeAdmins // \\[\\]\\) \\+ `));
                assert.match(err.message, /aws lakeformation put-data-lake-settings --region us-east-1 --data-lake-settings file:\/\/lf-settings\.new\.json/);
                assert.match(err.message, new RegExp(`pulumi config set healthscore:manageLakeAdmins true && pulumi config set healthscore:lakeAdmins '${DEPLOYER_ROLE_ARN}'`));
                assert.match(err.message, /pulumi config set healthscore:lake none/);
                return true;
            });
        });

        it("with the deployer an admin under its path-less ARN (as entered in the console): passes", async () => {
            const pathless = `arn:aws:iam::${TEST_ACCOUNT}:role/deployer`;
            const built = await build("pathless-admin", {}, { account: { lakeFormation: { ...NEW_ACCOUNT_LAKE_SETTINGS, admins: [pathless] } } });
            assert.equal(built.deployment.all(`${LAKE}/permissions:Permissions`).length, 2, "the crawler's grants");
        });

        it("with an IAM user as deployer, listed as admin: passes without a session issuer", async () => {
            const user = `arn:aws:iam::${TEST_ACCOUNT}:user/dana`;
            const built = await build("user-admin", {}, { account: { callerArn: user, issuerArn: user, lakeFormation: { ...NEW_ACCOUNT_LAKE_SETTINGS, admins: [user] } } });
            assert.deepEqual(built.deployment.errors, []);
        });

        it("a read-only admin is not enough: it cannot grant", async () => {
            await assert.rejects(build("read-only-admin", {}, { account: { lakeFormation: { ...NEW_ACCOUNT_LAKE_SETTINGS, readOnlyAdmins: [DEPLOYER_ROLE_ARN] } } }),
                /is not a Lake Formation admin/);
        });

        it("with manageLakeAdmins and the deployer among lakeAdmins: passes in a new account, adding it", async () => {
            const built = await build("managed-admin", { lake: { manageLakeAdmins: true, lakeAdmins: [DEPLOYER_ROLE_ARN] } }, noAdmin);
            assert.deepEqual(built.one(`${LAKE}/dataLakeSettings:DataLakeSettings`).admins, [DEPLOYER_ROLE_ARN]);
        });

        it("with manageLakeAdmins but the deployer not among lakeAdmins nor the admins: fails, saying what to add", async () => {
            const other = `arn:aws:iam::${TEST_ACCOUNT}:role/analysts`;
            await assert.rejects(build("managed-without-deployer", { lake: { manageLakeAdmins: true, lakeAdmins: [other] } }, noAdmin), (err: Error) => {
                assert.match(err.message, /healthscore:lakeAdmins does not include the identity that runs Pulumi/);
                assert.ok(err.message.includes(`pulumi config set healthscore:lakeAdmins '${JSON.stringify([other, DEPLOYER_ROLE_ARN])}'`), err.message);
                return true;
            });
        });
    });

    // That a refused argument registers nothing is proven for every component in tests/components/program/validation.test.ts.
    describe("argument checks, before any resource", () => {
        const base = { bucketName: BUCKET, bucketArn: BUCKET_ARN };
        const cases: Array<[string, Partial<Lake.HealthScoreLakeArgs>, RegExp]> = [
            ["admins managed but none given", { lake: { manageLakeAdmins: true } }, /lakeAdmins is empty/],
            ["no lake at all", { lake: { lake: "none" } }, /lake\.lake is none/],
            ["admins given but not managed", { lake: { lakeAdmins: [`arn:aws:iam::${TEST_ACCOUNT}:role/x`] } }, /set manageLakeAdmins to true/],
            ["a reader that is not an IAM ARN", { lake: { lakeReaders: ["analysts"] } }, /lakeReaders must hold IAM role or user ARNs/],
            ["a schedule that is not a cron expression", { lake: { crawlerSchedule: "daily" } }, /crawlerSchedule must be a Glue cron expression/],
            ["a cutoff under Athena's minimum", { lake: { athenaBytesScannedCutoff: 1024 } }, /athenaBytesScannedCutoff must be a whole number from 10485760/],
            ["a retention of zero days", { lake: { athenaResultsRetentionDays: 0 } }, /athenaResultsRetentionDays/],
            ["a database name Athena would need quoted", { databaseName: "health-score" }, /databaseName must be lower case/],
            ["projection with no metric", { lake: { lake: "projection" }, lakeProjectedMetrics: [] }, /at least one metric/],
            ["projection from a malformed day", { lake: { lake: "projection" }, lakeProjectionFirstDay: "2024-1-1" }, /YYYY-MM-DD/],
        ];
        for (const [what, args, message] of cases) {
            it(`refuses ${what}`, () => {
                assert.throws(() => lake.resolveLakeArgs(`bad-${what.replace(/\W+/g, "-")}`, { ...base, ...args }), (err: unknown) => {
                    assert.ok(err instanceof Error && err.message.startsWith("HealthScoreLake: "), String(err));
                    assert.match(err.message, message);
                    return true;
                });
            });
        }
    });
});
