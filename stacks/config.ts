import * as pulumi from "@pulumi/pulumi";
import { Cidr, cidrContains, cidrsOverlap, parseCidr } from "../components/cidr";
import { PREFIX_PATTERN, PREFIX_RULE } from "../components/naming";
import { defaultSubnets, SUBNET_ROLES, SubnetRole } from "../components/networking";
import {
  AzureCloudName,
  findRegion,
  RegionInfo,
  suggestRegions,
  supportsGeoRedundantStorage,
  supportsGeoZoneRedundantStorage,
  supportsZones,
} from "../components/regions";
import { PEOPLE_ROLES, PrincipalRole, PrincipalType } from "../components/roles";
import { GEO_REDUNDANCY, StorageRedundancy } from "../components/storageAccount";
import { ComputeClusterSpec } from "../components/trainingCompute";
import { OnlineDeploymentSpec, OnlineEndpointSpec } from "../components/onlineInference";

/** The configuration namespace of this project. */
export const NAMESPACE = "aml-bcdr";

export const ROLES = ["primary", "secondary"] as const;
/** Which part a stack plays: the primary owns the shared resources. */
export type StackRole = (typeof ROLES)[number];

export const TOPOLOGIES = ["hot-hot", "hot-warm", "hot-cold"] as const;
/** How the secondary region runs while the primary is active. */
export type Topology = (typeof TOPOLOGIES)[number];

/** The topology of a workload that no setting names. */
export const DEFAULT_TOPOLOGY: Topology = "hot-warm";

/** Default address spaces, chosen so that the two default stacks never overlap. */
export const DEFAULT_ADDRESS_SPACES: Readonly<Record<StackRole, string>> = {
  primary: "10.40.0.0/16",
  secondary: "10.41.0.0/16",
};

/** The IDs of the shared resources, as the secondary reads them. */
export interface SharedResourceIds {
  readonly keyVaultId?: string;
  readonly registryId?: string;
  readonly dataAccountId?: string;
  readonly dataContainerName?: string;
}

/** A stack's configuration, typed, defaulted and validated. */
export interface StackConfig {
  readonly stack: string;
  readonly role: StackRole;
  readonly location: string;
  readonly region: RegionInfo;
  readonly cloud: AzureCloudName;
  /**
   * The topology of each workload. `topology` sets all of them at once; without it,
   * `inferenceTopology` and `trainingTopology` set them one by one.
   */
  readonly topologies: Readonly<{ inference: Topology; training: Topology }>;
  /** The region users work in now: `primary` until a failover promotes the secondary. */
  readonly activeRegion: StackRole;
  /** Compute clusters of this region, per-region overrides applied. */
  readonly computeClusters: readonly ComputeClusterSpec[];
  readonly onlineEndpoints: readonly OnlineEndpointSpec[];
  /** An existing Kubernetes cluster of this region, attached as AML compute. */
  readonly kubernetesCompute?: Readonly<{ name: string; resourceId: string; namespace: string }>;
  /** An Azure ML registry spanning every region. */
  readonly mlRegistry: boolean;
  /** Encrypt both workspaces with a customer-managed key in the shared vault. */
  readonly customerManagedKey: boolean;
  /** A hub VNet to peer this region's VNet with. */
  readonly hubVirtualNetworkId?: string;
  readonly useHubGateway: boolean;
  /** Secondary: peer the two regions' VNets with each other. */
  readonly peerRegions: boolean;
  /** Environments and data assets, relative to the project root. */
  readonly assetsFile: string;
  /** Whether `assetsFile` was set, so that a missing file is an error, not "no assets". */
  readonly assetsFileGiven: boolean;
  readonly prefix: string;
  readonly addressSpace: string;
  readonly subnets: Readonly<Record<SubnetRole, string>>;
  readonly principals: readonly PrincipalRole[];
  readonly tags: Readonly<Record<string, string>>;
  /** Tag keys that something outside this program sets, left alone on every resource. */
  readonly ignoredTagKeys: readonly string[];
  readonly protectData: boolean;
  readonly allowPublicNetworkAccess: boolean;
  /** Primary: the other regions, which get registry replicas. */
  readonly secondaryLocations: readonly string[];
  /** Primary: redundancy of the training-data account. */
  readonly dataRedundancy: StorageRedundancy;
  /** Secondary: the primary stack's region, as the secondary believes it to be. */
  readonly primaryLocation?: string;
  /** Secondary: the fully qualified name of the primary stack. */
  readonly primaryStack: string;
  /** Secondary: shared resource IDs given in config instead of read from the primary. */
  readonly shared: SharedResourceIds;
}

/** One thing wrong with a stack's configuration. */
export interface ConfigProblem {
  /** The config key, without namespace. */
  readonly key: string;
  readonly value: unknown;
  /** What is wrong and what is allowed. */
  readonly problem: string;
  /** How to fix it. */
  readonly fix: string;
}

/**
 * Every problem with a stack's configuration, reported at once. It is a `RunError`, so Pulumi
 * prints the message without a stack trace.
 */
export class ConfigError extends pulumi.RunError {
  constructor(
    readonly stack: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(formatProblems(stack, problems));
    this.name = "ConfigError";
  }
}

/** The message of a {@link ConfigError}: one short paragraph per problem. */
export function formatProblems(stack: string, problems: readonly ConfigProblem[]): string {
  const lines = [
    `Stack "${stack}" has ${problems.length} configuration problem${problems.length === 1 ? "" : "s"}; nothing was deployed.`,
  ];
  for (const p of problems) {
    lines.push(`  ${NAMESPACE}:${p.key} = ${JSON.stringify(p.value)}: ${p.problem}`);
    lines.push(`    fix: ${p.fix}`);
  }
  return lines.join("\n");
}

/** Reads a raw config value (a string, JSON for objects), or undefined if unset. */
export type RawConfig = (key: string) => string | undefined;

