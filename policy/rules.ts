import * as applicationinsights from "@pulumi/azure-native/applicationinsights";
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as machinelearningservices from "@pulumi/azure-native/machinelearningservices";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import * as storage from "@pulumi/azure-native/storage";
import * as policySdk from "@pulumi/policy";
import {
  Policies,
  PolicyResource,
  ReportViolation,
  ResourceValidationPolicy,
  StackValidationPolicy,
  validateResourceOfType,
} from "@pulumi/policy";

// The disaster-recovery and security rules of aml-bcdr, as CrossGuard policies. They are pure
// functions of the resources they are given (no Pulumi runtime calls), so that `npm run policy`
// can run them offline against a planned stack exactly as `pulumi preview --policy-pack` runs
// them against a real one. `index.ts` serves them to the Pulumi CLI; nothing else imports it.

/** Storage SKU suffixes that keep a copy of the data in the paired region. */
const GEO_REDUNDANT = ["GRS", "RAGRS", "GZRS", "RAGZRS"];
/** Minimum TLS versions that are still considered safe. */
const MODERN_TLS = ["TLS1_2", "TLS1_3"];

// CrossGuard wraps the properties it passes in a proxy that throws this error when a rule reads a
// value that is not known yet (an ID during the preview of a first deployment). The SDK exports
// the class at runtime, but its declarations leave it out.
const UnknownValueError = (policySdk as unknown as { UnknownValueError: ErrorConstructor })
  .UnknownValueError;
const UNKNOWN = Symbol("unknown");

/** What `read` returns, or {@link UNKNOWN} where CrossGuard cannot know it yet. */
function peek<T>(read: () => T): T | typeof UNKNOWN {
  try {
    return read();
  } catch (err) {
    if (UnknownValueError !== undefined && err instanceof UnknownValueError) return UNKNOWN;
    throw err;
  }
}

/** What `read` returns, or undefined where CrossGuard cannot know it yet. */
function known<T>(read: () => T): T | undefined {
  const value = peek(read);
  return value === UNKNOWN ? undefined : value;
}

/** A value as a message shows it: JSON when set, "not set" when not. */
function shown(value: unknown): string {
  return value === undefined || value === null || value === "" ? "not set" : JSON.stringify(value);
}

/** Lower case without spaces, so that "North Europe" and "northeurope" compare equal. */
function normalized(value: unknown): string | undefined {
  return typeof value === "string" && value !== ""
    ? value.replace(/\s+/g, "").toLowerCase()
    : undefined;
}

/** The name at the end of an ARM ID (`.../storageAccounts/<name>`); a plain name is its own. */
function armName(id: unknown): string | undefined {
  return typeof id === "string" ? normalized(id.split("/").filter(Boolean).pop()) : undefined;
}

