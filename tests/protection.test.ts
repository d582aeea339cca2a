import { planStack, Plan } from "../tools/harness";
import { ofType } from "./planHelpers";

const DATA_TYPES = [
  "azure-native:machinelearningservices:Workspace",
  "azure-native:machinelearningservices:Datastore",
  "azure-native:storage:StorageAccount",
  "azure-native:storage:BlobContainer",
  "azure-native:keyvault:Vault",
  "azure-native:containerregistry:Registry",
];
const data = (plan: Plan) =>
  plan.resources
    .filter((r) => DATA_TYPES.includes(r.type))
    .map((r) => ({ urn: r.urn, inputs: r.inputs, protect: r.protect }))
    .sort((a, b) => a.urn.localeCompare(b.urn));

describe("nothing lost by surprise", () => {
  test("adding a third region adds a registry replica and changes no data-bearing resource", async () => {
    const before = await planStack("primary");
    const after = await planStack("primary", {
      overrides: ['secondaryLocations=["westeurope","swedencentral"]'],
    });
    expect(data(after)).toEqual(data(before));
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
    const protectedOnes = plan.resources.filter((r) => DATA_TYPES.includes(r.type) && r.protect);
    expect(protectedOnes).toEqual([]);
    expect(plan.warnings.join("\n")).toMatch(/protectData is false/);
  });
});
