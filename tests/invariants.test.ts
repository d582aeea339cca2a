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
import { ConfigMap, Plan, PlannedResource, planStack } from "../tools/harness";

// Each preview runs the real program under the mock runtime (about a second, twice for a
// secondary), so the preview properties use few runs; the config properties are cheap.
const PREVIEW_RUNS = 8;
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
  readonly topology: Topology;
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

const scenarios: fc.Arbitrary<Scenario> = fc
  .oneof(fc.constantFrom(...WITH_ZONES), fc.constantFrom(...WITHOUT_ZONES))
  .chain((primary) =>
    fc.record({
      primary: fc.constant(primary),
      secondary: fc.constant(REGIONS.get(primary.pairedRegion as string) as RegionInfo),
      topology: fc.constantFrom(...TOPOLOGIES),
      primaryPrefix: fc.stringMatching(PREFIX_PATTERN),
      secondaryPrefix: fc.stringMatching(PREFIX_PATTERN),
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
      dataRedundancy: fc.constantFrom(
        ...(supportsGeoZoneRedundantStorage(primary.name)
          ? [undefined, "GRS", "RAGRS", "GZRS", "RAGZRS"]
          : [undefined, "GRS", "RAGRS"]),
      ),
      listSecondary: fc.boolean(),
    }),
  )
  .map(({ spaces, dataRedundancy, ...rest }) => ({
    ...rest,
    primarySpace: spaces[0],
    secondarySpace: spaces[1],
    ...(dataRedundancy ? { dataRedundancy } : {}),
  }));

function primaryConfig(s: Scenario, complete = false): Cfg {
  return {
    role: "primary",
    location: s.primary.name,
    topology: s.topology,
    prefix: s.primaryPrefix,
    addressSpace: s.primarySpace,
    principals: JSON.stringify(s.principals),
    tags: JSON.stringify(s.tags),
    ...(s.listSecondary || complete
      ? { secondaryLocations: JSON.stringify([s.secondary.name]) }
      : {}),
    ...(s.dataRedundancy ? { dataRedundancy: s.dataRedundancy } : {}),
  };
}

