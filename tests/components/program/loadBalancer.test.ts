/** The ALB ingress under mocks: HTTPS, headers, desync, logs, the hook rule, the Lambda target, DNS. */
import * as assert from "assert";
import {
    ACCOUNT_ID, ALB_ZONE_ID, DEFAULT_SUBNET_IDS, DEFAULT_VPC_ID, Deployment, ELB_ACCOUNT_ARN, GIVEN_SUBNETS_VPC_ID, physicalName,
} from "../../support/mocks";
import { HOOK_PATH_PREFIX, NOT_FOUND_BODY } from "../../../shared/limits";
import { RECEIVER_FUNCTION, T } from "./types";
import { CERTIFICATE_ARN, deployConfig, deployed, DOMAIN, GIVEN_CIDRS, GIVEN_SUBNETS, policyOf, PREVIOUS_TOKEN, TOKEN, VARIANTS, ZONE_ID } from "./variants";

const GET_SUBNET = "aws:ec2/getSubnet:getSubnet";
/** Mocked subnets (tests/support/mocks.ts SUBNETS): one in GIVEN_SUBNETS[0]'s zone and VPC, one in another VPC. */
const SAME_ZONE_SUBNET = "subnet-0aaaa00000000000a";
const OTHER_VPC_SUBNET = "subnet-0cccc00000000000c";

/** ELB.17: the TLS 1.3 policies AWS recommends for HTTPS listeners. */
const TLS13_POLICIES = [
    "ELBSecurityPolicy-TLS13-1-2-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
];

const LB = "healthscore-ingest-lb";
const functionName = physicalName("healthscore-ingest-receiver-function");

function tokenOf(deployment: Deployment): string {
    const url = new URL(deployment.outputs.endpointUrl as string);
    return url.pathname.slice(HOOK_PATH_PREFIX.length);
}

