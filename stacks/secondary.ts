import * as pulumi from "@pulumi/pulumi";
import { EntryPointOrigin, GlobalEntryPoint } from "../components/globalEntryPoint";
import { DatastoreAttachment } from "../components/isolatedDatastore";
import { ServingEndpoint } from "../components/onlineInference";
import { cidrsOverlap, parseCidr } from "../components/cidr";
import { StackConfig } from "./config";
import {
  connectRegionToShared,
  createRegionFoundation,
  OptionalSharedResources,
  createRegionWorkloads,
  createRegionWorkspace,
  RegionFoundation,
  regionOutputs,
  regionPlan,
  SharedResources,
  workloadOutputs,
} from "./region";
import { planRegion, RegionPlan, RoutingRank } from "./topology";

/** Outputs of the primary stack that the secondary reads, by the config key that replaces each. */
const SHARED_OUTPUTS: readonly [keyof SharedResources, string][] = [
  ["keyVaultId", "sharedKeyVaultId"],
  ["registryId", "sharedRegistryId"],
  ["dataAccountId", "sharedDataAccountId"],
  ["dataContainerName", "sharedDataContainerName"],
];

/** What the secondary reads of the primary. */
export interface PrimaryView extends SharedResources, OptionalSharedResources {
  /** The primary's VNet, for peering the regions. */
  readonly virtualNetworkId?: string;
  /** Host names of the primary's deployed models, when its stack is readable. */
  readonly endpointHosts: Readonly<Record<string, string>>;
  /** Redundancy of the training data (`RAGZRS` and `RAGRS` have a readable secondary). */
  readonly dataRedundancy?: string;
}

/**
 * The shared resource IDs: from config where given (so the secondary can be managed while the
 * primary's state is out of reach), else from the primary stack's outputs. They are read before
 * any resource is registered, so a missing output stops the run before anything changes.
 */
export async function readPrimary(config: StackConfig): Promise<PrimaryView> {
  let reference: pulumi.StackReference | undefined;
  const read = async (output: string) => {
    reference ??= new pulumi.StackReference("primary", { name: config.primaryStack });
    const { value, secretValue } = await reference.getOutputDetails(output);
    return value ?? secretValue;
  };

  const ids: Partial<Record<keyof SharedResources, string>> = {};
  for (const [output, key] of SHARED_OUTPUTS) {
    const found = config.shared[output] ?? (await read(output));
    if (typeof found !== "string" || found === "") {
      throw new pulumi.RunError(
        `The primary stack "${config.primaryStack}" has no output "${output}". Deploy the ` +
          `primary first (pulumi up -s primary), or give the ID in aml-bcdr:${key}.`,
      );
    }
    ids[output] = found;
  }
  const optional = async (output: string) => {
    const value = reference ? await read(output) : undefined;
    return typeof value === "string" && value !== "" ? value : undefined;
  };
  const hosts = reference ? await read("onlineEndpointHosts") : undefined;
  const view: PrimaryView = {
    ...(ids as SharedResources),
    endpointHosts: (hosts ?? {}) as Record<string, string>,
    dataRedundancy: await optional("dataRedundancy"),
    mlRegistryId: config.mlRegistry ? await optional("mlRegistryId") : undefined,
    customerManagedKeyUri: await optional("customerManagedKeyUri"),
    virtualNetworkId: config.peerRegions ? await optional("virtualNetworkId") : undefined,
  };
  if (view.customerManagedKeyUri !== undefined && !config.customerManagedKey) {
    throw new pulumi.RunError(
      `The primary stack "${config.primaryStack}" encrypts its workspace with a customer-managed ` +
        `key, but this stack does not: set aml-bcdr:customerManagedKey true here too (it is ` +
        `fixed when the workspace is created).`,
    );
  }
  const missing = (
    [
      [
        config.customerManagedKey,
        view.customerManagedKeyUri,
        "customerManagedKeyUri",
        "customerManagedKey",
      ],
      [config.peerRegions, view.virtualNetworkId, "virtualNetworkId", "peerRegions"],
    ] as const
  ).filter(([wanted, value]) => wanted && value === undefined);
  for (const [, , output, key] of missing) {
    throw new pulumi.RunError(
      `aml-bcdr:${key} is set on the secondary, but the primary stack "${config.primaryStack}" ` +
        `has no output "${output}": set ${key} on the primary and deploy it first.`,
    );
  }
  if (reference)
    checkAgainstPrimary(
      config,
      await read("location"),
      await read("addressSpace"),
      await read("replicaLocations"),
      view,
    );
  if (config.mlRegistry && view.mlRegistryId === undefined) {
    pulumi.log.warn(
      `The primary stack "${config.primaryStack}" has no Azure ML registry (output mlRegistryId); ` +
        `the secondary's workspace is not wired to one.`,
    );
  }
  return view;
}

/**
 * The secondary stack: its own network and workspace, wired to the primary's shared Key Vault,
 * registry and training data through private endpoints in this region; the workloads its
 * topology calls for; and the global entry point in front of both regions' deployed models.
 */
