import * as keyvault from "@pulumi/azure-native/keyvault";
import { GeoReplicatedAcr } from "../components/geoReplicatedAcr";
import { IsolatedDatastore } from "../components/isolatedDatastore";
import { SharedMlRegistry } from "../components/mlRegistry";
import { SharedKeyVault } from "../components/sharedKeyVault";
import { StackConfig } from "./config";
import {
  connectRegionToShared,
  createRegionFoundation,
  createRegionWorkloads,
  createRegionWorkspace,
  regionOutputs,
  regionPlan,
  workloadOutputs,
} from "./region";

/**
 * The primary stack: the resources every region shares (Key Vault, registry, training data,
 * Azure ML registry), then the primary region's own network, workspace and workloads.
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
  const mlRegistry = config.mlRegistry
    ? new SharedMlRegistry("ml-registry", { ...common, regions: config.secondaryLocations })
    : undefined;
  const key = config.customerManagedKey
    ? new keyvault.Key(
        "customer-managed-key",
        {
          keyName: "aml-bcdr-workspaces",
          vaultName: vault.vaultName,
          resourceGroupName: resourceGroup.name,
          properties: { kty: "RSA", keySize: 3072, keyOps: ["wrapKey", "unwrapKey"] },
        },
        // Losing the key loses every workspace encrypted with it.
        { protect: config.protectData },
      )
    : undefined;

  const shared = {
    keyVaultId: vault.vaultId,
    registryId: registry.registryId,
    mlRegistryId: mlRegistry?.registryId,
    customerManagedKeyUri: key?.keyUriWithVersion,
  };
  const plan = regionPlan(config);
  const workspace = createRegionWorkspace(config, foundation, shared);
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
  const allShared = {
    ...shared,
    dataAccountId: data.accountId,
    dataContainerName: data.containerName,
  };
  connectRegionToShared(config, workspace, allShared, data);

  return {
    ...regionOutputs(config, foundation, workspace, allShared),
    ...workloadOutputs(plan, endpoints),
    keyVaultName: vault.vaultName,
    keyVaultUri: vault.vaultUri,
    registryName: registry.registryName,
    registryLoginServer: registry.loginServer,
    replicaLocations: registry.replicaLocations,
    dataAccountName: data.accountName,
    dataRedundancy: data.redundancy,
    datastoreName: data.datastoreName,
    ...(mlRegistry
      ? { mlRegistryId: mlRegistry.registryId, mlRegistryName: mlRegistry.registryName }
      : {}),
    ...(key ? { customerManagedKeyUri: key.keyUriWithVersion } : {}),
  };
}
