import fc from "fast-check";
import { parseCidr } from "../components/cidr";
import { NAME_RULES, NameKind, PREFIX_PATTERN } from "../components/naming";
import {
  findRegion,
  isPairedRegion,
  REGIONS,
  RegionInfo,
  supportsGeoZoneRedundantStorage,
} from "../components/regions";
import { BUILT_IN_ROLES, PEOPLE_ROLES, PeopleRoleName, PrincipalType } from "../components/roles";
import {
  ConfigError,
  KNOWN_KEYS,
  NAMESPACE,
  parseStackConfig,
  ROLES,
  TOPOLOGIES,
  Topology,
} from "../stacks/config";
import { ConfigMap, Plan, PlannedResource, planStack, readStackConfig } from "../tools/harness";

// Each preview runs the real program under the mock runtime (about a second, twice for a
// secondary), so the preview properties use few runs (AML_BCDR_PREVIEW_RUNS raises them for a
// deeper search); the config properties are cheap.
const PREVIEW_RUNS = Number(process.env.AML_BCDR_PREVIEW_RUNS ?? 4);
const CONFIG_RUNS = 300;

/** A stack's settings as `pulumi config` holds them: keys without namespace, string values. */
type Cfg = Record<string, string>;

// ---------------------------------------------------------------------------------------------
// Random valid configurations.

const PAIRED = [...REGIONS.values()].filter(
  (r) => r.cloud === "AzureCloud" && r.pairedRegion !== undefined,
);
const WITH_ZONES = PAIRED.filter((r) => supportsGeoZoneRedundantStorage(r.name));
const WITHOUT_ZONES = PAIRED.filter((r) => !supportsGeoZoneRedundantStorage(r.name));
const UNPAIRED = [...REGIONS.values()].filter(
  (r) => r.cloud === "AzureCloud" && r.pairedRegion === undefined,
);

/** Private /16 ranges: 10.0-255 and 172.16-31. */
const SLASH_16 = [
  ...Array.from({ length: 256 }, (_, i) => `10.${i}.0.0/16`),
  ...Array.from({ length: 16 }, (_, i) => `172.${16 + i}.0.0/16`),
];

const PRINCIPAL_TYPES: readonly PrincipalType[] = ["User", "Group", "ServicePrincipal"];

interface Principal {
  readonly objectId: string;
  readonly role: PeopleRoleName;
  readonly principalType?: PrincipalType;
}

interface Scenario {
  readonly primary: RegionInfo;
  readonly secondary: RegionInfo;
  /** Either one `topology` for every workload, or one per workload. */
  readonly topology?: Topology;
  readonly inferenceTopology: Topology;
  readonly trainingTopology: Topology;
  readonly activeRegion: "primary" | "secondary";
  readonly clusters: readonly Cluster[];
  readonly endpoints: readonly Endpoint[];
  readonly primaryPrefix: string;
  readonly secondaryPrefix: string;
  readonly primarySpace: string;
  readonly secondarySpace: string;
  readonly principals: readonly Principal[];
  readonly tags: Readonly<Record<string, string>>;
  /** Unset means the default for the region. */
  readonly dataRedundancy?: string;
  /** Whether the primary lists its secondary region, or leaves it to default to the pair. */
  readonly listSecondary: boolean;
}

interface Cluster {
  readonly name: string;
  readonly vmSize: string;
  readonly minNodes: number;
  readonly maxNodes: number;
  readonly priority?: "Dedicated" | "LowPriority";
}

interface Deployment {
  readonly name: string;
  readonly model: string;
  readonly instanceType: string;
  readonly instanceCount: number;
  readonly trafficPercent?: number;
}

interface Endpoint {
  readonly name: string;
  readonly authMode?: "AADToken" | "AMLToken" | "Key";
  readonly deployments: readonly Deployment[];
}

const SOME_PRINCIPAL: Principal = {
  objectId: "3f2504e0-4f89-41d3-9a0c-0305e82c3301",
  role: "Reader",
};

const principal: fc.Arbitrary<Principal> = fc
  .record({
    objectId: fc.uuid(),
    upper: fc.boolean(),
    role: fc.constantFrom(...PEOPLE_ROLES),
    principalType: fc.option(fc.constantFrom(...PRINCIPAL_TYPES), { nil: undefined }),
  })
  .map(({ objectId, upper, role, principalType }) => ({
    objectId: upper ? objectId.toUpperCase() : objectId,
    role,
    ...(principalType ? { principalType } : {}),
  }));

// Arbitraries are built once: building one (stringMatching above all) costs milliseconds.
const prefixes = fc.stringMatching(PREFIX_PATTERN);

// Lowercase only: Azure resource names ignore case, so "CPU" and "cpu" would be one cluster.
const cluster: fc.Arbitrary<Cluster> = fc
  .record({
    name: fc.stringMatching(/^[a-z][a-z0-9-]{2,23}$/),
    vmSize: fc.constantFrom("Standard_DS3_v2", "Standard_D4s_v3", "Standard_NC6s_v3"),
    nodes: fc.tuple(fc.nat({ max: 3 }), fc.nat({ max: 8 })),
    priority: fc.option(fc.constantFrom("Dedicated" as const, "LowPriority" as const), {
      nil: undefined,
    }),
  })
  .map(({ nodes: [a, b], priority, ...rest }) => ({
    ...rest,
    minNodes: Math.min(a, b),
    maxNodes: Math.max(a, b),
    ...(priority ? { priority } : {}),
  }));

// Endpoint and deployment names end in a letter or digit: Front Door routes, endpoints and
// origin groups are named after the endpoint, and Azure wants them to end that way.
const deployments: fc.Arbitrary<Deployment[]> = fc
  .uniqueArray(
    fc.record({
      name: fc.stringMatching(/^[a-z][a-z0-9-]{1,30}[a-z0-9]$/),
      model: fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/).map((m) => `azureml:${m}:1`),
      instanceType: fc.constantFrom("Standard_DS3_v2", "Standard_F4s_v2"),
      instanceCount: fc.integer({ min: 1, max: 3 }),
    }),
    { minLength: 1, maxLength: 2, selector: (d) => d.name },
  )
  .chain((list) =>
    list.length === 1
      ? fc.constantFrom(list, [{ ...list[0], trafficPercent: 100 }])
      : fc.integer({ min: 0, max: 100 }).map((k) => [
          { ...list[0], trafficPercent: k },
          { ...list[1], trafficPercent: 100 - k },
        ]),
  );

const endpoint: fc.Arbitrary<Endpoint> = fc
  .record({
    name: fc.stringMatching(/^[a-z][a-z0-9-]{1,18}[a-z0-9]$/),
    authMode: fc.option(fc.constantFrom("AADToken" as const, "AMLToken" as const, "Key" as const), {
      nil: undefined,
    }),
    deployments,
  })
  .map(({ authMode, ...rest }) => ({ ...rest, ...(authMode ? { authMode } : {}) }));

