import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";
import { AzureCloudName } from "./regions";
import { Tags } from "./types";

/**
 * Private-link sub-resources (group IDs) this library connects to. Each needs its own private
 * endpoint; the `*_secondary` ones reach the read-only secondary of RA-GRS/RA-GZRS storage.
 */
export type PrivateLinkService =
  | "amlworkspace"
  | "amlregistry"
  | "vault"
  | "registry"
  | "blob"
  | "blob_secondary"
  | "file"
  | "dfs";

/**
 * The private DNS zones each private-link service registers its records in, per Azure cloud.
 * An AML workspace needs two zones for one endpoint.
 * See https://learn.microsoft.com/azure/private-link/private-endpoint-dns
 */
export const PRIVATE_DNS_ZONES: Readonly<
  Record<AzureCloudName, Readonly<Record<PrivateLinkService, readonly string[]>>>
> = {
  AzureCloud: {
    amlworkspace: ["privatelink.api.azureml.ms", "privatelink.notebooks.azure.net"],
    amlregistry: ["privatelink.api.azureml.ms"],
    vault: ["privatelink.vaultcore.azure.net"],
    registry: ["privatelink.azurecr.io"],
    blob: ["privatelink.blob.core.windows.net"],
    blob_secondary: ["privatelink.blob.core.windows.net"],
    file: ["privatelink.file.core.windows.net"],
    dfs: ["privatelink.dfs.core.windows.net"],
  },
  AzureUSGovernment: {
    amlworkspace: ["privatelink.api.ml.azure.us", "privatelink.notebooks.usgovcloudapi.net"],
    amlregistry: ["privatelink.api.ml.azure.us"],
    vault: ["privatelink.vaultcore.usgovcloudapi.net"],
    registry: ["privatelink.azurecr.us"],
    blob: ["privatelink.blob.core.usgovcloudapi.net"],
    blob_secondary: ["privatelink.blob.core.usgovcloudapi.net"],
    file: ["privatelink.file.core.usgovcloudapi.net"],
    dfs: ["privatelink.dfs.core.usgovcloudapi.net"],
  },
  AzureChinaCloud: {
    amlworkspace: ["privatelink.api.ml.azure.cn", "privatelink.notebooks.chinacloudapi.cn"],
    amlregistry: ["privatelink.api.ml.azure.cn"],
    vault: ["privatelink.vaultcore.azure.cn"],
    registry: ["privatelink.azurecr.cn"],
    blob: ["privatelink.blob.core.chinacloudapi.cn"],
    blob_secondary: ["privatelink.blob.core.chinacloudapi.cn"],
    file: ["privatelink.file.core.chinacloudapi.cn"],
    dfs: ["privatelink.dfs.core.chinacloudapi.cn"],
  },
};

/** The storage endpoint suffix (`core.windows.net` and so on) of each Azure cloud. */
export const STORAGE_ENDPOINT_SUFFIX: Readonly<Record<AzureCloudName, string>> = {
  AzureCloud: "core.windows.net",
  AzureUSGovernment: "core.usgovcloudapi.net",
  AzureChinaCloud: "core.chinacloudapi.cn",
};

/** Every private DNS zone that the given services need, without duplicates, sorted. */
export function dnsZonesFor(
  cloud: AzureCloudName,
  services: readonly PrivateLinkService[],
): string[] {
  return [...new Set(services.flatMap((s) => PRIVATE_DNS_ZONES[cloud][s]))].sort();
}

/**
 * Where private endpoints of one region go: the region's endpoint subnet and the private DNS
 * zones linked to that region's network. {@link Networking.privateEndpointTarget} produces one.
 *
 * Each region has its own copy of every zone, so an endpoint's A record in one region can never
 * be overwritten by the other region's endpoint for the same resource, and tearing down one
 * region leaves name resolution in the other untouched.
 */
