import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";
import * as privatedns from "@pulumi/azure-native/privatedns";
import { parseCidr, subdivide } from "./cidr";
import { Naming } from "./naming";
import {
  createPrivateEndpoint,
  dnsZonesFor,
  PrivateEndpointResources,
  PrivateEndpointTarget,
  PrivateLinkService,
} from "./privateEndpoint";
import { AzureCloudName } from "./regions";
import { Tags } from "./types";

/** The subnets every region gets. */
export type SubnetRole = "privateEndpoints" | "training" | "inference";

export const SUBNET_ROLES: readonly SubnetRole[] = ["privateEndpoints", "training", "inference"];

/** Every private-link service this library connects in a region. */
export const ALL_PRIVATE_LINK_SERVICES: readonly PrivateLinkService[] = [
  "amlworkspace",
  "vault",
  "registry",
  "blob",
  "file",
  "dfs",
];

/** Arguments for {@link Networking}. */
export interface NetworkingArgs {
  /** The Azure region of this network. */
  readonly location: string;
  /** Defaults to `"AzureCloud"`; decides the private DNS zone names. */
  readonly cloud?: AzureCloudName;
  readonly resourceGroupName: pulumi.Input<string>;
  readonly naming: Naming;
  /**
   * The VNet's address space, e.g. `10.40.0.0/16`. Give each region its own, non-overlapping
   * range so that the regions can be peered and reached over one VPN.
   */
  readonly addressSpace: string;
  /**
   * Subnet ranges inside {@link addressSpace}. Defaults to the first three quarters of the
   * address space, in the order private endpoints, training, inference.
   */
  readonly subnets?: Partial<Record<SubnetRole, string>>;
  /**
   * The private-link services to create private DNS zones for. Defaults to every service this
   * library connects ({@link ALL_PRIVATE_LINK_SERVICES}).
   */
  readonly services?: readonly PrivateLinkService[];
  readonly tags?: Tags;
}

/** Default subnet ranges: the first three quarters of the address space. */
export function defaultSubnets(addressSpace: string): Record<SubnetRole, string> {
  const base = parseCidr(addressSpace);
  if (typeof base === "string") {
    throw new Error(`Networking: address space "${addressSpace}" is not valid: ${base}.`);
  }
  if (base.prefixLength > 24) {
    throw new Error(
      `Networking: address space "${addressSpace}" is too small for three subnets; use /24 or larger, or give the subnets.`,
    );
  }
  const quarter = base.prefixLength + 2;
  return {
    privateEndpoints: subdivide(base, quarter, 0),
    training: subdivide(base, quarter, 1),
    inference: subdivide(base, quarter, 2),
  };
}

/**
 * One region's network: a VNet with subnets for private endpoints, training compute and
 * inference, a network security group per subnet, and a private DNS zone per private-link
 * service, linked to this VNet only.
 *
 * Other components put their private endpoints here through {@link privateEndpointTarget} or
 * {@link addPrivateEndpoint}.
 */
export class Networking extends pulumi.ComponentResource {
  readonly location: string;
  readonly virtualNetworkId: pulumi.Output<string>;
  readonly virtualNetworkName: pulumi.Output<string>;
  /** Subnet IDs by role. */
  readonly subnetIds: Readonly<Record<SubnetRole, pulumi.Output<string>>>;
  /** Private DNS zone IDs by zone name. */
  readonly privateDnsZoneIds: Readonly<Record<string, pulumi.Output<string>>>;
  /** Where other components put their private endpoints in this region. */
  readonly privateEndpointTarget: PrivateEndpointTarget;
  private readonly tags?: Tags;
  private readonly resourceGroupName: pulumi.Input<string>;