/** The names of resources, for a message: `a`, `a and b`, `a, b and c`. */
function listed(names: readonly string[]): string {
  return names.length <= 1
    ? (names[0] ?? "")
    : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

/**
 * A resource's name in Azure: the input that names it (`accountName`, `registryName`, ...) in a
 * preview, or the `name` output once it exists.
 */
function azureName(resource: PolicyResource, nameInput: string): string | undefined {
  return normalized(known(() => resource.props[nameInput] ?? resource.props.name));
}

/**
 * The resource among `candidates` that a property of `from` refers to. The engine's property
 * dependencies answer even in the preview of a first deployment, when the referenced ID is not
 * known yet; otherwise the name at the end of the ID (or the name itself) is matched against the
 * candidates' names. Undefined when the referenced resource is not in this stack.
 */
function referenced(
  from: PolicyResource,
  property: string,
  candidates: readonly PolicyResource[],
  nameInput: string,
  read: (props: Record<string, any>) => unknown = (props) => props[property],
): PolicyResource | undefined {
  const dependencies = from.propertyDependencies?.[property] ?? [];
  const byDependency = candidates.find((c) => dependencies.some((d) => d.urn === c.urn));
  if (byDependency) return byDependency;
  const name = armName(known(() => read(from.props)));
  return name === undefined ? undefined : candidates.find((c) => azureName(c, nameInput) === name);
}

/** AML workspaces that own their associated resources: hub projects use their hub's. */
function owningWorkspaces(resources: readonly PolicyResource[]): PolicyResource[] {
  return resources.filter(
    (r) =>
      r.isType(machinelearningservices.Workspace) &&
      normalized(known(() => r.props.kind)) !== "project",
  );
}

/** Reports a public network access setting that is anything but "Disabled". */
function requireNoPublicAccess(setting: string, value: unknown, report: ReportViolation): void {
  if (normalized(value) === "disabled") return;
  const meaning = value === undefined ? " (Azure then allows public access)" : "";
  report(
    `${setting} is ${shown(value)}${meaning}; allowed: "Disabled". Set ${setting} to ` +
      `"Disabled" and reach the resource through its private endpoints (in aml-bcdr stacks: ` +
      `leave aml-bcdr:allowPublicNetworkAccess unset or false).`,
  );
}

const vaultSoftDelete: ResourceValidationPolicy = {
  name: "aml-bcdr-vault-soft-delete",
  description:
    "Key Vaults keep soft delete on: the shared vault holds the secrets of every region's " +
    "workspace, and a vault deleted by mistake during an outage must be recoverable.",
  enforcementLevel: "mandatory",
  url: "https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview",
  validateResource: validateResourceOfType(keyvault.Vault, (vault, _args, report) => {
    if (vault.properties?.enableSoftDelete === false) {
      report(
        "properties.enableSoftDelete is false; allowed: true. Remove the setting or set it to " +
          "true (Azure turns soft delete on by default).",
      );
    }
  }),
};

const vaultPurgeProtection: ResourceValidationPolicy = {
  name: "aml-bcdr-vault-purge-protection",
  description:
    "Key Vaults have purge protection: without it a soft-deleted vault or secret can be purged " +
    "at once, and both regions lose the secrets their workspaces depend on.",
  enforcementLevel: "mandatory",
  url: "https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview#purge-protection",
  validateResource: validateResourceOfType(keyvault.Vault, (vault, _args, report) => {
    const value = vault.properties?.enablePurgeProtection;
    if (value !== true) {
      report(
        `properties.enablePurgeProtection is ${shown(value)}; allowed: true. Set it to true ` +
          "(it cannot be turned off again, which is the point).",
      );
    }
  }),
};

const vaultRbacAuthorization: ResourceValidationPolicy = {
  name: "aml-bcdr-vault-rbac-authorization",
  description:
    "Key Vaults authorize with Azure RBAC, not access policies: the workspaces of every region " +
    "are granted Key Vault roles, which access policies ignore, and role assignments are " +
    "governed and audited like every other permission.",
  enforcementLevel: "mandatory",
  url: "https://learn.microsoft.com/azure/key-vault/general/rbac-guide",
  validateResource: validateResourceOfType(keyvault.Vault, (vault, _args, report) => {
    const value = vault.properties?.enableRbacAuthorization;
    if (value !== true) {
      report(
        `properties.enableRbacAuthorization is ${shown(value)}; allowed: true. Set it to true ` +
          "and grant Key Vault roles (e.g. Key Vault Administrator to the workspace identity) " +
          "instead of access policies.",
      );
    }
  }),
};

const registryPremium: ResourceValidationPolicy = {
  name: "aml-bcdr-registry-premium",
  description:
    "Container registries are Premium: only Premium has geo-replication and private endpoints, " +
    "so that the secondary region can pull images while the registry's home region is down.",
  enforcementLevel: "mandatory",
  url: "https://learn.microsoft.com/azure/container-registry/container-registry-skus",
  validateResource: validateResourceOfType(
    containerregistry.Registry,
    (registry, _args, report) => {
      const value = registry.sku?.name;
      if (value !== "Premium") {
        report(`sku.name is ${shown(value)}; allowed: "Premium". Set sku: { name: "Premium" }.`);
      }
    },
  ),
};

const registryAdminUser: ResourceValidationPolicy = {
  name: "aml-bcdr-registry-admin-user-disabled",
  description:
    "Container registries have the admin user off: its shared password works from anywhere, " +
    "is not tied to a person or an identity, and is not audited; workspaces pull with their " +
    "managed identity.",
  enforcementLevel: "mandatory",
  url: "https://learn.microsoft.com/azure/container-registry/container-registry-authentication#admin-account",
  validateResource: validateResourceOfType(
    containerregistry.Registry,
    (registry, _args, report) => {
      if (registry.adminUserEnabled === true) {
        report(
          "adminUserEnabled is true; allowed: false. Set adminUserEnabled: false and grant pull " +
            "roles to the identities that need images.",
        );
      }
    },
  ),
};

const registryGeoReplicated: StackValidationPolicy = {
  name: "aml-bcdr-registry-geo-replicated",
  description:
    "Every container registry has a replica outside its home region, so that images stay " +
    "available to the other region's workspace during a regional outage.",
  enforcementLevel: "mandatory",
  url: "https://learn.microsoft.com/azure/container-registry/container-registry-geo-replication",
  validateStack: (args, report) => {
    const registries = args.resources.filter((r) => r.isType(containerregistry.Registry));
    if (registries.length === 0) args.notApplicable("There is no container registry here.");
    const replications = args.resources.filter((r) => r.isType(containerregistry.Replication));

    for (const registry of registries) {
      const home = normalized(registry.props.location);
      const replicas = replications.filter(
        (replica) => referenced(replica, "registryName", [registry], "registryName") !== undefined,
      );
      const elsewhere = replicas.filter((r) => normalized(r.props.location) !== home);
      if (elsewhere.length === 0) {
        const found =
          replicas.length === 0
            ? "no replica"
            : "replicas only in its home region, which adds none";
        report(
          `The registry is in ${home ?? "an unknown region"} and has ${found}. Add a ` +
            "containerregistry.Replication in the secondary's region (in aml-bcdr stacks: " +
            "aml-bcdr:secondaryLocations).",
          registry.urn,
        );
      }
    }
  },
};

const trainingDataGeoRedundant: StackValidationPolicy = {
  name: "aml-bcdr-training-data-geo-redundant",
  description:
    "Storage accounts that Azure ML datastores read training data from are geo-redundant " +
    "(GRS, RA-GRS, GZRS or RA-GZRS), so that a copy survives the loss of their region and the " +
    "secondary's workspace can train on it after a failover.",
  enforcementLevel: "mandatory",
  url: "https://learn.microsoft.com/azure/storage/common/storage-redundancy",
  validateStack: (args, report) => {
    const datastores = args.resources.filter((r) => r.isType(machinelearningservices.Datastore));
    if (datastores.length === 0) args.notApplicable("There is no Azure ML datastore here.");
    const accounts = args.resources.filter((r) => r.isType(storage.StorageAccount));

    // Accounts in this stack, with the datastores that read from them. A datastore whose account
    // is managed elsewhere is checked by the stack that manages the account.
    const readers = new Map<PolicyResource, string[]>();
    for (const datastore of datastores) {
      const account = referenced(
        datastore,
        "properties",
        accounts,
        "accountName",
        (props) => props.properties?.accountName,
      );
      if (account) readers.set(account, [...(readers.get(account) ?? []), datastore.name]);
    }

    for (const [account, names] of readers) {
      const sku = peek(() => account.props.sku?.name);
      if (sku === UNKNOWN) continue;
      const redundancy = typeof sku === "string" ? sku.split("_").pop()?.toUpperCase() : undefined;
      if (redundancy === undefined || !GEO_REDUNDANT.includes(redundancy)) {
        report(
          `The account holds the training data of datastore ${listed(names)}, but sku.name is ` +
            `${shown(sku)}; allowed: ${GEO_REDUNDANT.map((r) => `Standard_${r}`).join(", ")}. ` +
            "Use a geo-redundant SKU (in aml-bcdr stacks: aml-bcdr:dataRedundancy).",
          account.urn,
        );
      }
    }
  },
};

const datastoreIdentityAccess: ResourceValidationPolicy = {
  name: "aml-bcdr-datastore-no-account-key",
  description:
    "Azure ML datastores hold no account key or SAS token (credentials.credentialsType None): " +
    "the workspace's identity reads the data, so no secret has to be copied into, rotated in, " +
    "or leaked from the workspace of each region.",
  enforcementLevel: "mandatory",
  url: "https://learn.microsoft.com/azure/machine-learning/how-to-datastore",
  validateResource: validateResourceOfType(
    machinelearningservices.Datastore,
    (datastore, _args, report) => {
      const value = datastore.properties?.credentials?.credentialsType;
      if (normalized(value) !== "none") {
        report(
          `properties.credentials.credentialsType is ${shown(value)}; allowed: "None". Set ` +
            'properties.credentials: { credentialsType: "None" } and grant the workspace ' +
            "identity a Storage Blob Data role on the account instead.",
        );
      }
    },
  ),
};

const workspaceOwnDefaultStorage: StackValidationPolicy = {
  name: "aml-bcdr-workspace-own-default-storage",
  description:
    "Each Azure ML workspace has its own default storage account, shared with no other " +
    "workspace and holding no training data: Azure ML cannot fail default storage over, so a " +
    "region must never depend on another region's, and data that must survive an outage lives " +
    "on a geo-redundant account attached as a datastore.",
  enforcementLevel: "mandatory",
  url: "https://learn.microsoft.com/azure/machine-learning/how-to-high-availability-machine-learning",
  validateStack: (args, report) => {
    const workspaces = owningWorkspaces(args.resources);
    if (workspaces.length === 0) args.notApplicable("There is no Azure ML workspace here.");
    const accounts = args.resources.filter((r) => r.isType(storage.StorageAccount));

    // An account is identified by its resource where it is in this stack, else by its name.
    const accountOf = (
      from: PolicyResource,
      property: string,
      read?: (props: Record<string, any>) => unknown,
    ): { key: string; label: string } | undefined => {
      const account = referenced(from, property, accounts, "accountName", read);
      if (account) return { key: account.urn, label: account.name };
      const name = armName(known(() => (read ?? ((props) => props[property]))(from.props)));
      return name === undefined ? undefined : { key: `name:${name}`, label: name };
    };

    const dataReaders = new Map<string, string[]>();
    for (const datastore of args.resources.filter((r) =>
      r.isType(machinelearningservices.Datastore),
    )) {
      const account = accountOf(datastore, "properties", (props) => props.properties?.accountName);
      if (account) {
        dataReaders.set(account.key, [...(dataReaders.get(account.key) ?? []), datastore.name]);
      }
    }

    const byAccount = new Map<string, PolicyResource[]>();
    for (const workspace of workspaces) {
      const account = accountOf(workspace, "storageAccount");
      if (!account) continue;
      byAccount.set(account.key, [...(byAccount.get(account.key) ?? []), workspace]);
      const readers = dataReaders.get(account.key);
      if (readers) {
        report(
          `The workspace's default storage ${account.label} also holds the training data of ` +
            `datastore ${listed(readers)}. Give the workspace a storage account of its own ` +
            "and keep training data on a separate geo-redundant account.",
          workspace.urn,
        );
      }
    }

    for (const [, sharing] of byAccount) {
      if (sharing.length < 2) continue;
      for (const workspace of sharing) {
        const others = sharing.filter((w) => w !== workspace).map((w) => w.name);
        report(
          `The workspace shares its default storage with workspace ${listed(others)}. Give ` +
            "each workspace its own storage account in its own region.",
          workspace.urn,
        );
      }
    }
  },
};

const appInsightsWorkspaceBased: ResourceValidationPolicy = {
  name: "aml-bcdr-app-insights-workspace-based",
  description:
    "Application Insights components are workspace-based (workspaceResourceId set): classic " +
    "components are retired, and telemetry belongs in the region's own Log Analytics workspace.",
  enforcementLevel: "mandatory",
  url: "https://learn.microsoft.com/azure/azure-monitor/app/convert-classic-resource",
  validateResource: validateResourceOfType(
    applicationinsights.Component,
    (component, _args, report) => {
      // An ID that is not known yet (a preview of a first deployment) is set all the same.
      const value = peek(() => component.workspaceResourceId);
      if (value === undefined || value === "") {
        report(
          "workspaceResourceId is not set; allowed: the ID of a Log Analytics workspace in the " +
            "component's region. Set workspaceResourceId (and ingestionMode: " +
            '"LogAnalytics").',
        );
      }
    },
  ),
};

const appInsightsPerRegion: StackValidationPolicy = {
  name: "aml-bcdr-app-insights-per-region",
  description:
    "Each Azure ML workspace has Application Insights in its own region, sending to a Log " +
    "Analytics workspace in that region: telemetry kept in the other region is lost exactly " +
    "when that region fails and the failover needs watching.",
  enforcementLevel: "mandatory",
  url: "https://learn.microsoft.com/azure/machine-learning/how-to-high-availability-machine-learning",
  validateStack: (args, report) => {
    const workspaces = owningWorkspaces(args.resources);
    if (workspaces.length === 0) args.notApplicable("There is no Azure ML workspace here.");
    const components = args.resources.filter((r) => r.isType(applicationinsights.Component));
    const logWorkspaces = args.resources.filter((r) => r.isType(operationalinsights.Workspace));

    for (const workspace of workspaces) {
      const location = normalized(workspace.props.location);
      const reference = peek(() => workspace.props.applicationInsights);
      if (reference === undefined || reference === "") {
        report(
          "applicationInsights is not set. Give the workspace a workspace-based Application " +
            `Insights component in ${location ?? "its region"}.`,
          workspace.urn,
        );
        continue;
      }
      // A component managed outside this stack is checked where it is managed.
      const component = referenced(workspace, "applicationInsights", components, "resourceName");
      if (!component) continue;
      const componentLocation = normalized(component.props.location);
      if (location && componentLocation && location !== componentLocation) {
        report(
          `The workspace is in ${location} but its Application Insights ${component.name} is ` +
            `in ${componentLocation}. Give it a component in ${location}.`,
          workspace.urn,
        );
      }

      const logs = referenced(component, "workspaceResourceId", logWorkspaces, "workspaceName");
      const logsLocation = logs && normalized(logs.props.location);
      if (logs && logsLocation && componentLocation && logsLocation !== componentLocation) {
        report(
          `The component is in ${componentLocation} but sends telemetry to Log Analytics ` +
            `workspace ${logs.name} in ${logsLocation}. Point workspaceResourceId at a Log ` +
            `Analytics workspace in ${componentLocation}.`,
          component.urn,
        );
      }
    }
  },
};

const noPublicNetworkAccess: ResourceValidationPolicy = {
  name: "aml-bcdr-no-public-network-access",
  description:
    "Key Vaults, container registries, storage accounts and Azure ML workspaces have public " +
    "network access disabled: they are reached through each region's private endpoints, so " +
    "neither region exposes the shared secrets, images or data to the internet.",
  enforcementLevel: "mandatory",
  url: "https://learn.microsoft.com/azure/machine-learning/how-to-configure-private-link",
  validateResource: [
    validateResourceOfType(keyvault.Vault, (vault, _args, report) =>
      requireNoPublicAccess(
        "properties.publicNetworkAccess",
        vault.properties?.publicNetworkAccess,
        report,
      ),
    ),
    validateResourceOfType(containerregistry.Registry, (registry, _args, report) =>
      requireNoPublicAccess("publicNetworkAccess", registry.publicNetworkAccess, report),
    ),
    validateResourceOfType(storage.StorageAccount, (account, _args, report) =>
      requireNoPublicAccess("publicNetworkAccess", account.publicNetworkAccess, report),
    ),
    validateResourceOfType(machinelearningservices.Workspace, (workspace, _args, report) =>
      requireNoPublicAccess("publicNetworkAccess", workspace.publicNetworkAccess, report),
    ),
  ],
};

const storageMinimumTls: ResourceValidationPolicy = {
  name: "aml-bcdr-storage-min-tls-1-2",
  description:
    "Storage accounts refuse TLS older than 1.2: TLS 1.0 and 1.1 have known weaknesses and " +
    "Azure is retiring them.",
  enforcementLevel: "mandatory",
  url: "https://learn.microsoft.com/azure/storage/common/transport-layer-security-configure-minimum-version",
  validateResource: validateResourceOfType(storage.StorageAccount, (account, _args, report) => {
    const value = account.minimumTlsVersion;
    if (typeof value !== "string" || !MODERN_TLS.includes(value)) {
      report(
        `minimumTlsVersion is ${shown(value)}; allowed: ${MODERN_TLS.map(shown).join(", ")}. ` +
          'Set minimumTlsVersion: "TLS1_2".',
      );
    }
  }),
};

const storageNoSharedKey: ResourceValidationPolicy = {
  name: "aml-bcdr-storage-no-shared-key",
  description:
    "Storage accounts have shared-key access disabled, so that only Entra ID identities reach " +
    "the data and a leaked account key opens nothing. Advisory: some Azure ML features and " +
    "older tools still sign requests with account keys, so a workspace's default storage may " +
    "need them; datastores never do (aml-bcdr-datastore-no-account-key).",
  enforcementLevel: "advisory",
  url: "https://learn.microsoft.com/azure/storage/common/shared-key-authorization-prevent",
  validateResource: validateResourceOfType(storage.StorageAccount, (account, _args, report) => {
    const value = account.allowSharedKeyAccess;
    if (value !== false) {
      const meaning = value === undefined ? " (Azure then allows shared keys)" : "";
      report(
        `allowSharedKeyAccess is ${shown(value)}${meaning}; allowed: false. Set ` +
          "allowSharedKeyAccess: false (for a workspace's default storage together with " +
          'systemDatastoresAuthMode: "identity" on the workspace).',
      );
    }
  }),
};

/** Every rule of the aml-bcdr policy pack, in the order they are reported. */
export const policies: Policies = [
  vaultSoftDelete,
  vaultPurgeProtection,
  vaultRbacAuthorization,
  registryPremium,
  registryAdminUser,
  registryGeoReplicated,
  trainingDataGeoRedundant,
  datastoreIdentityAccess,
  workspaceOwnDefaultStorage,
  appInsightsWorkspaceBased,
  appInsightsPerRegion,
  noPublicNetworkAccess,
  storageMinimumTls,
  storageNoSharedKey,
];