const scenarios: fc.Arbitrary<Scenario> = fc
  .record({
    primary: fc.oneof(fc.constantFrom(...WITH_ZONES), fc.constantFrom(...WITHOUT_ZONES)),
    topologies: fc.oneof(
      fc.constantFrom(...TOPOLOGIES).map((t) => ({ topology: t, inference: t, training: t })),
      fc.record({
        inference: fc.constantFrom(...TOPOLOGIES),
        training: fc.constantFrom(...TOPOLOGIES),
      }),
    ),
    activeRegion: fc.constantFrom("primary" as const, "secondary" as const),
    clusters: fc.uniqueArray(cluster, { maxLength: 2, selector: (c) => c.name }),
    endpoints: fc.uniqueArray(endpoint, { maxLength: 2, selector: (e) => e.name }),
    primaryPrefix: prefixes,
    secondaryPrefix: prefixes,
    spaces: fc.uniqueArray(fc.constantFrom(...SLASH_16), { minLength: 2, maxLength: 2 }),
    principals: fc.uniqueArray(principal, {
      maxLength: 3,
      selector: (p) => `${p.objectId.toLowerCase()}/${p.role}`,
    }),
    tags: fc.dictionary(
      fc.stringMatching(/^[a-z][a-zA-Z]{0,9}$/),
      fc.stringMatching(/^[a-z0-9-]{0,12}$/),
      { maxKeys: 2, noNullPrototype: true },
    ),
    redundancyPick: fc.nat(),
    listSecondary: fc.boolean(),
  })
  .map(({ spaces, redundancyPick, topologies, ...rest }) => {
    // Unset, or one the region can give.
    const allowed = supportsGeoZoneRedundantStorage(rest.primary.name)
      ? [undefined, "GRS", "RAGRS", "GZRS", "RAGZRS"]
      : [undefined, "GRS", "RAGRS"];
    const dataRedundancy = allowed[redundancyPick % allowed.length];
    return {
      ...rest,
      ...("topology" in topologies ? { topology: topologies.topology } : {}),
      inferenceTopology: topologies.inference,
      trainingTopology: topologies.training,
      secondary: REGIONS.get(rest.primary.pairedRegion as string) as RegionInfo,
      primarySpace: spaces[0],
      secondarySpace: spaces[1],
      ...(dataRedundancy ? { dataRedundancy } : {}),
    };
  });

/** The settings both stacks share. */
function sharedSettings(s: Scenario): Cfg {
  return {
    ...(s.topology
      ? { topology: s.topology }
      : { inferenceTopology: s.inferenceTopology, trainingTopology: s.trainingTopology }),
    activeRegion: s.activeRegion,
    principals: JSON.stringify(s.principals),
    tags: JSON.stringify(s.tags),
    computeClusters: JSON.stringify(s.clusters),
    onlineEndpoints: JSON.stringify(s.endpoints),
  };
}

function primaryConfig(s: Scenario): Cfg {
  return {
    role: "primary",
    location: s.primary.name,
    prefix: s.primaryPrefix,
    addressSpace: s.primarySpace,
    ...sharedSettings(s),
    ...(s.listSecondary ? { secondaryLocations: JSON.stringify([s.secondary.name]) } : {}),
    ...(s.dataRedundancy ? { dataRedundancy: s.dataRedundancy } : {}),
  };
}

/**
 * Overrides that make the primary run that feeds a secondary's preview (Pulumi.primary.yaml
 * plus overrides) exactly the scenario's primary: every other setting of the file is emptied,
 * which the config reads as unset.
 */
function primaryOverrides(s: Scenario): string[] {
  const wanted = primaryConfig(s);
  const fromFile = Object.keys(readStackConfig("primary"))
    .map((k) => k.slice(NAMESPACE.length + 1))
    .filter((k) => !(k in wanted));
  return [...Object.entries(wanted).map(([k, v]) => `${k}=${v}`), ...fromFile.map((k) => `${k}=`)];
}

function secondaryConfig(s: Scenario): Cfg {
  return {
    role: "secondary",
    location: s.secondary.name,
    primaryLocation: s.primary.name,
    prefix: s.secondaryPrefix,
    addressSpace: s.secondarySpace,
    primaryAddressSpace: s.primarySpace,
    ...sharedSettings(s),
  };
}

const expectedRedundancy = (s: Scenario) =>
  s.dataRedundancy ?? (supportsGeoZoneRedundantStorage(s.primary.name) ? "GZRS" : "GRS");

const namespaced = (cfg: Cfg): ConfigMap =>
  Object.fromEntries(Object.entries(cfg).map(([k, v]) => [`${NAMESPACE}:${k}`, v]));

const raw =
  (cfg: Cfg) =>
  (key: string): string | undefined =>
    Object.prototype.hasOwnProperty.call(cfg, key) ? cfg[key] : undefined;

const parse = (stack: string, cfg: Cfg) =>
  parseStackConfig(stack, raw(cfg), {
    organization: "organization",
    project: "aml-bcdr",
    presentKeys: Object.keys(cfg),
  });

/** Warnings a valid configuration may give: only that a region needs a support request. */
const onlyRestrictedRegionWarnings = (warnings: readonly string[]) =>
  warnings.filter((w) => !/is an access-restricted region/.test(w));

// ---------------------------------------------------------------------------------------------
// Invariants of a preview.

const T = {
  vault: "azure-native:keyvault:Vault",
  registry: "azure-native:containerregistry:Registry",
  replication: "azure-native:containerregistry:Replication",
  storage: "azure-native:storage:StorageAccount",
  container: "azure-native:storage:BlobContainer",
  workspace: "azure-native:machinelearningservices:Workspace",
  datastore: "azure-native:machinelearningservices:Datastore",
  endpoint: "azure-native:network:PrivateEndpoint",
  zoneGroup: "azure-native:network:PrivateDnsZoneGroup",
  roleAssignment: "azure-native:authorization:RoleAssignment",
  compute: "azure-native:machinelearningservices:Compute",
  onlineEndpoint: "azure-native:machinelearningservices:OnlineEndpoint",
  onlineDeployment: "azure-native:machinelearningservices:OnlineDeployment",
  profile: "azure-native:cdn:Profile",
} as const;

const DATA_BEARING: readonly string[] = [
  T.vault,
  T.registry,
  T.storage,
  T.workspace,
  T.datastore,
  T.container,
];
const GEO_SKUS = ["Standard_GRS", "Standard_RAGRS", "Standard_GZRS", "Standard_RAGZRS"];

