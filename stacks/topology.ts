import { StackRole, Topology } from "./config";

/** The parts of the work that can run under different topologies. */
export const WORKLOADS = ["inference", "training"] as const;
export type Workload = (typeof WORKLOADS)[number];

/** What a region runs for one workload. */
export type Readiness =
  /** Everything, as the active region has it. */
  | "full"
  /** Resources exist but wait: clusters idle at zero nodes, endpoints on standby for traffic. */
  | "standby"
  /** Nothing until promotion. */
  | "none";

/** What each value of a topology means for the region that is not active. */
export const STANDBY_READINESS: Readonly<Record<Topology, Readiness>> = {
  "hot-hot": "full",
  "hot-warm": "standby",
  "hot-cold": "none",
};

/**
 * How a global entry point treats a region's deployed models: `primary` gets traffic first,
 * `secondary` only when the first is unhealthy, `none` has no origin.
 */
export type RoutingRank = "primary" | "secondary" | "none";

/** The decisions for one region, from its role, the active region and the topologies. */
export interface RegionPlan {
  readonly role: StackRole;
  /** Whether this region is the one users work in now. */
  readonly active: boolean;
  readonly training: Readiness;
  readonly inference: Readiness;
  /** Rank of this region's endpoints behind the global entry point. */
  readonly routing: RoutingRank;
}

/**
 * Decides what a region runs. The active region (the primary, until a failover promotes the
 * secondary) runs everything; the other runs what each workload's topology says.
 */
export function planRegion(args: {
  role: StackRole;
  activeRegion: StackRole;
  topologies: Readonly<Record<Workload, Topology>>;
}): RegionPlan {
  const active = args.role === args.activeRegion;
  const training = active ? "full" : STANDBY_READINESS[args.topologies.training];
  const inference = active ? "full" : STANDBY_READINESS[args.topologies.inference];
  const routing: RoutingRank =
    inference === "none"
      ? "none"
      : active || args.topologies.inference === "hot-hot"
        ? "primary"
        : "secondary";
  return { role: args.role, active, training, inference, routing };
}

/**
 * A difference between the two regions that is expected: a resource type present in one region
 * only (`path` undefined), or one property of it that differs.
 */
export interface ExpectedDifference {
  readonly type: string;
  /** Dotted input path, or undefined when the resource exists in one region only. */
  readonly path?: string;
  /** Only resources whose normalised logical name starts with this. */
  readonly name?: string;
  readonly reason: string;
}

const CLUSTER = "azure-native:machinelearningservices:Compute";
const TRAINING = "aml-bcdr:index:TrainingCompute";
const INFERENCE_TYPES = [
  "aml-bcdr:index:OnlineInference",
  "azure-native:machinelearningservices:OnlineEndpoint",
  "azure-native:machinelearningservices:OnlineDeployment",
  "random:index/randomString:RandomString",
];

/**
 * Resource types (or `type::name`) that only one role has: the primary owns the shared
 * resources, the secondary reads them and owns the global entry point. Their private endpoints are compared all the
 * same, since every region has one to each shared resource.
 */
export const ROLE_OWNED: Readonly<Record<StackRole, readonly string[]>> = {
  primary: [
    "aml-bcdr:index:SharedKeyVault",
    "aml-bcdr:index:GeoReplicatedAcr",
    "aml-bcdr:index:IsolatedDatastore",
    "aml-bcdr:index:SharedMlRegistry",
    "azure-native:keyvault:Key",
  ],
  secondary: [
    "aml-bcdr:index:GlobalEntryPoint",
    "pulumi:pulumi:StackReference",
    // The peering between the two regions is made, both sides, by the secondary.
    "azure-native:network:VirtualNetworkPeering::regions-peering",
    "azure-native:network:VirtualNetworkPeering::regions-peering-back",
  ],
};

/**
 * The differences the topologies explain between the primary's and the secondary's plans.
 * Shared with the parity check, so that code and check cannot disagree.
 */
export function expectedDifferences(
  primary: RegionPlan,
  secondary: RegionPlan,
): ExpectedDifference[] {
  const expected: ExpectedDifference[] = [];
  const why = (workload: string, a: Readiness, b: Readiness) =>
    `${workload}: the primary runs it ${a}, the secondary ${b}`;

  if (primary.training !== secondary.training) {
    const reason = why("training", primary.training, secondary.training);
    if (primary.training === "none" || secondary.training === "none") {
      expected.push({ type: CLUSTER, reason }, { type: TRAINING, reason });
    } else {
      expected.push({
        type: CLUSTER,
        path: "properties.properties.scaleSettings.minNodeCount",
        reason,
      });
    }
  }
  if (primary.inference !== secondary.inference) {
    const reason = why("inference", primary.inference, secondary.inference);
    if (primary.inference === "none" || secondary.inference === "none") {
      expected.push(
        ...INFERENCE_TYPES.map((type) =>
          type.startsWith("random:") ? { type, name: "inference-", reason } : { type, reason },
        ),
      );
    } else {
      expected.push({
        type: "azure-native:machinelearningservices:OnlineDeployment",
        path: "sku.capacity",
        reason,
      });
    }
  }
  return expected;
}
