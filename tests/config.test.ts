import {
  ConfigError,
  ConfigProblem,
  DEFAULT_ADDRESS_SPACES,
  NAMESPACE,
  ParsedConfig,
  parseStackConfig,
} from "../stacks/config";
import { readStackConfig } from "../tools/harness";

/** A stack's settings as `pulumi config` holds them: keys without namespace, string values. */
type Cfg = Record<string, string>;

const raw =
  (cfg: Cfg) =>
  (key: string): string | undefined =>
    Object.prototype.hasOwnProperty.call(cfg, key) ? cfg[key] : undefined;

const context = (cfg: Cfg) => ({
  organization: "organization",
  project: "aml-bcdr",
  presentKeys: Object.keys(cfg),
});

const parse = (stack: string, cfg: Cfg): ParsedConfig =>
  parseStackConfig(stack, raw(cfg), context(cfg));

/** The ConfigError that parsing throws; fails the test if it throws nothing or something else. */
function configError(stack: string, cfg: Cfg): ConfigError {
  let thrown: unknown;
  try {
    parse(stack, cfg);
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(ConfigError);
  return thrown as ConfigError;
}

const PRIMARY: Cfg = { location: "northeurope" };
const SECONDARY: Cfg = { location: "westeurope", primaryLocation: "northeurope" };
const GUID_A = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
const GUID_B = "7c9e6679-7425-40de-944b-e07fc1f90ae7";

const principals = (...entries: object[]) => JSON.stringify(entries);

const CLUSTER = { name: "cpu-cluster", vmSize: "Standard_DS3_v2", minNodes: 0, maxNodes: 4 };
const DEPLOYMENT = {
  name: "blue",
  model: "azureml:scoring-model:1",
  instanceType: "Standard_DS3_v2",
};
const ENDPOINT = { name: "scoring", deployments: [DEPLOYMENT] };
const clusters = (...entries: object[]) => JSON.stringify(entries);
const endpoints = (...entries: object[]) => JSON.stringify(entries);

interface BadCase {
  /** The stack the settings belong to. */
  readonly stack: string;
  readonly cfg: Cfg;
  /** The key of the problem expected, without namespace. */
  readonly key: string;
  /** The value the problem should quote; omitted where the value is not set. */
  readonly value?: unknown;
  /** Words that the problem or its fix must contain: what is allowed, or how to fix it. */
  readonly words: readonly string[];
  /** How many problems the settings have in all; defaults to 1. */
  readonly count?: number;
}

const BAD: Record<string, BadCase> = {
  "misspelt location, with a hint": {
    stack: "primary",
    cfg: { location: "northeruope" },
    key: "location",
    value: "northeruope",
    words: ["not a known Azure region", "did you mean northeurope"],
  },
  "swapped letters in location, with a hint": {
    stack: "secondary",
    cfg: { ...SECONDARY, location: "westeuorpe" },
    key: "location",
    value: "westeuorpe",
    words: ["not a known Azure region", "did you mean westeurope"],
  },
  "misspelt secondary region, with a hint": {
    stack: "primary",
    cfg: { ...PRIMARY, secondaryLocations: '["westeruope"]' },
    key: "secondaryLocations",
    value: "westeruope",
    words: ["not a known Azure region", "did you mean westeurope"],
  },
  "misspelt primaryLocation, with a hint": {
    stack: "secondary",
    cfg: { ...SECONDARY, primaryLocation: "nrotheurope" },
    key: "primaryLocation",
    value: "nrotheurope",
    words: ["not a known Azure region", "northeurope"],
  },
  "secondary region listed on the primary is the primary's own": {
    stack: "primary",
    cfg: { ...PRIMARY, secondaryLocations: '["northeurope"]' },
    key: "secondaryLocations",
    value: "northeurope",
    words: ["primary's own region", "other regions"],
  },
  "secondary stack in the primary's region": {
    stack: "secondary",
    cfg: { location: "northeurope", primaryLocation: "northeurope" },
    key: "location",
    value: "northeurope",
    words: ["primary's region", "another region", "westeurope"],
  },
  "secondary region on the primary is not the pair": {
    stack: "primary",
    cfg: { ...PRIMARY, secondaryLocations: '["uksouth"]' },
    key: "secondaryLocations",
    value: "uksouth",
    words: ["not the Azure region pair", "its pair is westeurope", "allowUnpairedRegions"],
  },
  "secondary stack not in the pair of the primary": {
    stack: "secondary",
    cfg: { location: "uksouth", primaryLocation: "northeurope", addressSpace: "10.42.0.0/16" },
    key: "location",
    value: "uksouth",
    words: ["not the Azure region pair", "its pair is westeurope", "allowUnpairedRegions"],
  },
  "secondary region in another Azure cloud": {
    stack: "primary",
    cfg: { ...PRIMARY, secondaryLocations: '["chinanorth3"]' },
    key: "secondaryLocations",
    value: "chinanorth3",
    words: ["AzureChinaCloud", "AzureCloud", "one Azure cloud"],
  },
  "secondary stack in another Azure cloud than the primary": {
    stack: "secondary",
    cfg: { location: "usgovtexas", primaryLocation: "northeurope" },
    key: "location",
    value: "usgovtexas",
    words: ["AzureUSGovernment", "AzureCloud", "one Azure cloud"],
  },
  "empty list of secondary regions": {
    stack: "primary",
    cfg: { ...PRIMARY, secondaryLocations: "[]" },
    key: "secondaryLocations",
    value: [],
    words: ["non-empty list"],
  },
  "secondary region listed twice": {
    stack: "primary",
    cfg: { ...PRIMARY, secondaryLocations: '["westeurope", "West Europe"]' },
    key: "secondaryLocations",
    words: ["twice", "remove the duplicate"],
  },
  "unknown topology": {
    stack: "primary",
    cfg: { ...PRIMARY, topology: "hot-hott" },
    key: "topology",
    value: "hot-hott",
    words: ["hot-hot", "hot-warm", "hot-cold"],
  },
  "unknown inference topology": {
    stack: "secondary",
    cfg: { ...SECONDARY, inferenceTopology: "warm" },
    key: "inferenceTopology",
    value: "warm",
    words: ["hot-hot", "hot-warm", "hot-cold"],
  },
  "unknown training topology": {
    stack: "primary",
    cfg: { ...PRIMARY, trainingTopology: "Hot-Cold" },
    key: "trainingTopology",
    value: "Hot-Cold",
    words: ["hot-hot", "hot-warm", "hot-cold"],
  },
  "unknown active region": {
    stack: "secondary",
    cfg: { ...SECONDARY, activeRegion: "westeurope" },
    key: "activeRegion",
    value: "westeurope",
    words: ["primary", "secondary"],
  },
  "compute clusters that are not a list": {
    stack: "primary",
    cfg: { ...PRIMARY, computeClusters: JSON.stringify(CLUSTER) },
    key: "computeClusters",
    value: CLUSTER,
    words: ["list of { name, vmSize, minNodes, maxNodes }"],
  },
  "compute cluster with a name Azure refuses": {
    stack: "primary",
    cfg: { ...PRIMARY, computeClusters: clusters({ ...CLUSTER, name: "cpu_cluster" }) },
    key: "computeClusters[0].name",
    value: "cpu_cluster",
    words: ["3-24 letters, digits and hyphens", "starting with a letter"],
  },
  "two compute clusters of one name": {
    stack: "secondary",
    cfg: { ...SECONDARY, computeClusters: clusters(CLUSTER, { ...CLUSTER, maxNodes: 8 }) },
    key: "computeClusters[1].name",
    value: "cpu-cluster",
    words: ["two clusters", "its own name"],
  },
  "compute cluster with a VM size that is not one": {
    stack: "primary",
    cfg: { ...PRIMARY, computeClusters: clusters({ ...CLUSTER, vmSize: "DS3_v2" }) },
    key: "computeClusters[0].vmSize",
    value: "DS3_v2",
    words: ["Azure VM size such as Standard_DS3_v2"],
  },
  "compute cluster with more minimum than maximum nodes": {
    stack: "primary",
    cfg: { ...PRIMARY, computeClusters: clusters({ ...CLUSTER, minNodes: 5, maxNodes: 2 }) },
    key: "computeClusters[0].minNodes",
    value: 5,
    words: ["(5) is above maxNodes (2)"],
  },
  "compute cluster with a fractional node count": {
    stack: "primary",
    cfg: { ...PRIMARY, computeClusters: clusters({ ...CLUSTER, maxNodes: 2.5 }) },
    key: "computeClusters[0].maxNodes",
    value: 2.5,
    words: ["whole number"],
  },
  "compute cluster of an unknown priority": {
    stack: "primary",
    cfg: { ...PRIMARY, computeClusters: clusters({ ...CLUSTER, priority: "Spot" }) },
    key: "computeClusters[0].priority",
    value: "Spot",
    words: ["Dedicated or LowPriority"],
  },
  "compute override for a cluster that does not exist": {
    stack: "secondary",
    cfg: {
      ...SECONDARY,
      computeClusters: clusters(CLUSTER),
      computeOverrides: '{"gpu-cluster": {"maxNodes": 0}}',
    },
    key: "computeOverrides.gpu-cluster",
    value: { maxNodes: 0 },
    words: ["names no cluster", "cpu-cluster"],
  },
  "compute overrides that are not a map": {
    stack: "secondary",
    cfg: { ...SECONDARY, computeOverrides: "[]" },
    key: "computeOverrides",
    value: [],
    words: ["map of cluster name"],
  },
  "online endpoints that are not a list": {
    stack: "primary",
    cfg: { ...PRIMARY, onlineEndpoints: JSON.stringify(ENDPOINT) },
    key: "onlineEndpoints",
    value: ENDPOINT,
    words: ["list of { name, deployments }"],
  },
  "online endpoint with uppercase letters in its name": {
    stack: "primary",
    cfg: { ...PRIMARY, onlineEndpoints: endpoints({ ...ENDPOINT, name: "Scoring" }) },
    key: "onlineEndpoints[0].name",
    value: "Scoring",
    words: ["3-20 lowercase letters, digits and hyphens", "starting with a letter"],
  },
  "online endpoint name too long for the region code and random part": {
    stack: "primary",
    cfg: { ...PRIMARY, onlineEndpoints: endpoints({ ...ENDPOINT, name: "a".repeat(21) }) },
    key: "onlineEndpoints[0].name",
    value: "a".repeat(21),
    words: ["3-20"],
  },
  "online endpoint with an unknown auth mode": {
    stack: "primary",
    cfg: { ...PRIMARY, onlineEndpoints: endpoints({ ...ENDPOINT, authMode: "aad" }) },
    key: "onlineEndpoints[0].authMode",
    value: "aad",
    words: ["AADToken, AMLToken or Key"],
  },
  "online endpoint with a probe path that is not a path": {
    stack: "primary",
    cfg: { ...PRIMARY, onlineEndpoints: endpoints({ ...ENDPOINT, healthProbePath: "health" }) },
    key: "onlineEndpoints[0].healthProbePath",
    value: "health",
    words: ["starting with /"],
  },
  "online endpoint without deployments": {
    stack: "secondary",
    cfg: { ...SECONDARY, onlineEndpoints: endpoints({ ...ENDPOINT, deployments: [] }) },
    key: "onlineEndpoints[0].deployments",
    value: [],
    words: ["at least one deployment"],
  },
  "deployment of a model that is not an asset ID": {
    stack: "primary",
    cfg: {
      ...PRIMARY,
      onlineEndpoints: endpoints({ ...ENDPOINT, deployments: [{ ...DEPLOYMENT, model: "m:1" }] }),
    },
    key: "onlineEndpoints[0].deployments[0].model",
    value: "m:1",
    words: ["azureml:<name>:<version>"],
  },
  "deployment with no instances": {
    stack: "primary",
    cfg: {
      ...PRIMARY,
      onlineEndpoints: endpoints({
        ...ENDPOINT,
        deployments: [{ ...DEPLOYMENT, instanceCount: 0 }],
      }),
    },
    key: "onlineEndpoints[0].deployments[0].instanceCount",
    value: 0,
    words: ["1 or more"],
  },
  "deployments whose traffic does not add up to 100": {
    stack: "primary",
    cfg: {
      ...PRIMARY,
      onlineEndpoints: endpoints({
        ...ENDPOINT,
        deployments: [
          { ...DEPLOYMENT, trafficPercent: 60 },
          { ...DEPLOYMENT, name: "green", trafficPercent: 30 },
        ],
      }),
    },
    key: "onlineEndpoints[0].deployments",
    value: [60, 30],
    words: ["add up to 90, not 100"],
  },
  "two deployments of one name": {
    stack: "primary",
    cfg: {
      ...PRIMARY,
      onlineEndpoints: endpoints({
        ...ENDPOINT,
        deployments: [
          { ...DEPLOYMENT, trafficPercent: 50 },
          { ...DEPLOYMENT, trafficPercent: 50 },
        ],
      }),
    },
    key: "onlineEndpoints[0].deployments[1].name",
    value: "blue",
    words: ["unique name"],
  },
  "address space that is not a CIDR": {
    stack: "primary",
    cfg: { ...PRIMARY, addressSpace: "10.40.0/16" },
    key: "addressSpace",
    value: "10.40.0/16",
    words: ["not a valid address range", "10.40.0.0/16"],
  },
  "address space with host bits set": {
    stack: "primary",
    cfg: { ...PRIMARY, addressSpace: "10.40.1.0/16" },
    key: "addressSpace",
    value: "10.40.1.0/16",
    words: ["host bits", "did you mean 10.40.0.0/16"],
  },
  "address space with an impossible prefix length": {
    stack: "secondary",
    cfg: { ...SECONDARY, addressSpace: "10.41.0.0/30" },
    key: "addressSpace",
    value: "10.41.0.0/30",
    words: ["prefix length must be 8-29", "10.41.0.0/16"],
  },
  "address space too small for three subnets": {
    stack: "primary",
    cfg: { ...PRIMARY, addressSpace: "10.40.0.0/25" },
    key: "addressSpace",
    value: "10.40.0.0/25",
    words: ["too small", "/24 or larger"],
  },
  "subnet outside the address space": {
    stack: "primary",
    cfg: { ...PRIMARY, subnets: '{"training": "10.50.0.0/18"}' },
    key: "subnets.training",
    value: "10.50.0.0/18",
    words: ["does not fit inside addressSpace 10.40.0.0/16"],
  },
  "subnet overlapping another subnet": {
    stack: "primary",
    cfg: { ...PRIMARY, subnets: '{"training": "10.40.0.0/18"}' },
    key: "subnets.training",
    value: "10.40.0.0/18",
    words: ["overlaps subnet privateEndpoints", "its own range"],
  },
  "subnet that is not a CIDR": {
    stack: "primary",
    cfg: { ...PRIMARY, subnets: '{"inference": "10.40.128.0"}' },
    key: "subnets.inference",
    value: "10.40.128.0",
    words: ["not a valid address range", "inside addressSpace"],
  },
  "subnet of an unknown role": {
    stack: "primary",
    cfg: { ...PRIMARY, subnets: '{"gpu": "10.40.192.0/18"}' },
    key: "subnets.gpu",
    value: "10.40.192.0/18",
    words: ["not a subnet role", "privateEndpoints", "training", "inference"],
  },
  "subnets that are not a map": {
    stack: "primary",
    cfg: { ...PRIMARY, subnets: '["10.40.0.0/18"]' },
    key: "subnets",
    value: ["10.40.0.0/18"],
    words: ["map of subnet role to range"],
  },
  "secondary address space overlapping the default primary's": {
    stack: "secondary",
    cfg: { ...SECONDARY, addressSpace: "10.40.128.0/17" },
    key: "addressSpace",
    value: "10.40.128.0/17",
    words: ["overlaps the primary's address space 10.40.0.0/16", "10.41.0.0/16"],
  },
  "secondary address space inside primaryAddressSpace": {
    stack: "secondary",
    cfg: { ...SECONDARY, primaryAddressSpace: "10.0.0.0/8" },
    key: "addressSpace",
    value: "10.41.0.0/16",
    words: ["overlaps the primary's address space 10.0.0.0/8"],
  },
  "primaryAddressSpace that is not a CIDR": {
    stack: "secondary",
    cfg: { ...SECONDARY, primaryAddressSpace: "10.40.0.0/33" },
    key: "primaryAddressSpace",
    value: "10.40.0.0/33",
    words: ["not a valid address range"],
  },
  "prefix with uppercase letters": {
    stack: "primary",
    cfg: { ...PRIMARY, prefix: "AmlBcdr" },
    key: "prefix",
    value: "AmlBcdr",
    words: ["lowercase letters and digits", "2 to 10 characters", "starting with a letter"],
  },
  "prefix with a hyphen": {
    stack: "primary",
    cfg: { ...PRIMARY, prefix: "aml-bcdr" },
    key: "prefix",
    value: "aml-bcdr",
    words: ["lowercase letters and digits", "amlbcdr"],
  },
  "prefix too long": {
    stack: "secondary",
    cfg: { ...SECONDARY, prefix: "amlbcdrprod" },
    key: "prefix",
    value: "amlbcdrprod",
    words: ["2 to 10 characters", "storage accounts allow 3-24"],
  },
  "prefix too short": {
    stack: "primary",
    cfg: { ...PRIMARY, prefix: "a" },
    key: "prefix",
    value: "a",
    words: ["2 to 10 characters"],
  },
  "prefix starting with a digit": {
    stack: "primary",
    cfg: { ...PRIMARY, prefix: "1aml" },
    key: "prefix",
    value: "1aml",
    words: ["starting with a letter"],
  },
  "GZRS in a region without zones": {
    stack: "primary",
    cfg: { location: "ukwest", dataRedundancy: "GZRS" },
    key: "dataRedundancy",
    value: "GZRS",
    words: ["ukwest cannot give GZRS", "no availability zones", "GRS"],
  },
  "RAGZRS in a region without zones": {
    stack: "primary",
    cfg: { location: "westus", dataRedundancy: "RAGZRS" },
    key: "dataRedundancy",
    value: "RAGZRS",
    words: ["westus cannot give RAGZRS", "no availability zones"],
  },
  "redundancy that keeps no copy in another region": {
    stack: "primary",
    cfg: { ...PRIMARY, dataRedundancy: "ZRS" },
    key: "dataRedundancy",
    value: "ZRS",
    words: ["GRS", "RAGRS", "GZRS", "RAGZRS"],
  },
  "primary in a region without a pair": {
    stack: "primary",
    cfg: { location: "italynorth", secondaryLocations: '["spaincentral"]' },
    key: "location",
    value: "italynorth",
    words: ["no paired region", "geo-redundant", "choose a paired region"],
    // spaincentral is not italynorth's pair either (it has none).
    count: 2,
  },
  "primary in a region without a pair, no default secondary": {
    stack: "primary",
    cfg: { location: "italynorth", dataRedundancy: "GRS", allowUnpairedRegions: "true" },
    key: "secondaryLocations",
    words: ["italynorth has no Azure region pair", "no default secondary region"],
    count: 2,
  },
  "principal objectId that is not a GUID": {
    stack: "primary",
    cfg: { ...PRIMARY, principals: principals({ objectId: "alice@contoso.com", role: "Reader" }) },
    key: "principals[0].objectId",
    value: "alice@contoso.com",
    words: ["Entra ID object ID", "GUID"],
  },
  "principal without objectId": {
    stack: "secondary",
    cfg: { ...SECONDARY, principals: principals({ role: "Reader" }) },
    key: "principals[0].objectId",
    words: ["GUID"],
  },
  "principal with a role people may not get": {
    stack: "primary",
    cfg: { ...PRIMARY, principals: principals({ objectId: GUID_A, role: "Owner" }) },
    key: "principals[0].role",
    value: "Owner",
    words: ["AzureML Data Scientist", "AzureML Compute Operator", "Reader", "Contributor"],
  },
  "principal with an unknown principalType": {
    stack: "primary",
    cfg: {
      ...PRIMARY,
      principals: principals(
        { objectId: GUID_A, role: "Reader" },
        { objectId: GUID_B, role: "Reader", principalType: "Robot" },
      ),
    },
    key: "principals[1].principalType",
    value: "Robot",
    words: ["User", "Group", "ServicePrincipal"],
  },
  "the same principal and role twice": {
    stack: "primary",
    cfg: {
      ...PRIMARY,
      principals: principals(
        { objectId: GUID_A, role: "Reader" },
        { objectId: GUID_A.toUpperCase(), role: "Reader", principalType: "User" },
      ),
    },
    key: "principals",
    value: `${GUID_A} Reader`,
    words: ["twice", "remove the duplicate"],
  },
  "principals that are not a list": {
    stack: "primary",
    cfg: { ...PRIMARY, principals: JSON.stringify({ objectId: GUID_A, role: "Reader" }) },
    key: "principals",
    words: ["list of { objectId, role, principalType }"],
  },
  "misspelt key": {
    stack: "primary",
    cfg: { ...PRIMARY, loaction: "westeurope" },
    key: "loaction",
    value: "westeurope",
    words: ["not a setting", "rename it", "aml-bcdr:location"],
  },
  "key in the wrong case": {
    stack: "secondary",
    cfg: { ...SECONDARY, AddressSpace: "10.42.0.0/16" },
    key: "AddressSpace",
    value: "10.42.0.0/16",
    words: ["not a setting", "rename it to aml-bcdr:addressSpace"],
  },
  "sharedKeyVaultId that names a storage account": {
    stack: "secondary",
    cfg: {
      ...SECONDARY,
      sharedKeyVaultId:
        "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st",
    },
    key: "sharedKeyVaultId",
    value: "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st",
    words: ["Key Vault ID", "keyVaultId"],
  },
  "sharedRegistryId that is only a name": {
    stack: "secondary",
    cfg: { ...SECONDARY, sharedRegistryId: "amlbcdrneuacrab12c" },
    key: "sharedRegistryId",
    value: "amlbcdrneuacrab12c",
    words: ["container registry ID", "registryId"],
  },
  "sharedDataContainerName with uppercase letters": {
    stack: "secondary",
    cfg: { ...SECONDARY, sharedDataContainerName: "Training_Data" },
    key: "sharedDataContainerName",
    value: "Training_Data",
    words: ["dataContainerName"],
  },
  "principals that are not JSON": {
    stack: "primary",
    cfg: { ...PRIMARY, principals: '[{"objectId": ' },
    key: "principals",
    value: '[{"objectId": ',
    words: ["not valid JSON", "YAML"],
  },
  "tags that are not JSON": {
    stack: "secondary",
    cfg: { ...SECONDARY, tags: "{workload: azure-ml}" },
    key: "tags",
    value: "{workload: azure-ml}",
    words: ["not valid JSON"],
  },
  "tags with a value that is not a string": {
    stack: "primary",
    cfg: { ...PRIMARY, tags: '{"costCenter": 42}' },
    key: "tags",
    value: { costCenter: 42 },
    words: ["map of tag name to string value"],
  },
  "protectData that is not a boolean": {
    stack: "primary",
    cfg: { ...PRIMARY, protectData: "yes" },
    key: "protectData",
    value: "yes",
    words: ["true or false", "protectData true"],
  },
  "allowPublicNetworkAccess that is not a boolean": {
    stack: "secondary",
    cfg: { ...SECONDARY, allowPublicNetworkAccess: "TRUE" },
    key: "allowPublicNetworkAccess",
    value: "TRUE",
    words: ["true or false"],
  },
  "missing location": {
    stack: "primary",
    cfg: { topology: "hot-hot" },
    key: "location",
    words: ["is required", "pulumi config set aml-bcdr:location"],
  },
  "missing primaryLocation on a secondary": {
    stack: "secondary",
    cfg: { location: "westeurope" },
    key: "primaryLocation",
    words: ["is required", "pulumi config set aml-bcdr:primaryLocation"],
  },
  "missing role on a stack not named after one": {
    stack: "staging",
    cfg: { location: "northeurope" },
    key: "role",
    words: ["not set", "stack's name is not a role", "role primary -s staging"],
  },
  "unknown role": {
    stack: "primary",
    cfg: { role: "tertiary", location: "northeurope" },
    key: "role",
    value: "tertiary",
    words: ["primary", "secondary"],
  },
  "primaryStack that is not a stack name": {
    stack: "secondary",
    cfg: { ...SECONDARY, primaryStack: "my org/aml-bcdr/primary" },
    key: "primaryStack",
    value: "my org/aml-bcdr/primary",
    words: ["organization/project/stack"],
  },
};

describe("parseStackConfig reports each kind of bad input", () => {
  test.each(Object.entries(BAD))("%s", (_name, c) => {
    const error = configError(c.stack, c.cfg);
    const problem = error.problems.find((p) => p.key === c.key);
    expect(problem).toBeDefined();
    const found = problem as ConfigProblem;
    if ("value" in c) expect(found.value).toEqual(c.value);
    for (const word of c.words) {
      expect(`${found.problem} ${found.fix}`).toContain(word);
    }
    expect(error.problems).toHaveLength(c.count ?? 1);

    // The message names the stack and the setting with its namespace, and quotes the value.
    expect(error.message).toContain(`Stack "${c.stack}"`);
    expect(error.message).toContain(`${NAMESPACE}:${c.key} = ${JSON.stringify(found.value)}`);
    expect(error.stack).toBe(c.stack);
    for (const p of error.problems) {
      expect(p.problem.length).toBeGreaterThan(0);
      expect(p.fix.length).toBeGreaterThan(0);
    }
  });
});

describe("parseStackConfig reports every problem at once", () => {
  test("five unrelated problems make one ConfigError with five problems", () => {
    const error = configError("primary", {
      location: "northeruope",
      topology: "warm",
      prefix: "AML",
      protectData: "yes",
      loaction: "westeurope",
    });
    expect(error.problems.map((p) => p.key).sort()).toEqual(
      ["location", "loaction", "prefix", "protectData", "topology"].sort(),
    );
    expect(error.message).toContain("has 5 configuration problems");
    expect(error.message).toContain("nothing was deployed");
  });

  test("problems of a secondary in several settings are all listed", () => {
    const error = configError("secondary", {
      location: "northeurope",
      primaryLocation: "northeurope",
      addressSpace: "10.40.0.0/16",
      principals: principals({ objectId: "nobody", role: "Owner", principalType: "Robot" }),
      sharedRegistryId: "nope",
    });
    expect(error.problems.map((p) => p.key).sort()).toEqual(
      [
        "addressSpace",
        "location",
        "principals[0].objectId",
        "principals[0].principalType",
        "principals[0].role",
        "sharedRegistryId",
      ].sort(),
    );
    expect(error.message).toContain("has 6 configuration problems");
  });

  test("a single problem is announced in the singular", () => {
    const error = configError("primary", { ...PRIMARY, topology: "cold" });
    expect(error.message).toContain("has 1 configuration problem;");
  });

  test("the error is a ConfigError named as such", () => {
    const error = configError("primary", {});
    expect(error.name).toBe("ConfigError");
    expect(error).toBeInstanceOf(Error);
  });
});

describe("allowUnpairedRegions turns a region that is not the pair into a warning", () => {
  test.each([
    ["primary", { ...PRIMARY, secondaryLocations: '["uksouth"]' }, "secondaryLocations"],
    [
      "secondary",
      { location: "uksouth", primaryLocation: "northeurope", addressSpace: "10.42.0.0/16" },
      "location",
    ],
  ])("%s", (stack, cfg, key) => {
    const { config, warnings } = parse(stack, { ...cfg, allowUnpairedRegions: "true" });
    expect(config.role).toBe(stack);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`${NAMESPACE}:${key}`);
    expect(warnings[0]).toContain("uksouth is not the Azure region pair of northeurope");
    expect(warnings[0]).toContain("westeurope");
  });

  test("but never an unpaired primary, whose training data cannot be geo-redundant", () => {
    const error = configError("primary", {
      location: "italynorth",
      secondaryLocations: '["spaincentral"]',
      allowUnpairedRegions: "true",
    });
    expect(error.problems.map((p) => p.key)).toEqual(["location"]);
  });
});

