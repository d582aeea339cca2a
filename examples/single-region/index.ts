/**
 * Adds one more region to a running aml-bcdr deployment.
 *
 * The primary stack owns the resources every region shares: the Key Vault, the geo-replicated
 * registry and the training-data account. This program owns only what belongs to the new
 * region: a resource group, a network, private endpoints to the shared resources, a workspace
 * and the training-data datastore in that workspace. Because it never creates a shared resource,
 * deploying, breaking or destroying it cannot touch what the other regions depend on.
 *
 * The shared resources arrive as ARM IDs in this stack's own configuration rather than through a
 * StackReference, so a platform team can manage the region while the primary's state is out of
 * reach (another backend, another team, or the primary region down).
 *
 * Outside this repository, import the components from the package instead:
 * `import { Networking, Workspace, ... } from "aml-bcdr";`
 */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as resources from "@pulumi/azure-native/resources";
import {
  DatastoreAttachment,
  findRegion,
  Naming,
  Networking,
  parseCidr,
  PREFIX_PATTERN,
  PREFIX_RULE,
  RegionInfo,
  suggestRegions,
  SUFFIX_LENGTH,
  Workspace,
} from "../../components";

/** The configuration namespace: `pulumi config set example:<key> <value>`. */
const NAMESPACE = "example";

/** This region's settings, validated before any resource is registered. */
interface ExampleConfig {
  readonly region: RegionInfo;
  readonly prefix: string;
  readonly addressSpace: string;
  readonly keyVaultId: string;
  readonly registryId: string;
  readonly dataAccountId: string;
  readonly dataContainerName: string;
  readonly protectData: boolean;
}

/** The shared resources, by config key: the ARM resource type each ID must name. */
const SHARED_IDS = {
  keyVaultId: { what: "the shared Key Vault", type: "Microsoft.KeyVault/vaults" },
  registryId: {
    what: "the shared container registry",
    type: "Microsoft.ContainerRegistry/registries",
  },
  dataAccountId: {
    what: "the training-data storage account",
    type: "Microsoft.Storage/storageAccounts",
  },
} as const;

type SharedIdKey = keyof typeof SHARED_IDS;

/**
 * Reads and checks the whole configuration at once, so that one run reports every mistake. The
 * components parse these IDs only inside outputs, where a bad value would fail halfway through
 * a deployment; checking them here fails before anything is sent to Azure.
 */
function readConfig(): ExampleConfig {
  const config = new pulumi.Config(NAMESPACE);
  const problems: string[] = [];
  const fix = (key: string, value: string) => `pulumi config set ${NAMESPACE}:${key} ${value}`;

  const location = config.get("location") ?? "";
  const region = findRegion(location);
  if (location === "") {
    problems.push(
      `${NAMESPACE}:location is not set: the Azure region to add.\n` +
        `    fix: ${fix("location", "swedencentral")}`,
    );
  } else if (!region) {
    problems.push(
      `${NAMESPACE}:location = "${location}" is not a known Azure region ` +
        `(did you mean ${suggestRegions(location).join(", ")}?).\n` +
        `    fix: ${fix("location", "<region>")} (az account list-locations -o table)`,
    );
  }

  // The same default prefix as the project's stacks, so that every region's names read alike;
  // the region code in each name keeps them apart.
  const prefix = config.get("prefix") ?? "amlbcdr";
  if (!PREFIX_PATTERN.test(prefix)) {
    problems.push(
      `${NAMESPACE}:prefix = "${prefix}" cannot yield valid Azure names: use ${PREFIX_RULE}.\n` +
        `    fix: ${fix("prefix", "amlbcdr")}`,
    );
  }

  // The project's own stacks default to 10.40.0.0/16 and 10.41.0.0/16; the next range keeps the
  // new region routable alongside them.
  const addressSpace = config.get("addressSpace") ?? "10.42.0.0/16";
  const cidr = parseCidr(addressSpace);
  if (typeof cidr === "string" || cidr.prefixLength > 24) {
    const reason = typeof cidr === "string" ? cidr : "it must be /24 or larger for three subnets";
    problems.push(
      `${NAMESPACE}:addressSpace = "${addressSpace}" is not usable: ${reason}.\n` +
        `    fix: ${fix("addressSpace", "10.42.0.0/16")} (a range no other region uses)`,
    );
  }

  const ids = {} as Record<SharedIdKey, string>;
  for (const key of Object.keys(SHARED_IDS) as SharedIdKey[]) {
    const { what, type } = SHARED_IDS[key];
    const value = config.get(key) ?? "";
    // The primary stack exports each ID under the same name as this key.
    const copy =
      `${fix(key, "<id>")}, with the ID that the aml-bcdr project's primary stack exports: ` +
      `pulumi stack output ${key} -s primary`;
    if (value === "") {
      problems.push(`${NAMESPACE}:${key} is not set: the ARM ID of ${what}.\n    fix: ${copy}`);
    } else if (!isArmId(value, type)) {
      problems.push(
        `${NAMESPACE}:${key} = "${value}" is not the ARM ID of ${what} ` +
          `(/subscriptions/<id>/resourceGroups/<name>/providers/${type}/<name>).\n    fix: ${copy}`,
      );
    }
    ids[key] = value;
  }

  // Azure's rule for blob container names: 3-63 lowercase letters, digits and single hyphens.
  const dataContainerName = config.get("dataContainerName") ?? "training-data";
  if (!/^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(dataContainerName)) {
    problems.push(
      `${NAMESPACE}:dataContainerName = "${dataContainerName}" is not a blob container name ` +
        `(3-63 lowercase letters, digits and single hyphens).\n` +
        `    fix: ${fix("dataContainerName", "<name>")}, with the primary's dataContainerName output`,
    );
  }

  const protectText = config.get("protectData") ?? "true";
  if (protectText !== "true" && protectText !== "false") {
    problems.push(
      `${NAMESPACE}:protectData = "${protectText}" must be true or false.\n` +
        `    fix: ${fix("protectData", "true")}`,
    );
  }
  const protectData = protectText !== "false";

  if (problems.length > 0) {
    // A RunError is printed without a stack trace: the message is all the operator needs.
    throw new pulumi.RunError(
      `Stack "${pulumi.getStack()}" has ${problems.length} configuration ` +
        `problem${problems.length === 1 ? "" : "s"}; nothing was deployed.\n  ` +
        problems.join("\n  "),
    );
  }
  return {
    region: region as RegionInfo,
    prefix,
    addressSpace,
    ...ids,
    dataContainerName,
    protectData,
  };
}

