import { planStack, Plan } from "../tools/harness";
import { dataBearing, DATA_BEARING_TYPES, ofType, single } from "./planHelpers";

const data = dataBearing;

describe("nothing lost by surprise", () => {
  test("adding a third region adds a registry replica and changes no data-bearing resource", async () => {
    const before = await planStack("primary");
    const after = await planStack("primary", {
      overrides: ['secondaryLocations=["westeurope","swedencentral"]'],
    });
    // Every data-bearing resource stays as it was, but for the Azure ML registry, which gains
    // the region in place (Azure adds regions to an existing registry); the only new resource
    // is the replica.
    const withoutRegions = (plan: Plan) =>
      data(plan).map((r) =>
        r.urn.endsWith("::ml-registry-registry")
          ? { ...r, inputs: { ...r.inputs, regionDetails: [] } }
          : r,
      );
    expect(withoutRegions(after)).toEqual(expect.arrayContaining(withoutRegions(before)));
    const regions = (plan: Plan) =>
      (
        single(plan, "machinelearningservices:Registry").inputs.regionDetails as {
          location: string;
        }[]
      ).map((r) => r.location);
    expect(regions(after)).toEqual([...regions(before), "swedencentral"]);
    const added = data(after).filter((r) => !data(before).some((b) => b.urn === r.urn));
    expect(added.map((r) => r.urn.split("::").pop())).toEqual(["registry-replica-swedencentral"]);
    expect(ofType(after, "containerregistry:Replication").map((r) => r.inputs.location)).toEqual([
      "westeurope",
      "swedencentral",
    ]);
  });

  test("a third region need not be anyone's pair, but the secondary's region must be", async () => {
    await expect(
      planStack("primary", { overrides: ['secondaryLocations=["swedencentral","westeurope"]'] }),
    ).rejects.toThrow(
      /secondaryLocations.*swedencentral is not the Azure region pair of northeurope/s,
    );
  });

  test("the vault and the training data carry a delete lock", async () => {
    const plan = await planStack("primary");
    const locked = ofType(plan, "authorization:ManagementLockByScope").map((l) => l.inputs.scope);
    expect(locked.sort()).toEqual([plan.outputs.dataAccountId, plan.outputs.keyVaultId].sort());
  });

  test("protection can be lifted on purpose, and is then off for every data-bearing resource", async () => {
    const plan = await planStack("primary", { overrides: ["protectData=false"] });
    const protectedOnes = plan.resources.filter(
      (r) => DATA_BEARING_TYPES.includes(r.type) && r.protect,
    );
    expect(protectedOnes).toEqual([]);
    expect(plan.warnings.join("\n")).toMatch(/protectData is false/);
  });
});
