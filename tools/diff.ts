import { PlannedResource } from "./harness";

/** One property that differs between two versions of a resource. */
export interface PropertyChange {
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
}

/** What happens to one resource between two plans. */
export interface ResourceChange {
  readonly op: "create" | "delete" | "update";
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly changes: readonly PropertyChange[];
}

/** The fields of a planned resource that a change to is a change to the deployment. */
function comparable(r: PlannedResource): Record<string, unknown> {
  return {
    inputs: r.inputs,
    protect: r.protect,
    retainOnDelete: r.retainOnDelete,
    parent: r.parent,
    dependencies: r.dependencies,
  };
}

/** Every path at which two JSON values differ, `a.b[2].c` style. */
export function propertyChanges(before: unknown, after: unknown, path = ""): PropertyChange[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  const isObject = (v: unknown) => v !== null && typeof v === "object" && !Array.isArray(v);
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    return before.flatMap((b, i) => propertyChanges(b, after[i], `${path}[${i}]`));
  }
  if (isObject(before) && isObject(after)) {
    const a = before as Record<string, unknown>;
    const b = after as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => propertyChanges(a[k], b[k], path ? `${path}.${k}` : k));
  }
  return [{ path: path || "(value)", before, after }];
}

/** The changes that turn plan `before` into plan `after`, by URN, sorted. */
export function diffPlans(
  before: readonly PlannedResource[],
  after: readonly PlannedResource[],
): ResourceChange[] {
  const old = new Map(before.map((r) => [r.urn, r]));
  const now = new Map(after.map((r) => [r.urn, r]));
  const changes: ResourceChange[] = [];
  for (const [urn, r] of now) {
    const prior = old.get(urn);
    if (!prior) {
      changes.push({ op: "create", urn, type: r.type, name: r.name, changes: [] });
      continue;
    }
    const diff = propertyChanges(comparable(prior), comparable(r));
    if (diff.length > 0)
      changes.push({ op: "update", urn, type: r.type, name: r.name, changes: diff });
  }
  for (const [urn, r] of old) {
    if (!now.has(urn)) changes.push({ op: "delete", urn, type: r.type, name: r.name, changes: [] });
  }
  return changes.sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));
}

const SYMBOL = { create: "+", delete: "-", update: "~" } as const;

/** Renders changes the way `pulumi preview --diff` summarises them. */
export function renderChanges(changes: readonly ResourceChange[]): string {
  if (changes.length === 0) return "    (no changes)";
  const short = (v: unknown) => {
    const text = JSON.stringify(v) ?? "undefined";
    return text.length > 90 ? `${text.slice(0, 87)}...` : text;
  };
  const lines: string[] = [];
  for (const c of changes) {
    lines.push(`  ${SYMBOL[c.op]} ${c.type}  ${c.name}`);
    for (const p of c.changes) {
      lines.push(`        ${p.path}: ${short(p.before)} => ${short(p.after)}`);
    }
  }
  const count = (op: ResourceChange["op"]) => changes.filter((c) => c.op === op).length;
  lines.push(
    "",
    `  ${count("create")} to create, ${count("update")} to update, ${count("delete")} to delete`,
  );
  return lines.join("\n");
}
