import * as pulumi from "@pulumi/pulumi";
import * as machinelearningservices from "@pulumi/azure-native/machinelearningservices";
import { Tags } from "./types";

/** One AML compute cluster, as configured. */
export interface ComputeClusterSpec {
  /** Compute name in the workspace: 3-24 letters, digits and hyphens, starting with a letter. */
  readonly name: string;
  /** VM size, e.g. `Standard_DS3_v2`. Quota for it must exist in the region. */
  readonly vmSize: string;
  /** Nodes kept running when idle. Defaults to 0, so an idle cluster costs nothing. */
  readonly minNodes?: number;
  readonly maxNodes: number;
  /** Seconds a node idles before it is released. Defaults to 1800. */
  readonly idleSecondsBeforeScaleDown?: number;
  /** `Dedicated` (the default) or `LowPriority`. */
  readonly priority?: "Dedicated" | "LowPriority";
}

/** Arguments for {@link TrainingCompute}. */
export interface TrainingComputeArgs {
  readonly location: string;
  readonly resourceGroupName: pulumi.Input<string>;
  readonly workspaceName: pulumi.Input<string>;
  /** The workspace's user-assigned identity, which already has the data and registry roles. */
  readonly identityId: pulumi.Input<string>;
  /** The region's training subnet. */
  readonly subnetId: pulumi.Input<string>;
  readonly clusters: readonly ComputeClusterSpec[];
  /**
   * An existing Kubernetes cluster (AKS or Arc-enabled) to attach as compute. The cluster
   * needs the Azure ML extension installed first.
   * See https://learn.microsoft.com/azure/machine-learning/how-to-attach-kubernetes-anywhere
   */
  readonly kubernetes?: {
    readonly name: string;
    readonly resourceId: string;
    readonly namespace: string;
  };
  readonly tags?: Tags;
}

/**
 * A region's AML compute clusters: in the training subnet, without public IPs or public SSH,
 * running as the workspace's identity. Scale settings change in place.
 */
export class TrainingCompute extends pulumi.ComponentResource {
  /** Compute names by configured cluster name. */
  readonly clusterNames: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: TrainingComputeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("aml-bcdr:index:TrainingCompute", name, {}, opts);

    const names: Record<string, pulumi.Output<string>> = {};
    for (const cluster of args.clusters) {
      const compute = new machinelearningservices.Compute(
        `${name}-${cluster.name}`,
        {
          computeName: cluster.name,
          workspaceName: args.workspaceName,
          resourceGroupName: args.resourceGroupName,
          location: args.location,
          identity: { type: "UserAssigned", userAssignedIdentities: [args.identityId] },
          properties: {
            computeType: "AmlCompute",
            properties: {
              vmSize: cluster.vmSize,
              vmPriority: cluster.priority ?? "Dedicated",
              osType: "Linux",
              scaleSettings: {
                minNodeCount: cluster.minNodes ?? 0,
                maxNodeCount: cluster.maxNodes,
                nodeIdleTimeBeforeScaleDown: `PT${cluster.idleSecondsBeforeScaleDown ?? 1800}S`,
              },
              subnet: { id: args.subnetId },
              enableNodePublicIp: false,
              remoteLoginPortPublicAccess: "Disabled",
            },
          },
          tags: args.tags,
        },
        { parent: this },
      );
      names[cluster.name] = compute.name;
    }
    if (args.kubernetes) {
      const attached = new machinelearningservices.Compute(
        `${name}-${args.kubernetes.name}`,
        {
          computeName: args.kubernetes.name,
          workspaceName: args.workspaceName,
          resourceGroupName: args.resourceGroupName,
          location: args.location,
          identity: { type: "UserAssigned", userAssignedIdentities: [args.identityId] },
          properties: {
            computeType: "Kubernetes",
            resourceId: args.kubernetes.resourceId,
            properties: { namespace: args.kubernetes.namespace },
          },
          tags: args.tags,
        },
        { parent: this },
      );
      names[args.kubernetes.name] = attached.name;
    }
    this.clusterNames = names;
    this.registerOutputs({ clusterNames: this.clusterNames });
  }
}
