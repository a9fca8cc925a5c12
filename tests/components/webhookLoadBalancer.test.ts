/** The ALB's subnet placement check, pure (the mocks tests deploy misplaced subnets through the program). */
import * as assert from "assert";
import { checkSubnetPlacement } from "../../components/webhookLoadBalancer";

const A = { id: "subnet-a", availabilityZone: "eu-west-1a", vpcId: "vpc-1" };
const B = { id: "subnet-b", availabilityZone: "eu-west-1b", vpcId: "vpc-1" };

describe("checkSubnetPlacement", () => {
    it("returns the one VPC of subnets in two or more zones", () => {
        assert.strictEqual(checkSubnetPlacement([A, B]), "vpc-1");
        assert.strictEqual(checkSubnetPlacement([A, B, { ...B, id: "subnet-c", availabilityZone: "eu-west-1c" }]), "vpc-1");
    });

    it("refuses fewer than two zones, naming subnetIds and each subnet's zone", () => {
        assert.throws(() => checkSubnetPlacement([A, { ...A, id: "subnet-a2" }]),
            /subnetIds must span at least two Availability Zones .*subnet-a \(eu-west-1a, vpc-1\), subnet-a2 \(eu-west-1a, vpc-1\)/);
        assert.throws(() => checkSubnetPlacement([A]), /subnetIds must span at least two/);
    });

    it("refuses subnets of more than one VPC, and two subnets in one zone", () => {
        assert.throws(() => checkSubnetPlacement([A, { ...B, vpcId: "vpc-2" }]), /subnetIds must all be in one VPC/);
        assert.throws(() => checkSubnetPlacement([A, B, { ...A, id: "subnet-a2" }]), /subnetIds may hold only one subnet per Availability Zone/);
    });

    it("names the default subnets, and how to choose others, when they stand in for subnetIds", () => {
        assert.throws(() => checkSubnetPlacement([A], "the default VPC's default subnets (set subnetIds to choose others)"),
            /the default VPC's default subnets \(set subnetIds to choose others\) must span at least two Availability Zones/);
        assert.throws(() => checkSubnetPlacement([], "the default VPC's default subnets"), /default subnets must span at least two Availability Zones .*got none/);
    });
});
