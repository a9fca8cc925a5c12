/**
 * The program previews in every kind of Region: those with a per-Region Elastic Load Balancing account and those
 * opened since August 2022 without one, where `aws.elb.getServiceAccount` fails (the mocks fail it as the provider
 * does, tests/support/mocks.ts).
 */
import * as assert from "assert";
import * as aws from "@pulumi/aws";
import { ACCOUNT_ID, deploy, Deployment, physicalName } from "../../support/mocks";
import { T } from "./types";
import { deployConfig, policyOf, VARIANTS } from "./variants";

const LOG_BUCKET = "healthscore-ingest-lb-access-logs-bucket";
const SERVICE = "logdelivery.elasticloadbalancing.amazonaws.com";

function logDeliveryPrincipals(deployment: Deployment): unknown[] {
    const policy = deployment.all(T.bucketPolicy).find((p) => p.inputs.bucket === physicalName(LOG_BUCKET))!;
    const logBucketArn = deployment.get(T.bucket, LOG_BUCKET).state.arn;
    const allows = policyOf(policy).Statement.filter((s: any) => s.Effect === "Allow");
    for (const statement of allows) assert.strictEqual(statement.Resource, `${logBucketArn}/alb/AWSLogs/${ACCOUNT_ID}/*`);
    return allows.map((s: any) => s.Principal);
}

describe("Regions of each kind (mocks)", () => {
    it("the mocked aws.elb.getServiceAccount fails in a newer Region as the provider does, with its message", async () => {
        await assert.rejects(
            deploy(() => ({ arn: aws.elb.getServiceAccountOutput({}).arn }), { region: "eu-central-2" }),
            /unsupported AWS Region: eu-central-2/,
        );
        const inUsEast1 = await deploy(() => ({ arn: aws.elb.getServiceAccountOutput({}).arn }), { region: "us-east-1" });
        assert.strictEqual(inUsEast1.outputs.arn, "arn:aws:iam::127311923021:root");
    });

    it("an ALB with access logs previews in eu-west-1 (an ELB account Region): the service principal and eu-west-1's account may deliver", async function () {
        this.timeout(60_000);
        const deployment = await deployConfig(VARIANTS.https, { region: "eu-west-1" });
        assert.deepStrictEqual(deployment.errors, []);
        assert.deepStrictEqual(logDeliveryPrincipals(deployment), [{ Service: SERVICE, AWS: "arn:aws:iam::156460612806:root" }]);
        assert.match(deployment.only(T.loadBalancer).state.dnsName, /\.eu-west-1\.elb\.amazonaws\.com$/, "the run's Region reached the provider's answers");
    });

    for (const region of ["eu-central-2", "me-central-1", "ca-west-1", "mx-central-1"]) {
        it(`an ALB with access logs previews in ${region} (opened since August 2022): only the service principal may deliver`, async function () {
            this.timeout(60_000);
            const deployment = await deployConfig(VARIANTS.https, { region });
            assert.deepStrictEqual(deployment.errors, []);
            assert.deepStrictEqual(logDeliveryPrincipals(deployment), [{ Service: SERVICE }]);
            assert.ok(deployment.only(T.loadBalancer).inputs.accessLogs.enabled);
        });
    }
});
