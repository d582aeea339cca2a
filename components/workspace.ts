import * as pulumi from "@pulumi/pulumi";
import * as applicationinsights from "@pulumi/azure-native/applicationinsights";
import * as machinelearningservices from "@pulumi/azure-native/machinelearningservices";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import { sendDiagnostics } from "./diagnostics";
import { dataOptions } from "./locks";
import { Naming } from "./naming";
import { createPrivateEndpoint, PrivateEndpointTarget } from "./privateEndpoint";
import { supportsZones } from "./regions";
import { assignRole, BuiltInRoleName, PrincipalRole } from "./roles";
import { secureStorageAccount } from "./storageAccount";
import { CommonArgs } from "./types";
import { createOnly } from "./createOnly";

/** What `Workspace.from_config()` of the Azure ML SDK reads from `config.json`. */
export interface WorkspaceConfigJson {
  readonly subscription_id: string;
  readonly resource_group: string;
  readonly workspace_name: string;
}

/** Arguments for {@link Workspace}. */
export interface WorkspaceArgs extends CommonArgs {
  /** The workspace's region. Its default storage, logs and Application Insights live here too. */
  readonly location: string;
  readonly resourceGroupName: pulumi.Input<string>;
  readonly naming: Naming;
  /** ARM ID of the Key Vault shared by every region ({@link SharedKeyVault}). */
  readonly keyVaultId: pulumi.Input<string>;
  /** ARM ID of the registry shared by every region ({@link GeoReplicatedAcr}). */
  readonly containerRegistryId: pulumi.Input<string>;
  /** This region's private endpoint subnet and DNS zones ({@link Networking}). */
  readonly network: PrivateEndpointTarget;
  /**
   * Redundancy of the default storage account: `ZRS` (the default where the region has zones)
   * or `LRS`. Geo-redundancy is not offered: Azure ML does not support failing over default
   * storage, so a second region must never depend on it.
   * See https://learn.microsoft.com/azure/machine-learning/how-to-high-availability-machine-learning
   */
  readonly defaultStorageRedundancy?: "ZRS" | "LRS";
  /** Days the region's Log Analytics workspace keeps data, 30-730. Defaults to 30. */
  readonly logRetentionInDays?: number;
  /**
   * People and groups that get a role on this workspace. Give every region the same list, so
   * whoever works in one region can work in the other after a failover.
   */
  readonly principals?: readonly PrincipalRole[];
  /**
   * High business impact mode: less diagnostic data is collected by Microsoft. Defaults to
   * `false`. Fixed at creation.
   */
  readonly highBusinessImpact?: boolean;
  /** `"Disabled"` by default: the workspace is reached through its private endpoint only. */
  readonly publicNetworkAccess?: "Disabled" | "Enabled";
  /**
   * Name of a compute cluster that builds environment images. Needed when the registry is only
   * reachable privately, because ACR Tasks cannot reach it then.
   */
  readonly imageBuildCompute?: pulumi.Input<string>;
  readonly friendlyName?: string;
  /**
   * A customer-managed key in the shared vault: the key's versioned URI. Azure then creates a
   * Cosmos DB, a search service and a storage account for the workspace's metadata, whose
   * availability is the customer's job. Fixed at creation.
   * See https://learn.microsoft.com/azure/machine-learning/concept-customer-managed-keys
   */
  readonly customerManagedKeyUri?: pulumi.Input<string>;
}

/**
 * One region's Azure ML workspace: a user-assigned identity, its own default storage account
 * (never shared with another region), its own Log Analytics workspace and workspace-based
 * Application Insights, the shared Key Vault and registry, no public network access, and a
 * private endpoint in the region's network.
 */