  constructor(name: string, args: NetworkingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("aml-bcdr:index:Networking", name, {}, opts);

    const cloud = args.cloud ?? "AzureCloud";
    const subnets = { ...defaultSubnets(args.addressSpace), ...args.subnets };
    const tags = args.tags;
    this.tags = tags;
    this.resourceGroupName = args.resourceGroupName;
    this.location = args.location;

    const vnet = new network.VirtualNetwork(
      `${name}-vnet`,
      {
        virtualNetworkName: args.naming.plainName("virtualNetwork"),
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        addressSpace: { addressPrefixes: [args.addressSpace] },
        // No inline subnets: they are separate resources below, and leaving this out tells
        // Azure to keep them when the VNet is updated.
        tags,
      },
      { parent: this },
    );

    const subnetIds: Partial<Record<SubnetRole, pulumi.Output<string>>> = {};
    let previous: network.Subnet | undefined;
    for (const role of SUBNET_ROLES) {
      const nsg = new network.NetworkSecurityGroup(
        `${name}-nsg-${role}`,
        {
          networkSecurityGroupName: args.naming.plainName("networkSecurityGroup", kebab(role)),
          resourceGroupName: args.resourceGroupName,
          location: args.location,
          // Azure's default rules already deny inbound traffic from outside the VNet. The empty
          // list is stated so that a rule added by hand (say, "allow any inbound" in the portal)
          // shows up as drift and is removed by the next `pulumi up`, instead of being kept.
          securityRules: [],
          tags,
        },
        { parent: this },
      );
      const subnet: network.Subnet = new network.Subnet(
        `${name}-snet-${role}`,
        {
          subnetName: `snet-${kebab(role)}`,
          virtualNetworkName: vnet.name,
          resourceGroupName: args.resourceGroupName,
          addressPrefix: subnets[role],
          networkSecurityGroup: { id: nsg.id },
          privateEndpointNetworkPolicies: role === "privateEndpoints" ? "Enabled" : "Disabled",
        },
        // Azure refuses concurrent writes to subnets of one VNet (AnotherOperationInProgress),
        // so the subnets are created one after another.
        { parent: vnet, dependsOn: previous ? [previous] : [] },
      );
      subnetIds[role] = subnet.id;
      previous = subnet;
    }
    this.subnetIds = subnetIds as Record<SubnetRole, pulumi.Output<string>>;

    const zoneIds: Record<string, pulumi.Output<string>> = {};
    for (const zoneName of dnsZonesFor(cloud, args.services ?? ALL_PRIVATE_LINK_SERVICES)) {
      const zone = new privatedns.PrivateZone(
        `${name}-${zoneName}`,
        {
          privateZoneName: zoneName,
          resourceGroupName: args.resourceGroupName,
          location: "global",
          tags,
        },
        { parent: this },
      );
      new privatedns.VirtualNetworkLink(
        `${name}-${zoneName}-link`,
        {
          virtualNetworkLinkName: vnet.name,
          privateZoneName: zone.name,
          resourceGroupName: args.resourceGroupName,
          location: "global",
          virtualNetwork: { id: vnet.id },
          registrationEnabled: false,
          tags,
        },
        { parent: zone },
      );
      zoneIds[zoneName] = zone.id;
    }
    this.privateDnsZoneIds = zoneIds;

    this.virtualNetworkId = vnet.id;
    this.virtualNetworkName = vnet.name;
    this.privateEndpointTarget = {
      location: args.location,
      regionCode: args.naming.regionCode,
      cloud,
      resourceGroupName: args.resourceGroupName,
      subnetId: this.subnetIds.privateEndpoints,
      dnsZoneIds: zoneIds,
      namePrefix: args.naming.plainName("privateEndpoint"),
    };

    this.registerOutputs({
      virtualNetworkId: this.virtualNetworkId,
      subnetIds: this.subnetIds,
      privateDnsZoneIds: this.privateDnsZoneIds,
    });
  }

  /**
   * Peers this region's VNet with another (a hub, or the other region's VNet). Only this side
   * of the peering is created here; the remote side belongs to whoever owns that VNet, unless
   * `bothSides` is set and this program may write to it.
   */
  peerWith(
    name: string,
    args: {
      remoteVirtualNetworkId: pulumi.Input<string>;
      /** Use the remote VNet's VPN or ExpressRoute gateway (a hub's). Defaults to false. */
      useRemoteGateways?: boolean;
      /** Also create the remote side, named after this VNet. */
      bothSides?: boolean;
    },
  ): network.VirtualNetworkPeering[] {
    const local = new network.VirtualNetworkPeering(
      `${name}-peering`,
      {
        virtualNetworkPeeringName: name,
        virtualNetworkName: this.virtualNetworkName,
        resourceGroupName: this.resourceGroupName,
        remoteVirtualNetwork: { id: args.remoteVirtualNetworkId },
        allowVirtualNetworkAccess: true,
        allowForwardedTraffic: true,
        useRemoteGateways: args.useRemoteGateways ?? false,
      },
      { parent: this },
    );
    if (!args.bothSides) return [local];
    const remote = pulumi.output(args.remoteVirtualNetworkId).apply(parseVirtualNetworkId);
    const back = new network.VirtualNetworkPeering(
      `${name}-peering-back`,
      {
        virtualNetworkPeeringName: pulumi.interpolate`${this.virtualNetworkName}`,
        virtualNetworkName: remote.name,
        resourceGroupName: remote.resourceGroupName,
        remoteVirtualNetwork: { id: this.virtualNetworkId },
        allowVirtualNetworkAccess: true,
        allowForwardedTraffic: true,
      },
      { parent: this },
    );
    return [local, back];
  }

  /**
   * Puts a private endpoint for any resource into this region, registered in this region's
   * private DNS zones. Use it for shared resources that another stack owns.
   *
   * @param name Pulumi logical name of the endpoint.
   * @param label Short label for the endpoint's Azure name, e.g. `kv`.
   */
  addPrivateEndpoint(
    name: string,
    args: {
      resourceId: pulumi.Input<string>;
      service: PrivateLinkService;
      label: string;
      /** Defaults to the network's own tags. */
      tags?: Tags;
    },
    opts?: pulumi.CustomResourceOptions,
  ): PrivateEndpointResources {
    return createPrivateEndpoint(
      name,
      { tags: this.tags, ...args, target: this.privateEndpointTarget },
      { parent: this, ...opts },
    );
  }
}

/** The resource group and name of a VNet, from its ARM ID. */
export function parseVirtualNetworkId(id: string): { resourceGroupName: string; name: string } {
  const match =
    /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Network\/virtualNetworks\/([^/]+)$/i.exec(
      id,
    );
  if (!match) {
    throw new Error(`"${id}" is not a virtual network ID.`);
  }
  return { resourceGroupName: match[1], name: match[2] };
}

function kebab(role: string): string {
  return role.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