/** What {@link parseStackConfig} returns: the config, and warnings for allowed-but-risky values. */
export interface ParsedConfig {
  readonly config: StackConfig;
  readonly warnings: readonly string[];
}

/** Settings only one role reads; set on the other they would be silently ignored. */
const ROLE_ONLY: Readonly<Record<StackRole, readonly string[]>> = {
  primary: ["secondaryLocations", "dataRedundancy"],
  secondary: [
    "primaryLocation",
    "primaryAddressSpace",
    "primaryStack",
    "sharedKeyVaultId",
    "sharedRegistryId",
    "sharedDataAccountId",
    "sharedDataContainerName",
    "peerRegions",
  ],
};

/** Settings both roles read. */
const COMMON_KEYS = [
  "role",
  "location",
  "topology",
  "inferenceTopology",
  "trainingTopology",
  "activeRegion",
  "computeClusters",
  "computeOverrides",
  "onlineEndpoints",
  "kubernetesCompute",
  "mlRegistry",
  "customerManagedKey",
  "hubVirtualNetworkId",
  "useHubGateway",
  "assetsFile",
  "prefix",
  "addressSpace",
  "subnets",
  "principals",
  "tags",
  "ignoredTagKeys",
  "protectData",
  "allowPublicNetworkAccess",
  "allowUnpairedRegions",
] as const;

/** Every key this project reads, so that a misspelt key is reported instead of ignored. */
export const KNOWN_KEYS: readonly string[] = [
  ...COMMON_KEYS,
  ...ROLE_ONLY.primary,
  ...ROLE_ONLY.secondary,
];

/** A config value as text, without calling anything on objects a user wrote. */
const text = (value: unknown, fallback = ""): string =>
  typeof value === "string"
    ? value
    : value === undefined || value === null
      ? fallback
      : JSON.stringify(value);

/** The edit distance of two short strings, for "did you mean" hints. */
function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}

/** Ranges Azure does not allow in a virtual network. */
const RESERVED_RANGES: readonly [string, string][] = [
  ["0.0.0.0/8", "the 'this network' range"],
  ["127.0.0.0/8", "loopback"],
  ["169.254.0.0/16", "link-local"],
  ["168.63.129.16/32", "Azure's own DNS and health-probe address"],
];

/** Any IPv4 range as a Cidr, /0 to /32 (parseCidr only takes what a VNet may use). */
function anyRange(range: string): Cidr {
  const [address, length] = range.split("/");
  const network = address.split(".").reduce((n, octet) => n * 256 + Number(octet), 0);
  return { network, prefixLength: Number(length), text: range };
}

/** Whether a range lies inside one of the RFC 1918 private ranges. */
function isPrivateRange(range: Cidr): boolean {
  return ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].some((p) => {
    const outer = anyRange(p);
    return range.prefixLength >= outer.prefixLength && cidrsOverlap(range, outer);
  });
}

/** Whether a range reaches into 224.0.0.0 and above (multicast, reserved, broadcast). */
const reachesClassD = (range: Cidr) =>
  range.network + 2 ** (32 - range.prefixLength) - 1 >= 224 * 2 ** 24;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ARM_ID = (provider: string, type: string) =>
  new RegExp(
    `^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/${provider.replace(".", "\\.")}/${type}/[^/]+$`,
    "i",
  );

/**
 * The one validation pass over a stack's configuration. It runs before any resource is
 * registered and throws a {@link ConfigError} listing every problem.
 *
 * @param raw reads `aml-bcdr:<key>`; `presentKeys` lists every key set in the stack, so that
 * unknown keys can be reported.
 */
