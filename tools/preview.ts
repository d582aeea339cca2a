import { Plan, PlannedResource } from "./harness";

/** One step of `pulumi preview --json`: what would happen to one resource. */
export interface PreviewStep {
  readonly op: "create";
  readonly urn: string;
  readonly newState: {
    readonly type: string;
    readonly urn: string;
    readonly custom: boolean;
    readonly parent: string;
    readonly inputs: Record<string, unknown>;
    readonly dependencies: string[];
    readonly protect: boolean;
    readonly retainOnDelete: boolean;
    readonly provider: string;
  };
}

/** The document `pulumi preview --json` prints, for a stack with no state yet. */
export interface PreviewDocument {
  readonly steps: PreviewStep[];
  readonly changeSummary: { readonly create: number };
  readonly outputs: Record<string, unknown>;
}

/** Resources sorted by URN, so that the same program always gives the same bytes. */
export function sortedResources(plan: Plan): PlannedResource[] {
  return [...plan.resources].sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));
}

/** The plan in the shape of `pulumi preview --json`. */
export function toPreviewDocument(plan: Plan): PreviewDocument {
  const steps = sortedResources(plan).map((r): PreviewStep => ({
    op: "create",
    urn: r.urn,
    newState: {
      type: r.type,
      urn: r.urn,
      custom: r.custom,
      parent: r.parent,
      inputs: r.inputs,
      dependencies: r.dependencies,
      protect: r.protect,
      retainOnDelete: r.retainOnDelete,
      provider: r.provider,
    },
  }));
  return { steps, changeSummary: { create: steps.length }, outputs: plan.outputs };
}

/** The plan as the resource tree `pulumi preview` prints. */
export function renderTree(plan: Plan): string {
  const byParent = new Map<string, PlannedResource[]>();
  for (const r of plan.resources) {
    const siblings = byParent.get(r.parent) ?? [];
    siblings.push(r);
    byParent.set(r.parent, siblings);
  }
  for (const siblings of byParent.values()) {
    siblings.sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name));
  }

  const rows: [string, string, string][] = [];
  const walk = (urn: string, indent: string) => {
    const children = byParent.get(urn) ?? [];
    children.forEach((child, i) => {
      const last = i === children.length - 1;
      const branch = urn === "" ? "" : `${indent}${last ? "└─ " : "├─ "}`;
      rows.push([
        `${branch}${child.type}`,
        child.name,
        child.protect ? "create (protected)" : "create",
      ]);
      walk(child.urn, urn === "" ? "" : `${indent}${last ? "   " : "│  "}`);
    });
  };
  walk("", "");

  const typeWidth = Math.max(4, ...rows.map((r) => [...r[0]].length)) + 2;
  const nameWidth = Math.max(4, ...rows.map((r) => r[1].length)) + 2;
  const pad = (s: string, w: number) => s + " ".repeat(Math.max(0, w - [...s].length));
  const lines = [
    `Previewing update (${plan.stack}), offline under Pulumi's mock runtime:`,
    "",
    `     ${pad("Type", typeWidth)}${pad("Name", nameWidth)}Plan`,
    ...rows.map(([type, name, op]) => ` +   ${pad(type, typeWidth)}${pad(name, nameWidth)}${op}`),
    "",
    "Outputs:",
    ...Object.entries(plan.outputs).map(([k, v]) => `    ${k}: ${JSON.stringify(v)}`),
    "",
    "Resources:",
    `    + ${plan.resources.length} to create`,
    `    ${plan.resources.filter((r) => r.protect).length} of them protected against deletion`,
  ];
  for (const warning of plan.warnings) {
    lines.push("", `warning: ${warning}`);
  }
  return lines.join("\n");
}