/** Which input of each named resource type holds its Azure name, and Azure's rule for it. */
const NAMED: Record<string, [input: string, kind: NameKind]> = {
  "azure-native:resources:ResourceGroup": ["resourceGroupName", "resourceGroup"],
  "azure-native:network:VirtualNetwork": ["virtualNetworkName", "virtualNetwork"],
  "azure-native:network:NetworkSecurityGroup": ["networkSecurityGroupName", "networkSecurityGroup"],
  [T.endpoint]: ["privateEndpointName", "privateEndpoint"],
  [T.storage]: ["accountName", "storageAccount"],
  [T.vault]: ["vaultName", "keyVault"],
  [T.registry]: ["registryName", "containerRegistry"],
  [T.workspace]: ["workspaceName", "workspace"],
  "azure-native:operationalinsights:Workspace": ["workspaceName", "logAnalyticsWorkspace"],
  "azure-native:applicationinsights:Component": ["resourceName", "applicationInsights"],
  "azure-native:managedidentity:UserAssignedIdentity": ["resourceName", "userAssignedIdentity"],
  [T.profile]: ["profileName", "frontDoorProfile"],
};

/** Names that no naming helper makes, with Azure's rules written out here. */
const OTHER_NAMES: Record<string, [input: string, rule: RegExp]> = {
  // Subnets and NICs: 1-80, alphanumerics, underscores, periods, hyphens; start alphanumeric,
  // end alphanumeric or underscore.
  "azure-native:network:Subnet": ["subnetName", /^[a-zA-Z0-9](?:[\w.-]{0,78}[\w])?$/],
  [T.container]: ["containerName", /^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/],
  [T.replication]: ["replicationName", /^[a-zA-Z0-9]{5,50}$/],
  [T.datastore]: ["name", /^[a-zA-Z0-9_]{1,255}$/],
};
/**
 * Front Door endpoints, origin groups, origins and routes: 1-50 letters, digits and hyphens,
 * starting and ending with a letter or digit.
 * https://learn.microsoft.com/azure/templates/microsoft.cdn/profiles/afdendpoints/routes
 */
const FRONT_DOOR_CHILD_NAME = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,48}[a-zA-Z0-9])?$/;
const NIC_NAME = /^[a-zA-Z0-9](?:[\w.-]{0,78}[\w])?$/;

type Inputs = Record<string, any>;

/** A map as JSON with its keys sorted, as the harness records inputs. */
const sortedJson = (map: unknown) =>
  JSON.stringify(Object.entries((map ?? {}) as Record<string, unknown>).sort());
const inputs = (r: PlannedResource) => r.inputs as Inputs;

interface Expected {
  readonly stack: "primary" | "secondary";
  readonly location: string;
  readonly prefix: string;
  readonly regionCode: string;
  readonly principals: readonly Principal[];
  /** Primary: the training data's redundancy and the registry's replica regions. */
  readonly dataRedundancy?: string;
  readonly replicaLocations?: readonly string[];
  /** Secondary: the primary's naming parts, to check the wiring to the shared resources. */
  readonly primaryPrefix?: string;
  readonly primaryRegionCode?: string;
  /** What the region runs of each workload, and the workloads configured. */
  readonly training: Readiness;
  readonly inference: Readiness;
  readonly clusters: readonly Cluster[];
  readonly endpoints: readonly Endpoint[];
}

/**
 * What a region runs of a workload: the active region everything; the other one what the
 * workload's topology says (hot: everything, warm: idle and ready, cold: nothing).
 */
type Readiness = "full" | "standby" | "none";
const WHEN_NOT_ACTIVE: Record<Topology, Readiness> = {
  "hot-hot": "full",
  "hot-warm": "standby",
  "hot-cold": "none",
};

function expectationsFor(stack: "primary" | "secondary", s: Scenario): Expected {
  const active = s.activeRegion === stack;
  const readiness = (t: Topology): Readiness => (active ? "full" : WHEN_NOT_ACTIVE[t]);
  const region = stack === "primary" ? s.primary : s.secondary;
  return {
    stack,
    location: region.name,
    prefix: stack === "primary" ? s.primaryPrefix : s.secondaryPrefix,
    regionCode: region.shortCode,
    principals: s.principals,
    ...(stack === "primary"
      ? { dataRedundancy: expectedRedundancy(s), replicaLocations: [s.secondary.name] }
      : { primaryPrefix: s.primaryPrefix, primaryRegionCode: s.primary.shortCode }),
    training: readiness(s.trainingTopology),
    inference: readiness(s.inferenceTopology),
    clusters: s.clusters,
    endpoints: s.endpoints,
  };
}