export function parseStackConfig(
  stack: string,
  raw: RawConfig,
  context: { organization: string; project: string; presentKeys?: readonly string[] },
): ParsedConfig {
  const problems: ConfigProblem[] = [];
  const warnings: string[] = [];
  const setHint = (key: string, example: string) =>
    `pulumi config set ${NAMESPACE}:${key} ${example} -s ${stack}`;
  const report = (key: string, value: unknown, problem: string, fix: string) =>
    problems.push({ key, value, problem, fix });

  for (const key of context.presentKeys ?? []) {
    if (!(KNOWN_KEYS as readonly string[]).includes(key)) {
      const near = KNOWN_KEYS.filter(
        (k) =>
          k.toLowerCase() === key.toLowerCase() ||
          editDistance(k.toLowerCase(), key.toLowerCase()) <= 2,
      );
      report(
        key,
        raw(key),
        "is not a setting of this project.",
        near.length
          ? `rename it to ${NAMESPACE}:${near[0]}.`
          : `remove it (pulumi config rm ${NAMESPACE}:${key} -s ${stack}); known settings: ${KNOWN_KEYS.join(", ")}.`,
      );
    }
  }

  const json = <T>(key: string, fallback: T): T => {
    const text = raw(key);
    if (text === undefined || text === "") return fallback;
    try {
      return JSON.parse(text) as T;
    } catch {
      report(key, text, "is not valid JSON.", `set it as a YAML value in Pulumi.${stack}.yaml.`);
      return fallback;
    }
  };
  const bool = (key: string, fallback: boolean): boolean => {
    const text = raw(key);
    if (text === undefined || text === "") return fallback;
    if (text === "true" || text === "false") return text === "true";
    report(key, text, "must be true or false.", setHint(key, String(fallback)));
    return fallback;
  };
  const oneOf = <T extends string>(key: string, allowed: readonly T[], fallback?: T) => {
    const text = raw(key);
    if (text === undefined || text === "") return fallback;
    if ((allowed as readonly string[]).includes(text)) return text as T;
    report(key, text, `must be one of ${allowed.join(", ")}.`, setHint(key, allowed[0]));
    return fallback;
  };

  // Role: explicit, or the stack's own name when that is a role.
  const defaultRole = (ROLES as readonly string[]).includes(stack)
    ? (stack as StackRole)
    : undefined;
  const role = oneOf("role", ROLES, defaultRole);
  if (!role && !raw("role")) {
    report(
      "role",
      raw("role"),
      "is not set, and the stack's name is not a role.",
      setHint("role", "primary"),
    );
  }
  const effectiveRole = role ?? "primary";

  const region = (key: string, value: string | undefined, required: boolean) => {
    if (value === undefined || value === "") {
      if (required)
        report(
          key,
          value,
          key === "location"
            ? "is required: the stack's Azure region."
            : `is required: the region of the ${key === "primaryLocation" ? "primary stack" : "stack"}.`,
          setHint(key, "northeurope"),
        );
      return undefined;
    }
    const info = findRegion(value);
    if (!info) {
      const near = suggestRegions(value, 3);
      report(
        key,
        value,
        `is not a known Azure region${near.length ? ` (did you mean ${near.join(", ")}?)` : ""}.`,
        `use a programmatic region name such as northeurope (az account list-locations -o table).`,
      );
    }
    return info;
  };

  const locationText = raw("location");
  const info = region("location", locationText, true);
  const location = info?.name ?? locationText ?? "";
  if (info?.restricted) {
    warnings.push(
      `${NAMESPACE}:location ${info.name} is an access-restricted region: ask Azure support for access before deploying.`,
    );
  }

  // Topologies: `topology` sets every workload at once and wins over the per-workload keys.
  const topology = oneOf("topology", TOPOLOGIES);
  const inferenceTopology = oneOf("inferenceTopology", TOPOLOGIES);
  const trainingTopology = oneOf("trainingTopology", TOPOLOGIES);
  if (topology && (raw("inferenceTopology") || raw("trainingTopology"))) {
    warnings.push(
      `${NAMESPACE}:topology (${topology}) sets every workload; it overrides inferenceTopology and trainingTopology in stack "${stack}".`,
    );
  }
  const topologies = {
    inference: topology ?? inferenceTopology ?? DEFAULT_TOPOLOGY,
    training: topology ?? trainingTopology ?? DEFAULT_TOPOLOGY,
  };
  const activeRegion = oneOf("activeRegion", ROLES, "primary") ?? "primary";

  const computeClusters = parseClusters(
    json<unknown>("computeClusters", []),
    json<unknown>("computeOverrides", {}),
    report,
  );
  const onlineEndpoints = parseEndpoints(json<unknown>("onlineEndpoints", []), report);

  const prefix = raw("prefix") ?? "amlbcdr";
  if (!PREFIX_PATTERN.test(prefix)) {
    report(
      "prefix",
      prefix,
      `cannot yield valid Azure names for every resource type (storage accounts allow 3-24 lowercase letters and digits): use ${PREFIX_RULE}.`,
      setHint("prefix", "amlbcdr"),
    );
  }

  // Network ranges.
  const addressSpace = raw("addressSpace") ?? DEFAULT_ADDRESS_SPACES[effectiveRole];
  const parsedSpace = cidr("addressSpace", addressSpace);
  if (parsedSpace && !isPrivateRange(parsedSpace)) {
    warnings.push(
      `${NAMESPACE}:addressSpace ${addressSpace} of stack "${stack}" is not a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16): traffic to those public addresses would stay inside the VNet.`,
    );
  }
  const subnetOverrides = json<Record<string, string>>("subnets", {});
  let subnets: Record<SubnetRole, string> = {
    privateEndpoints: "",
    training: "",
    inference: "",
  };
  if (parsedSpace) {
    if (parsedSpace.prefixLength > 24) {
      report(
        "addressSpace",
        addressSpace,
        "is too small: it must be /24 or larger, to hold three subnets.",
        setHint("addressSpace", DEFAULT_ADDRESS_SPACES[effectiveRole]),
      );
    } else {
      subnets = { ...defaultSubnets(addressSpace), ...pickSubnets(subnetOverrides) };
      checkSubnets(parsedSpace, subnets);
    }
  }

  function cidr(key: string, value: string): Cidr | undefined {
    const parsed = parseCidr(value);
    const fix = setHint(key, DEFAULT_ADDRESS_SPACES[effectiveRole]);
    if (typeof parsed === "string") {
      const reason = parsed.replace(/\.$/, "");
      report(
        key,
        value,
        `is not a valid address range: ${reason}${reason.endsWith("?") ? "" : "."}`,
        fix,
      );
      return undefined;
    }
    const reserved: [string, string][] = reachesClassD(parsed)
      ? [["224.0.0.0/3", "multicast, reserved and broadcast"]]
      : RESERVED_RANGES.filter(([range]) => cidrsOverlap(parsed, anyRange(range)));
    for (const [range, what] of reserved.slice(0, 1)) {
      {
        report(
          key,
          value,
          `overlaps ${range} (${what}), which Azure does not allow in a virtual network.`,
          `use a private range (10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16): ${fix}`,
        );
        return undefined;
      }
    }
    return parsed;
  }

  function pickSubnets(value: Record<string, string>): Partial<Record<SubnetRole, string>> {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      report(
        "subnets",
        value,
        "must be a map of subnet role to range.",
        `e.g. { "training": "10.40.64.0/18" }.`,
      );
      return {};
    }
    const picked: Partial<Record<SubnetRole, string>> = {};
    for (const [k, v] of Object.entries(value)) {
      if (!(SUBNET_ROLES as readonly string[]).includes(k)) {
        report(
          `subnets.${k}`,
          v,
          `is not a subnet role; roles are ${SUBNET_ROLES.join(", ")}.`,
          "rename or remove it.",
        );
      } else {
        picked[k as SubnetRole] = text(v);
      }
    }
    return picked;
  }

  function checkSubnets(space: Cidr, all: Record<SubnetRole, string>) {
    const parsed: [SubnetRole, Cidr][] = [];
    for (const roleName of SUBNET_ROLES) {
      const p = parseCidr(all[roleName]);
      if (typeof p === "string") {
        report(
          `subnets.${roleName}`,
          all[roleName],
          `is not a valid address range: ${p}.`,
          "give a range inside addressSpace.",
        );
      } else if (!cidrContains(space, p)) {
        report(
          `subnets.${roleName}`,
          all[roleName],
          `does not fit inside addressSpace ${space.text}.`,
          `give a range inside ${space.text}.`,
        );
      } else {
        parsed.push([roleName, p]);
      }
    }
    for (let i = 0; i < parsed.length; i++) {
      for (let j = i + 1; j < parsed.length; j++) {
        if (cidrsOverlap(parsed[i][1], parsed[j][1])) {
          report(
            `subnets.${parsed[j][0]}`,
            parsed[j][1].text,
            `overlaps subnet ${parsed[i][0]} (${parsed[i][1].text}).`,
            "give each subnet its own range.",
          );
        }
      }
    }
  }

  // People.
  const principalsRaw = json<unknown>("principals", []);
  const principals: PrincipalRole[] = [];
  if (!Array.isArray(principalsRaw)) {
    report(
      "principals",
      principalsRaw,
      "must be a list of { objectId, role, principalType }.",
      "see the README's configuration table.",
    );
  } else {
    principalsRaw.forEach((p, i) => {
      const key = `principals[${i}]`;
      if (p === null || typeof p !== "object" || Array.isArray(p)) {
        report(
          key,
          p,
          "must be an object { objectId, role, principalType }.",
          "see the README's configuration table.",
        );
        return;
      }
      const entry = p as Record<string, unknown>;
      for (const field of Object.keys(entry).filter(
        (f) => !["objectId", "role", "principalType"].includes(f),
      )) {
        report(
          `${key}.${field}`,
          entry[field],
          "is not a field of a principal; use objectId, role, principalType.",
          "rename or remove it.",
        );
      }
      const objectId = text(entry.objectId);
      const roleName = text(entry.role);
      const principalType = text(entry.principalType, "Group");
      let ok = true;
      if (!GUID.test(objectId)) {
        report(
          `${key}.objectId`,
          entry.objectId,
          "must be an Entra ID object ID (a GUID such as 00000000-0000-0000-0000-000000000000).",
          "az ad group show --group <name> --query id -o tsv",
        );
        ok = false;
      }
      if (!(PEOPLE_ROLES as readonly string[]).includes(roleName)) {
        report(
          `${key}.role`,
          entry.role,
          `must be one of ${PEOPLE_ROLES.join(", ")}.`,
          "use one of those role names.",
        );
        ok = false;
      }
      if (!["User", "Group", "ServicePrincipal"].includes(principalType)) {
        report(
          `${key}.principalType`,
          entry.principalType,
          "must be User, Group or ServicePrincipal.",
          "use one of those.",
        );
        ok = false;
      }
      if (ok) {
        principals.push({
          objectId: objectId.toLowerCase(),
          role: roleName as PrincipalRole["role"],
          principalType: principalType as PrincipalType,
        });
      }
    });
    const seen = new Set<string>();
    for (const p of principals) {
      const id = `${p.objectId}/${p.role}`;
      if (seen.has(id)) {
        report(
          "principals",
          `${p.objectId} ${p.role}`,
          "lists the same principal and role twice.",
          "remove the duplicate.",
        );
      }
      seen.add(id);
    }
  }

  const tags = json<Record<string, string>>("tags", {});
  if (
    typeof tags !== "object" ||
    tags === null ||
    Array.isArray(tags) ||
    Object.values(tags).some((v) => typeof v !== "string")
  ) {
    report(
      "tags",
      tags,
      "must be a map of tag name to string value.",
      `e.g. { "costCenter": "ml" }.`,
    );
  } else {
    // Azure's limits: names up to 512 characters without < > % & \ ? /, values up to 256.
    for (const [name, value] of Object.entries(tags)) {
      if (name.length === 0 || name.length > 512 || /[<>%&\\?/]/.test(name)) {
        report(
          `tags.${name}`,
          name,
          "is not a tag name Azure accepts (1-512 characters, none of < > % & \\ ? /).",
          "rename the tag.",
        );
      } else if (value.length > 256) {
        report(
          `tags.${name}`,
          value,
          `is ${value.length} characters; Azure allows 256 in a tag value.`,
          "shorten it.",
        );
      }
    }
  }

  const ignoredTagKeys = json<unknown>("ignoredTagKeys", []);
  if (
    !Array.isArray(ignoredTagKeys) ||
    ignoredTagKeys.some((k) => typeof k !== "string" || k === "")
  ) {
    report(
      "ignoredTagKeys",
      ignoredTagKeys,
      "must be a list of tag names.",
      `e.g. ["createdBy", "costCenter"].`,
    );
  }

  const mlRegistry = bool("mlRegistry", true);
  const customerManagedKey = bool("customerManagedKey", false);
  const useHubGateway = bool("useHubGateway", false);
  const peerRegions = bool("peerRegions", false);
  const assetsFile = raw("assetsFile") ?? "artifacts/assets.yaml";
  const hubVirtualNetworkId = raw("hubVirtualNetworkId") || undefined;
  if (
    hubVirtualNetworkId &&
    !ARM_ID("Microsoft.Network", "virtualNetworks").test(hubVirtualNetworkId)
  ) {
    report(
      "hubVirtualNetworkId",
      hubVirtualNetworkId,
      "must be a virtual network ID (/subscriptions/.../providers/Microsoft.Network/virtualNetworks/<name>).",
      "az network vnet show -g <group> -n <hub> --query id -o tsv",
    );
  }
  if (useHubGateway && !hubVirtualNetworkId) {
    report(
      "useHubGateway",
      true,
      "needs hubVirtualNetworkId: there is no hub to use the gateway of.",
      "set hubVirtualNetworkId, or remove useHubGateway.",
    );
  }
  const kubernetesRaw = json<unknown>("kubernetesCompute", undefined);
  let kubernetesCompute: StackConfig["kubernetesCompute"];
  if (kubernetesRaw !== undefined) {
    const k = (kubernetesRaw ?? {}) as Record<string, unknown>;
    if (
      kubernetesRaw === null ||
      typeof kubernetesRaw !== "object" ||
      Array.isArray(kubernetesRaw)
    ) {
      report(
        "kubernetesCompute",
        kubernetesRaw,
        "must be an object { name, resourceId, namespace }.",
        "see the README's configuration table.",
      );
    }
    for (const field of Object.keys(k).filter(
      (f) => !["name", "resourceId", "namespace"].includes(f),
    )) {
      report(
        `kubernetesCompute.${field}`,
        k[field],
        "is not a setting of kubernetesCompute; use name, resourceId, namespace.",
        "rename or remove it.",
      );
    }
    if (
      k.namespace !== undefined &&
      (typeof k.namespace !== "string" || !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(k.namespace))
    ) {
      report(
        "kubernetesCompute.namespace",
        k.namespace,
        "must be a Kubernetes namespace name (lowercase letters, digits and hyphens, at most 63).",
        `e.g. "azureml".`,
      );
    }
    if (
      typeof k.name === "string" &&
      computeClusters.some((c) => c.name.toLowerCase() === String(k.name).toLowerCase())
    ) {
      report(
        "kubernetesCompute.name",
        k.name,
        "is already the name of a compute cluster; compute names are unique in a workspace.",
        "give it its own name.",
      );
    }
    const aks =
      /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.(ContainerService\/managedClusters|Kubernetes\/connectedClusters)\/[^/]+$/i;
    if (typeof k !== "object" || typeof k.name !== "string" || !CLUSTER_NAME.test(k.name)) {
      report(
        "kubernetesCompute.name",
        k.name,
        "must be 3-24 letters, digits and hyphens, starting with a letter.",
        `e.g. "aks-inference".`,
      );
    } else if (typeof k.resourceId !== "string" || !aks.test(k.resourceId)) {
      report(
        "kubernetesCompute.resourceId",
        k.resourceId,
        "must be the ID of an AKS or Arc-enabled Kubernetes cluster in this region.",
        "az aks show -g <group> -n <cluster> --query id -o tsv",
      );
    } else {
      kubernetesCompute = {
        name: k.name,
        resourceId: k.resourceId,
        namespace: typeof k.namespace === "string" ? k.namespace : "default",
      };
    }
  }

  const protectData = bool("protectData", true);
  if (!protectData) {
    warnings.push(
      `${NAMESPACE}:protectData is false: workspaces, storage, vault and registry of stack "${stack}" can be deleted by pulumi destroy.`,
    );
  }
  const allowPublicNetworkAccess = bool("allowPublicNetworkAccess", false);
  if (allowPublicNetworkAccess) {
    warnings.push(
      `${NAMESPACE}:allowPublicNetworkAccess is true: the resources of stack "${stack}" accept traffic from the internet (still subject to Entra ID).`,
    );
  }
  const allowUnpaired = bool("allowUnpairedRegions", false);

  const pairCheck = (a: string, b: string, key: string, value: string) => {
    // Geo-redundant storage fails over to the primary's own pair: a one-way pair the other
    // way round (westus3 -> eastus) does not count.
    if (findRegion(a)?.pairedRegion === b) return;
    const pair = findRegion(a)?.pairedRegion;
    const text = `${b} is not the Azure region pair of ${a}${pair ? ` (its pair is ${pair})` : " (it has no pair)"}: geo-redundant storage fails over to the pair, not to ${b}.`;
    if (allowUnpaired) {
      warnings.push(`${NAMESPACE}:${key}: ${text}`);
    } else {
      report(
        key,
        value,
        text,
        `use the pair, or accept this with ${setHint("allowUnpairedRegions", "true")}.`,
      );
    }
  };

  // Settings of the other role would be ignored without a word; say so instead.
  const otherRole: StackRole = effectiveRole === "primary" ? "secondary" : "primary";
  for (const key of ROLE_ONLY[otherRole]) {
    if (raw(key) !== undefined && raw(key) !== "") {
      report(
        key,
        raw(key),
        `is a setting of the ${otherRole} stack; this stack (${effectiveRole}) would ignore it.`,
        `remove it: pulumi config rm ${NAMESPACE}:${key} -s ${stack}`,
      );
    }
  }

  // Role-specific settings.
  let secondaryLocations: string[] = [];
  let dataRedundancy: StorageRedundancy = "GZRS";
  let primaryLocation: string | undefined;
  const shared: Record<string, string> = {};
  if (effectiveRole === "primary") {
    const listed = json<unknown>("secondaryLocations", undefined);
    if (listed === undefined) {
      if (info?.pairedRegion) {
        secondaryLocations = [info.pairedRegion];
      } else if (info) {
        report(
          "secondaryLocations",
          undefined,
          `${info.name} has no Azure region pair, so there is no default secondary region.`,
          setHint("secondaryLocations", `'["<region>"]'`) + " --path",
        );
      }
    } else if (!Array.isArray(listed) || listed.length === 0) {
      report(
        "secondaryLocations",
        listed,
        "must be a non-empty list of regions.",
        `e.g. ["westeurope"].`,
      );
    } else {
      for (const item of listed) {
        const other = region("secondaryLocations", text(item), true);
        if (!other) continue;
        if (other.name === location) {
          report(
            "secondaryLocations",
            item,
            `is the primary's own region; a secondary must be elsewhere.`,
            "list other regions only.",
          );
        } else if (info && other.cloud !== info.cloud) {
          report(
            "secondaryLocations",
            item,
            `is in ${other.cloud}, the primary in ${info.cloud}.`,
            "keep every region in one Azure cloud.",
          );
        } else {
          // The first entry is the secondary stack's region and must be the pair; further
          // regions only get a registry replica, and need not be paired with anything.
          if (info && secondaryLocations.length === 0) {
            pairCheck(info.name, other.name, "secondaryLocations", text(item));
          }
          secondaryLocations.push(other.name);
        }
      }
      if (new Set(secondaryLocations).size !== secondaryLocations.length) {
        report("secondaryLocations", listed, "lists a region twice.", "remove the duplicate.");
      }
    }

    const redundancyText = raw("dataRedundancy");
    const defaultRedundancy: StorageRedundancy = supportsGeoZoneRedundantStorage(location)
      ? "GZRS"
      : "GRS";
    dataRedundancy = (oneOf("dataRedundancy", GEO_REDUNDANCY, defaultRedundancy) ??
      defaultRedundancy) as StorageRedundancy;
    if (info && !supportsGeoRedundantStorage(location)) {
      report(
        "location",
        location,
        `${location} has no paired region, so training data cannot be geo-redundant there.`,
        "choose a paired region for the primary.",
      );
    } else if (
      info &&
      redundancyText &&
      dataRedundancy.includes("ZRS") &&
      !supportsGeoZoneRedundantStorage(location)
    ) {
      report(
        "dataRedundancy",
        redundancyText,
        `${location} cannot give ${dataRedundancy}${supportsZones(location) ? "" : " (the region has no availability zones)"}.`,
        setHint("dataRedundancy", "GRS"),
      );
    }
  } else {
    const primaryText = raw("primaryLocation");
    const primaryInfo = region("primaryLocation", primaryText, true);
    primaryLocation = primaryInfo?.name;
    if (primaryInfo && info) {
      if (primaryInfo.name === info.name) {
        report(
          "location",
          location,
          `is the primary's region too; the secondary must be in another region.`,
          setHint("location", primaryInfo.pairedRegion ?? "<region>"),
        );
      } else if (primaryInfo.cloud !== info.cloud) {
        report(
          "location",
          location,
          `is in ${info.cloud}, the primary (${primaryInfo.name}) in ${primaryInfo.cloud}.`,
          "keep both regions in one Azure cloud.",
        );
      } else {
        pairCheck(primaryInfo.name, info.name, "location", location);
      }
    }
    const primarySpaceText = raw("primaryAddressSpace") ?? DEFAULT_ADDRESS_SPACES.primary;
    const primarySpace = cidr("primaryAddressSpace", primarySpaceText);
    if (primarySpace && parsedSpace && cidrsOverlap(primarySpace, parsedSpace)) {
      report(
        "addressSpace",
        addressSpace,
        `overlaps the primary's address space ${primarySpace.text}; the regions could not be peered or reached over one VPN.`,
        setHint("addressSpace", DEFAULT_ADDRESS_SPACES.secondary),
      );
    }
    const idKeys: [string, keyof SharedResourceIds, RegExp, string][] = [
      [
        "sharedKeyVaultId",
        "keyVaultId",
        ARM_ID("Microsoft.KeyVault", "vaults"),
        "a Key Vault ID (/subscriptions/.../providers/Microsoft.KeyVault/vaults/<name>)",
      ],
      [
        "sharedRegistryId",
        "registryId",
        ARM_ID("Microsoft.ContainerRegistry", "registries"),
        "a container registry ID (/subscriptions/.../providers/Microsoft.ContainerRegistry/registries/<name>)",
      ],
      [
        "sharedDataAccountId",
        "dataAccountId",
        ARM_ID("Microsoft.Storage", "storageAccounts"),
        "a storage account ID (/subscriptions/.../providers/Microsoft.Storage/storageAccounts/<name>)",
      ],
      [
        "sharedDataContainerName",
        "dataContainerName",
        /^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/,
        "a blob container name (3-63 lowercase letters, digits and single hyphens)",
      ],
    ];
    const primaryStackName =
      raw("primaryStack") ?? `${context.organization}/${context.project}/primary`;
    for (const [key, field, pattern, expected] of idKeys) {
      const value = raw(key);
      if (value === undefined || value === "") continue;
      if (!pattern.test(value)) {
        report(
          key,
          value,
          `must be ${expected}.`,
          `copy it from the primary: pulumi stack output ${field} -s ${primaryStackName}`,
        );
      } else {
        shared[field] = value;
      }
    }
  }

  const primaryStack = raw("primaryStack") ?? `${context.organization}/${context.project}/primary`;
  if (effectiveRole === "secondary" && !/^[^/\s]+(\/[^/\s]+){0,2}$/.test(primaryStack)) {
    report(
      "primaryStack",
      primaryStack,
      "is not a stack name (organization/project/stack).",
      setHint("primaryStack", `${context.organization}/${context.project}/primary`),
    );
  }

  if (problems.length > 0) {
    throw new ConfigError(stack, problems);
  }

  return {
    config: {
      stack,
      role: effectiveRole,
      location,
      region: info as RegionInfo,
      cloud: (info as RegionInfo).cloud,
      topologies,
      activeRegion,
      computeClusters,
      onlineEndpoints,
      prefix,
      addressSpace,
      subnets,
      principals,
      tags,
      ignoredTagKeys: Array.isArray(ignoredTagKeys) ? (ignoredTagKeys as string[]) : [],
      protectData,
      allowPublicNetworkAccess,
      mlRegistry,
      customerManagedKey,
      hubVirtualNetworkId,
      useHubGateway,
      peerRegions,
      assetsFile,
      assetsFileGiven: raw("assetsFile") !== undefined,
      kubernetesCompute,
      secondaryLocations,
      dataRedundancy,
      primaryLocation,
      primaryStack,
      shared,
    },
    warnings,
  };
}

