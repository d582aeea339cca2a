/**
 * Properties that Azure fixes when a resource is created: a changed value can only be had by
 * replacing the resource. Listing them as `replaceOnChanges` makes Pulumi plan that
 * replacement up front (instead of an update that Azure rejects halfway through a deploy), and
 * the `protect` flag on data-bearing resources then refuses it with an error naming the
 * resource. Lift protection (`protectData: false`) to accept a replacement on purpose.
 *
 * Sources: the resource types' REST API docs ("cannot be changed after creation") and the
 * failover guide for the workspace's associated resources.
 */
export const CREATE_ONLY_PROPERTIES = {
  "azure-native:machinelearningservices:Workspace": [
    // The default storage account and high-business-impact mode are fixed for a workspace.
    "storageAccount",
    "hbiWorkspace",
    // So is a customer-managed key.
    "encryption",
  ],
  "azure-native:containerregistry:Registry": ["zoneRedundancy"],
  "azure-native:containerregistry:Replication": ["zoneRedundancy"],
  "azure-native:storage:StorageAccount": ["isHnsEnabled"],
  "azure-native:keyvault:Vault": ["properties.softDeleteRetentionInDays"],
} as const;

export type CreateOnlyResourceType = keyof typeof CREATE_ONLY_PROPERTIES;

/** `replaceOnChanges` for a resource type. */
export function createOnly(type: CreateOnlyResourceType): string[] {
  return [...CREATE_ONLY_PROPERTIES[type]];
}