/** Every broken invariant of a preview, as one line each; empty if none is broken. */
function violations(plan: Plan, e: Expected): string[] {
  const bad: string[] = [];
  const check = (ok: boolean, what: string) => {
    if (!ok) bad.push(what);
  };
  const all = plan.resources;
  const of = (type: string) => all.filter((r) => r.type === type);
  const label = (r: PlannedResource) => `${r.type.split(":").pop()} ${r.name}`;

  // Data-bearing resources cannot be deleted by a stray pulumi destroy.
  for (const r of all.filter((x) => DATA_BEARING.includes(x.type))) {
    check(r.protect === true, `${label(r)} is not protected`);
  }

  // Nothing is reachable from the internet.
  for (const r of of(T.vault)) {
    const p = inputs(r).properties ?? {};
    check(p.publicNetworkAccess === "Disabled", `${label(r)} publicNetworkAccess`);
    check(p.networkAcls?.defaultAction === "Deny", `${label(r)} networkAcls.defaultAction`);
    check(p.enableRbacAuthorization === true, `${label(r)} enableRbacAuthorization`);
    check(p.enablePurgeProtection === true, `${label(r)} enablePurgeProtection`);
    check(p.enableSoftDelete === true, `${label(r)} enableSoftDelete`);
  }
  for (const r of of(T.registry)) {
    const i = inputs(r);
    check(i.publicNetworkAccess === "Disabled", `${label(r)} publicNetworkAccess`);
    check(i.sku?.name === "Premium", `${label(r)} sku ${i.sku?.name}`);
    check(i.adminUserEnabled === false, `${label(r)} adminUserEnabled`);
  }
  for (const r of of(T.storage)) {
    const i = inputs(r);
    check(i.publicNetworkAccess === "Disabled", `${label(r)} publicNetworkAccess`);
    check(i.minimumTlsVersion === "TLS1_2", `${label(r)} minimumTlsVersion`);
    check(i.allowBlobPublicAccess === false, `${label(r)} allowBlobPublicAccess`);
    check(i.allowSharedKeyAccess === false, `${label(r)} allowSharedKeyAccess`);
  }
  for (const r of of(T.workspace)) {
    check(inputs(r).publicNetworkAccess === "Disabled", `${label(r)} publicNetworkAccess`);
  }

  // One workspace per region, whose default storage is local to the region.
  const workspaces = of(T.workspace);
  check(workspaces.length === 1, `${workspaces.length} workspaces`);
  const workspace = workspaces[0];
  const wsStorage = of(T.storage).find((r) => r.id === inputs(workspace).storageAccount);
  check(wsStorage !== undefined, "the workspace's default storage is not in the stack");
  if (wsStorage) {
    const sku = inputs(wsStorage).sku?.name;
    check(!GEO_SKUS.includes(sku), `workspace default storage is geo-redundant (${sku})`);
    check(/^Standard_(LRS|ZRS)$/.test(sku), `workspace default storage sku ${sku}`);
  }
  check(inputs(workspace).location === e.location, "workspace outside the stack's region");

  // The training data: one geo-redundant account in the primary, attached in every region.
  const datastores = of(T.datastore);
  check(datastores.length === 1, `${datastores.length} datastores`);
  const dataAccountName: string = inputs(datastores[0]).properties?.accountName ?? "";
  const dataAccount = of(T.storage).find((r) => inputs(r).accountName === dataAccountName);
  if (e.stack === "primary") {
    check(dataAccount !== undefined, `training-data account ${dataAccountName} not in the primary`);
    if (dataAccount) {
      const sku = inputs(dataAccount).sku?.name;
      check(GEO_SKUS.includes(sku), `training-data account sku ${sku} is not geo-redundant`);
      check(sku === `Standard_${e.dataRedundancy}`, `training-data sku ${sku}`);
      check(inputs(dataAccount).location === e.location, "training data outside the primary");
    }
  } else {
    check(dataAccount === undefined, "the secondary has its own training-data account");
    check(
      dataAccountName.startsWith(`${e.primaryPrefix}${e.primaryRegionCode}dt`),
      `the secondary's datastore reads ${dataAccountName}, not the primary's account`,
    );
  }

  // Shared resources belong to the primary only.
  const counts = { vault: of(T.vault).length, registry: of(T.registry).length };
  const expectedCount = e.stack === "primary" ? 1 : 0;
  check(counts.vault === expectedCount, `${counts.vault} key vaults`);
  check(counts.registry === expectedCount, `${counts.registry} registries`);
  check(of(T.container).length === expectedCount, `${of(T.container).length} blob containers`);

  // Registry replicas: in the other regions only, exactly the secondary regions.
  for (const r of of(T.replication)) {
    const registry = all.find((x) => x.urn === r.parent);
    check(registry?.type === T.registry, `${label(r)} is not a child of a registry`);
    if (registry) {
      check(
        inputs(r).location !== inputs(registry).location,
        `${label(r)} replicates to the registry's own region ${inputs(r).location}`,
      );
    }
  }
  const replicas = of(T.replication)
    .map((r) => inputs(r).location)
    .sort();
  check(
    JSON.stringify(replicas) === JSON.stringify([...(e.replicaLocations ?? [])].sort()),
    `replicas in ${replicas.join(", ") || "no region"}`,
  );

  // Private endpoints: in the stack's region, each with exactly one DNS zone group.
  const endpoints = of(T.endpoint);
  check(endpoints.length > 0, "no private endpoints");
  for (const pe of endpoints) {
    const i = inputs(pe);
    check(i.location === e.location, `${label(pe)} in ${i.location}`);
    check(NIC_NAME.test(i.customNetworkInterfaceName ?? ""), `${label(pe)} NIC name`);
    const groups = of(T.zoneGroup).filter((g) => g.parent === pe.urn);
    check(groups.length === 1, `${label(pe)} has ${groups.length} DNS zone groups`);
    for (const g of groups) {
      const configs: Inputs[] = inputs(g).privateDnsZoneConfigs ?? [];
      check(configs.length > 0, `${label(g)} has no zone configs`);
      const names = configs.map((c) => c.name);
      check(
        names.every((n) => typeof n === "string" && n.length > 0),
        `${label(g)} has an unnamed zone config`,
      );
      check(new Set(names).size === names.length, `${label(g)} repeats a config name`);
      check(
        configs.every((c) => typeof c.privateDnsZoneId === "string"),
        `${label(g)} has a config without a zone`,
      );
    }
  }
  for (const g of of(T.zoneGroup)) {
    check(
      endpoints.some((pe) => pe.urn === g.parent),
      `${label(g)} is not a child of an endpoint`,
    );
  }

  // Every Azure name is valid, and every generated one carries the stack's prefix and region.
  for (const r of all) {
    const named = NAMED[r.type];
    if (named) {
      const [input, kind] = named;
      const name = inputs(r)[input];
      check(
        typeof name === "string" && NAME_RULES[kind].pattern.test(name),
        `${label(r)}: ${input} ${JSON.stringify(name)} breaks ${kind} rule`,
      );
      check(
        typeof name === "string" && name.startsWith(e.prefix) && name.includes(e.regionCode),
        `${label(r)}: ${input} ${JSON.stringify(name)} lacks ${e.prefix} or ${e.regionCode}`,
      );
    }
    const other = OTHER_NAMES[r.type];
    if (other) {
      const [input, rule] = other;
      const name = inputs(r)[input];
      check(
        typeof name === "string" && rule.test(name),
        `${label(r)}: ${input} ${JSON.stringify(name)}`,
      );
    }
  }
  for (const type of [T.storage, T.workspace, T.endpoint, "azure-native:resources:ResourceGroup"]) {
    check(of(type).length > 0, `no ${type} to check the name of`);
  }

  // Training clusters: as many as the region's readiness calls for, never reachable from outside.
  const computes = of(T.compute);
  const wantClusters = e.training === "none" ? [] : e.clusters;
  check(
    JSON.stringify(computes.map((r) => inputs(r).computeName).sort()) ===
      JSON.stringify(wantClusters.map((c) => c.name).sort()),
    `clusters ${computes.map((r) => inputs(r).computeName).join(", ") || "none"} ` +
      `(training ${e.training})`,
  );
  for (const r of computes) {
    const i = inputs(r);
    const p = i.properties?.properties ?? {};
    const spec = e.clusters.find((c) => c.name === i.computeName);
    check(/^[a-zA-Z][a-zA-Z0-9-]{2,23}$/.test(i.computeName), `${label(r)} computeName`);
    check(i.location === e.location, `${label(r)} in ${i.location}`);
    check(p.enableNodePublicIp === false, `${label(r)} enableNodePublicIp`);
    check(p.remoteLoginPortPublicAccess === "Disabled", `${label(r)} remoteLoginPortPublicAccess`);
    check(/\/subnets\/snet-training$/.test(p.subnet?.id ?? ""), `${label(r)} not in snet-training`);
    const min = e.training === "standby" ? 0 : spec?.minNodes;
    check(p.scaleSettings?.minNodeCount === min, `${label(r)} minNodeCount`);
    check(p.scaleSettings?.maxNodeCount === spec?.maxNodes, `${label(r)} maxNodeCount`);
  }

  // Deployed models: as many as the region's readiness calls for, standby on one instance.
  const serving = of(T.onlineEndpoint);
  const main = serving;
  const wantEndpoints = e.inference === "none" ? [] : e.endpoints;
  check(main.length === wantEndpoints.length, `${main.length} online endpoints (${e.inference})`);
  for (const spec of wantEndpoints) {
    const pattern = new RegExp(`^${spec.name}-${e.regionCode}-[a-z0-9]{6}$`);
    const ep = main.find((r) => pattern.test(inputs(r).endpointName));
    const name: string = ep ? inputs(ep).endpointName : "";
    check(ep !== undefined, `no online endpoint ${spec.name}-${e.regionCode}-<random>`);
    check(name.length <= 32, `online endpoint name ${name} is longer than 32`);
    check(/^[a-zA-Z][a-zA-Z0-9-]*[a-zA-Z0-9]$/.test(name), `online endpoint name ${name}`);
    // One registration per endpoint: it must not wait on its own deployments.
    const deploymentUrns = of(T.onlineDeployment).map((r) => r.urn);
    check(
      !ep?.dependencies.some((urn) => deploymentUrns.includes(urn)),
      `endpoint ${spec.name} waits on its deployments`,
    );
    const shares = Object.fromEntries(
      spec.deployments.map((d) => [
        d.name,
        d.trafficPercent ?? (spec.deployments.length === 1 ? 100 : 0),
      ]),
    );
    const routed = ep ? inputs(ep).properties?.traffic : undefined;
    check(
      sortedJson(routed) === sortedJson(shares),
      `traffic of ${spec.name}: ${sortedJson(routed)}`,
    );
    for (const d of spec.deployments) {
      const dep = of(T.onlineDeployment).find(
        (r) => inputs(r).endpointName === name && inputs(r).deploymentName === d.name,
      );
      check(dep !== undefined, `no deployment ${d.name} of ${spec.name}`);
      if (dep) {
        const i = inputs(dep);
        check(i.properties?.egressPublicNetworkAccess === "Disabled", `${label(dep)} egress`);
        const capacity = e.inference === "standby" ? 1 : d.instanceCount;
        check(i.sku?.capacity === capacity, `${label(dep)} capacity ${i.sku?.capacity}`);
        check(i.properties?.model === d.model, `${label(dep)} model`);
      }
    }
  }
  const wantDeployments = wantEndpoints.reduce((n, x) => n + x.deployments.length, 0);
  check(
    of(T.onlineDeployment).length === wantDeployments,
    `${of(T.onlineDeployment).length} deployments`,
  );

  // The global entry point: only in the secondary, HTTPS only, names Front Door accepts.
  const frontDoor = all.filter((r) => r.type.startsWith("azure-native:cdn:"));
  if (e.stack === "primary") check(frontDoor.length === 0, "a Front Door in the primary");
  for (const r of frontDoor) {
    const i = inputs(r);
    for (const key of ["endpointName", "originGroupName", "originName", "routeName"]) {
      if (r.type !== T.profile && typeof i[key] === "string") {
        check(FRONT_DOOR_CHILD_NAME.test(i[key]), `${label(r)}: ${key} ${JSON.stringify(i[key])}`);
      }
    }
    if (r.type === "azure-native:cdn:Route") {
      check(JSON.stringify(i.supportedProtocols) === '["Https"]', `${label(r)} protocols`);
      check(i.forwardingProtocol === "HttpsOnly", `${label(r)} forwardingProtocol`);
    }
    if (r.type === "azure-native:cdn:AFDOrigin") {
      check(i.enforceCertificateNameCheck === true, `${label(r)} certificate name check`);
    }
  }

  // The same people get their roles on every region's workspace.
  const assignments = of(T.roleAssignment);
  for (const p of e.principals) {
    const matching = assignments.filter(
      (a) =>
        inputs(a).principalId === p.objectId.toLowerCase() &&
        String(inputs(a).roleDefinitionId).endsWith(`/${BUILT_IN_ROLES[p.role]}`),
    );
    check(matching.length === 1, `${matching.length} assignments of ${p.role} to ${p.objectId}`);
    for (const a of matching) {
      check(inputs(a).scope === workspace?.id, `${label(a)} is not on the workspace`);
      check(
        inputs(a).principalType === (p.principalType ?? "Group"),
        `${label(a)} principalType ${inputs(a).principalType}`,
      );
    }
  }

  check(
    onlyRestrictedRegionWarnings(plan.warnings).length === 0,
    `warnings: ${plan.warnings.join(" | ")}`,
  );
  return bad;
}

