import * as pulumi from "@pulumi/pulumi";
import * as machinelearningservices from "@pulumi/azure-native/machinelearningservices";
import * as storage from "@pulumi/azure-native/storage";
import { dataOptions, lockAgainstDeletion } from "./locks";
import { Naming } from "./naming";
import {
  createPrivateEndpoints,
  PrivateEndpointTarget,
  STORAGE_ENDPOINT_SUFFIX,
} from "./privateEndpoint";
import { AzureCloudName, supportsGeoZoneRedundantStorage } from "./regions";
import { assignRole } from "./roles";
import { GEO_REDUNDANCY, secureStorageAccount, StorageRedundancy } from "./storageAccount";
import { CommonArgs } from "./types";

/** Name of the AML datastore that points at the training data in every workspace. */
export const DEFAULT_DATASTORE_NAME = "training_data";

/** A workspace the training data is attached to. */
export interface WorkspaceAttachment {
  /** Region of the workspace; used in logical names. */
  readonly location: string;
  readonly workspaceName: pulumi.Input<string>;
  readonly resourceGroupName: pulumi.Input<string>;
  /** Principal ID of the workspace's managed identity, which reads and writes the data. */
  readonly principalId: pulumi.Input<string>;
}

/** Arguments for {@link DatastoreAttachment}. */
export interface DatastoreAttachmentArgs extends CommonArgs {
  /** ARM ID of the training-data storage account. */
  readonly accountId: pulumi.Input<string>;
  readonly containerName: pulumi.Input<string>;
  readonly workspace: WorkspaceAttachment;
  /** AML datastore name, the same in every workspace. Defaults to `training_data`. */
  readonly datastoreName?: string;
  /** Defaults to `"AzureCloud"`; decides the storage endpoint suffix. */
  readonly cloud?: AzureCloudName;
}

/**
 * Registers a storage container as an AML datastore in one workspace, with identity-based
 * access (no account key, no SAS) and the data role for the workspace's identity.
 */
export class DatastoreAttachment extends pulumi.ComponentResource {
  readonly datastoreId: pulumi.Output<string>;
  readonly datastoreName: string;

  constructor(name: string, args: DatastoreAttachmentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("aml-bcdr:index:DatastoreAttachment", name, {}, opts);

    // A plain ID is checked now, before anything is registered; an output when it resolves.
    if (typeof args.accountId === "string") parseStorageAccountId(args.accountId);
    const account = pulumi.output(args.accountId).apply(parseStorageAccountId);
    this.datastoreName = args.datastoreName ?? DEFAULT_DATASTORE_NAME;

    assignRole(
      `${name}-blob-data`,
      {
        scope: args.accountId,
        principalId: args.workspace.principalId,
        principalType: "ServicePrincipal",
        role: "Storage Blob Data Contributor",
      },
      { parent: this },
    );

    const datastore = new machinelearningservices.Datastore(
      `${name}-datastore`,
      {
        name: this.datastoreName,
        workspaceName: args.workspace.workspaceName,
        resourceGroupName: args.workspace.resourceGroupName,
        properties: {
          datastoreType: "AzureBlob",
          accountName: account.name,
          containerName: args.containerName,
          subscriptionId: account.subscriptionId,
          resourceGroup: account.resourceGroupName,
          endpoint: STORAGE_ENDPOINT_SUFFIX[args.cloud ?? "AzureCloud"],
          protocol: "https",
          credentials: { credentialsType: "None" },
          // Jobs and the studio reach the data as the workspace's identity, never with a key.
          serviceDataAccessAuthIdentity: "WorkspaceUserAssignedIdentity",
          description: "Geo-redundant training data shared by every region.",
        },
        // Azure validates a new datastore from the AML service before the role assignment above
        // has propagated, which fails spuriously; access is checked on first use instead.
        skipValidation: true,
      },
      dataOptions(this, args.protectData),
    );

    this.datastoreId = datastore.id;
    this.registerOutputs({ datastoreId: this.datastoreId });
  }
}