/** The settings of a stack file, without the project namespace. */
function stackFileSettings(stack: string): Cfg {
  const prefix = `${NAMESPACE}:`;
  const settings: Cfg = {};
  for (const [key, value] of Object.entries(readStackConfig(stack))) {
    expect(key.startsWith(prefix)).toBe(true);
    settings[key.slice(prefix.length)] = value;
  }
  return settings;
}

describe("the stack files parse without problems", () => {
  test.each(["primary", "secondary"])("Pulumi.%s.yaml", (stack) => {
    const settings = stackFileSettings(stack);
    expect(Object.keys(settings)).toContain("location");
    const { config, warnings } = parse(stack, settings);
    expect(warnings).toEqual([]);
    expect(config.role).toBe(stack);
    expect(config.location).toBe(settings.location);
    expect(config.protectData).toBe(true);
    expect(config.allowPublicNetworkAccess).toBe(false);
  });

  test("the two stack files fit together", () => {
    const primary = parse("primary", stackFileSettings("primary")).config;
    const secondary = parse("secondary", stackFileSettings("secondary")).config;
    expect(secondary.primaryLocation).toBe(primary.location);
    expect(primary.secondaryLocations).toContain(secondary.location);
    expect(secondary.addressSpace).not.toBe(primary.addressSpace);
    // Both pass the overlap check only if the secondary knows the primary's real range.
    const primarySpace = stackFileSettings("secondary").primaryAddressSpace;
    expect(primarySpace ?? DEFAULT_ADDRESS_SPACES.primary).toBe(primary.addressSpace);
  });
});