export interface PrivateEndpointTarget {
  readonly location: string;
  /** Short code of the region, used in endpoint names. */
  readonly regionCode: string;
  readonly cloud: AzureCloudName;
  readonly resourceGroupName: pulumi.Input<string>;
  readonly subnetId: pulumi.Input<string>;
  /** Private DNS zone IDs by zone name; must hold every zone the connected services need. */
  readonly dnsZoneIds: Readonly<Record<string, pulumi.Input<string>>>;
  /** Name prefix of endpoints in this region. */
  readonly namePrefix: string;
}

/** Arguments for {@link createPrivateEndpoint}. */
export interface PrivateEndpointArgs {
  readonly target: PrivateEndpointTarget;
  /** ARM ID of the resource to connect to. */
  readonly resourceId: pulumi.Input<string>;
  readonly service: PrivateLinkService;
  /** Short label of the connected resource in the endpoint's Azure name, e.g. `kv`. */
  readonly label: string;
  readonly tags?: Tags;
}

/**
 * One private endpoint per target region, named `${name}-${location}`: how a shared resource
 * is connected to every region this program deploys.
 */
export function createPrivateEndpoints(
  name: string,
  targets: readonly PrivateEndpointTarget[],
  args: Omit<PrivateEndpointArgs, "target">,
  opts: pulumi.CustomResourceOptions,
): PrivateEndpointResources[] {
  return targets.map((target) =>
    createPrivateEndpoint(`${name}-${target.location}`, { ...args, target }, opts),
  );
}

/** A private endpoint and the one DNS zone group that registers its records. */
export interface PrivateEndpointResources {
  readonly endpoint: network.PrivateEndpoint;
  readonly zoneGroup: network.PrivateDnsZoneGroup;
}

/**
 * Connects a resource to a region's network through a private endpoint whose DNS records land
 * in that region's own private zones. `name` is the Pulumi logical name; children are parented
 * to `opts.parent`, normally the component that owns the connected resource.
 */
export function createPrivateEndpoint(
  name: string,
  args: PrivateEndpointArgs,
  opts: pulumi.CustomResourceOptions,
): PrivateEndpointResources {
  const { target, service } = args;
  const zones = PRIVATE_DNS_ZONES[target.cloud][service];
  const missing = zones.filter((zone) => target.dnsZoneIds[zone] === undefined);
  if (missing.length > 0) {
    throw new Error(
      `Private endpoint "${name}" needs the private DNS zone(s) ${missing.join(", ")} in ` +
        `${target.location}; add "${service}" to the services of that region's Networking.`,
    );
  }

  const endpointName = `${target.namePrefix}-${args.label}`;
  const endpoint = new network.PrivateEndpoint(
    name,
    {
      privateEndpointName: endpointName,
      customNetworkInterfaceName: `${endpointName}-nic`,
      resourceGroupName: target.resourceGroupName,
      location: target.location,
      subnet: { id: target.subnetId },
      privateLinkServiceConnections: [
        { name: endpointName, privateLinkServiceId: args.resourceId, groupIds: [service] },
      ],
      tags: args.tags,
    },
    // Azure fills customDnsConfigs with the endpoint's addresses; the program never sets it, and
    // the DNS zone group below is what keeps the records.
    { ...opts, ignoreChanges: [...(opts.ignoreChanges ?? []), "customDnsConfigs"] },
  );

  const zoneGroup = new network.PrivateDnsZoneGroup(
    `${name}-dns`,
    {
      privateDnsZoneGroupName: "default",
      privateEndpointName: endpoint.name,
      resourceGroupName: target.resourceGroupName,
      privateDnsZoneConfigs: zones.map((zone) => ({
        // Config names must be unique within the group; the zone name with dots replaced is.
        name: zone.replace(/\./g, "-"),
        privateDnsZoneId: target.dnsZoneIds[zone],
      })),
    },
    { ...opts, parent: endpoint },
  );

  return { endpoint, zoneGroup };
}
