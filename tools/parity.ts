import { findRegion } from "../components/regions";
import {
  expectedDifferences,
  ExpectedDifference,
  RegionPlan,
  ROLE_OWNED,
} from "../stacks/topology";
import { parseFlags, runCli, takeRepeated } from "./cli";
import { propertyChanges } from "./diff";
import {
  applyOverrides,
  Plan,
  PlannedResource,
  planStack,
  readProject,
  readStackConfig,
} from "./harness";

/** One difference between the regions, and what explains it, if anything. */
export interface ParityDifference {
  readonly type: string;
  /** The logical name with region-specific parts replaced, the same in both regions. */
  readonly name: string;
  readonly kind: "only-in-primary" | "only-in-secondary" | "property";
  readonly path?: string;
  readonly primary?: unknown;
  readonly secondary?: unknown;
  /** Why the difference is expected; undefined when nothing explains it. */
  readonly explanation?: string;
}

/** The result of comparing the two regions. */
export interface ParityReport {
  readonly differences: ParityDifference[];
  readonly unexplained: ParityDifference[];
  readonly compared: number;
}

/**
 * Every (from, to) replacement that makes one region's values comparable with the other's.
 * The secondary also gets the primary's: it refers to the shared resources by the primary's
 * names, which must read the same as the primary's own references.
 */
function normalizer(plan: Plan, also?: Plan): (value: string) => string {
  const pairs = [...replacements(plan), ...(also ? replacements(also) : [])];
  pairs.sort((a, b) => b[0].length - a[0].length);
  return (value) => pairs.reduce((v, [from, to]) => v.split(from).join(to), value);
}

function replacements(plan: Plan): [string, string][] {
  const location = String(plan.outputs.location);
  const code = findRegion(location)?.shortCode ?? location;
  const rg = String(plan.outputs.resourceGroupName);
  const prefix = rg.split("-")[0];
  const pairs: [string, string][] = [
    [rg, "<resource-group>"],
    [location, "<location>"],
    [`${prefix}${code}`, `${prefix}<region>`],
    [`-${code}-`, "-<region>-"],
    [String(plan.outputs.addressSpace), "<address-space>"],
  ];
  for (const r of plan.resources) {
    if (
      r.type === "random:index/randomString:RandomString" &&
      typeof r.outputs.result === "string"
    ) {
      pairs.push([r.outputs.result, `<random:${r.name}>`]);
    }
    if (r.type === "azure-native:network:Subnet") {
      pairs.push([String(r.inputs.addressPrefix), `<subnet:${r.inputs.subnetName}>`]);
    }
    if (r.type === "azure-native:managedidentity:UserAssignedIdentity") {
      pairs.push([String(r.outputs.principalId), `<principal:${r.name}>`]);
      pairs.push([String(r.outputs.clientId), `<client:${r.name}>`]);
    }
  }
  return pairs;
}

function normalize(value: unknown, fn: (s: string) => string): unknown {
  if (typeof value === "string") return fn(value);
  if (Array.isArray(value)) return value.map((v) => normalize(v, fn));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalize(v, fn)]));
  }
  return value;
}

/** Resources that both regions should have, by type and normalised name. */
function comparable(
  plan: Plan,
  role: "primary" | "secondary",
  fn: (value: string) => string,
): Map<string, PlannedResource> {
  const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
  const ancestors = (r: PlannedResource): PlannedResource[] => {
    const chain: PlannedResource[] = [];
    for (let p = byUrn.get(r.parent); p; p = byUrn.get(p.parent)) chain.push(p);
    return chain;
  };
  const result = new Map<string, PlannedResource>();
  for (const r of plan.resources) {
    if (r.type === "pulumi:pulumi:Stack") continue;
    const lineage = [r, ...ancestors(r)];
    const attached = lineage.some((a) => a.type === "aml-bcdr:index:DatastoreAttachment");
    const endpoint =
      r.type.startsWith("azure-native:network:PrivateEndpoint") ||
      r.type === "azure-native:network:PrivateDnsZoneGroup";
    const owned = lineage.some(
      (a) => ROLE_OWNED[role].includes(a.type) || ROLE_OWNED[role].includes(`${a.type}::${a.name}`),
    );
    if (owned && !attached && !endpoint) continue;
    const name = fn(r.name);
    result.set(`${r.type}::${name}`, {
      ...r,
      name,
      inputs: normalize(r.inputs, fn) as Record<string, unknown>,
    });
  }
  return result;
}

function explain(
  diff: Omit<ParityDifference, "explanation">,
  expected: readonly ExpectedDifference[],
  overrides: Readonly<Record<"primary" | "secondary", Record<string, Record<string, unknown>>>>,
): string | undefined {
  const rule = expected.find(
    (e) =>
      e.type === diff.type &&
      (e.name === undefined || diff.name.startsWith(e.name)) &&
      (e.path === undefined ? diff.kind !== "property" : diff.path === `inputs.${e.path}`),
  );
  if (rule) return `topology (${rule.reason})`;
  if (diff.type === "azure-native:machinelearningservices:Compute" && diff.kind === "property") {
    const fields: Record<string, string> = {
      "inputs.properties.properties.vmSize": "vmSize",
      "inputs.properties.properties.scaleSettings.maxNodeCount": "maxNodes",
      "inputs.properties.properties.scaleSettings.minNodeCount": "minNodes",
    };
    const field = fields[diff.path ?? ""];
    for (const role of ["primary", "secondary"] as const) {
      for (const [cluster, o] of Object.entries(overrides[role])) {
        if (field && diff.name.endsWith(`-${cluster}`) && field in o) {
          return `per-region override (${role} computeOverrides.${cluster}.${field})`;
        }
      }
    }
  }
  return undefined;
}