export async function deploySecondary(config: StackConfig) {
  const primary = await readPrimary(config);
  const foundation = createRegionFoundation(config);
  const { networking, resourceGroup } = foundation;

  // The shared resources belong to the primary stack; this region adds its own endpoints, in
  // its own DNS zones, so that each region resolves them to its own private address. The names
  // are those the primary's components give their endpoints, so parity compares them.
  networking.addPrivateEndpoint(`key-vault-pe-${config.location}`, {
    resourceId: primary.keyVaultId,
    service: "vault",
    label: "kv",
  });
  networking.addPrivateEndpoint(`registry-pe-${config.location}`, {
    resourceId: primary.registryId,
    service: "registry",
    label: "acr",
  });
  networking.addPrivateEndpoint(`training-data-pe-blob-${config.location}`, {
    resourceId: primary.dataAccountId,
    service: "blob",
    label: "dt-blob",
  });

  if (primary.dataRedundancy?.startsWith("RA")) {
    // Read access to the geo-secondary copy needs its own endpoint, as in the primary region.
    networking.addPrivateEndpoint(`training-data-pe-blob-secondary-${config.location}`, {
      resourceId: primary.dataAccountId,
      service: "blob_secondary",
      label: "dt-blob-secondary",
    });
  }

  if (primary.mlRegistryId) {
    networking.addPrivateEndpoint(`ml-registry-pe-${config.location}`, {
      resourceId: primary.mlRegistryId,
      service: "amlregistry",
      label: "mlr",
    });
  }
  if (primary.virtualNetworkId) {
    // Both sides of the peering come from this stack, so that it works while only the
    // secondary can be deployed.
    networking.peerWith("regions", {
      remoteVirtualNetworkId: primary.virtualNetworkId,
      bothSides: true,
    });
  }

  const plan = regionPlan(config);
  const workspace = createRegionWorkspace(config, foundation, primary);
  // Named like the primary's own attachment, so the two regions compare one to one.
  const datastore = new DatastoreAttachment(`training-data-${config.location}`, {
    accountId: primary.dataAccountId,
    containerName: primary.dataContainerName,
    cloud: config.cloud,
    protectData: config.protectData,
    workspace: {
      location: config.location,
      workspaceName: workspace.workspaceName,
      resourceGroupName: resourceGroup.name,
      principalId: workspace.principalId,
    },
  });
  connectRegionToShared(config, workspace, primary, datastore);
  const { endpoints } = createRegionWorkloads(config, foundation, workspace, plan);
  const entryPoint = createEntryPoint(config, foundation, plan, endpoints, primary);

  return {
    ...regionOutputs(config, foundation, workspace, primary),
    ...workloadOutputs(plan, endpoints),
    globalEndpointHosts: entryPoint?.hostNames ?? {},
    primaryStack: config.primaryStack,
    primaryLocation: config.primaryLocation,
  };
}

/**
 * The global entry point lives with the secondary: during a primary outage, that is the stack
 * that can still be updated, and promotion changes its origins in the same `pulumi up`.
 */
function createEntryPoint(
  config: StackConfig,
  foundation: RegionFoundation,
  plan: RegionPlan,
  endpoints: readonly ServingEndpoint[],
  primary: PrimaryView,
): GlobalEntryPoint | undefined {
  if (config.onlineEndpoints.length === 0) return undefined;
  const primaryPlan = planRegion({
    role: "primary",
    activeRegion: config.activeRegion,
    topologies: config.topologies,
  });

  const routes = config.onlineEndpoints.map((spec) => {
    const origins: EntryPointOrigin[] = [];
    const primaryHost = primary.endpointHosts[spec.name];
    if (primaryPlan.routing !== "none" && primaryHost) {
      origins.push({
        location: config.primaryLocation ?? "primary",
        host: primaryHost,
        priority: priority(primaryPlan.routing),
      });
    } else if (primaryPlan.routing !== "none") {
      pulumi.log.warn(
        `The primary stack has no host for endpoint "${spec.name}"; the global entry point ` +
          `routes it to ${config.location} only until the primary deploys it.`,
      );
    }
    const own = endpoints.find((e) => e.name === spec.name);
    if (own && plan.routing !== "none") {
      origins.push({ location: config.location, host: own.host, priority: priority(plan.routing) });
    }
    return { name: spec.name, healthProbePath: spec.healthProbePath ?? "/", origins };
  });

  const usable = routes.filter((route) => route.origins.length > 0);
  if (usable.length === 0) return undefined;
  return new GlobalEntryPoint("entry-point", {
    resourceGroupName: foundation.resourceGroup.name,
    profileName: foundation.naming.name("frontDoorProfile"),
    routes: usable,
    tags: config.tags,
  });
}

function priority(rank: RoutingRank): 1 | 2 {
  return rank === "primary" ? 1 : 2;
}

/**
 * The secondary's view of the primary must match what the primary deployed: its region, its
 * address space, a registry replica here, and the same customer-managed key setting.
 */
function checkAgainstPrimary(
  config: StackConfig,
  location: unknown,
  addressSpace: unknown,
  replicaLocations: unknown,
  view: PrimaryView,
) {
  const problems: string[] = [];
  if (typeof location === "string" && location !== config.primaryLocation) {
    problems.push(
      `aml-bcdr:primaryLocation is ${config.primaryLocation}, but the primary is deployed in ${location}: set primaryLocation to ${location}.`,
    );
  }
  if (typeof addressSpace === "string") {
    const theirs = parseCidr(addressSpace);
    const ours = parseCidr(config.addressSpace);
    if (typeof theirs !== "string" && typeof ours !== "string" && cidrsOverlap(theirs, ours)) {
      problems.push(
        `aml-bcdr:addressSpace ${config.addressSpace} overlaps the primary's deployed address space ${addressSpace}: give the secondary its own range.`,
      );
    }
  }
  if (Array.isArray(replicaLocations) && !replicaLocations.includes(config.location)) {
    problems.push(
      `The primary's registry has no replica in ${config.location} (replicas: ${replicaLocations.join(", ") || "none"}): add ${config.location} to aml-bcdr:secondaryLocations of the primary and deploy it first.`,
    );
  }
  if (problems.length > 0) {
    throw new pulumi.RunError(
      `Stack "${config.stack}" does not match the primary stack "${config.primaryStack}":\n  ${problems.join("\n  ")}`,
    );
  }
}
