import { GeoReplicatedAcr } from "../components/geoReplicatedAcr";
import { IsolatedDatastore } from "../components/isolatedDatastore";
import { SharedKeyVault } from "../components/sharedKeyVault";
import { StackConfig } from "./config";
import {
  createRegionFoundation,
  createRegionWorkloads,
  createRegionWorkspace,
  regionOutputs,
  regionPlan,
  workloadOutputs,
} from "./region";

/**
 * The primary stack: the resources every region shares (Key Vault, registry, training data),
 * then the primary region's own network and workspace.
 */
export function deployPrimary(config: StackConfig) {
  const foundation = createRegionFoundation(config);
  const { resourceGroup, naming, networking } = foundation;
  const common = {
    location: config.location,
    resourceGroupName: resourceGroup.name,
    naming,
    privateEndpoints: [networking.privateEndpointTarget],
    publicNetworkAccess: config.allowPublicNetworkAccess ? "Enabled" : "Disabled",
    protectData: config.protectData,
    tags: config.tags,
  } as const;

  const vault = new SharedKeyVault("key-vault", common);
  const registry = new GeoReplicatedAcr("registry", {
    ...common,
    replicaLocations: config.secondaryLocations,
  });
  const plan = regionPlan(config);
  const workspace = createRegionWorkspace(config, foundation, {
    keyVaultId: vault.vaultId,
    registryId: registry.registryId,
  });
  const { endpoints } = createRegionWorkloads(config, foundation, workspace, plan);
  const data = new IsolatedDatastore("training-data", {
    ...common,
    cloud: config.cloud,
    redundancy: config.dataRedundancy,
    workspaces: [
      {
        location: config.location,
        workspaceName: workspace.workspaceName,
        resourceGroupName: resourceGroup.name,
        principalId: workspace.principalId,
      },
    ],
  });

  return {
    ...regionOutputs(config, foundation, workspace, {
      keyVaultId: vault.vaultId,
      registryId: registry.registryId,
      dataAccountId: data.accountId,
      dataContainerName: data.containerName,
    }),
    ...workloadOutputs(plan, endpoints),
    keyVaultName: vault.vaultName,
    keyVaultUri: vault.vaultUri,
    registryName: registry.registryName,
    registryLoginServer: registry.loginServer,
    replicaLocations: registry.replicaLocations,
    dataAccountName: data.accountName,
    dataRedundancy: data.redundancy,
    datastoreName: data.datastoreName,
  };
}
