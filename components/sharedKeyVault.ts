import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as keyvault from "@pulumi/azure-native/keyvault";
import { dataOptions, lockAgainstDeletion } from "./locks";
import { Naming } from "./naming";
import { createPrivateEndpoints, PrivateEndpointTarget } from "./privateEndpoint";
import { CommonArgs } from "./types";
import { createOnly } from "./createOnly";

/** Arguments for {@link SharedKeyVault}. */
export interface SharedKeyVaultArgs extends CommonArgs {
  /**
   * The vault's home region. Azure replicates the vault to the region pair and fails it over
   * by itself, so every region's workspace can share it.
   * See https://learn.microsoft.com/azure/key-vault/general/disaster-recovery-guidance
   */
  readonly location: string;
  readonly resourceGroupName: pulumi.Input<string>;
  readonly naming: Naming;
  /** Entra ID tenant of the vault. Defaults to the tenant of the deploying identity. */
  readonly tenantId?: pulumi.Input<string>;
  /** `"standard"` or `"premium"` (HSM-backed keys). Defaults to `"standard"`. */
  readonly sku?: "standard" | "premium";
  /**
   * Days a deleted vault or secret can be recovered, 7-90. Defaults to 90. Fixed once the vault
   * exists.
   */
  readonly softDeleteRetentionInDays?: number;
  /**
   * Where the vault gets private endpoints: normally one target per region that is deployed
   * by this program. Regions deployed by other programs add their own with
   * {@link Networking.addPrivateEndpoint}.
   */
  readonly privateEndpoints: readonly PrivateEndpointTarget[];
  /**
   * `"Disabled"` (the default) allows access through private endpoints only. `"Enabled"` opens
   * the vault's public endpoint, still subject to RBAC; use it only where private networking is
   * not yet reachable.
   */
  readonly publicNetworkAccess?: "Disabled" | "Enabled";
  /** Add a `CanNotDelete` management lock. Defaults to `true`. */
  readonly deleteLock?: boolean;
}

/**
 * The one Key Vault that the workspaces of every region share: RBAC authorization (no access
 * policies), soft delete with purge protection, no public network access, and a private
 * endpoint in every region.
 */
export class SharedKeyVault extends pulumi.ComponentResource {
  readonly vaultId: pulumi.Output<string>;
  readonly vaultName: pulumi.Output<string>;
  readonly vaultUri: pulumi.Output<string>;

  constructor(name: string, args: SharedKeyVaultArgs, opts?: pulumi.ComponentResourceOptions) {
    super("aml-bcdr:index:SharedKeyVault", name, {}, opts);

    const tenantId =
      args.tenantId ?? authorization.getClientConfigOutput({ parent: this }).tenantId;
    const publicNetworkAccess = args.publicNetworkAccess ?? "Disabled";

    const vault = new keyvault.Vault(
      `${name}-vault`,
      {
        vaultName: args.naming.name("keyVault"),
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        properties: {
          tenantId,
          sku: { family: "A", name: args.sku ?? "standard" },
          enableRbacAuthorization: true,
          enableSoftDelete: true,
          softDeleteRetentionInDays: args.softDeleteRetentionInDays ?? 90,
          // Purge protection cannot be turned off again; it keeps a deleted vault recoverable
          // for the whole retention period, whoever deletes it.
          enablePurgeProtection: true,
          enabledForDeployment: false,
          enabledForDiskEncryption: false,
          enabledForTemplateDeployment: false,
          publicNetworkAccess,
          networkAcls: {
            defaultAction: publicNetworkAccess === "Disabled" ? "Deny" : "Allow",
            bypass: "AzureServices",
          },
        },
        tags: args.tags,
      },
      dataOptions(this, args.protectData, {
        replaceOnChanges: createOnly("azure-native:keyvault:Vault"),
      }),
    );

    if (args.deleteLock ?? true) {
      lockAgainstDeletion(`${name}-lock`, vault.id, "This Key Vault", { parent: vault });
    }

    createPrivateEndpoints(
      `${name}-pe`,
      args.privateEndpoints,
      { resourceId: vault.id, service: "vault", label: "kv", tags: args.tags },
      { parent: this },
    );

    this.vaultId = vault.id;
    this.vaultName = vault.name;
    this.vaultUri = vault.properties.apply((p) => p.vaultUri ?? "");
    this.registerOutputs({
      vaultId: this.vaultId,
      vaultName: this.vaultName,
      vaultUri: this.vaultUri,
    });
  }
}
