/**
 * The single-region example, run offline under the mock runtime, checked from the side of the
 * platform team that deploys it: it must wire a new region to the shared resources it is given,
 * and create none of them.
 */
import { ConfigMap, Plan, PlannedResource, runProgram } from "../tools/harness";
import program = require("../examples/single-region");

// The shared resources live in another subscription and resource group than the new region, as
// they would when the primary is owned by another team.
const SHARED_SCOPE =
  "/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/amlbcdr-neu-rg/providers";
const SHARED = {
  keyVaultId: `${SHARED_SCOPE}/Microsoft.KeyVault/vaults/amlbcdr-neu-kv-q7x2m`,
  registryId: `${SHARED_SCOPE}/Microsoft.ContainerRegistry/registries/amlbcdrneuacrq7x2m`,
  dataAccountId: `${SHARED_SCOPE}/Microsoft.Storage/storageAccounts/amlbcdrneudtq7x2m`,
} as const;
type SharedKey = keyof typeof SHARED;

const LOCATION = "swedencentral";
const CONFIG: ConfigMap = {
  "example:location": LOCATION,
  "example:keyVaultId": SHARED.keyVaultId,
  "example:registryId": SHARED.registryId,
  "example:dataAccountId": SHARED.dataAccountId,
};

/** Each shared resource: its private-link group ID and the private DNS zone it resolves in. */
const ENDPOINTS: readonly [string, SharedKey, string, string][] = [
  ["Key Vault", "keyVaultId", "vault", "privatelink.vaultcore.azure.net"],
  ["registry", "registryId", "registry", "privatelink.azurecr.io"],
  ["training data", "dataAccountId", "blob", "privatelink.blob.core.windows.net"],
];

const TYPES = {
  resourceGroup: "azure-native:resources:ResourceGroup",
  vnet: "azure-native:network:VirtualNetwork",
  subnet: "azure-native:network:Subnet",
  endpoint: "azure-native:network:PrivateEndpoint",
  zoneGroup: "azure-native:network:PrivateDnsZoneGroup",
  zone: "azure-native:privatedns:PrivateZone",
  zoneLink: "azure-native:privatedns:VirtualNetworkLink",
  workspace: "azure-native:machinelearningservices:Workspace",
  datastore: "azure-native:machinelearningservices:Datastore",
  storageAccount: "azure-native:storage:StorageAccount",
  roleAssignment: "azure-native:authorization:RoleAssignment",
  suffix: "random:index/randomString:RandomString",
} as const;

/** The shape of the inputs these tests read; the plan records inputs as plain JSON. */
interface EndpointInputs {
  privateEndpointName: string;
  location: string;
  subnet: { id: string };
  privateLinkServiceConnections: { privateLinkServiceId: string; groupIds: string[] }[];
}
interface ZoneGroupInputs {
  privateEndpointName: string;
  privateDnsZoneConfigs: { name?: string; privateDnsZoneId: string }[];
}

function ofType(plan: Plan, type: string): PlannedResource[] {
  return plan.resources.filter((r) => r.type === type);
}

function only(plan: Plan, type: string): PlannedResource {
  const found = ofType(plan, type);
  expect(found.map((r) => r.name)).toHaveLength(1);
  return found[0];
}

function inputs<T>(resource: PlannedResource): T {
  return resource.inputs as unknown as T;
}

/** The private endpoints that connect to the given resource ID. */
function endpointsTo(plan: Plan, resourceId: string): PlannedResource[] {
  return ofType(plan, TYPES.endpoint).filter((e) =>
    inputs<EndpointInputs>(e).privateLinkServiceConnections.some(
      (c) => c.privateLinkServiceId === resourceId,
    ),
  );
}

/**
 * Runs the example with a configuration it must refuse, and returns its error with the plan. The
 * error is caught inside the program function so that the run still completes and its plan
 * shows what was registered before the refusal: nothing but the stack itself.
 */
async function refusal(config: ConfigMap): Promise<{ message: string; plan: Plan }> {
  let error: unknown;
  const plan = await runProgram({
    stack: "sweden",
    config,
    program: async () => {
      try {
        return await program();
      } catch (err) {
        error = err;
        return {};
      }
    },
  });
  expect(error).toBeInstanceOf(Error);
  return { message: (error as Error).message, plan };
}

