import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as resources from "@pulumi/azure-native/resources";
import { sendDiagnostics } from "../components/diagnostics";
import { Naming, SUFFIX_LENGTH } from "../components/naming";
import { Networking } from "../components/networking";
import { assignRole } from "../components/roles";
import { WorkspaceAssets } from "../components/workspaceAssets";
import { PROJECT_ROOT_FOR_ASSETS, loadAssets } from "./assets";
import { OnlineInference, ServingEndpoint } from "../components/onlineInference";
import { TrainingCompute } from "../components/trainingCompute";
import { Workspace } from "../components/workspace";
import { DEFAULT_DATASTORE_NAME } from "../components/isolatedDatastore";
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

  if (config.hubVirtualNetworkId) {
    // Users reach the region through the hub's VPN or ExpressRoute; the hub's side of the
    // peering belongs to the hub's owners.
    networking.peerWith("hub", {
      remoteVirtualNetworkId: config.hubVirtualNetworkId,
      useRemoteGateways: config.useHubGateway,
    });
  }

  return { resourceGroup, naming, networking };
}

/** The shared resource IDs that every region's workspace uses. */
export interface SharedResources {
  readonly keyVaultId: pulumi.Input<string>;
  readonly registryId: pulumi.Input<string>;
  readonly dataAccountId: pulumi.Input<string>;
  readonly dataContainerName: pulumi.Input<string>;
}

/** Shared resources that only some deployments have. */
export interface OptionalSharedResources {
  /** The Azure ML registry spanning every region. */
  readonly mlRegistryId?: pulumi.Input<string>;
  /** Versioned URI of the customer-managed key in the shared vault. */
  readonly customerManagedKeyUri?: pulumi.Input<string>;
}

/** The region's workspace, wired to the shared vault and registry. */
export function createRegionWorkspace(
  config: StackConfig,
  foundation: RegionFoundation,
  shared: Pick<SharedResources, "keyVaultId" | "registryId"> & OptionalSharedResources,
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
    customerManagedKeyUri: shared.customerManagedKeyUri,
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

  const hasCompute = config.computeClusters.length > 0 || config.kubernetesCompute !== undefined;
  if (plan.training !== "none" && hasCompute) {
    new TrainingCompute("training", {
      ...placement,
      subnetId: foundation.networking.subnetIds.training,
      // A warm region keeps its clusters but at zero nodes, so it pays nothing until used.
      clusters: config.computeClusters.map((cluster) =>
        plan.training === "standby" ? { ...cluster, minNodes: 0 } : cluster,
      ),
      // Attached Kubernetes follows the training topology like the clusters do.
      kubernetes: config.kubernetesCompute,
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

/**
 * What ties a region's workspace to the shared resources beyond its own roles: the ML registry
 * role, the shared resources' logs in this region's Log Analytics workspace (so they are still
 * readable when the other region is down), and the declared environments and data assets.
 */
export function connectRegionToShared(
  config: StackConfig,
  workspace: Workspace,
  shared: SharedResources & OptionalSharedResources,
  datastore: pulumi.Resource,
) {
  if (shared.mlRegistryId) {
    assignRole(
      "workspace-ml-registry",
      {
        scope: shared.mlRegistryId,
        principalId: workspace.principalId,
        principalType: "ServicePrincipal",
        role: "AzureML Registry User",
      },
      {},
    );
  }

  const logs = workspace.logAnalyticsWorkspaceId;
  const label = config.location;
  sendDiagnostics(
    "shared-key-vault-logs",
    { resourceUri: shared.keyVaultId, logAnalyticsWorkspaceId: logs, label },
    {},
  );
  sendDiagnostics(
    "shared-registry-logs",
    { resourceUri: shared.registryId, logAnalyticsWorkspaceId: logs, label },
    {},
  );
  sendDiagnostics(
    "shared-training-data-logs",
    {
      resourceUri: pulumi.interpolate`${shared.dataAccountId}/blobServices/default`,
      logAnalyticsWorkspaceId: logs,
      label,
    },
    {},
  );

  const assets = loadAssets(
    config.stack,
    config.assetsFile,
    PROJECT_ROOT_FOR_ASSETS,
    config.assetsFileGiven,
  );
  if (assets.environments.length + assets.dataAssets.length > 0) {
    new WorkspaceAssets("assets", {
      workspaceName: workspace.workspaceName,
      resourceGroupName: workspace.resourceGroupName,
      datastoreName: DEFAULT_DATASTORE_NAME,
      environments: assets.environments,
      dataAssets: assets.dataAssets,
      datastore,
    });
  }
}