function computeOverrides(stack: string, overrides: readonly string[]) {
  const project = readProject().name;
  const config = applyOverrides(readStackConfig(stack), overrides, project);
  const raw = config[`${project}:computeOverrides`];
  return raw ? (JSON.parse(raw) as Record<string, Record<string, unknown>>) : {};
}

/** Previews both stacks and compares them resource by resource. */
export async function compareRegions(
  options: { primaryOverrides?: readonly string[]; secondaryOverrides?: readonly string[] } = {},
): Promise<ParityReport> {
  const primaryOverrides = options.primaryOverrides ?? [];
  const secondaryOverrides = options.secondaryOverrides ?? [];
  const primary = await planStack("primary", { overrides: primaryOverrides });
  const secondary = await planStack("secondary", {
    overrides: secondaryOverrides,
    primaryOverrides,
  });
  const expected = expectedDifferences(
    primary.outputs.regionPlan as RegionPlan,
    secondary.outputs.regionPlan as RegionPlan,
  );
  const differences: ParityDifference[] = [];
  const overrides = {
    primary: computeOverrides("primary", primaryOverrides),
    secondary: computeOverrides("secondary", secondaryOverrides),
  };

  // Both stacks must agree on what is active and on each workload's topology, or the plans
  // above are each consistent but describe two different deployments.
  for (const setting of ["activeRegion", "topologies"]) {
    const mine = primary.outputs[setting];
    const theirs = secondary.outputs[setting];
    if (JSON.stringify(mine) !== JSON.stringify(theirs)) {
      differences.push({
        type: "stack settings",
        name: setting,
        kind: "property",
        path: setting,
        primary: mine,
        secondary: theirs,
      });
    }
  }
  const a = comparable(primary, "primary", normalizer(primary));
  const b = comparable(secondary, "secondary", normalizer(secondary, primary));
  const add = (d: Omit<ParityDifference, "explanation">) =>
    differences.push({ ...d, explanation: explain(d, expected, overrides) });
  for (const [key, r] of a) {
    const other = b.get(key);
    if (!other) {
      add({ type: r.type, name: r.name, kind: "only-in-primary" });
      continue;
    }
    const changes = propertyChanges(
      { inputs: r.inputs, protect: r.protect },
      { inputs: other.inputs, protect: other.protect },
    );
    for (const c of changes) {
      add({
        type: r.type,
        name: r.name,
        kind: "property",
        path: c.path,
        primary: c.before,
        secondary: c.after,
      });
    }
  }
  for (const [key, r] of b) {
    if (!a.has(key)) add({ type: r.type, name: r.name, kind: "only-in-secondary" });
  }
  return {
    differences,
    unexplained: differences.filter((d) => d.explanation === undefined),
    compared: [...a.keys()].filter((k) => b.has(k)).length,
  };
}

/** The report as people read it. */
export function renderParity(report: ParityReport): string {
  const line = (d: ParityDifference) => {
    const where =
      d.kind === "property"
        ? `${d.path}: primary ${JSON.stringify(d.primary)}, secondary ${JSON.stringify(d.secondary)}`
        : d.kind === "only-in-primary"
          ? "exists in the primary only"
          : "exists in the secondary only";
    return `  ${d.type}  ${d.name}\n      ${where}${d.explanation ? `\n      expected: ${d.explanation}` : ""}`;
  };
  const explained = report.differences.filter((d) => d.explanation !== undefined);
  return [
    `Compared ${report.compared} resources present in both regions.`,
    "",
    report.unexplained.length
      ? `Unexplained differences (${report.unexplained.length}):\n${report.unexplained.map(line).join("\n")}`
      : "No unexplained differences: the regions are in parity.",
    "",
    explained.length
      ? `Expected differences (${explained.length}):\n${explained.map(line).join("\n")}`
      : "No expected differences.",
  ].join("\n");
}

const USAGE = `Usage: npm run parity [-- --primary-config key=value ... --secondary-config key=value ...]

Previews both stacks offline and compares them resource by resource, after removing what must
differ between regions (location, names, address spaces). Exits 1 on any difference that
neither the topology nor a per-region override (computeOverrides) explains.`;

if (require.main === module) {
  runCli(async () => {
    const [primaryOverrides, argv] = takeRepeated(process.argv.slice(2), "primary-config");
    const [secondaryOverrides, rest] = takeRepeated(argv, "secondary-config");
    const flags = parseFlags(rest, { values: [], switches: ["json"] }, USAGE);
    const both = flags.config;
    const report = await compareRegions({
      primaryOverrides: [...both, ...primaryOverrides],
      secondaryOverrides: [...both, ...secondaryOverrides],
    });
    process.stdout.write(
      flags.switches.has("json")
        ? `${JSON.stringify(report, null, 2)}\n`
        : `${renderParity(report)}\n`,
    );
    return report.unexplained.length === 0 ? 0 : 1;
  });
}
