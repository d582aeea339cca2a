import * as pulumi from "@pulumi/pulumi";
import * as machinelearningservices from "@pulumi/azure-native/machinelearningservices";
import { dataOptions } from "./locks";
import { Naming } from "./naming";
import { createPrivateEndpoints, PrivateEndpointTarget } from "./privateEndpoint";
import { CommonArgs } from "./types";

/** Arguments for {@link SharedMlRegistry}. */
export interface SharedMlRegistryArgs extends CommonArgs {
  /**
   * The registry's home region, where its metadata lives. Fixed at creation: a different home
   * region means a new registry.
   */
  readonly location: string;
  /** Every region the registry replicates models, environments and components into. */
  readonly regions: readonly string[];
  readonly resourceGroupName: pulumi.Input<string>;
  readonly naming: Naming;
  readonly privateEndpoints: readonly PrivateEndpointTarget[];
  /** `"Disabled"` by default. */
  readonly publicNetworkAccess?: "Disabled" | "Enabled";
}

/**
 * An Azure ML registry spanning every region: a model, environment or component registered
 * once is replicated to each region and usable from every workspace, with no copying at
 * failover. Azure creates a Premium registry and a storage account per region for it.
 * See https://learn.microsoft.com/azure/machine-learning/how-to-manage-registries
 */
export class SharedMlRegistry extends pulumi.ComponentResource {
  readonly registryId: pulumi.Output<string>;
  readonly registryName: pulumi.Output<string>;

  constructor(name: string, args: SharedMlRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("aml-bcdr:index:SharedMlRegistry", name, {}, opts);
    const regions = [args.location, ...args.regions.filter((r) => r !== args.location)];

    const registry = new machinelearningservices.Registry(
      `${name}-registry`,
      {
        registryName: args.naming.name("mlRegistry"),
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        identity: { type: "SystemAssigned" },
        sku: { name: "Basic", tier: "Basic" },
        publicNetworkAccess: args.publicNetworkAccess ?? "Disabled",
        regionDetails: regions.map((location) => ({
          location,
          acrDetails: [{ systemCreatedAcrAccount: { acrAccountSku: "Premium" } }],
          storageAccountDetails: [
            {
              systemCreatedStorageAccount: {
                storageAccountType: "Standard_LRS",
                storageAccountHnsEnabled: false,
                allowBlobPublicAccess: false,
              },
            },
          ],
        })),
        tags: args.tags,
      },
      dataOptions(this, args.protectData, { replaceOnChanges: ["location"] }),
    );

    createPrivateEndpoints(
      `${name}-pe`,
      args.privateEndpoints,
      { resourceId: registry.id, service: "amlregistry", label: "mlr", tags: args.tags },
      { parent: this },
    );

    this.registryId = registry.id;
    this.registryName = registry.name;
    this.registerOutputs({ registryId: this.registryId, registryName: this.registryName });
  }
}