describe("defaults", () => {
  test("a primary with only a location", () => {
    const { config, warnings } = parse("primary", PRIMARY);
    expect(warnings).toEqual([]);
    expect(config).toMatchObject({
      stack: "primary",
      role: "primary",
      location: "northeurope",
      cloud: "AzureCloud",
      topologies: { inference: "hot-warm", training: "hot-warm" },
      activeRegion: "primary",
      computeClusters: [],
      onlineEndpoints: [],
      prefix: "amlbcdr",
      addressSpace: "10.40.0.0/16",
      subnets: {
        privateEndpoints: "10.40.0.0/18",
        training: "10.40.64.0/18",
        inference: "10.40.128.0/18",
      },
      principals: [],
      tags: {},
      protectData: true,
      allowPublicNetworkAccess: false,
      secondaryLocations: ["westeurope"],
      dataRedundancy: "GZRS",
      primaryStack: "organization/aml-bcdr/primary",
      shared: {},
    });
    expect(config.region.shortCode).toBe("neu");
  });

  test("a secondary with only its and the primary's location", () => {
    const { config, warnings } = parse("secondary", SECONDARY);
    expect(warnings).toEqual([]);
    expect(config).toMatchObject({
      role: "secondary",
      location: "westeurope",
      primaryLocation: "northeurope",
      addressSpace: "10.41.0.0/16",
      subnets: {
        privateEndpoints: "10.41.0.0/18",
        training: "10.41.64.0/18",
        inference: "10.41.128.0/18",
      },
      secondaryLocations: [],
      primaryStack: "organization/aml-bcdr/primary",
      shared: {},
    });
  });

  test.each([
    ["northeurope", "westeurope"],
    ["westeurope", "northeurope"],
    ["westus3", "eastus"],
    ["brazilsouth", "southcentralus"],
    ["ukwest", "uksouth"],
    ["chinanorth3", "chinaeast3"],
  ])("secondaryLocations of a primary in %s defaults to its pair %s", (location, pair) => {
    expect(parse("primary", { location }).config.secondaryLocations).toEqual([pair]);
  });

  test.each([
    ["northeurope", "GZRS"],
    ["eastus2", "GZRS"],
    ["westus3", "GZRS"],
    ["chinanorth3", "GZRS"],
    ["ukwest", "GRS"],
    ["westus", "GRS"],
    ["canadaeast", "GRS"],
    ["chinanorth", "GRS"],
  ])("dataRedundancy of a primary in %s defaults to %s", (location, redundancy) => {
    expect(parse("primary", { location }).config.dataRedundancy).toBe(redundancy);
  });

  test.each([
    ["ukwest", "GRS"],
    ["ukwest", "RAGRS"],
    ["northeurope", "RAGZRS"],
    ["northeurope", "GRS"],
  ])("an explicit dataRedundancy the region can give is kept: %s %s", (location, redundancy) => {
    expect(parse("primary", { location, dataRedundancy: redundancy }).config.dataRedundancy).toBe(
      redundancy,
    );
  });

  test("display names and odd case resolve to programmatic region names", () => {
    const primary = parse("primary", {
      location: "North Europe",
      secondaryLocations: '["West Europe"]',
    });
    expect(primary.config.location).toBe("northeurope");
    expect(primary.config.secondaryLocations).toEqual(["westeurope"]);
    const secondary = parse("secondary", {
      location: "WestEurope",
      primaryLocation: "North Europe",
    });
    expect(secondary.config.location).toBe("westeurope");
    expect(secondary.config.primaryLocation).toBe("northeurope");
  });

  test("principals are normalised: lowercase objectId, Group by default", () => {
    const { config } = parse("primary", {
      ...PRIMARY,
      principals: principals(
        { objectId: GUID_A.toUpperCase(), role: "AzureML Data Scientist" },
        { objectId: GUID_B, role: "Reader", principalType: "User" },
      ),
    });
    expect(config.principals).toEqual([
      { objectId: GUID_A, role: "AzureML Data Scientist", principalType: "Group" },
      { objectId: GUID_B, role: "Reader", principalType: "User" },
    ]);
  });

  test("one principal may hold two roles", () => {
    const { config } = parse("primary", {
      ...PRIMARY,
      principals: principals(
        { objectId: GUID_A, role: "Reader" },
        { objectId: GUID_A, role: "AzureML Compute Operator" },
      ),
    });
    expect(config.principals).toHaveLength(2);
  });

  test("a role can be given to a stack of any name", () => {
    const { config } = parse("dr-weu", { ...SECONDARY, role: "secondary" });
    expect(config.role).toBe("secondary");
    expect(config.stack).toBe("dr-weu");
  });

  test("shared resource IDs given in config are kept", () => {
    const rg = "/subscriptions/0000/resourceGroups/amlbcdr-neu-rg/providers";
    const ids = {
      sharedKeyVaultId: `${rg}/Microsoft.KeyVault/vaults/amlbcdr-neu-kv-ab12c`,
      sharedRegistryId: `${rg}/Microsoft.ContainerRegistry/registries/amlbcdrneuacrab12c`,
      sharedDataAccountId: `${rg}/Microsoft.Storage/storageAccounts/amlbcdrneudtab12c`,
      sharedDataContainerName: "training-data",
    };
    const { config } = parse("secondary", { ...SECONDARY, ...ids });
    expect(config.shared).toEqual({
      keyVaultId: ids.sharedKeyVaultId,
      registryId: ids.sharedRegistryId,
      dataAccountId: ids.sharedDataAccountId,
      dataContainerName: ids.sharedDataContainerName,
    });
  });
});