/** Checks that a secondary reaches the primary's own shared resources. */
function wiringViolations(plan: Plan, primaryPrefix: string, primaryCode: string): string[] {
  const bad: string[] = [];
  const shared: [string, RegExp][] = [
    ["vault", new RegExp(`/vaults/${primaryPrefix}-${primaryCode}-kv-[a-z0-9]+$`)],
    ["registry", new RegExp(`/registries/${primaryPrefix}${primaryCode}acr[a-z0-9]+$`)],
    ["blob", new RegExp(`/storageAccounts/${primaryPrefix}${primaryCode}dt[a-z0-9]+$`)],
  ];
  const connections = plan.resources
    .filter((r) => r.type === T.endpoint)
    .flatMap((r) => (inputs(r).privateLinkServiceConnections ?? []) as Inputs[]);
  for (const [service, target] of shared) {
    const ids = connections
      .filter((c) => JSON.stringify(c.groupIds) === JSON.stringify([service]))
      .map((c) => String(c.privateLinkServiceId));
    if (!ids.some((id) => target.test(id))) {
      bad.push(`no ${service} endpoint to the primary's resource (${ids.join(", ")})`);
    }
  }
  const workspace = plan.resources.find((r) => r.type === T.workspace);
  const ws = workspace ? inputs(workspace) : {};
  if (!shared[0][1].test(ws.keyVault ?? "")) bad.push(`workspace key vault ${ws.keyVault}`);
  if (!shared[1][1].test(ws.containerRegistry ?? "")) {
    bad.push(`workspace registry ${ws.containerRegistry}`);
  }
  return bad;
}

