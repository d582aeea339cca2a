import * as random from "@pulumi/random";
import * as resources from "@pulumi/azure-native/resources";
import {
  findRegion,
  GeoReplicatedAcr,
  IsolatedDatastore,
  Naming,
  Networking,
  RegionInfo,
  SharedKeyVault,
  SUFFIX_LENGTH,
  Workspace,
} from "../../components";

/** The regions the scaling program uses, in order: real Azure regions with distinct codes. */
export const SCALING_REGIONS: readonly string[] = [
  "northeurope",
  "westeurope",
  "swedencentral",
  "uksouth",
  "francecentral",
  "germanywestcentral",
  "eastus2",
  "centralus",
];

/**
 * A program deploying `count` regions in one stack, to see how preview cost grows with the
 * number of regions. The first region holds the shared resources, created once: the Key Vault,
 * the registry with a replica in every other region, and the training data. Every region gets a
 * resource group, a network, a workspace, the training-data datastore and private endpoints to
 * the three shared resources, all through the components' own arguments.
 */
export function regionsProgram(count: number): () => Promise<Record<string, unknown>> {
  if (!Number.isInteger(count) || count < 1 || count > SCALING_REGIONS.length) {
    throw new Error(
      `regionsProgram: ${count} regions asked for; use 1 to ${SCALING_REGIONS.length} ` +
        `(the regions in SCALING_REGIONS).`,
    );
  }
  const regions = SCALING_REGIONS.slice(0, count).map((name) => findRegion(name) as RegionInfo);

  return async () => {
    const suffix = new random.RandomString("name-suffix", {
      length: SUFFIX_LENGTH,
      special: false,
      upper: false,
      numeric: true,
      lower: true,
    });

    const sites = regions.map((region, index) => {
      const naming = new Naming({
        prefix: "amlbcdr",
        regionCode: region.shortCode,
        suffix: suffix.result,
      });
      const resourceGroup = new resources.ResourceGroup(`${region.shortCode}-resource-group`, {
        resourceGroupName: naming.plainName("resourceGroup"),
        location: region.name,
      });
      const networking = new Networking(`${region.shortCode}-network`, {
        location: region.name,
        cloud: region.cloud,
        resourceGroupName: resourceGroup.name,
        naming,
        addressSpace: `10.${40 + index}.0.0/16`,
      });
      return { region, naming, resourceGroup, networking };
    });

    const home = sites[0];
    const shared = {
      location: home.region.name,
      resourceGroupName: home.resourceGroup.name,
      naming: home.naming,
      privateEndpoints: sites.map((site) => site.networking.privateEndpointTarget),
    };
    const vault = new SharedKeyVault("key-vault", shared);
    const registry = new GeoReplicatedAcr("registry", {
      ...shared,
      replicaLocations: sites.slice(1).map((site) => site.region.name),
    });

    const workspaces = sites.map(
      (site) =>
        new Workspace(`${site.region.shortCode}-workspace`, {
          location: site.region.name,
          resourceGroupName: site.resourceGroup.name,
          naming: site.naming,
          keyVaultId: vault.vaultId,
          containerRegistryId: registry.registryId,
          network: site.networking.privateEndpointTarget,
        }),
    );
    new IsolatedDatastore("training-data", {
      ...shared,
      cloud: home.region.cloud,
      workspaces: sites.map((site, i) => ({
        location: site.region.name,
        workspaceName: workspaces[i].workspaceName,
        resourceGroupName: site.resourceGroup.name,
        principalId: workspaces[i].principalId,
      })),
    });

    return { workspaceIds: workspaces.map((w) => w.workspaceId) };
  };
}
