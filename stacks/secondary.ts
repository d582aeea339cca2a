import * as pulumi from "@pulumi/pulumi";
import { DatastoreAttachment } from "../components/isolatedDatastore";
import { StackConfig } from "./config";
import {
  createRegionFoundation,
  createRegionWorkspace,
  regionOutputs,
  SharedResources,
} from "./region";

/** Outputs of the primary stack that the secondary reads, by the config key that replaces each. */
const SHARED_OUTPUTS: readonly [keyof SharedResources, string][] = [
  ["keyVaultId", "sharedKeyVaultId"],
  ["registryId", "sharedRegistryId"],
  ["dataAccountId", "sharedDataAccountId"],
  ["dataContainerName", "sharedDataContainerName"],
];

/**
 * The shared resource IDs: from config where given (so the secondary can be managed while the
 * primary's state is out of reach), else from the primary stack's outputs. They are read before
 * any resource is registered, so a missing output stops the run before anything changes.
 */
export async function readSharedResources(config: StackConfig): Promise<SharedResources> {
  let reference: pulumi.StackReference | undefined;
  const ids: Partial<Record<keyof SharedResources, string>> = {};
  for (const [output, key] of SHARED_OUTPUTS) {
    const given = config.shared[output];
    if (given) {
      ids[output] = given;
      continue;
    }
    reference ??= new pulumi.StackReference("primary", { name: config.primaryStack });
    const { value, secretValue } = await reference.getOutputDetails(output);
    const found = value ?? secretValue;
    if (typeof found !== "string" || found === "") {
      throw new pulumi.RunError(
        `The primary stack "${config.primaryStack}" has no output "${output}". Deploy the ` +
          `primary first (pulumi up -s primary), or give the ID in aml-bcdr:${key}.`,
      );
    }
    ids[output] = found;
  }
  return ids as SharedResources;
}

/**
 * The secondary stack: its own network and workspace, wired to the primary's shared Key Vault,
 * registry and training data through private endpoints in this region.
 */
export async function deploySecondary(config: StackConfig) {
  const shared = await readSharedResources(config);
  const foundation = createRegionFoundation(config);
  const { networking, resourceGroup } = foundation;

  // The shared resources belong to the primary stack; this region adds its own endpoints, in
  // its own DNS zones, so that each region resolves them to its own private address.
  networking.addPrivateEndpoint("shared-key-vault", {
    resourceId: shared.keyVaultId,
    service: "vault",
    label: "kv",
  });
  networking.addPrivateEndpoint("shared-registry", {
    resourceId: shared.registryId,
    service: "registry",
    label: "acr",
  });
  networking.addPrivateEndpoint("shared-training-data", {
    resourceId: shared.dataAccountId,
    service: "blob",
    label: "dt-blob",
  });

  const workspace = createRegionWorkspace(config, foundation, shared);
  new DatastoreAttachment("training-data", {
    accountId: shared.dataAccountId,
    containerName: shared.dataContainerName,
    cloud: config.cloud,
    protectData: config.protectData,
    workspace: {
      location: config.location,
      workspaceName: workspace.workspaceName,
      resourceGroupName: resourceGroup.name,
      principalId: workspace.principalId,
    },
  });

  return {
    ...regionOutputs(config, foundation, workspace, shared),
    primaryStack: config.primaryStack,
    primaryLocation: config.primaryLocation,
  };
}