/** Reads and validates the running stack's configuration from Pulumi's config. */
export function loadStackConfig(): ParsedConfig {
  const config = new pulumi.Config(NAMESPACE);
  const presentKeys = Object.keys(pulumi.runtime.allConfig())
    .filter((k) => k.startsWith(`${NAMESPACE}:`))
    .map((k) => k.slice(NAMESPACE.length + 1));
  return parseStackConfig(pulumi.getStack(), (key) => config.get(key), {
    organization: pulumi.getOrganization(),
    project: pulumi.getProject(),
    presentKeys,
  });
}

type Report = (key: string, value: unknown, problem: string, fix: string) => void;

const isInt = (v: unknown, min: number) => Number.isInteger(v) && (v as number) >= min;
const VM_SIZE = /^Standard_[A-Za-z0-9_]+$/;
const CLUSTER_NAME = /^[a-zA-Z][a-zA-Z0-9-]{2,23}$/;
const ENDPOINT_NAME = /^[a-z][a-z0-9-]{1,18}[a-z0-9]$/;
const DEPLOYMENT_NAME = /^[a-z][a-z0-9-]{2,31}$/;

/** Validates `computeClusters` and applies this region's `computeOverrides`. */
function parseClusters(list: unknown, overrides: unknown, report: Report): ComputeClusterSpec[] {
  if (!Array.isArray(list)) {
    report(
      "computeClusters",
      list,
      "must be a list of { name, vmSize, minNodes, maxNodes }.",
      "see the README's configuration table.",
    );
    return [];
  }
  if (typeof overrides !== "object" || overrides === null || Array.isArray(overrides)) {
    report(
      "computeOverrides",
      overrides,
      "must be a map of cluster name to { vmSize, minNodes, maxNodes }.",
      `e.g. { "gpu": { "maxNodes": 0 } }.`,
    );
    overrides = {};
  }
  const byName = overrides as Record<string, Record<string, unknown>>;
  const overridable = ["vmSize", "minNodes", "maxNodes", "idleSecondsBeforeScaleDown", "priority"];
  for (const [name, value] of Object.entries(byName)) {
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      report(
        `computeOverrides.${name}`,
        value,
        'must be an object such as { "maxNodes": 0 }.',
        "write the fields to change as an object.",
      );
      delete byName[name];
      continue;
    }
    for (const field of Object.keys(value).filter((f) => !overridable.includes(f))) {
      report(
        `computeOverrides.${name}.${field}`,
        value[field],
        `is not a cluster setting that can be overridden; use one of ${overridable.join(", ")}.`,
        "rename or remove it.",
      );
    }
  }
  const names = new Set<string>();
  const clusters: ComputeClusterSpec[] = [];
  list.forEach((item, i) => {
    const key = `computeClusters[${i}]`;
    if (item === null || typeof item !== "object" || Array.isArray(item)) {
      report(
        key,
        item,
        "must be an object { name, vmSize, minNodes, maxNodes }.",
        "see the README's configuration table.",
      );
      return;
    }
    for (const field of Object.keys(item).filter((f) => f !== "name" && !overridable.includes(f))) {
      report(
        `${key}.${field}`,
        (item as Record<string, unknown>)[field],
        `is not a cluster setting; use name, ${overridable.join(", ")}.`,
        "rename or remove it.",
      );
    }
    const clusterName = text((item as { name?: unknown }).name);
    // Only the fields an override may change are taken from it (never the name).
    const override = Object.fromEntries(
      Object.entries(Object.hasOwn(byName, clusterName) ? byName[clusterName] : {}).filter(([f]) =>
        overridable.includes(f),
      ),
    );
    const c = { ...(item ?? {}), ...override } as Record<string, unknown>;
    let ok = true;
    const bad = (field: string, problem: string, fix: string) => {
      // A value that came from this region's override is reported under the override's key.
      const where = field in override ? `computeOverrides.${clusterName}` : key;
      report(`${where}.${field}`, c[field], problem, fix);
      ok = false;
    };
    if (typeof c.name !== "string" || !CLUSTER_NAME.test(c.name)) {
      bad(
        "name",
        "must be 3-24 letters, digits and hyphens, starting with a letter.",
        `e.g. "cpu-cluster".`,
      );
    } else if (names.has(c.name.toLowerCase())) {
      // Azure ML compute names ignore case.
      bad(
        "name",
        "is used by two clusters (names ignore case).",
        "give each cluster its own name.",
      );
    }
    if (typeof c.vmSize !== "string" || !VM_SIZE.test(c.vmSize)) {
      bad(
        "vmSize",
        "must be an Azure VM size such as Standard_DS3_v2.",
        "az vm list-sizes -l <region> -o table",
      );
    }
    const min = c.minNodes ?? 0;
    if (!isInt(min, 0))
      bad("minNodes", "must be a whole number, 0 or more.", "use 0 to pay nothing while idle.");
    if (!isInt(c.maxNodes, 0))
      bad("maxNodes", "must be a whole number, 0 or more.", "set it within the region's quota.");
    if (isInt(min, 0) && isInt(c.maxNodes, 0) && (min as number) > (c.maxNodes as number)) {
      bad(
        "minNodes",
        `(${min}) is above maxNodes (${c.maxNodes}).`,
        "lower minNodes or raise maxNodes.",
      );
    }
    const idle = c.idleSecondsBeforeScaleDown ?? 1800;
    if (!isInt(idle, 0))
      bad("idleSecondsBeforeScaleDown", "must be a whole number of seconds.", "e.g. 1800.");
    const priority = c.priority ?? "Dedicated";
    if (priority !== "Dedicated" && priority !== "LowPriority") {
      bad("priority", "must be Dedicated or LowPriority.", "use one of those.");
    }
    if (typeof c.name === "string") names.add(c.name.toLowerCase());
    if (ok) {
      clusters.push({
        name: c.name as string,
        vmSize: c.vmSize as string,
        minNodes: min as number,
        maxNodes: c.maxNodes as number,
        idleSecondsBeforeScaleDown: idle as number,
        priority: priority as ComputeClusterSpec["priority"],
      });
    }
  });
  for (const name of Object.keys(byName)) {
    if (!names.has(name.toLowerCase())) {
      report(
        `computeOverrides.${name}`,
        byName[name],
        "names no cluster in computeClusters.",
        `use one of: ${[...names].join(", ") || "(none defined)"}.`,
      );
    }
  }
  return clusters;
}