/** Arguments for {@link IsolatedDatastore}. */
export interface IsolatedDatastoreArgs extends CommonArgs {
  /** Home region of the account; its paired region holds the geo-redundant copy. */
  readonly location: string;
  readonly resourceGroupName: pulumi.Input<string>;
  readonly naming: Naming;
  /** Defaults to `"AzureCloud"`. */
  readonly cloud?: AzureCloudName;
  /**
   * Geo-redundant storage kind: `GZRS`, `RAGZRS`, `GRS` or `RAGRS`. Defaults to `GZRS` where the
   * region has availability zones and a paired region, else `GRS`.
   * See https://learn.microsoft.com/azure/storage/common/storage-redundancy
   */
  readonly redundancy?: StorageRedundancy;
  /** Blob container for the data. Defaults to `training-data`. */
  readonly containerName?: string;
  /** AML datastore name in every workspace. Defaults to `training_data`. */
  readonly datastoreName?: string;
  /** Private endpoints (blob), one per region deployed by this program. */
  readonly privateEndpoints: readonly PrivateEndpointTarget[];
  /** Workspaces deployed by this program; others attach with {@link DatastoreAttachment}. */
  readonly workspaces?: readonly WorkspaceAttachment[];
  /** `"Disabled"` by default. */
  readonly publicNetworkAccess?: "Disabled" | "Enabled";
  /** Add a `CanNotDelete` management lock. Defaults to `true`. */
  readonly deleteLock?: boolean;
}

/**
 * Training data on its own geo-redundant storage account, kept apart from every workspace's
 * default storage, attached as an AML datastore to the workspace of every region.
 */
export class IsolatedDatastore extends pulumi.ComponentResource {
  readonly accountId: pulumi.Output<string>;
  readonly accountName: pulumi.Output<string>;
  readonly containerName: pulumi.Output<string>;
  readonly datastoreName: string;
  readonly redundancy: StorageRedundancy;

  constructor(name: string, args: IsolatedDatastoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super("aml-bcdr:index:IsolatedDatastore", name, {}, opts);

    this.redundancy =
      args.redundancy ?? (supportsGeoZoneRedundantStorage(args.location) ? "GZRS" : "GRS");
    if (!GEO_REDUNDANCY.includes(this.redundancy)) {
      throw new Error(
        `IsolatedDatastore "${name}": redundancy "${this.redundancy}" keeps no copy outside ` +
          `${args.location}; use one of ${GEO_REDUNDANCY.join(", ")}.`,
      );
    }
    this.datastoreName = args.datastoreName ?? DEFAULT_DATASTORE_NAME;

    const account = secureStorageAccount(
      `${name}-account`,
      {
        accountName: args.naming.name("storageAccount", "dt"),
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        redundancy: this.redundancy,
        publicNetworkAccess: args.publicNetworkAccess ?? "Disabled",
        tags: args.tags,
      },
      dataOptions(this, args.protectData),
    );
    if (args.deleteLock ?? true) {
      lockAgainstDeletion(`${name}-lock`, account.id, "The training-data account", {
        parent: account,
      });
    }

    const container = new storage.BlobContainer(
      `${name}-container`,
      {
        containerName: args.containerName ?? "training-data",
        accountName: account.name,
        resourceGroupName: args.resourceGroupName,
        publicAccess: "None",
      },
      dataOptions(account, args.protectData),
    );

    const readAccess = this.redundancy.startsWith("RA");
    const endpoint = { resourceId: account.id, tags: args.tags };
    createPrivateEndpoints(
      `${name}-pe-blob`,
      args.privateEndpoints,
      { ...endpoint, service: "blob", label: "dt-blob" },
      { parent: this },
    );
    if (readAccess) {
      createPrivateEndpoints(
        `${name}-pe-blob-secondary`,
        args.privateEndpoints,
        { ...endpoint, service: "blob_secondary", label: "dt-blob-secondary" },
        { parent: this },
      );
    }

    for (const workspace of args.workspaces ?? []) {
      new DatastoreAttachment(
        `${name}-${workspace.location}`,
        {
          accountId: account.id,
          containerName: container.name,
          workspace,
          datastoreName: this.datastoreName,
          cloud: args.cloud,
          protectData: args.protectData,
        },
        { parent: this },
      );
    }

    this.accountId = account.id;
    this.accountName = account.name;
    this.containerName = container.name;
    this.registerOutputs({
      accountId: this.accountId,
      accountName: this.accountName,
      containerName: this.containerName,
    });
  }
}

/** The parts of a storage account's ARM ID that a datastore needs. */
export function parseStorageAccountId(id: string): {
  subscriptionId: string;
  resourceGroupName: string;
  name: string;
} {
  const match =
    /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Storage\/storageAccounts\/([^/]+)$/i.exec(
      id,
    );
  if (!match) {
    throw new Error(
      `"${id}" is not a storage account ID (expected /subscriptions/<id>/resourceGroups/<name>` +
        `/providers/Microsoft.Storage/storageAccounts/<name>).`,
    );
  }
  return { subscriptionId: match[1], resourceGroupName: match[2], name: match[3] };
}
