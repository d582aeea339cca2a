import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ConfigError } from "../stacks/config";
import { loadAssets } from "../stacks/assets";
import { planStack, Plan } from "../tools/harness";
import { input, ofType, single } from "./planHelpers";

const AKS =
  "/subscriptions/0/resourceGroups/aks/providers/Microsoft.ContainerService/managedClusters/aks-weu";
const HUB =
  "/subscriptions/0/resourceGroups/hub/providers/Microsoft.Network/virtualNetworks/hub-vnet";

let primary: Plan;
let secondary: Plan;
beforeAll(async () => {
  primary = await planStack("primary");
  secondary = await planStack("secondary");
});

const definitions = (plan: Plan, type: string) =>
  ofType(plan, type)
    .map((r) => ({
      name: r.inputs.name,
      version: r.inputs.version,
      properties: r.inputs.properties,
    }))
    .sort((a, b) => String(a.name).localeCompare(String(b.name)));

describe("artifacts declared once", () => {
  test.each(["machinelearningservices:EnvironmentVersion", "machinelearningservices:DataVersion"])(
    "%s: the same definitions in both workspaces",
    (type) => {
      expect(definitions(primary, type).length).toBeGreaterThan(0);
      expect(definitions(secondary, type)).toEqual(definitions(primary, type));
      for (const plan of [primary, secondary]) {
        const workspace = single(plan, "machinelearningservices:Workspace");
        for (const r of ofType(plan, type))
          expect(r.inputs.workspaceName).toBe(workspace.outputs.name);
      }
    },
  );

  test("the environment carries the conda file kept in the repository", () => {
    const env = single(primary, "machinelearningservices:EnvironmentVersion");
    const conda = fs.readFileSync(
      path.join(__dirname, "..", "artifacts/environments/sklearn-train/conda.yaml"),
      "utf8",
    );
    expect(input(env, "properties.condaFile")).toBe(conda);
  });

  test("data assets point at the shared training datastore, created first", () => {
    for (const plan of [primary, secondary]) {
      const data = single(plan, "machinelearningservices:DataVersion");
      expect(input(data, "properties.dataUri")).toBe(
        "azureml://datastores/training_data/paths/datasets/training-set/",
      );
      const assets = ofType(plan, "aml-bcdr:index:WorkspaceAssets");
      expect(assets).toHaveLength(1);
      const datastore = single(plan, "machinelearningservices:Datastore");
      expect(data.dependencies).toContain(datastore.urn);
    }
  });

  test.each([
    ["not YAML", "environments: [", /not valid YAML/],
    [
      "an environment without image or build",
      "environments:\n  - name: e\n    version: '1'\n",
      /needs an image/,
    ],
    [
      "a version that is a number",
      "dataAssets:\n  - name: d\n    version: 1\n    path: x/\n",
      /version/,
    ],
    [
      "a path that climbs out",
      "dataAssets:\n  - name: d\n    version: '1'\n    path: ../x\n",
      /without '\.\.'/,
    ],
    [
      "a missing conda file",
      "environments:\n  - name: e\n    version: '1'\n    image: i\n    condaFile: none.yaml\n",
      /does not exist/,
    ],
  ])("an assets file with %s is a configuration error naming the entry", (_what, text, message) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aml-bcdr-assets-"));
    fs.writeFileSync(path.join(dir, "assets.yaml"), text);
    let error: unknown;
    try {
      loadAssets("primary", "assets.yaml", dir);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/assetsFile \(assets\.yaml/);
    expect((error as Error).message).toMatch(message);
  });
});

describe("Azure ML registry spanning both regions", () => {
  test("replicates into both regions, is private, and is fixed to its home region", () => {
    const registry = single(primary, "machinelearningservices:Registry");
    expect(
      (registry.inputs.regionDetails as { location: string }[]).map((r) => r.location),
    ).toEqual(["northeurope", "westeurope"]);
    expect(registry.inputs.publicNetworkAccess).toBe("Disabled");
    expect(registry.protect).toBe(true);
    expect(registry.replaceOnChanges).toContain("location");
    expect(ofType(secondary, "machinelearningservices:Registry")).toHaveLength(0);
  });

  test("both workspaces' identities may use it, and both regions reach it privately", () => {
    const registryId = primary.outputs.mlRegistryId;
    for (const plan of [primary, secondary]) {
      const principal = single(plan, "managedidentity:UserAssignedIdentity").outputs.principalId;
      const grant = ofType(plan, "authorization:RoleAssignment").find(
        (r) => r.inputs.scope === registryId && r.inputs.principalId === principal,
      );
      expect(grant?.inputs.roleDefinitionId).toMatch(/1823dd4f-9b8c-4ab6-ab4e-7397a3684615$/);
      const endpoint = ofType(plan, "network:PrivateEndpoint").find(
        (pe) => input(pe, "privateLinkServiceConnections.0.privateLinkServiceId") === registryId,
      );
      expect(input(endpoint!, "privateLinkServiceConnections.0.groupIds")).toEqual(["amlregistry"]);
    }
  });

  test("can be left out", async () => {
    const plan = await planStack("primary", { overrides: ["mlRegistry=false"] });
    expect(ofType(plan, "machinelearningservices:Registry")).toHaveLength(0);
    expect(plan.outputs.mlRegistryId).toBeUndefined();
  });
});