describe("examples/single-region", () => {
  let plan: Plan;
  beforeAll(async () => {
    plan = await runProgram({ stack: "sweden", config: CONFIG, program });
  });

  test("the workspace uses exactly the given Key Vault and registry", () => {
    const workspace = only(plan, TYPES.workspace);
    expect(workspace.inputs.keyVault).toBe(SHARED.keyVaultId);
    expect(workspace.inputs.containerRegistry).toBe(SHARED.registryId);
    expect(workspace.inputs.location).toBe(LOCATION);
    // Its default storage is its own, created in the new region, never a shared account.
    const storage = only(plan, TYPES.storageAccount);
    expect(workspace.inputs.storageAccount).toBe(storage.id);
    expect(storage.inputs.location).toBe(LOCATION);
  });

  test.each(ENDPOINTS)(
    "the shared %s gets one private endpoint in the new region (%s, group %s)",
    (_label, key, groupId) => {
      const endpoints = endpointsTo(plan, SHARED[key]);
      expect(endpoints.map((e) => e.name)).toHaveLength(1);
      const endpoint = inputs<EndpointInputs>(endpoints[0]);
      expect(endpoint.privateLinkServiceConnections).toEqual([
        expect.objectContaining({ privateLinkServiceId: SHARED[key], groupIds: [groupId] }),
      ]);
      expect(endpoint.location).toBe(LOCATION);
      const subnet = ofType(plan, TYPES.subnet).find((s) => s.id === endpoint.subnet.id);
      expect(subnet?.inputs.subnetName).toBe("snet-private-endpoints");
    },
  );

  test("no endpoint connects to anything outside this stack but the three shared resources", () => {
    const created = new Set(plan.resources.map((r) => r.id));
    const external = ofType(plan, TYPES.endpoint)
      .flatMap((e) => inputs<EndpointInputs>(e).privateLinkServiceConnections)
      .map((c) => c.privateLinkServiceId)
      .filter((id) => !created.has(id));
    expect(external.sort()).toEqual(Object.values(SHARED).sort());
  });

  test("every endpoint has exactly one DNS zone group, in zones of this region's network", () => {
    const vnet = only(plan, TYPES.vnet);
    expect(vnet.inputs.location).toBe(LOCATION);
    const linkedZoneNames = ofType(plan, TYPES.zoneLink)
      .filter((l) => (l.inputs.virtualNetwork as { id: string }).id === vnet.id)
      .map((l) => l.inputs.privateZoneName);
    const zonesHere = new Map(
      ofType(plan, TYPES.zone)
        .filter((z) => linkedZoneNames.includes(z.inputs.privateZoneName))
        .map((z) => [z.id, z.inputs.privateZoneName as string]),
    );

    const endpoints = ofType(plan, TYPES.endpoint);
    // Three shared resources, plus the workspace and its default storage (blob and file).
    expect(endpoints).toHaveLength(6);
    for (const endpoint of endpoints) {
      const { privateEndpointName } = inputs<EndpointInputs>(endpoint);
      const groups = ofType(plan, TYPES.zoneGroup).filter(
        (g) => inputs<ZoneGroupInputs>(g).privateEndpointName === privateEndpointName,
      );
      expect({ endpoint: endpoint.name, groups: groups.length }).toEqual({
        endpoint: endpoint.name,
        groups: 1,
      });
      const configs = inputs<ZoneGroupInputs>(groups[0]).privateDnsZoneConfigs;
      expect(configs.length).toBeGreaterThan(0);
      for (const config of configs) {
        expect(config.name).toMatch(/\S/);
        expect(zonesHere.has(config.privateDnsZoneId)).toBe(true);
      }
      expect(new Set(configs.map((c) => c.name)).size).toBe(configs.length);
    }

    for (const [, key, , zoneName] of ENDPOINTS) {
      const endpoint = inputs<EndpointInputs>(endpointsTo(plan, SHARED[key])[0]);
      const group = ofType(plan, TYPES.zoneGroup).find(
        (g) => inputs<ZoneGroupInputs>(g).privateEndpointName === endpoint.privateEndpointName,
      );
      const zones = inputs<ZoneGroupInputs>(group!).privateDnsZoneConfigs.map((c) =>
        zonesHere.get(c.privateDnsZoneId),
      );
      expect({ key, zones }).toEqual({ key, zones: [zoneName] });
    }
  });

  test("the datastore reaches the training data with the workspace's identity, no key", () => {
    const datastore = only(plan, TYPES.datastore);
    const properties = datastore.inputs.properties as Record<string, unknown>;
    expect(properties.credentials).toEqual({ credentialsType: "None" });
    expect(properties).toMatchObject({
      datastoreType: "AzureBlob",
      subscriptionId: "11111111-2222-4333-8444-555555555555",
      resourceGroup: "amlbcdr-neu-rg",
      accountName: "amlbcdrneudtq7x2m",
      containerName: "training-data",
      endpoint: "core.windows.net",
    });
    expect(datastore.inputs.workspaceName).toBe(only(plan, TYPES.workspace).inputs.workspaceName);

    // The workspace's identity may read and write the data: the role is granted on the account.
    const identity = only(plan, "azure-native:managedidentity:UserAssignedIdentity");
    const grant = ofType(plan, TYPES.roleAssignment).filter(
      (r) => r.inputs.scope === SHARED.dataAccountId,
    );
    expect(grant.map((r) => r.inputs.principalId)).toEqual([identity.outputs.principalId]);
  });

  test("data-bearing resources are protected", () => {
    const dataBearing = [
      TYPES.resourceGroup,
      TYPES.storageAccount,
      TYPES.workspace,
      TYPES.datastore,
      TYPES.suffix,
    ].map((type) => only(plan, type));
    expect(dataBearing.filter((r) => !r.protect).map((r) => r.type)).toEqual([]);
  });

  test("protectData=false lifts the protection", async () => {
    const unprotected = await runProgram({
      stack: "sweden",
      config: { ...CONFIG, "example:protectData": "false" },
      program,
    });
    expect(unprotected.resources.filter((r) => r.protect).map((r) => r.type)).toEqual([]);
  });

  test("creates none of the shared resources", () => {
    const types = new Set(plan.resources.map((r) => r.type));
    for (const shared of [
      "azure-native:keyvault:Vault",
      "azure-native:containerregistry:Registry",
      "azure-native:containerregistry:Replication",
      "azure-native:storage:BlobContainer",
      "azure-native:authorization:ManagementLockByScope",
      "pulumi:pulumi:StackReference",
    ]) {
      expect(types.has(shared) ? shared : "absent").toBe("absent");
    }
    // The only storage account is the workspace's default storage (see the first test).
    expect(ofType(plan, TYPES.storageAccount)).toHaveLength(1);
  });

  test("everything it creates is in the new region", () => {
    const elsewhere = plan.resources
      .filter((r) => r.inputs.location !== undefined)
      .filter((r) => r.inputs.location !== LOCATION && r.inputs.location !== "global")
      .map((r) => `${r.name}: ${r.inputs.location}`);
    expect(elsewhere).toEqual([]);
    expect(only(plan, TYPES.resourceGroup).inputs.resourceGroupName).toBe("amlbcdr-sec-rg");
  });

  test("outputs point at the new workspace", () => {
    const workspace = only(plan, TYPES.workspace);
    expect(plan.outputs).toMatchObject({
      location: LOCATION,
      workspaceId: workspace.id,
      workspaceName: workspace.inputs.workspaceName,
      datastoreName: "training_data",
      workspaceConfigJson: { resource_group: "amlbcdr-sec-rg" },
    });
  });

  test("warns before deploying to an access-restricted region", async () => {
    const restricted = await runProgram({
      stack: "sweden",
      config: { ...CONFIG, "example:location": "swedensouth" },
      program,
    });
    expect(restricted.warnings.join("\n")).toMatch(/example:location swedensouth .*restricted/);
    expect(plan.warnings).toEqual([]);
  });

  describe("refuses configuration it cannot use, before creating anything", () => {
    test.each(Object.keys(SHARED) as SharedKey[])("a missing %s is named", async (key) => {
      const config = { ...CONFIG };
      delete config[`example:${key}`];
      const { message, plan: refused } = await refusal(config);
      expect(message).toContain(`example:${key} is not set`);
      expect(message).toContain(`pulumi stack output ${key}`);
      for (const other of Object.keys(SHARED).filter((k) => k !== key)) {
        expect(message).not.toContain(`example:${other}`);
      }
      expect(refused.resources.map((r) => r.type)).toEqual(["pulumi:pulumi:Stack"]);
    });

    test("fails the run, as pulumi up would", async () => {
      const config = { ...CONFIG };
      delete config["example:registryId"];
      await expect(runProgram({ stack: "sweden", config, program })).rejects.toThrow(
        /example:registryId is not set/,
      );
    });

    test("every problem is reported in one run", async () => {
      const { message } = await refusal({
        "example:location": "swedencentrl",
        "example:prefix": "AML",
        "example:addressSpace": "10.42.0.0/25",
        "example:dataContainerName": "Training_Data",
        "example:protectData": "yes",
      });
      const keys = ["location", ...Object.keys(SHARED)];
      keys.push("prefix", "addressSpace", "dataContainerName", "protectData");
      for (const key of keys) {
        expect(message).toContain(`example:${key}`);
      }
      expect(message).toContain(`${keys.length} configuration problems`);
      expect(message).toContain("did you mean swedencentral");
    });

    test("an ID of the wrong kind of resource is named with the kind it must be", async () => {
      const { message } = await refusal({ ...CONFIG, "example:registryId": SHARED.keyVaultId });
      expect(message).toContain("example:registryId");
      expect(message).toContain("Microsoft.ContainerRegistry/registries");
      expect(message).not.toContain("example:keyVaultId");
    });
  });
});
