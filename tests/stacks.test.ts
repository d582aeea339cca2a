import { planStack, Plan } from "../tools/harness";
import { childrenOf, DATA_BEARING_TYPES, input, ofType, single } from "./planHelpers";

// The two default stacks, as `npm run plan` previews them. The secondary's StackReference is
// fed from the offline primary, so its wiring to the shared resources is real.
let primary: Plan;
let secondary: Plan;

beforeAll(async () => {
  primary = await planStack("primary");
  secondary = await planStack("secondary");
});

describe("shared Key Vault", () => {
  test("is RBAC-only with soft delete and purge protection, private, and only in the primary", () => {
    const vault = single(primary, "keyvault:Vault");
    expect(input(vault, "properties.enableRbacAuthorization")).toBe(true);
    expect(input(vault, "properties.accessPolicies")).toBeUndefined();
    expect(input(vault, "properties.enableSoftDelete")).toBe(true);
    expect(input(vault, "properties.enablePurgeProtection")).toBe(true);
    expect(input(vault, "properties.publicNetworkAccess")).toBe("Disabled");
    expect(ofType(secondary, "keyvault:Vault")).toHaveLength(0);
  });

  test("carries a delete lock and is protected", () => {
    const vault = single(primary, "keyvault:Vault");
    const locks = ofType(primary, "authorization:ManagementLockByScope");
    expect(locks.map((l) => l.inputs.scope)).toContain(vault.id);
    expect(locks.every((l) => l.inputs.level === "CanNotDelete")).toBe(true);
    expect(vault.protect).toBe(true);
  });
});

describe("geo-replicated registry", () => {
  test("is Premium, admin off, private, zone redundant and replicated into the secondary", () => {
    const registry = single(primary, "containerregistry:Registry");
    expect(registry.inputs.sku).toEqual({ name: "Premium" });
    expect(registry.inputs.adminUserEnabled).toBe(false);
    expect(registry.inputs.publicNetworkAccess).toBe("Disabled");
    expect(registry.inputs.zoneRedundancy).toBe("Enabled");

    const replicas = ofType(primary, "containerregistry:Replication");
    expect(replicas.map((r) => r.inputs.location)).toEqual(["westeurope"]);
    expect(replicas.map((r) => r.inputs.location)).not.toContain(registry.inputs.location);
  });
});

describe("workspaces", () => {
  test("both regions use the same vault and registry", () => {
    const vaultId = single(primary, "keyvault:Vault").id;
    const registryId = single(primary, "containerregistry:Registry").id;
    for (const plan of [primary, secondary]) {
      const workspace = single(plan, "machinelearningservices:Workspace");
      expect(workspace.inputs.keyVault).toBe(vaultId);
      expect(workspace.inputs.containerRegistry).toBe(registryId);
    }
  });

  test("each has its own default storage, logs and Application Insights in its own region", () => {
    const storageIds = new Set<string>();
    for (const [plan, location] of [
      [primary, "northeurope"],
      [secondary, "westeurope"],
    ] as const) {
      const workspace = single(plan, "machinelearningservices:Workspace");
      expect(workspace.inputs.location).toBe(location);
      const storage = ofType(plan, "storage:StorageAccount").find(
        (s) => s.id === workspace.inputs.storageAccount,
      );
      expect(storage?.inputs.location).toBe(location);
      expect(storage?.inputs.isHnsEnabled).toBe(false);
      expect(storage?.inputs.kind).toBe("StorageV2");
      expect(String(input(storage!, "sku.name"))).not.toMatch(/GRS|GZRS/);
      storageIds.add(workspace.inputs.storageAccount as string);

      const insights = single(plan, "applicationinsights:Component");
      expect(workspace.inputs.applicationInsights).toBe(insights.id);
      expect(insights.inputs.location).toBe(location);
      expect(insights.inputs.workspaceResourceId).toBe(
        single(plan, "operationalinsights:Workspace").id,
      );
    }
    expect(storageIds.size).toBe(2);
  });

  test("use a user-assigned identity, no public access, and output config.json", () => {
    for (const plan of [primary, secondary]) {
      const workspace = single(plan, "machinelearningservices:Workspace");
      const identity = single(plan, "managedidentity:UserAssignedIdentity");
      expect(workspace.inputs.identity).toEqual({
        type: "UserAssigned",
        userAssignedIdentities: [identity.id],
      });
      expect(workspace.inputs.publicNetworkAccess).toBe("Disabled");
      expect(plan.outputs.workspaceConfigJson).toEqual({
        subscription_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        resource_group: plan.outputs.resourceGroupName,
        workspace_name: workspace.outputs.name,
      });
    }
  });

  test("the same people get the same roles in both regions", async () => {
    const principals = JSON.stringify([
      { objectId: "11111111-2222-4333-8444-555555555555", role: "AzureML Data Scientist" },
      {
        objectId: "66666666-7777-4888-9999-000000000000",
        role: "AzureML Compute Operator",
        principalType: "User",
      },
    ]);
    const roles = (plan: Plan) => {
      const workspaceId = single(plan, "machinelearningservices:Workspace").id;
      return ofType(plan, "authorization:RoleAssignment")
        .filter((r) => r.inputs.scope === workspaceId)
        .map((r) =>
          `${r.inputs.principalId} ${r.inputs.principalType} ${r.inputs.roleDefinitionId}`.replace(
            /\/subscriptions\/[^/]+/,
            "",
          ),
        )
        .sort();
    };
    const withPrincipals = [`principals=${principals}`];
    const p = await planStack("primary", { overrides: withPrincipals });
    const s = await planStack("secondary", {
      overrides: withPrincipals,
      primaryOverrides: withPrincipals,
    });
    expect(roles(p)).toHaveLength(2);
    expect(roles(s)).toEqual(roles(p));
    expect(roles(p).join()).toContain("f6c7c914-8db3-469d-8ca1-694a8f32e121");
  });
});