describe("ALB ingress (mocks)", () => {
    let https: Deployment;
    let configured: Deployment;
    let http: Deployment;

    before(async function () {
        this.timeout(60_000);
        https = await deployed("https");
        configured = await deployed("configured");
        http = await deployed("http");
    });

    describe("load balancer", () => {
        it("is an internet-facing IPv4 application load balancer behind its own security group", () => {
            const alb = https.only(T.loadBalancer).inputs;
            assert.deepStrictEqual([alb.loadBalancerType, alb.internal, alb.ipAddressType], ["application", false, "ipv4"]);
            assert.deepStrictEqual(alb.securityGroups, ["sg-0123456789abcdef0"]);
        });

        it("ELB.4 (CKV_AWS_131): drops invalid header fields", () => {
            for (const deployment of [https, configured, http]) assert.strictEqual(deployment.only(T.loadBalancer).inputs.dropInvalidHeaderFields, true);
        });

        it("ELB.12/ELB.14: desync mitigation is defensive or strictest", () => {
            for (const deployment of [https, configured, http]) {
                assert.ok(["defensive", "strictest"].includes(deployment.only(T.loadBalancer).inputs.desyncMitigationMode));
            }
        });

        it("ELB.6 (CKV_AWS_150): deletion protection on by default, off when configured", () => {
            assert.strictEqual(https.only(T.loadBalancer).inputs.enableDeletionProtection, true);
            assert.strictEqual(configured.only(T.loadBalancer).inputs.enableDeletionProtection, false);
        });

        it("ELB.13: sits in the default VPC's default subnets (one per zone, at least two) when no subnets are configured", () => {
            assert.deepStrictEqual(https.only(T.loadBalancer).inputs.subnets, DEFAULT_SUBNET_IDS);
            // Each default subnet is looked up, for the zone check (the failing cases are below).
            assert.deepStrictEqual(https.calls.filter((c) => c.token === GET_SUBNET).map((c) => c.inputs.id), DEFAULT_SUBNET_IDS);
            const vpc = https.calls.filter((c) => c.token === "aws:ec2/getVpc:getVpc");
            assert.deepStrictEqual(vpc.map((c) => c.inputs.default), [true]);
            const subnets = https.calls.filter((c) => c.token === "aws:ec2/getSubnets:getSubnets");
            assert.deepStrictEqual(subnets.map((c) => c.inputs.filters), [[
                { name: "vpc-id", values: [DEFAULT_VPC_ID] }, { name: "default-for-az", values: ["true"] },
            ]]);
            assert.strictEqual(https.only(T.securityGroup).inputs.vpcId, DEFAULT_VPC_ID);
        });

        it("uses the configured subnets, in their VPC, without looking up the default VPC", () => {
            assert.deepStrictEqual(configured.only(T.loadBalancer).inputs.subnets, GIVEN_SUBNETS);
            assert.strictEqual(configured.only(T.securityGroup).inputs.vpcId, GIVEN_SUBNETS_VPC_ID);
            assert.ok(!configured.calls.some((c) => c.token === "aws:ec2/getVpc:getVpc"));
            assert.deepStrictEqual(configured.calls.filter((c) => c.token === GET_SUBNET).map((c) => c.inputs.id), GIVEN_SUBNETS);
        });

        // The placement is checked in an apply, once the subnets are looked up: these deploy misplaced subnets and
        // await the whole program, so the check must reject the deployment (as it fails a real preview).
        describe("fails the deployment, naming subnetIds, for subnets an ALB cannot use", () => {
            const cases: Array<[string, string[], RegExp]> = [
                ["two subnets in one Availability Zone", [GIVEN_SUBNETS[0], SAME_ZONE_SUBNET], /subnetIds must span at least two Availability Zones/],
                ["subnets of two VPCs", [GIVEN_SUBNETS[0], OTHER_VPC_SUBNET], /subnetIds must all be in one VPC/],
                ["two subnets in one of its zones", [...GIVEN_SUBNETS, SAME_ZONE_SUBNET], /subnetIds may hold only one subnet per Availability Zone/],
            ];
            for (const [what, subnetIds, message] of cases) {
                it(what, async function () {
                    this.timeout(30_000);
                    const { webhookToken, domainName, hostedZoneId } = VARIANTS.configured;
                    await assert.rejects(deployConfig({ webhookToken, domainName, hostedZoneId, subnetIds: subnetIds.join(",") }), message);
                });
            }

            it("leaves nothing of the failed deployments in the next one (their late registrations are not recorded)", async function () {
                this.timeout(30_000);
                const next = await deployConfig(VARIANTS.configured);
                assert.deepStrictEqual(next.errors, []);
                assert.strictEqual(next.all(T.function).length, 2, "the receiver and the loader, once each");
                const urns = next.resources.map((r) => r.urn);
                assert.strictEqual(new Set(urns).size, urns.length, "each resource once");
            });
        });

        it("has load balancer and target group names within AWS's 32 characters, Pulumi's suffix included", () => {
            for (const deployment of [https, configured, http]) {
                for (const resource of [deployment.only(T.loadBalancer), deployment.only(T.targetGroup)]) {
                    assert.ok(physicalName(resource.name).length <= 32, physicalName(resource.name));
                }
            }
        });

        it("is built from plain aws.lb resources, no awsx component (whose children would not exist under mocks)", () => {
            assert.deepStrictEqual(https.resources.filter((r) => r.type.startsWith("awsx:")).map((r) => r.type), []);
        });
    });

    describe("security group", () => {
        it("allows only 443/tcp in, from anywhere by default (SparkPost publishes no addresses), and nothing out", () => {
            const sg = https.only(T.securityGroup).inputs;
            assert.deepStrictEqual(sg.ingress.map((r: any) => [r.protocol, r.fromPort, r.toPort, r.cidrBlocks]), [["tcp", 443, 443, ["0.0.0.0/0"]]]);
            assert.deepStrictEqual(sg.egress, []);
        });

        it("CKV_AWS_23: describes the group and every rule", () => {
            const sg = https.only(T.securityGroup).inputs;
            assert.ok(sg.description);
            assert.ok(sg.ingress.every((r: any) => r.description));
        });

        it("allows only the configured CIDRs", () => {
            assert.deepStrictEqual(configured.only(T.securityGroup).inputs.ingress.map((r: any) => r.cidrBlocks), [GIVEN_CIDRS]);
        });
    });

    describe("access logs", () => {
        it("ELB.5 (CKV_AWS_91): logs to their own bucket, under a prefix, by default", () => {
            const logs = https.only(T.loadBalancer).inputs.accessLogs;
            assert.deepStrictEqual(logs, { bucket: physicalName(`${LB}-access-logs-bucket`), prefix: "alb", enabled: true });
        });

        it("exception to S3.17: the log bucket uses S3-managed keys, the only encryption ALB log delivery accepts", () => {
            const encryption = https.all(T.encryption).find((e) => e.inputs.bucket === physicalName(`${LB}-access-logs-bucket`));
            assert.deepStrictEqual(encryption?.inputs.rules, [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
        });

        it("expires logs after 7 days: their request lines hold the token", () => {
            const lifecycle = https.all(T.lifecycle).find((l) => l.inputs.bucket === physicalName(`${LB}-access-logs-bucket`));
            const expiry = lifecycle?.inputs.rules.find((r: any) => r.id === "expire-access-logs");
            assert.deepStrictEqual([expiry.filter, expiry.expiration], [{}, { days: 7 }]);
        });

        it("lets only ELB log delivery (regional account or service principal) put objects, under this account's prefix", () => {
            const bucketPolicy = https.all(T.bucketPolicy).find((p) => p.inputs.bucket === physicalName(`${LB}-access-logs-bucket`))!;
            const allows = policyOf(bucketPolicy).Statement.filter((s: any) => s.Effect === "Allow");
            const logBucketArn = https.get(T.bucket, `${LB}-access-logs-bucket`).state.arn;
            assert.deepStrictEqual(allows.map((s: any) => [s.Principal, s.Action, s.Resource]), [[
                { Service: "logdelivery.elasticloadbalancing.amazonaws.com", AWS: ELB_ACCOUNT_ARN },
                "s3:PutObject",
                `${logBucketArn}/alb/AWSLogs/${ACCOUNT_ID}/*`,
            ]]);
        });

        it("never calls aws.elb.getServiceAccount, which fails in the Regions opened since 2022", () => {
            assert.deepStrictEqual(https.calls.filter((c) => c.token === "aws:elb/getServiceAccount:getServiceAccount"), []);
        });

        it("creates the ALB after the log bucket's policy (AWS checks it when logging is enabled)", () => {
            const bucketPolicy = https.all(T.bucketPolicy).find((p) => p.inputs.bucket === physicalName(`${LB}-access-logs-bucket`))!;
            assert.ok(https.only(T.loadBalancer).dependencies.includes(bucketPolicy.urn));
        });

        it("has no log bucket when access logs are off", () => {
            assert.strictEqual(configured.only(T.loadBalancer).inputs.accessLogs, undefined);
            // The store's buckets only: its data, and the lake's Athena query results.
            assert.deepStrictEqual(configured.all(T.bucket).map((b) => b.name).sort(), ["healthscore-data-bucket", "healthscore-lake-athena-results-bucket"]);
        });
    });

    describe("HTTPS listener", () => {
        it("ELB.18: is the only listener: no plain-HTTP listener, not even a redirect", () => {
            for (const deployment of [https, configured]) {
                const listeners = deployment.all(T.listener);
                assert.deepStrictEqual(listeners.map((l) => [l.inputs.protocol, l.inputs.port]), [["HTTPS", 443]]);
            }
        });

        it("ELB.17 (CKV_AWS_103): sets a TLS 1.3 security policy explicitly", () => {
            for (const deployment of [https, configured]) {
                const policy = deployment.only(T.listener).inputs.sslPolicy;
                assert.ok(TLS13_POLICIES.includes(policy), policy);
            }
        });

        it("requests a DNS-validated ACM certificate for the domain and waits for its validation", () => {
            const certificate = https.only(T.certificate).inputs;
            assert.deepStrictEqual([certificate.domainName, certificate.validationMethod], [DOMAIN, "DNS"]);
            const record = https.get(T.record, `${LB}-certificate-validation-record`).inputs;
            assert.deepStrictEqual([record.zoneId, record.name, record.type, record.records], [ZONE_ID, `_3f1a2b.${DOMAIN}.`, "CNAME", ["_9c8d7e.acm-validations.aws."]]);
            const validation = https.only(T.certificateValidation).inputs;
            assert.deepStrictEqual(validation.validationRecordFqdns, [`_3f1a2b.${DOMAIN}.`]);
            // The listener gets the ARN through the validation, so it is created only once the certificate is issued.
            assert.ok(https.only(T.listener).dependencies.includes(https.only(T.certificateValidation).urn));
            assert.strictEqual(https.only(T.listener).inputs.certificateArn, validation.certificateArn);
        });

        it("uses a given certificate ARN, and then requests none", () => {
            assert.strictEqual(configured.only(T.listener).inputs.certificateArn, CERTIFICATE_ARN);
            assert.deepStrictEqual([configured.all(T.certificate).length, configured.all(T.certificateValidation).length], [0, 0]);
        });

        it("answers everything but the hook with a fixed 404, without invoking the function", () => {
            for (const deployment of [https, configured, http]) {
                const [action] = deployment.only(T.listener).inputs.defaultActions;
                assert.strictEqual(action.type, "fixed-response");
                assert.strictEqual(action.fixedResponse.statusCode, "404");
                // The receiver's own 404 (tests/shared/limits.test.ts): a probe cannot tell who answered.
                assert.strictEqual(action.fixedResponse.messageBody, NOT_FOUND_BODY);
                assert.strictEqual(deployment.only(T.listener).inputs.defaultActions.length, 1);
            }
        });

        it("listens on the ALB", () => {
            assert.strictEqual(https.only(T.listener).inputs.loadBalancerArn, https.only(T.loadBalancer).state.arn);
        });
    });

    describe("hook rule and Lambda target", () => {
        it("forwards only POST /hooks/<token>, exactly, to the Lambda target group", () => {
            const rule = https.only(T.listenerRule).inputs;
            assert.deepStrictEqual(rule.conditions, [
                { httpRequestMethod: { values: ["POST"] } },
                { pathPattern: { values: [`${HOOK_PATH_PREFIX}${tokenOf(https)}`] } },
            ]);
            assert.deepStrictEqual(rule.actions, [{ type: "forward", targetGroupArn: https.only(T.targetGroup).state.arn }]);
            assert.strictEqual(rule.listenerArn, https.get(T.listener, `${LB}-https`).state.arn);
        });

        it("path pattern holds no wildcard, so only the exact (case-sensitive) token matches", () => {
            for (const value of https.only(T.listenerRule).inputs.conditions[1].pathPattern.values) assert.match(value, /^\/hooks\/[A-Za-z0-9_-]+$/);
        });

        it("keeps the rule's conditions (which hold the token) secret", () => {
            assert.ok(https.only(T.listenerRule).secretInputs.includes("conditions"));
        });

        it("accepts the previous token too during a rotation", () => {
            const rule = configured.only(T.listenerRule).inputs;
            assert.deepStrictEqual(rule.conditions[1].pathPattern.values, [`${HOOK_PATH_PREFIX}${TOKEN}`, `${HOOK_PATH_PREFIX}${PREVIOUS_TOKEN}`]);
        });

        it("targets a Lambda target group", () => {
            assert.strictEqual(https.only(T.targetGroup).inputs.targetType, "lambda");
        });

        it("Lambda.1: lets only Elastic Load Balancing invoke the function, and only from this target group", () => {
            const permissions = https.all(T.permission).filter((p) => p.inputs.function === functionName);
            assert.deepStrictEqual(permissions.map((p) => [p.inputs.action, p.inputs.principal, p.inputs.sourceArn, p.inputs.function]), [
                ["lambda:InvokeFunction", "elasticloadbalancing.amazonaws.com", https.only(T.targetGroup).state.arn, functionName],
            ]);
        });

        it("registers the function in the target group after the permission exists (the attachment dependsOn it)", () => {
            const attachment = https.only(T.attachment);
            assert.deepStrictEqual([attachment.inputs.targetGroupArn, attachment.inputs.targetId], [https.only(T.targetGroup).state.arn, https.get(T.function, RECEIVER_FUNCTION).state.arn]);
            assert.ok(attachment.dependencies.includes(https.get(T.permission, "healthscore-ingest-lb-invoke-permission").urn), "attachment does not depend on the permission");
        });
    });

    describe("DNS and endpoint", () => {
        it("points an alias A record for the domain at the ALB, in the hosted zone", () => {
            const alias = https.get(T.record, `${LB}-alias`).inputs;
            assert.deepStrictEqual([alias.zoneId, alias.name, alias.type], [ZONE_ID, DOMAIN, "A"]);
            assert.deepStrictEqual(alias.aliases, [{
                name: https.only(T.loadBalancer).state.dnsName, zoneId: ALB_ZONE_ID, evaluateTargetHealth: false,
            }]);
        });

        it("exports https://<domain>/hooks/<token> as a secret, with the token the rule forwards", () => {
            const url = new URL(https.outputs.endpointUrl as string);
            assert.deepStrictEqual([url.protocol, url.host], ["https:", DOMAIN]);
            assert.strictEqual(https.secretOutputs.endpointUrl, true);
            assert.deepStrictEqual(https.only(T.listenerRule).inputs.conditions[1].pathPattern.values, [url.pathname]);
        });
    });

    describe("without a domain (development)", () => {
        it("serves HTTP on port 80 of the ALB's own name, with the same hook rule and 404 default", () => {
            assert.deepStrictEqual(http.all(T.listener).map((l) => [l.inputs.protocol, l.inputs.port]), [["HTTP", 80]]);
            assert.deepStrictEqual(http.only(T.securityGroup).inputs.ingress.map((r: any) => [r.fromPort, r.toPort]), [[80, 80]]);
            assert.deepStrictEqual(http.only(T.listenerRule).inputs.conditions[1].pathPattern.values, [`${HOOK_PATH_PREFIX}${TOKEN}`]);
            assert.strictEqual(http.outputs.endpointUrl, `http://${http.only(T.loadBalancer).state.dnsName}${HOOK_PATH_PREFIX}${TOKEN}`);
        });

        it("requests no certificate and writes no DNS record", () => {
            assert.deepStrictEqual([http.all(T.certificate).length, http.all(T.record).length], [0, 0]);
        });

        it("warns that this is for development only", () => {
            assert.strictEqual(http.warnings.filter((w) => /development only/.test(w)).length, 1);
            assert.deepStrictEqual(https.warnings, []);
        });
    });
});
