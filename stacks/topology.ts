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