describe("customer-managed key", () => {
  test("is off by default", () => {
    for (const plan of [primary, secondary]) {
      expect(single(plan, "machinelearningservices:Workspace").inputs.encryption).toBeUndefined();
      expect(ofType(plan, "keyvault:Key")).toHaveLength(0);
    }
  });

  test("when on, both workspaces use one protected key in the shared vault, with the role it needs", async () => {
    const on = ["customerManagedKey=true"];
    const p = await planStack("primary", { overrides: on });
    const s = await planStack("secondary", { overrides: on, primaryOverrides: on });
    const key = single(p, "keyvault:Key");
    expect(key.protect).toBe(true);
    expect(key.inputs.vaultName).toBe(p.outputs.keyVaultName);
    for (const plan of [p, s]) {
      const workspace = single(plan, "machinelearningservices:Workspace");
      expect(input(workspace, "encryption.status")).toBe("Enabled");
      expect(input(workspace, "encryption.keyVaultProperties.keyIdentifier")).toBe(
        p.outputs.customerManagedKeyUri,
      );
      expect(input(workspace, "encryption.identity.userAssignedIdentity")).toBe(
        single(plan, "managedidentity:UserAssignedIdentity").id,
      );
      const crypto = ofType(plan, "authorization:RoleAssignment").filter((r) =>
        String(r.inputs.roleDefinitionId).endsWith("e147488a-f6f5-4113-8e2d-b22465e65bf6"),
      );
      expect(crypto).toHaveLength(1);
      expect(workspace.dependencies).toContain(crypto[0].urn);
    }
  });

  test("on the secondary only, it is refused with the missing primary output named", async () => {
    await expect(
      planStack("secondary", { overrides: ["customerManagedKey=true"] }),
    ).rejects.toThrow(/no output "customerManagedKeyUri"/);
  });
});

describe("attached Kubernetes compute", () => {
  const kubernetes = `kubernetesCompute={"name":"aks-inference","resourceId":"${AKS}","namespace":"azureml"}`;
  const attached = (plan: Plan) =>
    ofType(plan, "machinelearningservices:Compute").filter(
      (c) => input(c, "properties.computeType") === "Kubernetes",
    );

  test.each([
    ["hot-hot", 1],
    ["hot-warm", 1],
    ["hot-cold", 0],
  ])("follows the training topology: %s gives %i in the secondary", async (topology, count) => {
    const plan = await planStack("secondary", { overrides: [kubernetes, `topology=${topology}`] });
    expect(attached(plan)).toHaveLength(count);
    if (count > 0) {
      expect(input(attached(plan)[0], "properties.resourceId")).toBe(AKS);
      expect(input(attached(plan)[0], "properties.properties.namespace")).toBe("azureml");
    }
  });

  test("is absent unless configured", () => {
    expect(attached(primary)).toHaveLength(0);
  });
});

describe("access to both regions", () => {
  test("each region peers with the hub when one is given", async () => {
    const hub = [`hubVirtualNetworkId=${HUB}`, "useHubGateway=true"];
    for (const stack of ["primary", "secondary"]) {
      const plan = await planStack(stack, { overrides: hub, primaryOverrides: hub });
      const peering = single(plan, "network:VirtualNetworkPeering");
      expect(input(peering, "remoteVirtualNetwork.id")).toBe(HUB);
      expect(peering.inputs.useRemoteGateways).toBe(true);
      expect(peering.inputs.virtualNetworkName).toBe(
        single(plan, "network:VirtualNetwork").outputs.name,
      );
    }
  });

  test("peerRegions peers the two regions' networks, both sides, from the secondary", async () => {
    const plan = await planStack("secondary", { overrides: ["peerRegions=true"] });
    const peerings = ofType(plan, "network:VirtualNetworkPeering");
    expect(peerings).toHaveLength(2);
    const remotes = peerings.map((p) => input(p, "remoteVirtualNetwork.id")).sort();
    expect(remotes).toEqual(
      [primary.outputs.virtualNetworkId, single(plan, "network:VirtualNetwork").id].sort(),
    );
    expect(ofType(primary, "network:VirtualNetworkPeering")).toHaveLength(0);
  });

  test("workspaces, storage, vault, registry and training data send logs to the region's workspace", () => {
    for (const plan of [primary, secondary]) {
      const logs = single(plan, "operationalinsights:Workspace").id;
      const targets = ofType(plan, "monitor:DiagnosticSetting").map((d) => {
        expect(d.inputs.workspaceId).toBe(logs);
        return String(d.inputs.resourceUri);
      });
      const workspace = single(plan, "machinelearningservices:Workspace").id;
      expect(targets).toEqual(
        expect.arrayContaining([
          workspace,
          primary.outputs.keyVaultId,
          primary.outputs.registryId,
          `${primary.outputs.dataAccountId}/blobServices/default`,
        ]),
      );
    }
  });
});