function isArmId(value: string, type: string): boolean {
  const [provider, kind] = type.split("/");
  return new RegExp(
    `^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/${provider.replace(".", "\\.")}/${kind}/[^/]+$`,
    "i",
  ).test(value);
}

/** The Pulumi program; the object it returns becomes the stack outputs. */
export = async () => {
  const config = readConfig();
  const { region, protectData } = config;
  const location = region.name;
  if (region.restricted) {
    pulumi.log.warn(
      `${NAMESPACE}:location ${location} is an access-restricted region: ask Azure support ` +
        `for access before deploying, or the first resource will fail.`,
    );
  }

  // Every globally unique name ends in this suffix, so it must live as long as the stack:
  // replacing it would rename, and so replace, the workspace and its storage.
  const suffix = new random.RandomString(
    "name-suffix",
    { length: SUFFIX_LENGTH, special: false, upper: false, numeric: true, lower: true },
    { protect: protectData },
  );
  const naming = new Naming({
    prefix: config.prefix,
    regionCode: region.shortCode,
    suffix: suffix.result,
  });

  const resourceGroup = new resources.ResourceGroup(
    "resource-group",
    { resourceGroupName: naming.plainName("resourceGroup"), location },
    // Deleting a resource group deletes everything in it, the workspace included.
    { protect: protectData },
  );

  const networking = new Networking("network", {
    location,
    cloud: region.cloud,
    resourceGroupName: resourceGroup.name,
    naming,
    addressSpace: config.addressSpace,
  });

  // The shared resources accept private traffic only. Each region gets its own endpoint to them,
  // registered in its own private DNS zones, so that this region resolves them to an address in
  // its own network and keeps doing so when another region is down.
  networking.addPrivateEndpoint("shared-key-vault", {
    resourceId: config.keyVaultId,
    service: "vault",
    label: "kv",
  });
  networking.addPrivateEndpoint("shared-registry", {
    resourceId: config.registryId,
    service: "registry",
    label: "acr",
  });
  networking.addPrivateEndpoint("shared-training-data", {
    resourceId: config.dataAccountId,
    service: "blob",
    label: "dt-blob",
  });

  // The workspace keeps its own default storage, logs and identity in this region; only the
  // vault and the registry are shared.
  const workspace = new Workspace("workspace", {
    location,
    resourceGroupName: resourceGroup.name,
    naming,
    keyVaultId: config.keyVaultId,
    containerRegistryId: config.registryId,
    network: networking.privateEndpointTarget,
    friendlyName: `Azure ML (${location})`,
    protectData,
  });

  // The same datastore name as in every other region, so that jobs run unchanged wherever the
  // workspace is.
  const datastore = new DatastoreAttachment("training-data", {
    accountId: config.dataAccountId,
    containerName: config.dataContainerName,
    cloud: region.cloud,
    protectData,
    workspace: {
      location,
      workspaceName: workspace.workspaceName,
      resourceGroupName: resourceGroup.name,
      principalId: workspace.principalId,
    },
  });

  return {
    location,
    resourceGroupName: resourceGroup.name,
    virtualNetworkId: networking.virtualNetworkId,
    workspaceId: workspace.workspaceId,
    workspaceName: workspace.workspaceName,
    /** Write this to `config.json` next to the code to point it at this region's workspace. */
    workspaceConfigJson: workspace.configJson,
    datastoreName: datastore.datastoreName,
  };
};
