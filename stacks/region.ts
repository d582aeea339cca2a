import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as resources from "@pulumi/azure-native/resources";
import { Naming } from "../components/naming";
import { Networking } from "../components/networking";
import { SUFFIX_LENGTH } from "../components/naming";
import { OnlineInference, ServingEndpoint } from "../components/onlineInference";
import { TrainingCompute } from "../components/trainingCompute";
import { Workspace } from "../components/workspace";
import { StackConfig } from "./config";
import { planRegion, RegionPlan } from "./topology";

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
  // Environment images are built on the first cluster, because ACR Tasks cannot reach a
  // private registry. The setting is only a name, so it stays the same whether or not the
  // topology gives this region its clusters: a topology change never touches the workspace.
  const builder = config.computeClusters[0]?.name;
  return new Workspace("workspace", {
    location: config.location,
    resourceGroupName: foundation.resourceGroup.name,
    naming: foundation.naming,
    keyVaultId: shared.keyVaultId,
    containerRegistryId: shared.registryId,
    network: foundation.networking.privateEndpointTarget,
    principals: config.principals,
    publicNetworkAccess: config.allowPublicNetworkAccess ? "Enabled" : "Disabled",
    friendlyName: `Azure ML (${config.location})`,
    imageBuildCompute: builder,
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
    topologies: config.topologies,
    activeRegion: config.activeRegion,
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

/** What this stack's region runs, from its role, the active region and the topologies. */
export function regionPlan(config: StackConfig): RegionPlan {
  return planRegion({
    role: config.role,
    activeRegion: config.activeRegion,
    topologies: config.topologies,
  });
}

/** The region's compute clusters and deployed models, as far as its plan calls for them. */
export function createRegionWorkloads(
  config: StackConfig,
  foundation: RegionFoundation,
  workspace: Workspace,
  plan: RegionPlan,
): { endpoints: readonly ServingEndpoint[] } {
  const placement = {
    location: config.location,
    resourceGroupName: foundation.resourceGroup.name,
    workspaceName: workspace.workspaceName,
    identityId: workspace.identityId,
    tags: config.tags,
  };

  if (plan.training !== "none" && config.computeClusters.length > 0) {
    new TrainingCompute("training", {
      ...placement,
      subnetId: foundation.networking.subnetIds.training,
      // A warm region keeps its clusters but at zero nodes, so it pays nothing until used.
      clusters: config.computeClusters.map((cluster) =>
        plan.training === "standby" ? { ...cluster, minNodes: 0 } : cluster,
      ),
    });
  }

  if (plan.inference === "none" || config.onlineEndpoints.length === 0) {
    return { endpoints: [] };
  }
  const inference = new OnlineInference("inference", {
    ...placement,
    regionCode: config.region.shortCode,
    endpoints: config.onlineEndpoints,
    readiness: plan.inference === "standby" ? "standby" : "full",
  });
  return { endpoints: inference.endpoints };
}

/** Stack outputs describing the region's workloads. */
export function workloadOutputs(plan: RegionPlan, endpoints: readonly ServingEndpoint[]) {
  return {
    regionPlan: plan,
    /** Host name of each deployed model in this region, by endpoint name. */
    onlineEndpointHosts: Object.fromEntries(endpoints.map((e) => [e.name, e.host])),
  };
}
