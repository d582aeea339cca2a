import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as resources from "@pulumi/azure-native/resources";
import { Naming } from "../components/naming";
import { Networking } from "../components/networking";
import { SUFFIX_LENGTH } from "../components/naming";
import { Workspace } from "../components/workspace";
import { StackConfig } from "./config";

/** What every region has before its workspace: a resource group, names and a network. */
export interface RegionFoundation {
  readonly resourceGroup: resources.ResourceGroup;
  readonly naming: Naming;
  readonly networking: Networking;
}

/** The resource group, naming and network of the stack's region. */
export function createRegionFoundation(config: StackConfig): RegionFoundation {
  // Generated once and kept in state: every globally unique name ends in it, so replacing it
  // would rename (and so replace) every data-bearing resource. Hence protected like them.
  const suffix = new random.RandomString(
    "name-suffix",
    { length: SUFFIX_LENGTH, special: false, upper: false, numeric: true, lower: true },
    { protect: config.protectData },
  );
  const naming = new Naming({
    prefix: config.prefix,
    regionCode: config.region.shortCode,
    suffix: suffix.result,
  });

  const resourceGroup = new resources.ResourceGroup(
    "resource-group",
    {
      resourceGroupName: naming.plainName("resourceGroup"),
      location: config.location,
      tags: config.tags,
    },
    // Deleting a resource group deletes everything in it.
    { protect: config.protectData },
  );

  const networking = new Networking("network", {
    location: config.location,
    cloud: config.cloud,
    resourceGroupName: resourceGroup.name,
    naming,
    addressSpace: config.addressSpace,
    subnets: config.subnets,
    tags: config.tags,
  });

  return { resourceGroup, naming, networking };
}

/** The shared resource IDs that every region's workspace uses. */
export interface SharedResources {
  readonly keyVaultId: pulumi.Input<string>;
  readonly registryId: pulumi.Input<string>;
  readonly dataAccountId: pulumi.Input<string>;
  readonly dataContainerName: pulumi.Input<string>;
}

/** The region's workspace, wired to the shared vault and registry. */
export function createRegionWorkspace(
  config: StackConfig,
  foundation: RegionFoundation,
  shared: Pick<SharedResources, "keyVaultId" | "registryId">,
): Workspace {
  return new Workspace("workspace", {
    location: config.location,
    resourceGroupName: foundation.resourceGroup.name,
    naming: foundation.naming,
    keyVaultId: shared.keyVaultId,
    containerRegistryId: shared.registryId,
    network: foundation.networking.privateEndpointTarget,
    principals: config.principals,
    publicNetworkAccess: config.allowPublicNetworkAccess ? "Enabled" : "Disabled",
    friendlyName: `Azure ML ${config.role} (${config.location})`,
    protectData: config.protectData,
    tags: config.tags,
  });
}

/** Stack outputs that both roles have. */
export function regionOutputs(
  config: StackConfig,
  foundation: RegionFoundation,
  workspace: Workspace,
  shared: SharedResources,
) {
  return {
    role: config.role,
    location: config.location,
    topology: config.topology,
    addressSpace: config.addressSpace,
    resourceGroupName: foundation.resourceGroup.name,
    virtualNetworkId: foundation.networking.virtualNetworkId,
    workspaceId: workspace.workspaceId,
    workspaceName: workspace.workspaceName,
    /** Write this to `config.json` next to the code to point it at this region's workspace. */
    workspaceConfigJson: workspace.configJson,
    keyVaultId: shared.keyVaultId,
    registryId: shared.registryId,
    dataAccountId: shared.dataAccountId,
    dataContainerName: shared.dataContainerName,
  };
}