describe("topologies, clusters and endpoints", () => {
  test.each([
    [{}, "hot-warm", "hot-warm"],
    [{ topology: "hot-cold" }, "hot-cold", "hot-cold"],
    [{ inferenceTopology: "hot-hot" }, "hot-hot", "hot-warm"],
    [{ trainingTopology: "hot-cold" }, "hot-warm", "hot-cold"],
    [{ inferenceTopology: "hot-hot", trainingTopology: "hot-cold" }, "hot-hot", "hot-cold"],
  ])("%j gives inference %s and training %s", (settings, inference, training) => {
    const { config, warnings } = parse("secondary", { ...SECONDARY, ...settings });
    expect(config.topologies).toEqual({ inference, training });
    expect(warnings).toEqual([]);
  });

  test("topology wins over the per-workload keys, with a warning", () => {
    const { config, warnings } = parse("primary", {
      ...PRIMARY,
      topology: "hot-hot",
      trainingTopology: "hot-cold",
    });
    expect(config.topologies).toEqual({ inference: "hot-hot", training: "hot-hot" });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`${NAMESPACE}:topology (hot-hot)`);
    expect(warnings[0]).toContain("trainingTopology");
  });

  test("the active region defaults to the primary and can be the secondary", () => {
    expect(parse("secondary", SECONDARY).config.activeRegion).toBe("primary");
    expect(
      parse("secondary", { ...SECONDARY, activeRegion: "secondary" }).config.activeRegion,
    ).toBe("secondary");
  });

  test("clusters get their defaults and this region's overrides", () => {
    const { config } = parse("secondary", {
      ...SECONDARY,
      computeClusters: clusters(CLUSTER, { name: "gpu", vmSize: "Standard_NC6s_v3", maxNodes: 2 }),
      computeOverrides: '{"gpu": {"maxNodes": 0}}',
    });
    expect(config.computeClusters).toEqual([
      { ...CLUSTER, idleSecondsBeforeScaleDown: 1800, priority: "Dedicated" },
      {
        name: "gpu",
        vmSize: "Standard_NC6s_v3",
        minNodes: 0,
        maxNodes: 0,
        idleSecondsBeforeScaleDown: 1800,
        priority: "Dedicated",
      },
    ]);
  });

  test("endpoints get their defaults; one deployment takes all the traffic", () => {
    const { config } = parse("primary", { ...PRIMARY, onlineEndpoints: endpoints(ENDPOINT) });
    expect(config.onlineEndpoints).toEqual([
      {
        name: "scoring",
        authMode: "AADToken",
        healthProbePath: "/",
        deployments: [
          { ...DEPLOYMENT, environment: undefined, instanceCount: 1, trafficPercent: 100 },
        ],
      },
    ]);
  });
});