export class Workspace extends pulumi.ComponentResource {
  readonly workspaceId: pulumi.Output<string>;
  readonly workspaceName: pulumi.Output<string>;
  readonly location: string;
  readonly resourceGroupName: pulumi.Input<string>;
  /** Principal ID of the workspace's managed identity, for granting it data access. */
  readonly principalId: pulumi.Output<string>;
  readonly identityId: pulumi.Output<string>;
  readonly defaultStorageAccountId: pulumi.Output<string>;
  readonly applicationInsightsId: pulumi.Output<string>;
  readonly logAnalyticsWorkspaceId: pulumi.Output<string>;
  /** The content of the workspace's `config.json`. */
  readonly configJson: pulumi.Output<WorkspaceConfigJson>;

  constructor(name: string, args: WorkspaceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("aml-bcdr:index:Workspace", name, {}, opts);
    const { naming, resourceGroupName, location, tags } = args;
    if (args.network.location !== location) {
      throw new Error(
        `Workspace "${name}" is in ${location} but its network is in ${args.network.location}; ` +
          `give it the Networking of its own region.`,
      );
    }
    this.location = location;
    this.resourceGroupName = resourceGroupName;

    const identity = new managedidentity.UserAssignedIdentity(
      `${name}-identity`,
      {
        resourceName: naming.name("userAssignedIdentity", "mlw"),
        resourceGroupName,
        location,
        tags,
      },
      { parent: this },
    );

    const storageAccount = this.createDefaultStorage(name, args);
    const { logs, insights } = this.createMonitoring(name, args);

    const grants: (readonly [string, pulumi.Input<string>, BuiltInRoleName])[] = [
      ["storage-blob", storageAccount.id, "Storage Blob Data Contributor"],
      ["storage-file", storageAccount.id, "Storage File Data Privileged Contributor"],
      ["storage-account", storageAccount.id, "Storage Account Contributor"],
      ["vault", args.keyVaultId, "Key Vault Administrator"],
      ["registry", args.containerRegistryId, "Contributor"],
      ["insights", insights.id, "Contributor"],
      // Encrypting with the customer's key needs the key's wrap and unwrap operations.
      ...(args.customerManagedKeyUri
        ? [["cmk", args.keyVaultId, "Key Vault Crypto Service Encryption User"] as const]
        : []),
    ];
    const identityRoles = grants.map(([label, scope, role]) =>
      assignRole(
        `${name}-identity-${label}`,
        { scope, principalId: identity.principalId, principalType: "ServicePrincipal", role },
        { parent: this },
      ),
    );

    const workspace = new machinelearningservices.Workspace(
      `${name}-workspace`,
      {
        workspaceName: naming.name("workspace"),
        resourceGroupName,
        location,
        friendlyName: args.friendlyName,
        kind: "Default",
        sku: { name: "Basic", tier: "Basic" },
        identity: { type: "UserAssigned", userAssignedIdentities: [identity.id] },
        primaryUserAssignedIdentity: identity.id,
        storageAccount: storageAccount.id,
        keyVault: args.keyVaultId,
        containerRegistry: args.containerRegistryId,
        applicationInsights: insights.id,
        // The default storage allows no shared keys, so the workspace reaches its own
        // datastores with its identity.
        systemDatastoresAuthMode: "identity",
        publicNetworkAccess: args.publicNetworkAccess ?? "Disabled",
        hbiWorkspace: args.highBusinessImpact ?? false,
        imageBuildCompute: args.imageBuildCompute,
        encryption: args.customerManagedKeyUri
          ? {
              status: "Enabled",
              keyVaultProperties: {
                keyVaultArmId: args.keyVaultId,
                keyIdentifier: args.customerManagedKeyUri,
              },
              identity: { userAssignedIdentity: identity.id },
            }
          : undefined,
        v1LegacyMode: false,
        tags,
      },
      // Azure checks at creation that the identity can use every associated resource.
      dataOptions(this, args.protectData, {
        dependsOn: identityRoles,
        replaceOnChanges: createOnly("azure-native:machinelearningservices:Workspace"),
      }),
    );

    sendDiagnostics(
      `${name}-workspace-logs`,
      { resourceUri: workspace.id, logAnalyticsWorkspaceId: logs.id, label: location },
      { parent: this },
    );
    sendDiagnostics(
      `${name}-storage-logs`,
      {
        resourceUri: storageAccount.id,
        logAnalyticsWorkspaceId: logs.id,
        label: location,
        logs: false,
      },
      { parent: this },
    );
    sendDiagnostics(
      `${name}-storage-blob-logs`,
      {
        resourceUri: pulumi.interpolate`${storageAccount.id}/blobServices/default`,
        logAnalyticsWorkspaceId: logs.id,
        label: location,
      },
      { parent: this },
    );

    createPrivateEndpoint(
      `${name}-pe-workspace`,
      {
        target: args.network,
        resourceId: workspace.id,
        service: "amlworkspace",
        label: "mlw",
        tags,
      },
      { parent: this },
    );

    for (const principal of args.principals ?? []) {
      assignRole(
        `${name}-${principal.role.replace(/\s+/g, "-").toLowerCase()}-${principal.objectId}`,
        {
          scope: workspace.id,
          principalId: principal.objectId,
          principalType: principal.principalType ?? "Group",
          role: principal.role,
        },
        { parent: this },
      );
    }

    this.workspaceId = workspace.id;
    this.workspaceName = workspace.name;
    this.principalId = identity.principalId;
    this.identityId = identity.id;
    this.defaultStorageAccountId = storageAccount.id;
    this.applicationInsightsId = insights.id;
    this.logAnalyticsWorkspaceId = logs.id;
    this.configJson = pulumi
      .all([workspace.id, workspace.name])
      .apply(([id, workspaceName]) => workspaceConfigJson(id, workspaceName));

    this.registerOutputs({
      workspaceId: this.workspaceId,
      workspaceName: this.workspaceName,
      principalId: this.principalId,
      configJson: this.configJson,
    });
  }

