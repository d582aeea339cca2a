import * as pulumi from "@pulumi/pulumi";
import * as storage from "@pulumi/azure-native/storage";
import { Tags } from "./types";
import { createOnly } from "./createOnly";

/** Storage redundancy options by the SKU suffix Azure uses (`Standard_<redundancy>`). */
export type StorageRedundancy = "LRS" | "ZRS" | "GRS" | "RAGRS" | "GZRS" | "RAGZRS";

/** Redundancy kinds that keep a copy in the paired region. */
export const GEO_REDUNDANCY: readonly StorageRedundancy[] = ["GRS", "RAGRS", "GZRS", "RAGZRS"];

/** Arguments for {@link secureStorageAccount}. */
export interface SecureStorageAccountArgs {
  readonly accountName: pulumi.Input<string>;
  readonly resourceGroupName: pulumi.Input<string>;
  readonly location: string;
  readonly redundancy: StorageRedundancy;
  readonly publicNetworkAccess: "Disabled" | "Enabled";
  readonly tags?: Tags;
}

/**
 * A StorageV2 account with this library's baseline: HTTPS only, TLS 1.2, no anonymous blob
 * access, no shared keys (Entra ID only), no public network access unless asked for, and no
 * replication to other tenants.
 */
export function secureStorageAccount(
  name: string,
  args: SecureStorageAccountArgs,
  opts: pulumi.CustomResourceOptions,
): storage.StorageAccount {
  return new storage.StorageAccount(
    name,
    {
      accountName: args.accountName,
      resourceGroupName: args.resourceGroupName,
      location: args.location,
      kind: "StorageV2",
      sku: { name: `Standard_${args.redundancy}` },
      isHnsEnabled: false,
      enableHttpsTrafficOnly: true,
      minimumTlsVersion: "TLS1_2",
      allowBlobPublicAccess: false,
      allowSharedKeyAccess: false,
      defaultToOAuthAuthentication: true,
      allowCrossTenantReplication: false,
      publicNetworkAccess: args.publicNetworkAccess,
      networkRuleSet: {
        defaultAction: args.publicNetworkAccess === "Disabled" ? "Deny" : "Allow",
        bypass: "AzureServices",
      },
      tags: args.tags,
    },
    { ...opts, replaceOnChanges: createOnly("azure-native:storage:StorageAccount") },
  );
}
