import { PlannedResource } from "../harness";

/** What the graph analysis reads of a planned resource. */
export type GraphResource = Pick<
  PlannedResource,
  "urn" | "type" | "name" | "custom" | "parent" | "dependencies" | "propertyDependencies"
>;

/** A resource on a chain, by URN, logical name and type. */
export interface ChainLink {
  readonly urn: string;
  readonly name: string;
  readonly type: string;
}

/** A dependency edge: `dependent` waits for `dependency`. */
export interface ChainEdge {
  readonly dependency: ChainLink;
  readonly dependent: ChainLink;
}

/** The shape of one stack's resource graph. */
export interface GraphReport {
  /** Every registered resource, the stack and components included. */
  readonly resources: number;
  /** Resources that exist in Azure (custom resources): the nodes of the chains below. */
  readonly customResources: number;
  /**
   * The longest chain of `dependencies` between custom resources, first-created first: how many
   * resources Pulumi must create one after another, however much it runs in parallel.
   */
  readonly criticalPath: readonly ChainLink[];
  /**
   * The longest chain when only data dependencies count (an input made from another resource's
   * output): the order Azure itself requires. Dropping every dependsOn-only edge leaves this.
   */
  readonly requiredChain: readonly ChainLink[];
  /** Edges of the critical path that come from `dependsOn` alone, in chain order. */
  readonly dependsOnOnlyEdges: readonly ChainEdge[];
}

const STACK_TYPE = "pulumi:pulumi:Stack";

/**
 * Finds the critical path and the required chain of a plan.
 *
 * A URN that names a component stands for the custom resources it holds, reached through nested
 * components but not through a custom resource's own children: the Pulumi SDK expands
 * `dependsOn: component` the same way. The stack itself is ignored, and so are URNs of
 * resources outside the plan. Among chains of equal length the one with the fewest dependsOn-only
 * edges is reported, so an edge is listed only when no chain as long does without it.
 */
export function analyzeGraph(resources: readonly GraphResource[]): GraphReport {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const children = new Map<string, GraphResource[]>();
  for (const r of resources) {
    const siblings = children.get(r.parent) ?? [];
    siblings.push(r);
    children.set(r.parent, siblings);
  }

  const expand = (urn: string, into: Set<string>) => {
    const r = byUrn.get(urn);
    if (!r || r.type === STACK_TYPE) return;
    if (r.custom) {
      into.add(urn);
      return;
    }
    for (const child of children.get(urn) ?? []) expand(child.urn, into);
  };

  const nodes = resources.filter((r) => r.custom && r.type !== STACK_TYPE);
  const all = new Map<string, Set<string>>();
  const data = new Map<string, Set<string>>();
  for (const r of nodes) {
    const allDeps = new Set<string>();
    const dataDeps = new Set<string>();
    for (const urn of r.dependencies) expand(urn, allDeps);
    for (const urns of Object.values(r.propertyDependencies)) {
      for (const urn of urns) expand(urn, dataDeps);
    }
    // Pulumi adds every data dependency to `dependencies`; the union keeps a hand-made or
    // partial plan from losing one.
    for (const urn of dataDeps) allDeps.add(urn);
    allDeps.delete(r.urn);
    dataDeps.delete(r.urn);
    all.set(r.urn, allDeps);
    data.set(r.urn, dataDeps);
  }

  const isDependsOnOnly = (dependent: string, dependency: string) =>
    !(data.get(dependent) as Set<string>).has(dependency);
  const critical = longestChain(nodes, all, isDependsOnOnly);
  const required = longestChain(nodes, data, () => false);

  const link = (urn: string): ChainLink => {
    const r = byUrn.get(urn) as GraphResource;
    return { urn, name: r.name, type: r.type };
  };
  const dependsOnOnlyEdges: ChainEdge[] = [];
  for (let i = 1; i < critical.length; i++) {
    if (isDependsOnOnly(critical[i], critical[i - 1])) {
      dependsOnOnlyEdges.push({ dependency: link(critical[i - 1]), dependent: link(critical[i]) });
    }
  }
  return {
    resources: resources.length,
    customResources: nodes.length,
    criticalPath: critical.map(link),
    requiredChain: required.map(link),
    dependsOnOnlyEdges,
  };
}

interface Best {
  /** Resources on the longest chain that ends here, this one included. */
  readonly length: number;
  /** DependsOn-only edges on that chain. */
  readonly penalty: number;
  readonly previous?: string;
}

function better(a: Best, b: Best): boolean {
  return a.length > b.length || (a.length === b.length && a.penalty < b.penalty);
}

/** The longest chain of `edges` (dependent → its dependencies), first resource first. */
function longestChain(
  nodes: readonly GraphResource[],
  edges: ReadonlyMap<string, ReadonlySet<string>>,
  penalty: (dependent: string, dependency: string) => boolean,
): string[] {
  const best = new Map<string, Best>();
  const visiting = new Set<string>();
  const visit = (urn: string): Best => {
    const known = best.get(urn);
    if (known) return known;
    if (visiting.has(urn)) {
      throw new Error(`The dependency graph has a cycle through ${urn}.`);
    }
    visiting.add(urn);
    let result: Best = { length: 1, penalty: 0 };
    for (const dependency of [...(edges.get(urn) ?? [])].sort()) {
      const before = visit(dependency);
      const candidate: Best = {
        length: before.length + 1,
        penalty: before.penalty + (penalty(urn, dependency) ? 1 : 0),
        previous: dependency,
      };
      if (better(candidate, result)) result = candidate;
    }
    visiting.delete(urn);
    best.set(urn, result);
    return result;
  };

  let end: string | undefined;
  for (const node of nodes) {
    if (end === undefined || better(visit(node.urn), visit(end))) end = node.urn;
  }
  const chain: string[] = [];
  for (let at = end; at !== undefined; at = best.get(at)?.previous) chain.push(at);
  return chain.reverse();
}