describe("warnings for allowed but risky settings", () => {
  test.each([
    [{ location: "francesouth" }, ["francesouth", "access-restricted", "Azure support"]],
    [{ ...PRIMARY, protectData: "false" }, ["protectData is false", "pulumi destroy", "primary"]],
    [{ ...PRIMARY, allowPublicNetworkAccess: "true" }, ["allowPublicNetworkAccess", "internet"]],
  ])("%j", (cfg, words) => {
    const { warnings } = parse("primary", cfg);
    expect(warnings).toHaveLength(1);
    for (const word of words) expect(warnings[0]).toContain(word);
  });

  test("protectData and allowPublicNetworkAccess are read as booleans", () => {
    const { config } = parse("primary", {
      ...PRIMARY,
      protectData: "false",
      allowPublicNetworkAccess: "true",
    });
    expect(config.protectData).toBe(false);
    expect(config.allowPublicNetworkAccess).toBe(true);
  });
});

// Found by the property tests: each was accepted, or crashed, before the validation was mended.
describe("inputs that once slipped through", () => {
  const raw = (cfg: Record<string, string>) => (key: string) => cfg[key];
  const context = (cfg: Record<string, string>) => ({
    organization: "organization",
    project: "aml-bcdr",
    presentKeys: Object.keys(cfg),
  });
  const base = { role: "primary", location: "northeurope" };
  const problems = (cfg: Record<string, string>, stack = "primary") => {
    try {
      parseStackConfig(stack, raw(cfg), context(cfg));
      return [];
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as ConfigError).problems;
    }
  };

  test.each([
    [
      "an endpoint name ending in a hyphen",
      {
        onlineEndpoints:
          '[{"name":"scoring-","deployments":[{"name":"blue","model":"azureml:m:1","instanceType":"Standard_DS3_v2"}]}]',
      },
      "onlineEndpoints[0].name",
    ],
    [
      "an object where a GUID belongs",
      { principals: '[{"objectId":{"toString":1},"role":"Reader"}]' },
      "principals[0].objectId",
    ],
    ["a principal that is not an object", { principals: "[42]" }, "principals[0]"],
    [
      "cluster names that differ only in case",
      {
        computeClusters:
          '[{"name":"cpu","vmSize":"Standard_DS3_v2","maxNodes":1},{"name":"CPU","vmSize":"Standard_DS3_v2","maxNodes":1}]',
      },
      "computeClusters[1].name",
    ],
    [
      "a misspelt override field",
      {
        computeClusters: '[{"name":"cpu","vmSize":"Standard_DS3_v2","maxNodes":1}]',
        computeOverrides: '{"cpu":{"maxNode":0}}',
      },
      "computeOverrides.cpu.maxNode",
    ],
    [
      "an override that is not an object",
      {
        computeClusters: '[{"name":"cpu","vmSize":"Standard_DS3_v2","maxNodes":1}]',
        computeOverrides: '{"cpu":"maxNodes=0"}',
      },
      "computeOverrides.cpu",
    ],
    ["a loopback address space", { addressSpace: "127.0.0.0/16" }, "addressSpace"],
    ["a multicast address space", { addressSpace: "224.0.0.0/16" }, "addressSpace"],
    ["a link-local address space", { addressSpace: "169.254.0.0/16" }, "addressSpace"],
    [
      "a one-way pair (eastus's data fails over to westus, not westus3)",
      { location: "eastus", secondaryLocations: '["westus3"]' },
      "secondaryLocations",
    ],
    [
      "a primary-only setting on a secondary",
      {
        role: "secondary",
        location: "westeurope",
        primaryLocation: "northeurope",
        dataRedundancy: "GRS",
      },
      "dataRedundancy",
    ],
  ] as const)("%s is refused", (_what, cfg, key) => {
    const found = problems({ ...base, ...cfg } as Record<string, string>);
    expect(found.map((p) => p.key)).toContain(key);
  });

  test("an explicit but wrong role is reported once, not also as missing", () => {
    const found = problems({ role: "tertiary", location: "northeurope" }, "dev");
    expect(found.filter((p) => p.key === "role")).toHaveLength(1);
    expect(found[0].problem).toMatch(/must be one of primary, secondary/);
  });
});

