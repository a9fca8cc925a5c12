/** `ingress: function-url` under mocks: a public Function URL, guarded by the token, and no load balancer. */
import * as assert from "assert";
import { Deployment, FUNCTION_URL, physicalName } from "../../support/mocks";
import { T } from "./types";
import { deployed, TOKEN } from "./variants";

describe("Function URL ingress (mocks)", () => {
    let deployment: Deployment;
    const functionName = physicalName("healthscore-ingest-receiver-function");

    before(async function () {
        this.timeout(60_000);
        deployment = await deployed("functionUrl");
    });

    it("creates a Function URL for the receiver with authorization NONE (SparkPost sends no credentials)", () => {
        const url = deployment.only(T.functionUrl).inputs;
        assert.deepStrictEqual([url.functionName, url.authorizationType, url.invokeMode], [functionName, "NONE", "BUFFERED"]);
    });

    it("creates no load balancer, listener, security group, certificate, DNS record or access-log bucket", () => {
        const albTypes = [T.loadBalancer, T.listener, T.listenerRule, T.targetGroup, T.attachment, T.securityGroup, T.certificate, T.record];
        assert.deepStrictEqual(albTypes.filter((type) => deployment.all(type).length > 0), []);
        // The store's buckets only: its data, and the lake's Athena query results.
        assert.deepStrictEqual(deployment.all(T.bucket).map((b) => b.name).sort(), ["healthscore-data-bucket", "healthscore-lake-athena-results-bucket"]);
    });

    it("exception to Lambda.1: the function is public by design (both permissions AWS requires since October 2025), the token path is the guard", () => {
        // The receiver's: the loader's (S3 may invoke it) is asserted with the loader.
        const permissions = deployment.all(T.permission).map((p) => p.inputs).filter((p) => p.function === functionName);
        assert.deepStrictEqual(permissions.map((p) => [p.action, p.principal, p.function, p.functionUrlAuthType, p.invokedViaFunctionUrl]), [
            ["lambda:InvokeFunctionUrl", "*", functionName, "NONE", undefined],
            // Public only through the URL: lambda:Invoke itself stays closed.
            ["lambda:InvokeFunction", "*", functionName, undefined, true],
        ]);
    });

    it("exports <function url>/hooks/<token> as a secret", () => {
        assert.strictEqual(deployment.outputs.endpointUrl, `${FUNCTION_URL.replace(/\/$/, "")}/hooks/${TOKEN}`);
        assert.strictEqual(deployment.secretOutputs.endpointUrl, true);
    });
});