describe("random valid configurations", () => {
  test("parse without problems, to the values given", () => {
    fc.assert(
      fc.property(scenarios, (s) => {
        const primary = parse("primary", primaryConfig(s));
        expect(onlyRestrictedRegionWarnings(primary.warnings)).toEqual([]);
        expect(primary.config.secondaryLocations).toEqual([s.secondary.name]);
        expect(primary.config.dataRedundancy).toBe(expectedRedundancy(s));
        expect(primary.config.principals.map((p) => p.objectId)).toEqual(
          s.principals.map((p) => p.objectId.toLowerCase()),
        );
        expect(primary.config.topologies).toEqual({
          inference: s.inferenceTopology,
          training: s.trainingTopology,
        });
        expect(primary.config.computeClusters.map((c) => c.name)).toEqual(
          s.clusters.map((c) => c.name),
        );
        expect(primary.config.onlineEndpoints.map((e) => e.name)).toEqual(
          s.endpoints.map((e) => e.name),
        );
        const secondary = parse("secondary", secondaryConfig(s));
        expect(onlyRestrictedRegionWarnings(secondary.warnings)).toEqual([]);
        expect(secondary.config.activeRegion).toBe(s.activeRegion);
        expect(secondary.config.primaryLocation).toBe(s.primary.name);
        expect(secondary.config.addressSpace).toBe(s.secondarySpace);
      }),
      { numRuns: CONFIG_RUNS },
    );
  });

  test("primary previews keep every security and DR invariant", async () => {
    await fc.assert(
      fc.asyncProperty(scenarios, async (s) => {
        const plan = await planStack("primary", { config: namespaced(primaryConfig(s)) });
        expect(violations(plan, expectationsFor("primary", s))).toEqual([]);
        expect(plan.outputs.dataRedundancy).toBe(expectedRedundancy(s));
      }),
      { numRuns: PREVIEW_RUNS },
    );
  });

  test("secondary previews keep every invariant and use the primary's shared resources", async () => {
    await fc.assert(
      fc.asyncProperty(scenarios, async (s) => {
        const plan = await planStack("secondary", {
          config: namespaced(secondaryConfig(s)),
          primaryOverrides: primaryOverrides(s),
        });
        expect(violations(plan, expectationsFor("secondary", s))).toEqual([]);
        expect(wiringViolations(plan, s.primaryPrefix, s.primary.shortCode)).toEqual([]);
      }),
      { numRuns: PREVIEW_RUNS },
    );
  });
});