describe("found by trying it as a newcomer", () => {
  const raw = (cfg: Record<string, string>) => (key: string) => cfg[key];
  const keys = (cfg: Record<string, string>) => {
    try {
      parseStackConfig("primary", raw(cfg), {
        organization: "o",
        project: "aml-bcdr",
        presentKeys: Object.keys(cfg),
      });
      return [];
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as ConfigError).problems.map((p) => p.key);
    }
  };
  const base = { role: "primary", location: "northeurope" };
  const endpoint = (extra: string) =>
    `[{"name":"scoring",${extra}"deployments":[{"name":"blue","model":"azureml:m:1","instanceType":"Standard_DS3_v2"}]}]`;

  test.each([
    [
      "a misspelt endpoint field",
      { onlineEndpoints: endpoint('"healthprobepath":"/h",') },
      "onlineEndpoints[0].healthprobepath",
    ],
    [
      "a misspelt deployment field",
      {
        onlineEndpoints:
          '[{"name":"scoring","deployments":[{"name":"blue","model":"azureml:m:1","instanceType":"Standard_DS3_v2","instanceCont":3}]}]',
      },
      "onlineEndpoints[0].deployments[0].instanceCont",
    ],
    [
      "an extra principal field",
      {
        principals:
          '[{"objectId":"11111111-2222-4333-8444-555555555555","role":"Reader","extra":1}]',
      },
      "principals[0].extra",
    ],
    [
      "a misspelt kubernetesCompute field",
      {
        kubernetesCompute:
          '{"name":"aks","resourceId":"/subscriptions/0/resourceGroups/g/providers/Microsoft.ContainerService/managedClusters/a","nmespace":"x"}',
      },
      "kubernetesCompute.nmespace",
    ],
    [
      "a kubernetesCompute that is not an object",
      { kubernetesCompute: '"aks"' },
      "kubernetesCompute",
    ],
    [
      "a kubernetesCompute named like a cluster",
      {
        computeClusters: '[{"name":"cpu-cluster","vmSize":"Standard_DS3_v2","maxNodes":1}]',
        kubernetesCompute:
          '{"name":"cpu-cluster","resourceId":"/subscriptions/0/resourceGroups/g/providers/Microsoft.ContainerService/managedClusters/a"}',
      },
      "kubernetesCompute.name",
    ],
    ["a tag name with <", { tags: '{"a<b":"x"}' }, "tags.a<b"],
    [
      "a tag value over 256 characters",
      { tags: JSON.stringify({ long: "x".repeat(300) }) },
      "tags.long",
    ],
    [
      "a model without a version",
      {
        onlineEndpoints:
          '[{"name":"scoring","deployments":[{"name":"blue","model":"azureml:m","instanceType":"Standard_DS3_v2"}]}]',
      },
      "onlineEndpoints[0].deployments[0].model",
    ],
    [
      "a probe path with a query",
      { onlineEndpoints: endpoint('"healthProbePath":"/x?y",') },
      "onlineEndpoints[0].healthProbePath",
    ],
    [
      "an override's bad value, under the override's key",
      {
        computeClusters: '[{"name":"cpu","vmSize":"Standard_DS3_v2","maxNodes":1}]',
        computeOverrides: '{"cpu":{"minNodes":9}}',
      },
      "computeOverrides.cpu.minNodes",
    ],
  ] as const)("%s is refused", (_what, cfg, key) => {
    expect(keys({ ...base, ...cfg } as Record<string, string>)).toContain(key);
  });
});

test("a public address space is allowed but warned about", () => {
  const cfg: Record<string, string> = {
    role: "primary",
    location: "northeurope",
    addressSpace: "8.8.0.0/16",
  };
  const { warnings } = parseStackConfig("primary", (k) => cfg[k], {
    organization: "o",
    project: "aml-bcdr",
    presentKeys: Object.keys(cfg),
  });
  expect(warnings.join("\n")).toMatch(/addressSpace 8\.8\.0\.0\/16 .* not a private range/);
});
