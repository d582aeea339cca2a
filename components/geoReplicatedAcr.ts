import * as pulumi from "@pulumi/pulumi";
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import { dataOptions } from "./locks";
import { Naming } from "./naming";
import { createPrivateEndpoints, PrivateEndpointTarget } from "./privateEndpoint";
import { supportsZones } from "./regions";
import { CommonArgs } from "./types";
import { createOnly } from "./createOnly";

/** Arguments for {@link GeoReplicatedAcr}. */
export interface GeoReplicatedAcrArgs extends CommonArgs {
  /** The registry's home region. Fixed at creation. */
  readonly location: string;
  readonly resourceGroupName: pulumi.Input<string>;
  readonly naming: Naming;
  /**
   * Every other region that pulls images: each gets a geo-replica, so images stay available
   * when the home region is down. Must not contain the home region. Adding a region here is all
   * it takes to serve a third region.
   * See https://learn.microsoft.com/azure/container-registry/container-registry-geo-replication
   */
  readonly replicaLocations: readonly string[];
  /**
   * Zone redundancy of the home registry and of each replica, where the region has
   * availability zones. Defaults to `true`. Fixed at creation: changing it replaces the
   * registry or replica.
   */
  readonly zoneRedundancy?: boolean;
  /** Private endpoints, one per region deployed by this program. */
  readonly privateEndpoints: readonly PrivateEndpointTarget[];
  /** `"Disabled"` by default: images are pulled through private endpoints only. */
  readonly publicNetworkAccess?: "Disabled" | "Enabled";
}

/**
 * The one Premium container registry that every region's workspace shares, geo-replicated into
 * every other region, with the admin user off, no public network access and a private endpoint
 * in every region.
 */
export class GeoReplicatedAcr extends pulumi.ComponentResource {
  readonly registryId: pulumi.Output<string>;
  readonly registryName: pulumi.Output<string>;
  readonly loginServer: pulumi.Output<string>;
  /** The regions holding a replica, home region excluded. */
  readonly replicaLocations: readonly string[];

  constructor(name: string, args: GeoReplicatedAcrArgs, opts?: pulumi.ComponentResourceOptions) {
    super("aml-bcdr:index:GeoReplicatedAcr", name, {}, opts);

    if (args.replicaLocations.includes(args.location)) {
      throw new Error(
        `GeoReplicatedAcr "${name}": replicaLocations contains the home region ` +
          `"${args.location}"; list only the other regions.`,
      );
    }
    const zoneRedundancy = (location: string) =>
      (args.zoneRedundancy ?? true) && supportsZones(location) ? "Enabled" : "Disabled";
    const publicNetworkAccess = args.publicNetworkAccess ?? "Disabled";

    const registry = new containerregistry.Registry(
      `${name}-registry`,
      {
        registryName: args.naming.name("containerRegistry"),
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        // Geo-replication and private endpoints both need Premium.
        sku: { name: "Premium" },
        adminUserEnabled: false,
        anonymousPullEnabled: false,
        // The SDK defaults these two to "Enabled" and "Disabled"; state them so that a change
        // of SDK default cannot open the registry or drop zone redundancy.
        publicNetworkAccess,
        zoneRedundancy: zoneRedundancy(args.location),
        networkRuleBypassOptions: "AzureServices",
        networkRuleSet: { defaultAction: publicNetworkAccess === "Disabled" ? "Deny" : "Allow" },
        tags: args.tags,
      },
      dataOptions(this, args.protectData, {
        replaceOnChanges: createOnly("azure-native:containerregistry:Registry"),
      }),
    );

    const replications = args.replicaLocations.map(
      (location) =>
        new containerregistry.Replication(
          `${name}-replica-${location}`,
          {
            registryName: registry.name,
            resourceGroupName: args.resourceGroupName,
            replicationName: location,
            location,
            regionEndpointEnabled: true,
            zoneRedundancy: zoneRedundancy(location),
            tags: args.tags,
          },
          {
            parent: registry,
            protect: args.protectData ?? true,
            replaceOnChanges: createOnly("azure-native:containerregistry:Replication"),
          },
        ),
    );

    createPrivateEndpoints(
      `${name}-pe`,
      args.privateEndpoints,
      { resourceId: registry.id, service: "registry", label: "acr", tags: args.tags },
      // A registry endpoint gets one data-endpoint record per replica that exists when the
      // endpoint is created, so the replicas come first.
      { parent: this, dependsOn: replications },
    );

    this.registryId = registry.id;
    this.registryName = registry.name;
    this.loginServer = registry.loginServer;
    this.replicaLocations = [...args.replicaLocations];
    this.registerOutputs({
      registryId: this.registryId,
      registryName: this.registryName,
      loginServer: this.loginServer,
      replicaLocations: this.replicaLocations,
    });
  }
}