describe("the invariant checks", () => {
  const fixed: Scenario = {
    primary: REGIONS.get("northeurope") as RegionInfo,
    secondary: REGIONS.get("westeurope") as RegionInfo,
    inferenceTopology: "hot-hot",
    trainingTopology: "hot-cold",
    activeRegion: "primary",
    clusters: [{ name: "cpu-cluster", vmSize: "Standard_DS3_v2", minNodes: 1, maxNodes: 4 }],
    endpoints: [
      {
        name: "scoring",
        deployments: [
          {
            name: "blue",
            model: "azureml:scoring-model:1",
            instanceType: "Standard_DS3_v2",
            instanceCount: 2,
          },
        ],
      },
    ],
    primaryPrefix: "amlbcdr",
    secondaryPrefix: "amlbcdr",
    primarySpace: "10.40.0.0/16",
    secondarySpace: "10.41.0.0/16",
    principals: [SOME_PRINCIPAL],
    tags: {},
    dataRedundancy: "RAGZRS",
    listSecondary: true,
  };
  const expected = expectationsFor("primary", fixed);

  /** A copy of the plan with one thing broken. */
  const broken = (plan: Plan, breakIt: (resources: PlannedResource[]) => void): Plan => {
    const copy = structuredClone(plan);
    breakIt(copy.resources);
    return copy;
  };
  const first = (resources: PlannedResource[], type: string) =>
    resources.find((r) => r.type === type) as PlannedResource & { inputs: Inputs };

  test("pass a sound plan and catch each kind of broken one", async () => {
    const plan = await planStack("primary", { config: namespaced(primaryConfig(fixed)) });
    expect(violations(plan, expected)).toEqual([]);

    const cases: [string, (resources: PlannedResource[]) => void][] = [
      [
        "Vault key-vault-vault is not protected",
        (rs) => {
          (first(rs, T.vault) as { protect: boolean }).protect = false;
        },
      ],
      [
        "StorageAccount workspace-storage publicNetworkAccess",
        (rs) => {
          first(rs, T.storage).inputs.publicNetworkAccess = "Enabled";
        },
      ],
      [
        "Registry registry-registry adminUserEnabled",
        (rs) => {
          first(rs, T.registry).inputs.adminUserEnabled = true;
        },
      ],
      [
        "Vault key-vault-vault enablePurgeProtection",
        (rs) => {
          first(rs, T.vault).inputs.properties.enablePurgeProtection = false;
        },
      ],
      [
        "is not geo-redundant",
        (rs) => {
          for (const r of rs.filter((x) => x.type === T.storage)) {
            (r.inputs as Inputs).sku = { name: "Standard_LRS" };
          }
        },
      ],
      [
        "workspace default storage is geo-redundant",
        (rs) => {
          first(rs, T.storage).inputs.sku = { name: "Standard_GZRS" };
        },
      ],
      [
        "has 0 DNS zone groups",
        (rs) => {
          rs.splice(rs.indexOf(first(rs, T.zoneGroup)), 1);
        },
      ],
      [
        "has an unnamed zone config",
        (rs) => {
          first(rs, T.zoneGroup).inputs.privateDnsZoneConfigs[0].name = "";
        },
      ],
      [
        "replicates to the registry's own region",
        (rs) => {
          first(rs, T.replication).inputs.location = "northeurope";
        },
      ],
      [
        "breaks storageAccount rule",
        (rs) => {
          first(rs, T.storage).inputs.accountName = "amlbcdr_neu_ws";
        },
      ],
      [
        "assignments of Reader",
        (rs) => {
          const people = rs.filter(
            (r) => r.type === T.roleAssignment && (r.inputs as Inputs).principalType === "Group",
          );
          for (const r of people) rs.splice(rs.indexOf(r), 1);
        },
      ],
    ];
    cases.push(
      [
        "enableNodePublicIp",
        (rs) => {
          first(rs, T.compute).inputs.properties.properties.enableNodePublicIp = true;
        },
      ],
      [
        "waits on its deployments",
        (rs) => {
          const endpoint = first(rs, T.onlineEndpoint);
          (endpoint as { dependencies: string[] }).dependencies = [
            ...endpoint.dependencies,
            first(rs, T.onlineDeployment).urn,
          ];
        },
      ],
      [
        "egress",
        (rs) => {
          first(rs, T.onlineDeployment).inputs.properties.egressPublicNetworkAccess = "Enabled";
        },
      ],
      [
        "traffic of scoring",
        (rs) => {
          for (const r of rs.filter((x) => x.type === T.onlineEndpoint)) {
            const props = (r.inputs as Inputs).properties;
            if (props.traffic) props.traffic = { blue: 0 };
          }
        },
      ],
    );
    for (const [message, breakIt] of cases) {
      const found = violations(broken(plan, breakIt), expected);
      expect({ message, found: found.some((v) => v.includes(message)) }).toEqual({
        message,
        found: true,
      });
    }
    expect(violations(plan, { ...expected, replicaLocations: [] })).toEqual([
      "replicas in westeurope",
    ]);
    expect(violations(plan, { ...expected, stack: "secondary" })).toContain("1 key vaults");
    expect(violations(plan, { ...expected, training: "standby" })).toContain(
      "Compute training-cpu-cluster minNodeCount",
    );
    expect(violations(plan, { ...expected, inference: "none" })).toContain(
      "1 online endpoints (none)",
    );
    expect(violations(plan, { ...expected, training: "none" })).toContain(
      "clusters cpu-cluster (training none)",
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Random invalid configurations: one valid setting made bad.

/** One setting made bad: set to `value`, or removed where `value` is undefined. */
interface Mutation {
  /** The setting made bad; some problem must name it. */
  readonly setting: string;
  readonly value?: string;
}

/** A mutation that may depend on the scenario it is applied to. */
type MakeMutation = (s: Scenario) => Mutation;

function mutate(cfg: Cfg, m: Mutation): Cfg {
  const rest = Object.fromEntries(Object.entries(cfg).filter(([k]) => k !== m.setting));
  return m.value === undefined ? rest : { ...rest, [m.setting]: m.value };
}

const setTo =
  (setting: string) =>
  (value: string): MakeMutation =>
  () => ({ setting, value });

/** Picks one of a list that depends on the scenario. */
const pick = <T>(choose: (s: Scenario) => readonly T[], make: (item: T) => Mutation) =>
  fc.nat().map((n): MakeMutation => (s) => {
    const items = choose(s);
    return make(items[n % items.length]);
  });

const notOneOf = (allowed: readonly string[]) =>
  fc.string({ minLength: 1, maxLength: 12 }).filter((x) => !allowed.includes(x));

const unknownRegion = fc.stringMatching(/^[a-z][a-z0-9 ]{2,16}$/).filter((x) => !findRegion(x));

const badPrefix = fc
  .oneof(
    fc.string({ maxLength: 14 }),
    prefixes.map((p) => p.toUpperCase()),
    prefixes.map((p) => `${p.slice(0, 1)}-${p.slice(1)}`),
    prefixes.map((p) => `${p}${"x".repeat(11 - p.length)}`),
    prefixes.map((p) => `${p.length % 10}${p}`),
  )
  .filter((p) => !PREFIX_PATTERN.test(p));

/** Text that is not a CIDR at all. */
const notCidr = fc.oneof(
  fc.string({ maxLength: 20 }).filter((x) => typeof parseCidr(x) === "string"),
  fc.integer({ min: 1, max: 255 }).map((n) => `10.${n}.1.0/16`),
  fc.constantFrom("10.40.0.0/7", "10.40.0.0/30", "10.256.0.0/16", "10.40.0.0", "fd00::/8"),
);
/** Not a CIDR, or one too small for a region's three subnets. */
const badAddressSpace = fc.oneof(
  notCidr,
  fc.integer({ min: 25, max: 29 }).map((n) => `10.99.0.0/${n}`),
);

const GUID = /^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/i;

/** A list of principals with one bad entry, or something that is not a list at all. */
const badPrincipals = fc
  .oneof(
    fc
      .string()
      .filter((x) => !GUID.test(x))
      .map((objectId) => (p: Principal): unknown => [{ ...p, objectId }]),
    notOneOf(PEOPLE_ROLES).map((role) => (p: Principal): unknown => [{ ...p, role }]),
    fc
      .string()
      .filter((t) => !(PRINCIPAL_TYPES as readonly string[]).includes(t))
      .map((principalType) => (p: Principal): unknown => [{ ...p, principalType }]),
    fc.constant((p: Principal): unknown => [p, { ...p, objectId: p.objectId.toUpperCase() }]),
    fc.constantFrom(
      (p: Principal): unknown => p,
      (): unknown => "everyone",
      (): unknown => 42,
    ),
  )
  .chain((make) =>
    fc.boolean().map((truncate): MakeMutation => (s) => {
      const json = JSON.stringify(make(s.principals[0] ?? SOME_PRINCIPAL));
      return { setting: "principals", value: truncate ? json.slice(0, -1) : json };
    }),
  );

const ownSpace = (s: Scenario, stack: "primary" | "secondary") =>
  stack === "primary" ? s.primarySpace : s.secondarySpace;

const badSubnets = (stack: "primary" | "secondary") =>
  pick(
    (s) => [
      { training: "192.168.0.0/24" },
      { inference: ownSpace(s, stack).replace("/16", "/18") },
      { gpu: ownSpace(s, stack).replace("/16", "/20") },
      { privateEndpoints: ownSpace(s, stack).replace(".0.0/16", ".0.1/24") },
    ],
    (subnets) => ({ setting: "subnets", value: JSON.stringify(subnets) }),
  );

const SOME_CLUSTER: Cluster = {
  name: "cpu-cluster",
  vmSize: "Standard_DS3_v2",
  minNodes: 0,
  maxNodes: 4,
};
const SOME_ENDPOINT: Endpoint = {
  name: "scoring",
  deployments: [
    { name: "blue", model: "azureml:m:1", instanceType: "Standard_DS3_v2", instanceCount: 1 },
  ],
};

/** A list of clusters with one bad entry, or something that is not a list. */
const badClusters = fc
  .oneof(
    fc
      .string({ maxLength: 26 })
      .filter((n) => !/^[a-zA-Z][a-zA-Z0-9-]{2,23}$/.test(n))
      .map((name) => (c: Cluster): unknown => [{ ...c, name }]),
    fc
      .string({ maxLength: 16 })
      .filter((v) => !/^Standard_[A-Za-z0-9_]+$/.test(v))
      .map((vmSize) => (c: Cluster): unknown => [{ ...c, vmSize }]),
    fc
      .integer({ min: 1, max: 20 })
      .map((n) => (c: Cluster): unknown => [{ ...c, minNodes: n, maxNodes: n - 1 }]),
    fc
      .constantFrom(-1, 1.5, "4", null)
      .map((maxNodes) => (c: Cluster): unknown => [{ ...c, maxNodes }]),
    fc
      .constantFrom("Spot", "lowpriority")
      .map((p) => (c: Cluster): unknown => [{ ...c, priority: p }]),
    fc.constant((c: Cluster): unknown => [c, { ...c, maxNodes: c.maxNodes + 1 }]),
    fc.constant((c: Cluster): unknown => c),
  )
  .map((make): MakeMutation => (s) => ({
    setting: "computeClusters",
    value: JSON.stringify(make(s.clusters[0] ?? SOME_CLUSTER)),
  }));

/** Overrides for a cluster that does not exist, or overrides that are not a map. */
const badOverrides = fc
  .oneof(
    fc.stringMatching(/^[a-z][a-z0-9-]{2,12}$/).map((name) => ({ [`X${name}`]: { maxNodes: 0 } })),
    fc.constantFrom([], "gpu", 3),
  )
  .map((value): MakeMutation => () => ({
    setting: "computeOverrides",
    value: JSON.stringify(value),
  }));

/** A list of endpoints with one bad entry, or something that is not a list. */
const badEndpoints = fc
  .oneof(
    fc
      .string({ maxLength: 24 })
      .filter((n) => !/^[a-z][a-z0-9-]{2,19}$/.test(n))
      .map((name) => (e: Endpoint): unknown => [{ ...e, name }]),
    fc
      .constantFrom("aad", "None")
      .map((authMode) => (e: Endpoint): unknown => [{ ...e, authMode }]),
    fc
      .constantFrom("health", "")
      .map((p) => (e: Endpoint): unknown => [{ ...e, healthProbePath: p }]),
    fc.constant((e: Endpoint): unknown => [{ ...e, deployments: [] }]),
    fc
      .string({ maxLength: 12 })
      .filter((m) => !m.startsWith("azureml:"))
      .map((model) => (e: Endpoint): unknown => [
        { ...e, deployments: e.deployments.map((d) => ({ ...d, model })) },
      ]),
    fc
      .constantFrom(0, -1, 1.5)
      .map((instanceCount) => (e: Endpoint): unknown => [
        { ...e, deployments: e.deployments.map((d) => ({ ...d, instanceCount })) },
      ]),
    fc
      .integer({ min: 0, max: 99 })
      .map((share) => (e: Endpoint): unknown => [
        { ...e, deployments: [{ ...e.deployments[0], trafficPercent: share }] },
      ]),
    fc.constant((e: Endpoint): unknown => [e, e]),
    fc.constant((e: Endpoint): unknown => e),
  )
  .map((make): MakeMutation => (s) => ({
    setting: "onlineEndpoints",
    value: JSON.stringify(make(s.endpoints[0] ?? SOME_ENDPOINT)),
  }));

const commonMutations = (stack: "primary" | "secondary"): fc.Arbitrary<MakeMutation>[] => [
  notOneOf(TOPOLOGIES).map(setTo("inferenceTopology")),
  notOneOf(TOPOLOGIES).map(setTo("trainingTopology")),
  notOneOf(ROLES).map(setTo("activeRegion")),
  badClusters,
  badOverrides,
  badEndpoints,
  unknownRegion.map(setTo("location")),
  fc.constant(() => ({ setting: "location" })),
  notOneOf(TOPOLOGIES).map(setTo("topology")),
  badPrefix.map(setTo("prefix")),
  badAddressSpace.map(setTo("addressSpace")),
  badSubnets(stack),
  badPrincipals,
  fc
    .constantFrom("[]", '"x"', "5", "null", '{"a": 1}', "{oops", '{"a": {"b": "c"}}')
    .map(setTo("tags")),
  ...["protectData", "allowPublicNetworkAccess", "allowUnpairedRegions"].map((key) =>
    notOneOf(["true", "false"]).map(setTo(key)),
  ),
  notOneOf(ROLES).map(setTo("role")),
  fc
    .stringMatching(/^[a-zA-Z][a-zA-Z0-9]{1,15}$/)
    .filter((k) => !(KNOWN_KEYS as readonly string[]).includes(k))
    .map((key) => setTo(key)("x")),
];

/** Public regions that are neither the primary nor paired with it. */
const notPairedWithPrimary = (s: Scenario) =>
  PAIRED.filter((r) => r.name !== s.primary.name && !isPairedRegion(s.primary.name, r.name));

const PRIMARY_MUTATIONS = fc.oneof(
  ...commonMutations("primary"),
  unknownRegion.map((r) => setTo("secondaryLocations")(JSON.stringify([r]))),
  pick(
    (s) => [
      [s.primary.name],
      [],
      [s.secondary.name, s.secondary.name],
      s.secondary.name,
      ...notPairedWithPrimary(s).map((r) => [r.name]),
    ],
    (value) => ({ setting: "secondaryLocations", value: JSON.stringify(value) }),
  ),
  fc.constant((s: Scenario) => ({ setting: "secondaryLocations", value: s.secondary.name })),
  notOneOf(["GRS", "RAGRS", "GZRS", "RAGZRS"]).map(setTo("dataRedundancy")),
  pick(
    (s) => (supportsGeoZoneRedundantStorage(s.primary.name) ? ["LRS"] : ["GZRS", "RAGZRS"]),
    (value) => ({ setting: "dataRedundancy", value }),
  ),
  fc.constantFrom(...UNPAIRED).map((r) => setTo("location")(r.name)),
);

const SECONDARY_MUTATIONS = fc.oneof(
  ...commonMutations("secondary"),
  unknownRegion.map(setTo("primaryLocation")),
  fc.constant(() => ({ setting: "primaryLocation" })),
  fc.constant((s: Scenario) => ({ setting: "location", value: s.primary.name })),
  pick(notPairedWithPrimary, (r) => ({ setting: "location", value: r.name })),
  pick(
    (s) => [s.primarySpace, s.primarySpace.replace("/16", "/17")],
    (value) => ({ setting: "addressSpace", value }),
  ),
  notCidr.map(setTo("primaryAddressSpace")),
  ...["sharedKeyVaultId", "sharedRegistryId", "sharedDataAccountId"].map((key) =>
    fc
      .oneof(
        fc.string({ minLength: 1 }).filter((x) => !x.startsWith("/subscriptions/")),
        fc.constant("/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Web/sites/app"),
      )
      .map(setTo(key)),
  ),
  fc
    .constantFrom("Training-Data", "training--data", "td", "training_data", "-data", "a".repeat(64))
    .map(setTo("sharedDataContainerName")),
  fc
    .constantFrom("my org/aml-bcdr/primary", "a/b/c/d", "/primary", "org//primary", "")
    .map(setTo("primaryStack")),
);

describe("random invalid configurations", () => {
  test.each([
    ["primary", PRIMARY_MUTATIONS, primaryConfig],
    ["secondary", SECONDARY_MUTATIONS, secondaryConfig],
  ] as const)(
    "%s: one bad setting always gives a ConfigError naming that setting",
    (stack, mutations, configOf) => {
      const cases = fc.tuple(scenarios, mutations).map(([s, make]) => ({
        valid: configOf(s),
        mutation: make(s),
      }));
      fc.assert(
        fc.property(cases, ({ valid, mutation }) => {
          expect(() => parse(stack, valid)).not.toThrow();
          let thrown: unknown;
          try {
            parse(stack, mutate(valid, mutation));
          } catch (err) {
            thrown = err;
          }
          expect(thrown).toBeInstanceOf(ConfigError);
          const { setting } = mutation;
          const keys = (thrown as ConfigError).problems.map((p) => p.key);
          const named = keys.some(
            (k) => k === setting || k.startsWith(`${setting}.`) || k.startsWith(`${setting}[`),
          );
          expect({ setting, named, keys }).toEqual({ setting, named: true, keys });
        }),
        { numRuns: CONFIG_RUNS },
      );
    },
  );
});