function secondaryConfig(s: Scenario): Cfg {
  return {
    role: "secondary",
    location: s.secondary.name,
    primaryLocation: s.primary.name,
    topology: s.topology,
    prefix: s.secondaryPrefix,
    addressSpace: s.secondarySpace,
    primaryAddressSpace: s.primarySpace,
    principals: JSON.stringify(s.principals),
    tags: JSON.stringify(s.tags),
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
const NIC_NAME = /^[a-zA-Z0-9](?:[\w.-]{0,78}[\w])?$/;

type Inputs = Record<string, any>;
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
    ["shared-key-vault", new RegExp(`/vaults/${primaryPrefix}-${primaryCode}-kv-[a-z0-9]+$`)],
    ["shared-registry", new RegExp(`/registries/${primaryPrefix}${primaryCode}acr[a-z0-9]+$`)],
    [
      "shared-training-data",
      new RegExp(`/storageAccounts/${primaryPrefix}${primaryCode}dt[a-z0-9]+$`),
    ],
  ];
  const endpoints = plan.resources.filter((r) => r.type === T.endpoint);
  for (const [name, target] of shared) {
    const pe = endpoints.find((r) => r.name === name);
    const id = pe ? inputs(pe).privateLinkServiceConnections?.[0]?.privateLinkServiceId : undefined;
    if (typeof id !== "string" || !target.test(id)) bad.push(`${name} connects to ${id}`);
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
        const secondary = parse("secondary", secondaryConfig(s));
        expect(onlyRestrictedRegionWarnings(secondary.warnings)).toEqual([]);
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
        expect(
          violations(plan, {
            stack: "primary",
            location: s.primary.name,
            prefix: s.primaryPrefix,
            regionCode: s.primary.shortCode,
            principals: s.principals,
            dataRedundancy: expectedRedundancy(s),
            replicaLocations: [s.secondary.name],
          }),
        ).toEqual([]);
        expect(plan.outputs.dataRedundancy).toBe(expectedRedundancy(s));
      }),
      { numRuns: PREVIEW_RUNS },
    );
  });

  test("secondary previews keep every invariant and use the primary's shared resources", async () => {
    await fc.assert(
      fc.asyncProperty(scenarios, async (s) => {
        const primaryOverrides = Object.entries(primaryConfig(s, true)).map(
          ([k, v]) => `${k}=${v}`,
        );
        const plan = await planStack("secondary", {
          config: namespaced(secondaryConfig(s)),
          primaryOverrides,
        });
        expect(
          violations(plan, {
            stack: "secondary",
            location: s.secondary.name,
            prefix: s.secondaryPrefix,
            regionCode: s.secondary.shortCode,
            principals: s.principals,
            primaryPrefix: s.primaryPrefix,
            primaryRegionCode: s.primary.shortCode,
          }),
        ).toEqual([]);
        expect(wiringViolations(plan, s.primaryPrefix, s.primary.shortCode)).toEqual([]);
      }),
      { numRuns: PREVIEW_RUNS },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Random invalid configurations: one valid setting made bad.

interface Mutation {
  /** The setting made bad; some problem must name it. */
  readonly setting: string;
  readonly change: (cfg: Cfg) => Cfg;
}

const setTo =
  (setting: string) =>
  (value: string): Mutation => ({ setting, change: (cfg) => ({ ...cfg, [setting]: value }) });

const unset = (setting: string): Mutation => ({
  setting,
  change: (cfg) => Object.fromEntries(Object.entries(cfg).filter(([k]) => k !== setting)),
});

const notOneOf = (allowed: readonly string[]) =>
  fc.string({ minLength: 1, maxLength: 12 }).filter((x) => !allowed.includes(x));

const unknownRegion = fc.stringMatching(/^[a-z][a-z0-9 ]{2,16}$/).filter((x) => !findRegion(x));

const badPrefix = fc
  .oneof(
    fc.string({ maxLength: 14 }),
    fc.stringMatching(PREFIX_PATTERN).map((p) => p.toUpperCase()),
    fc.stringMatching(PREFIX_PATTERN).map((p) => `${p.slice(0, 1)}-${p.slice(1)}`),
    fc.stringMatching(PREFIX_PATTERN).map((p) => `${p}${"x".repeat(11 - p.length)}`),
    fc.stringMatching(PREFIX_PATTERN).map((p) => `${p.length % 10}${p}`),
  )
  .filter((p) => !PREFIX_PATTERN.test(p));

const badCidr = fc.oneof(
  fc.string({ maxLength: 20 }).filter((x) => typeof parseCidr(x) === "string"),
  fc.integer({ min: 25, max: 29 }).map((n) => `10.99.0.0/${n}`),
  fc.integer({ min: 1, max: 255 }).map((n) => `10.${n}.1.0/16`),
  fc.constantFrom("10.40.0.0/7", "10.40.0.0/30", "10.256.0.0/16", "10.40.0.0", "fd00::/8"),
);

const badPrincipals = (valid: Principal) =>
  fc
    .oneof(
      fc
        .string()
        .filter((x) => !/^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/i.test(x))
        .map((objectId) => [{ ...valid, objectId }]),
      notOneOf(PEOPLE_ROLES).map((role) => [{ ...valid, role }]),
      fc.string().filter((t) => !(PRINCIPAL_TYPES as readonly string[]).includes(t))
        .map((principalType) => [{ ...valid, principalType }]),
      fc.constant([valid, { ...valid, objectId: valid.objectId.toUpperCase() }]),
      fc.constantFrom({ ...valid }, "everyone", 42),
    )
    .map((value) => JSON.stringify(value))
    .chain((json) => fc.constantFrom(json, json.slice(0, -1)));

function mutations(stack: "primary" | "secondary", s: Scenario): fc.Arbitrary<Mutation> {
  const [validPrincipal] = s.principals.length
    ? s.principals
    : [{ objectId: "3f2504e0-4f89-41d3-9a0c-0305e82c3301", role: "Reader" as const }];
  const ownSpace = stack === "primary" ? s.primarySpace : s.secondarySpace;
  const common: fc.Arbitrary<Mutation>[] = [
    unknownRegion.map(setTo("location")),
    fc.constant(unset("location")),
    notOneOf(TOPOLOGIES).map(setTo("topology")),
    badPrefix.map(setTo("prefix")),
    badCidr.map(setTo("addressSpace")),
    fc
      .constantFrom(
        { training: "192.168.0.0/24" },
        { inference: ownSpace.replace("/16", "/18") },
        { gpu: ownSpace.replace("/16", "/20") },
        { privateEndpoints: ownSpace.replace(".0.0/16", ".0.1/24") },
      )
      .map((subnets) => setTo("subnets")(JSON.stringify(subnets))),
    badPrincipals(validPrincipal).map(setTo("principals")),
    fc.constantFrom("[]", '"x"', "5", "null", '{"a": 1}', "{oops", '{"a": {"b": "c"}}').map(
      setTo("tags"),
    ),
    ...["protectData", "allowPublicNetworkAccess", "allowUnpairedRegions"].map((key) =>
      notOneOf(["true", "false"]).map(setTo(key)),
    ),
    notOneOf(ROLES).map(setTo("role")),
    fc
      .stringMatching(/^[a-zA-Z][a-zA-Z0-9]{1,15}$/)
      .filter((k) => !(KNOWN_KEYS as readonly string[]).includes(k))
      .map((key) => setTo(key)("x")),
  ];
  if (stack === "primary") {
    const notPaired = PAIRED.filter(
      (r) => r.name !== s.primary.name && !isPairedRegion(s.primary.name, r.name),
    );
    return fc.oneof(
      ...common,
      fc
        .oneof(
          unknownRegion.map((r) => [r]),
          fc.constant([s.primary.name]),
          fc.constantFrom(...notPaired).map((r) => [r.name]),
          fc.constant([]),
          fc.constant([s.secondary.name, s.secondary.name]),
          fc.constant(s.secondary.name),
        )
        .map((value) => setTo("secondaryLocations")(JSON.stringify(value))),
      fc.constant(setTo("secondaryLocations")(s.secondary.name)),
      fc
        .oneof(
          notOneOf(["GRS", "RAGRS", "GZRS", "RAGZRS"]),
          fc.constantFrom(
            ...(supportsGeoZoneRedundantStorage(s.primary.name) ? ["LRS"] : ["GZRS", "RAGZRS"]),
          ),
        )
        .map(setTo("dataRedundancy")),
      fc.constantFrom(...UNPAIRED).map((r) => setTo("location")(r.name)),
    );
  }
  const notPaired = PAIRED.filter(
    (r) => r.name !== s.primary.name && !isPairedRegion(s.primary.name, r.name),
  );
  return fc.oneof(
    ...common,
    unknownRegion.map(setTo("primaryLocation")),
    fc.constant(unset("primaryLocation")),
    fc.constant(setTo("location")(s.primary.name)),
    fc.constantFrom(...notPaired).map((r) => setTo("location")(r.name)),
    fc.constant(setTo("addressSpace")(s.primarySpace)),
    fc.constant(setTo("addressSpace")(s.primarySpace.replace("/16", "/17"))),
    badCidr.map(setTo("primaryAddressSpace")),
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
}

describe("random invalid configurations", () => {
  test.each(["primary", "secondary"] as const)(
    "%s: one bad setting always gives a ConfigError naming that setting",
    (stack) => {
      const cases = scenarios.chain((s) =>
        mutations(stack, s).map((m) => ({
          valid: stack === "primary" ? primaryConfig(s) : secondaryConfig(s),
          m,
        })),
      );
      fc.assert(
        fc.property(cases, ({ valid, m }) => {
          expect(() => parse(stack, valid)).not.toThrow();
          const cfg = m.change(valid);
          let thrown: unknown;
          try {
            parse(stack, cfg);
          } catch (err) {
            thrown = err;
          }
          expect(thrown).toBeInstanceOf(ConfigError);
          const keys = (thrown as ConfigError).problems.map((p) => p.key);
          const names = (key: string) =>
            key === m.setting || key.startsWith(`${m.setting}.`) || key.startsWith(`${m.setting}[`);
          expect({ setting: m.setting, named: keys.some(names), keys }).toEqual({
            setting: m.setting,
            named: true,
            keys,
          });
        }),
        { numRuns: CONFIG_RUNS },
      );
    },
  );
});