  private createDefaultStorage(name: string, args: WorkspaceArgs) {
    const account = secureStorageAccount(
      `${name}-storage`,
      {
        accountName: args.naming.name("storageAccount", "ws"),
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        redundancy: args.defaultStorageRedundancy ?? (supportsZones(args.location) ? "ZRS" : "LRS"),
        publicNetworkAccess: args.publicNetworkAccess ?? "Disabled",
        tags: args.tags,
      },
      dataOptions(this, args.protectData),
    );
    // The workspace keeps job artifacts in blobs and notebooks in a file share.
    for (const service of ["blob", "file"] as const) {
      createPrivateEndpoint(
        `${name}-pe-storage-${service}`,
        {
          target: args.network,
          resourceId: account.id,
          service,
          label: `ws-${service}`,
          tags: args.tags,
        },
        { parent: this },
      );
    }
    return account;
  }

  private createMonitoring(name: string, args: WorkspaceArgs) {
    const logs = new operationalinsights.Workspace(
      `${name}-logs`,
      {
        workspaceName: args.naming.name("logAnalyticsWorkspace"),
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        sku: { name: "PerGB2018" },
        retentionInDays: args.logRetentionInDays ?? 30,
        tags: args.tags,
      },
      { parent: this },
    );
    const insights = new applicationinsights.Component(
      `${name}-insights`,
      {
        resourceName: args.naming.name("applicationInsights"),
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        kind: "web",
        applicationType: "web",
        // Workspace-based: telemetry lands in this region's Log Analytics workspace.
        workspaceResourceId: logs.id,
        ingestionMode: "LogAnalytics",
        tags: args.tags,
      },
      { parent: this },
    );
    return { logs, insights };
  }
}

/** The `config.json` content for a workspace, from its ARM ID and name. */
export function workspaceConfigJson(
  workspaceId: string,
  workspaceName: string,
): WorkspaceConfigJson {
  const match = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\//i.exec(workspaceId);
  if (!match) {
    throw new Error(`"${workspaceId}" is not an Azure ML workspace ID.`);
  }
  return { subscription_id: match[1], resource_group: match[2], workspace_name: workspaceName };
}