describe("training data", () => {
  test("lives on geo-redundant storage apart from default storage, without keys", () => {
    const dataAccountId = primary.outputs.dataAccountId;
    const account = ofType(primary, "storage:StorageAccount").find((s) => s.id === dataAccountId)!;
    expect(input(account, "sku.name")).toBe("Standard_GZRS");
    expect(account.inputs.allowSharedKeyAccess).toBe(false);
    expect(account.inputs.allowBlobPublicAccess).toBe(false);
    expect(account.inputs.minimumTlsVersion).toBe("TLS1_2");
    for (const plan of [primary, secondary]) {
      const workspace = single(plan, "machinelearningservices:Workspace");
      expect(workspace.inputs.storageAccount).not.toBe(dataAccountId);
    }
  });

  test("is attached to both workspaces by identity, with a data role for each", () => {
    const dataAccountName = primary.outputs.dataAccountName;
    for (const plan of [primary, secondary]) {
      const datastore = single(plan, "machinelearningservices:Datastore");
      const workspace = single(plan, "machinelearningservices:Workspace");
      expect(datastore.inputs.workspaceName).toBe(workspace.outputs.name);
      expect(input(datastore, "properties.accountName")).toBe(dataAccountName);
      expect(input(datastore, "properties.credentials")).toEqual({ credentialsType: "None" });
      expect(datastore.protect).toBe(true);

      const principalId = single(plan, "managedidentity:UserAssignedIdentity").outputs.principalId;
      const grant = ofType(plan, "authorization:RoleAssignment").find(
        (r) =>
          r.inputs.scope === primary.outputs.dataAccountId && r.inputs.principalId === principalId,
      );
      expect(grant?.inputs.roleDefinitionId).toMatch(/ba92f5b4-2d11-453d-a403-e96b0029c9fe$/);
    }
  });
});

