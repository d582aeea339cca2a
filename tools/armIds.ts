import { createHash } from "crypto";

/** The subscription and tenant that mock resources live in. */
export const MOCK_SUBSCRIPTION_ID = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
export const MOCK_TENANT_ID = "0a1b2c3d-4e5f-4061-8273-94a5b6c7d8e9";

/** A GUID derived from `seed`, the same on every run. */
export function stableGuid(seed: string): string {
  const h = createHash("sha256").update(seed).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Lowercase letters and digits derived from `seed`, the same on every run. */
export function stableSuffix(seed: string, length: number): string {
  const h = createHash("sha256").update(seed).digest();
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  // The first character is a letter, like most real suffixes would not guarantee but names read
  // better with; names stay valid either way.
  return Array.from(h.subarray(0, length), (b, i) =>
    i === 0 ? alphabet[b % 26] : alphabet[b % alphabet.length],
  ).join("");
}

type Inputs = Record<string, any>;

/**
 * How to build the ARM ID of each azure-native resource type this project uses: the path below
 * the resource group (or below `scope` for extension resources) and the input that holds the
 * resource's own name. A type missing here is refused, so a new resource type cannot slip into
 * the offline preview with an ID of the wrong shape.
 */
const ARM_PATHS: Record<string, (i: Inputs, name: string) => string> = {
  "azure-native:network:VirtualNetwork": (i) =>
    `Microsoft.Network/virtualNetworks/${i.virtualNetworkName}`,
  "azure-native:network:Subnet": (i) =>
    `Microsoft.Network/virtualNetworks/${i.virtualNetworkName}/subnets/${i.subnetName}`,
  "azure-native:network:NetworkSecurityGroup": (i) =>
    `Microsoft.Network/networkSecurityGroups/${i.networkSecurityGroupName}`,
  "azure-native:network:PrivateEndpoint": (i) =>
    `Microsoft.Network/privateEndpoints/${i.privateEndpointName}`,
  "azure-native:network:PrivateDnsZoneGroup": (i) =>
    `Microsoft.Network/privateEndpoints/${i.privateEndpointName}/privateDnsZoneGroups/${i.privateDnsZoneGroupName}`,
  "azure-native:privatedns:PrivateZone": (i) =>
    `Microsoft.Network/privateDnsZones/${i.privateZoneName}`,
  "azure-native:privatedns:VirtualNetworkLink": (i) =>
    `Microsoft.Network/privateDnsZones/${i.privateZoneName}/virtualNetworkLinks/${i.virtualNetworkLinkName}`,
  "azure-native:keyvault:Vault": (i) => `Microsoft.KeyVault/vaults/${i.vaultName}`,
  "azure-native:containerregistry:Registry": (i) =>
    `Microsoft.ContainerRegistry/registries/${i.registryName}`,
  "azure-native:containerregistry:Replication": (i) =>
    `Microsoft.ContainerRegistry/registries/${i.registryName}/replications/${i.replicationName}`,
  "azure-native:storage:StorageAccount": (i) =>
    `Microsoft.Storage/storageAccounts/${i.accountName}`,
  "azure-native:storage:BlobContainer": (i) =>
    `Microsoft.Storage/storageAccounts/${i.accountName}/blobServices/default/containers/${i.containerName}`,
  "azure-native:managedidentity:UserAssignedIdentity": (i) =>
    `Microsoft.ManagedIdentity/userAssignedIdentities/${i.resourceName}`,
  "azure-native:operationalinsights:Workspace": (i) =>
    `Microsoft.OperationalInsights/workspaces/${i.workspaceName}`,
  "azure-native:applicationinsights:Component": (i) =>
    `Microsoft.Insights/components/${i.resourceName}`,
  "azure-native:machinelearningservices:Workspace": (i) =>
    `Microsoft.MachineLearningServices/workspaces/${i.workspaceName}`,
  "azure-native:machinelearningservices:Datastore": (i) =>
    `Microsoft.MachineLearningServices/workspaces/${i.workspaceName}/datastores/${i.name}`,
  "azure-native:machinelearningservices:Compute": (i) =>
    `Microsoft.MachineLearningServices/workspaces/${i.workspaceName}/computes/${i.computeName}`,
  "azure-native:machinelearningservices:OnlineEndpoint": (i) =>
    `Microsoft.MachineLearningServices/workspaces/${i.workspaceName}/onlineEndpoints/${i.endpointName}`,
  "azure-native:machinelearningservices:OnlineDeployment": (i) =>
    `Microsoft.MachineLearningServices/workspaces/${i.workspaceName}/onlineEndpoints/${i.endpointName}/deployments/${i.deploymentName}`,
  "azure-native:network:VirtualNetworkPeering": (i) =>
    `Microsoft.Network/virtualNetworks/${i.virtualNetworkName}/virtualNetworkPeerings/${i.virtualNetworkPeeringName}`,
  "azure-native:keyvault:Key": (i) => `Microsoft.KeyVault/vaults/${i.vaultName}/keys/${i.keyName}`,
  "azure-native:machinelearningservices:Registry": (i) =>
    `Microsoft.MachineLearningServices/registries/${i.registryName}`,
  "azure-native:machinelearningservices:EnvironmentVersion": (i) =>
    `Microsoft.MachineLearningServices/workspaces/${i.workspaceName}/environments/${i.name}/versions/${i.version}`,
  "azure-native:machinelearningservices:DataVersion": (i) =>
    `Microsoft.MachineLearningServices/workspaces/${i.workspaceName}/data/${i.name}/versions/${i.version}`,
  "azure-native:cdn:Profile": (i) => `Microsoft.Cdn/profiles/${i.profileName}`,
  "azure-native:cdn:AFDEndpoint": (i) =>
    `Microsoft.Cdn/profiles/${i.profileName}/afdEndpoints/${i.endpointName}`,
  "azure-native:cdn:AFDOriginGroup": (i) =>
    `Microsoft.Cdn/profiles/${i.profileName}/originGroups/${i.originGroupName}`,
  "azure-native:cdn:AFDOrigin": (i) =>
    `Microsoft.Cdn/profiles/${i.profileName}/originGroups/${i.originGroupName}/origins/${i.originName}`,
  "azure-native:cdn:Route": (i) =>
    `Microsoft.Cdn/profiles/${i.profileName}/afdEndpoints/${i.endpointName}/routes/${i.routeName}`,
};

/** Extension resources, whose IDs hang below the resource they apply to. */
const SCOPED_PATHS: Record<string, (i: Inputs, name: string) => string> = {
  "azure-native:authorization:RoleAssignment": (i, name) =>
    `Microsoft.Authorization/roleAssignments/${i.roleAssignmentName ?? stableGuid(`${i.scope}/${name}`)}`,
  "azure-native:monitor:DiagnosticSetting": (i) =>
    `Microsoft.Insights/diagnosticSettings/${i.name}`,
  "azure-native:authorization:ManagementLockByScope": (i) =>
    `Microsoft.Authorization/locks/${i.lockName}`,
};

/** Whether the mocks know how to give `type` an ARM ID. */
export function isKnownType(type: string): boolean {
  return (
    type === "azure-native:resources:ResourceGroup" || type in ARM_PATHS || type in SCOPED_PATHS
  );
}

/** The ARM ID Azure would give a resource of `type` with these inputs. */
export function armId(type: string, inputs: Inputs, name: string): string {
  const rg = `/subscriptions/${MOCK_SUBSCRIPTION_ID}/resourceGroups/${inputs.resourceGroupName}`;
  if (type === "azure-native:resources:ResourceGroup") return rg;
  if (type in SCOPED_PATHS) {
    return `${inputs.scope ?? inputs.resourceUri}/providers/${SCOPED_PATHS[type](inputs, name)}`;
  }
  if (type in ARM_PATHS) return `${rg}/providers/${ARM_PATHS[type](inputs, name)}`;
  throw new Error(
    `The offline preview has no mock for resource type ${type}; add it to tools/armIds.ts.`,
  );
}