/** Validates `onlineEndpoints`. */
function parseEndpoints(list: unknown, report: Report): OnlineEndpointSpec[] {
  if (!Array.isArray(list)) {
    report(
      "onlineEndpoints",
      list,
      "must be a list of { name, deployments }.",
      "see the README's configuration table.",
    );
    return [];
  }
  const names = new Set<string>();
  const endpoints: OnlineEndpointSpec[] = [];
  list.forEach((item, i) => {
    const key = `onlineEndpoints[${i}]`;
    const e = (item ?? {}) as Record<string, unknown>;
    for (const field of Object.keys(e).filter(
      (f) => !["name", "authMode", "healthProbePath", "deployments"].includes(f),
    )) {
      report(
        `${key}.${field}`,
        e[field],
        "is not a field of an endpoint; use name, authMode, healthProbePath, deployments.",
        "rename or remove it.",
      );
    }
    let ok = true;
    const bad = (field: string, value: unknown, problem: string, fix: string) => {
      report(`${key}.${field}`, value, problem, fix);
      ok = false;
    };
    if (typeof e.name !== "string" || !ENDPOINT_NAME.test(e.name)) {
      bad(
        "name",
        e.name,
        "must be 3-20 lowercase letters, digits and hyphens, starting with a letter (a region code and random part are added).",
        `e.g. "scoring".`,
      );
    } else if (names.has(e.name)) {
      bad("name", e.name, "is used by two endpoints.", "give each endpoint its own name.");
    }
    const authMode = e.authMode ?? "AADToken";
    if (!["AADToken", "AMLToken", "Key"].includes(authMode as string)) {
      bad(
        "authMode",
        e.authMode,
        "must be AADToken, AMLToken or Key.",
        "use AADToken to avoid keys.",
      );
    }
    const probe = e.healthProbePath ?? "/";
    if (typeof probe !== "string" || !/^\/[A-Za-z0-9._~\/-]*$/.test(probe)) {
      bad("healthProbePath", e.healthProbePath, "must be a path starting with /.", `e.g. "/".`);
    }
    const deployments: OnlineDeploymentSpec[] = [];
    if (!Array.isArray(e.deployments) || e.deployments.length === 0) {
      bad(
        "deployments",
        e.deployments,
        "must list at least one deployment.",
        "add { name, model, instanceType }.",
      );
    } else {
      const seen = new Set<string>();
      let traffic = 0;
      const listed = e.deployments as Record<string, unknown>[];
      listed.forEach((d, j) => {
        const field = (f: string) => `deployments[${j}].${f}`;
        const dep = d ?? {};
        const fields = [
          "name",
          "model",
          "environment",
          "instanceType",
          "instanceCount",
          "trafficPercent",
        ];
        for (const f of Object.keys(dep).filter((x) => !fields.includes(x))) {
          report(
            `${key}.${field(f)}`,
            dep[f],
            `is not a field of a deployment; use ${fields.join(", ")}.`,
            "rename or remove it.",
          );
        }
        if (typeof dep.name !== "string" || !DEPLOYMENT_NAME.test(dep.name) || seen.has(dep.name)) {
          bad(
            field("name"),
            dep.name,
            "must be a unique name of 3-32 lowercase letters, digits and hyphens.",
            `e.g. "blue".`,
          );
        }
        if (
          typeof dep.model !== "string" ||
          !/^azureml:(\/\/registries\/[^/]+\/models\/[^/]+\/versions\/[^/]+|[^:/]+:[^:/]+)$/.test(
            dep.model,
          )
        ) {
          bad(
            field("model"),
            dep.model,
            "must be a model asset ID (azureml:<name>:<version> or azureml://registries/...).",
            "register the model, then reference it.",
          );
        }
        if (
          dep.environment !== undefined &&
          (typeof dep.environment !== "string" || !/^azureml:/.test(dep.environment))
        ) {
          bad(
            field("environment"),
            dep.environment,
            "must be an environment asset ID (azureml:...).",
            "leave it out for MLflow models.",
          );
        }
        if (typeof dep.instanceType !== "string" || !VM_SIZE.test(dep.instanceType)) {
          bad(
            field("instanceType"),
            dep.instanceType,
            "must be a VM size such as Standard_DS3_v2.",
            "see the managed online endpoint SKU list.",
          );
        }
        const count = dep.instanceCount ?? 1;
        if (!isInt(count, 1))
          bad(
            field("instanceCount"),
            dep.instanceCount,
            "must be a whole number, 1 or more.",
            "use 1 or more.",
          );
        const share = dep.trafficPercent ?? (listed.length === 1 ? 100 : 0);
        if (!isInt(share, 0) || (share as number) > 100) {
          bad(
            field("trafficPercent"),
            dep.trafficPercent,
            "must be a whole number from 0 to 100.",
            "split 100 across the deployments.",
          );
        } else {
          traffic += share as number;
        }
        if (typeof dep.name === "string") seen.add(dep.name);
        deployments.push({
          name: dep.name as string,
          model: dep.model as string,
          environment: dep.environment as string | undefined,
          instanceType: dep.instanceType as string,
          instanceCount: count as number,
          trafficPercent: share as number,
        });
      });
      if (ok && traffic !== 100) {
        bad(
          "deployments",
          e.deployments.map((d: Record<string, unknown>) => d?.trafficPercent),
          `traffic shares add up to ${traffic}, not 100.`,
          "set trafficPercent so that they add up to 100.",
        );
      }
    }
    if (typeof e.name === "string") names.add(e.name);
    if (ok) {
      endpoints.push({
        name: e.name as string,
        authMode: authMode as OnlineEndpointSpec["authMode"],
        healthProbePath: probe as string,
        deployments,
      });
    }
  });
  return endpoints;
}