describe("private networking", () => {
  const connectedIds = (plan: Plan) =>
    ofType(plan, "network:PrivateEndpoint").map((pe) => ({
      target: input(pe, "privateLinkServiceConnections.0.privateLinkServiceId") as string,
      group: input(pe, "privateLinkServiceConnections.0.groupIds.0") as string,
      location: pe.inputs.location,
    }));

  test("each region has endpoints to its workspace and to the shared vault, registry and data", () => {
    for (const [plan, location] of [
      [primary, "northeurope"],
      [secondary, "westeurope"],
    ] as const) {
      const endpoints = connectedIds(plan);
      const workspaceId = single(plan, "machinelearningservices:Workspace").id;
      expect(endpoints).toEqual(
        expect.arrayContaining([
          { target: workspaceId, group: "amlworkspace", location },
          { target: primary.outputs.keyVaultId, group: "vault", location },
          { target: primary.outputs.registryId, group: "registry", location },
          { target: primary.outputs.dataAccountId, group: "blob", location },
        ]),
      );
    }
  });

  test("every endpoint has one zone group, all configs named, zones of its own region only", () => {
    for (const plan of [primary, secondary]) {
      const ownZones = new Set(ofType(plan, "privatedns:PrivateZone").map((z) => z.id));
      const vnetId = single(plan, "network:VirtualNetwork").id;
      for (const link of ofType(plan, "privatedns:VirtualNetworkLink")) {
        expect(input(link, "virtualNetwork.id")).toBe(vnetId);
      }
      for (const endpoint of ofType(plan, "network:PrivateEndpoint")) {
        const groups = childrenOf(plan, endpoint).filter(
          (r) => r.type === "azure-native:network:PrivateDnsZoneGroup",
        );
        expect(groups).toHaveLength(1);
        const configs = groups[0].inputs.privateDnsZoneConfigs as {
          name?: string;
          privateDnsZoneId: string;
        }[];
        expect(configs.length).toBeGreaterThan(0);
        for (const config of configs) {
          expect(config.name).toMatch(/^privatelink-/);
          expect(ownZones.has(config.privateDnsZoneId)).toBe(true);
        }
      }
    }
  });

  test("the workspace endpoint registers in both AML zones", () => {
    const endpoint = ofType(secondary, "network:PrivateEndpoint").find(
      (pe) => input(pe, "privateLinkServiceConnections.0.groupIds.0") === "amlworkspace",
    )!;
    const group = childrenOf(secondary, endpoint)[0];
    const zoneNames = (group.inputs.privateDnsZoneConfigs as { privateDnsZoneId: string }[]).map(
      (c) => c.privateDnsZoneId.split("/").pop(),
    );
    expect(zoneNames.sort()).toEqual([
      "privatelink.api.azureml.ms",
      "privatelink.notebooks.azure.net",
    ]);
  });

  test("regions get subnets for endpoints, training and inference, each with an NSG", () => {
    for (const plan of [primary, secondary]) {
      const subnets = ofType(plan, "network:Subnet");
      expect(subnets.map((s) => s.inputs.subnetName).sort()).toEqual([
        "snet-inference",
        "snet-private-endpoints",
        "snet-training",
      ]);
      const nsgIds = new Set(ofType(plan, "network:NetworkSecurityGroup").map((n) => n.id));
      for (const subnet of subnets) {
        expect(nsgIds.has(input(subnet, "networkSecurityGroup.id"))).toBe(true);
      }
    }
  });
});

describe("the secondary", () => {
  test("reads the shared IDs from the primary stack's outputs", () => {
    const reference = single(secondary, "pulumi:pulumi:StackReference");
    expect(reference.inputs.name).toBe("organization/aml-bcdr/primary");
    expect(secondary.outputs.keyVaultId).toBe(primary.outputs.keyVaultId);
  });

  test("uses shared IDs given in config instead, with no StackReference", async () => {
    const vaultId = `/subscriptions/0/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-given`;
    const plan = await planStack("secondary", {
      overrides: [
        `sharedKeyVaultId=${vaultId}`,
        `sharedRegistryId=/subscriptions/0/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/acrgiven`,
        `sharedDataAccountId=/subscriptions/0/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/datagiven`,
        `sharedDataContainerName=given`,
        `primaryStack=organization/aml-bcdr/unreachable`,
      ],
    });
    expect(ofType(plan, "pulumi:pulumi:StackReference")).toHaveLength(0);
    expect(single(plan, "machinelearningservices:Workspace").inputs.keyVault).toBe(vaultId);
    expect(input(single(plan, "machinelearningservices:Datastore"), "properties.accountName")).toBe(
      "datagiven",
    );
  });

  test("names a missing primary output and the referenced stack", async () => {
    await expect(
      planStack("secondary", { overrides: ["primaryStack=organization/aml-bcdr/elsewhere"] }),
    ).rejects.toThrow(/organization\/aml-bcdr\/elsewhere/);
  });
});

