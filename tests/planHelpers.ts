import { Plan, PlannedResource } from "../tools/harness";

/** Every resource of an azure-native type, e.g. `keyvault:Vault`. */
export function ofType(plan: Plan, type: string): PlannedResource[] {
  const full = type.includes(":") && type.split(":").length === 3 ? type : `azure-native:${type}`;
  return plan.resources.filter((r) => r.type === full);
}

/** The one resource of a type; fails the test if there are none or several. */
export function single(plan: Plan, type: string): PlannedResource {
  const found = ofType(plan, type);
  if (found.length !== 1) {
    throw new Error(`expected one ${type} in ${plan.stack}, found ${found.length}`);
  }
  return found[0];
}

/** The resources whose parent is `resource`. */
export function childrenOf(plan: Plan, resource: PlannedResource): PlannedResource[] {
  return plan.resources.filter((r) => r.parent === resource.urn);
}

/** A nested input, e.g. `input(vault, "properties.enablePurgeProtection")`. */
export function input(resource: PlannedResource, dotted: string): any {
  return dotted.split(".").reduce<any>((v, k) => (v == null ? undefined : v[k]), resource.inputs);
}

/**
 * Resource types that hold data or that other regions depend on: they must be protected, and
 * no topology change or promotion may replace or delete them.
 */
export const DATA_BEARING_TYPES: readonly string[] = [
  "azure-native:machinelearningservices:Workspace",
  "azure-native:machinelearningservices:Datastore",
  "azure-native:machinelearningservices:Registry",
  "azure-native:storage:StorageAccount",
  "azure-native:storage:BlobContainer",
  "azure-native:keyvault:Vault",
  "azure-native:containerregistry:Registry",
  "azure-native:containerregistry:Replication",
];

/** The data-bearing resources of a plan, by URN, with what must not change about them. */
export function dataBearing(plan: Plan) {
  return plan.resources
    .filter((r) => DATA_BEARING_TYPES.includes(r.type))
    .map((r) => ({ urn: r.urn, inputs: r.inputs, protect: r.protect }))
    .sort((a, b) => a.urn.localeCompare(b.urn));
}