test("data-bearing resources are protected in both stacks", () => {
  for (const plan of [primary, secondary]) {
    for (const type of DATA_BEARING_TYPES) {
      for (const resource of plan.resources.filter((r) => r.type === type)) {
        expect({ urn: resource.urn, protect: resource.protect }).toEqual({
          urn: resource.urn,
          protect: true,
        });
      }
    }
  }
});

test("a primary stack without an expected output is named in the error", async () => {
  const { readStackConfig, runProgram } = await import("../tools/harness");
  const { keyVaultId: _dropped, ...outputs } = primary.outputs;
  await expect(
    runProgram({
      stack: "secondary",
      config: readStackConfig("secondary"),
      stackOutputs: { "organization/aml-bcdr/primary": outputs },
    }),
  ).rejects.toThrow(/"organization\/aml-bcdr\/primary" has no output "keyVaultId"/);
});

test("create-only properties make Pulumi plan a replacement, which protection then refuses", () => {
  const workspace = single(primary, "machinelearningservices:Workspace");
  expect(workspace.replaceOnChanges).toEqual(
    expect.arrayContaining(["storageAccount", "hbiWorkspace", "encryption"]),
  );
  expect(single(primary, "containerregistry:Registry").replaceOnChanges).toContain(
    "zoneRedundancy",
  );
  for (const account of ofType(primary, "storage:StorageAccount")) {
    expect(account.replaceOnChanges).toContain("isHnsEnabled");
    expect(account.protect).toBe(true);
  }
});

describe("fields Azure or others change by themselves", () => {
  test("tag keys named in ignoredTagKeys are left alone on every tagged resource", async () => {
    const plan = await planStack("primary", { overrides: ['ignoredTagKeys=["createdBy"]'] });
    const tagged = plan.resources.filter((r) => r.custom && r.inputs.tags !== undefined);
    expect(tagged.length).toBeGreaterThan(20);
    for (const r of tagged) expect(r.ignoreChanges).toContain('tags["createdBy"]');
    expect(single(primary, "keyvault:Vault").ignoreChanges).toEqual([]);
  });

  test("NSGs state their rules, so a rule added by hand shows as drift", () => {
    for (const nsg of ofType(primary, "network:NetworkSecurityGroup")) {
      expect(nsg.inputs.securityRules).toEqual([]);
    }
  });

  test("private endpoints ignore only the DNS configs Azure fills in", () => {
    for (const pe of ofType(primary, "network:PrivateEndpoint")) {
      expect(pe.ignoreChanges).toEqual(["customDnsConfigs"]);
    }
  });
});

describe("the secondary checks itself against what the primary deployed", () => {
  test.each([
    [
      "an overlapping address space",
      ["addressSpace=10.41.0.0/16"],
      /overlaps the primary's deployed address space/,
    ],
    [
      "another primary region",
      ["location=uksouth", 'secondaryLocations=["ukwest"]'],
      /primaryLocation is northeurope, but the primary is deployed in uksouth/,
    ],
    [
      "no registry replica in this region",
      ['secondaryLocations=["westeurope"]', "location=northeurope"]
        .slice(0, 0)
        .concat(['secondaryLocations=["swedencentral"]', "allowUnpairedRegions=true"]),
      /no replica in westeurope/,
    ],
    [
      "a customer-managed key on the primary only",
      ["customerManagedKey=true"],
      /set aml-bcdr:customerManagedKey true here too/,
    ],
  ])("%s is refused before anything is registered", async (_what, primaryOverrides, message) => {
    await expect(planStack("secondary", { primaryOverrides })).rejects.toThrow(message);
  });
});

test("two resources with one URN are refused, as Pulumi would", async () => {
  const { runProgram } = await import("../tools/harness");
  const resources = await import("@pulumi/azure-native/resources");
  await expect(
    runProgram({
      stack: "scratch",
      config: {},
      program: async () => {
        new resources.ResourceGroup("dup", { location: "westeurope" });
        new resources.ResourceGroup("dup", { location: "westeurope" });
      },
    }),
  ).rejects.toThrow(/Two resources have the URN .*ResourceGroup::dup/);
});

test("a given assetsFile that does not exist is an error, not an empty list", async () => {
  await expect(planStack("primary", { overrides: ["assetsFile=nope.yaml"] })).rejects.toThrow(
    /assetsFile \(nope\.yaml: file\).*does not exist/s,
  );
});
