// Data: Microsoft's Azure regions list and paired-regions docs (public, China, US Gov), as of 2025.

/** The Azure cloud a region belongs to, named as ARM and Pulumi name the environment. */
export type AzureCloudName = "AzureCloud" | "AzureUSGovernment" | "AzureChinaCloud";

/** Facts about one Azure region that the DR design depends on. */
export interface RegionInfo {
  /** Programmatic name, e.g. "northeurope". */
  readonly name: string;
  /**
   * Short code used in resource names: 2-4 lowercase letters/digits, unique across all regions,
   * e.g. "neu", "weu", "eus2", "cus".
   */
  readonly shortCode: string;
  /** The cloud that hosts the region. */
  readonly cloud: AzureCloudName;
  /**
   * The region Azure pairs this one with for geo-redundant storage (GRS/GZRS secondary);
   * undefined for unpaired regions. Asymmetric pairs: brazilsouth -> southcentralus,
   * westus3 -> eastus, westindia -> southindia, brazilsoutheast -> brazilsouth.
   */
  readonly pairedRegion?: string;
  /** Whether the region offers availability zones. */
  readonly availabilityZones: boolean;
  /** Access-restricted region (needs a support request). */
  readonly restricted: boolean;
}

// One row per region: name, short code, pair ("" = none), zones, restricted. Kept as a flat
// table so that a diff against Microsoft's list is easy to review.
type Row = readonly [string, string, string, boolean, boolean];

const PUBLIC: readonly Row[] = [
  ["eastasia", "ea", "southeastasia", true, false],
  ["southeastasia", "sea", "eastasia", true, false],
  ["australiaeast", "ae", "australiasoutheast", true, false],
  ["australiasoutheast", "ase", "australiaeast", false, false],
  ["australiacentral", "acl", "australiacentral2", false, false],
  ["australiacentral2", "acl2", "australiacentral", false, true],
  ["brazilsouth", "brs", "southcentralus", true, false],
  ["brazilsoutheast", "bse", "brazilsouth", false, true],
  ["canadacentral", "cac", "canadaeast", true, false],
  ["canadaeast", "cae", "canadacentral", false, false],
  ["northeurope", "neu", "westeurope", true, false],
  ["westeurope", "weu", "northeurope", true, false],
  ["francecentral", "frc", "francesouth", true, false],
  ["francesouth", "frs", "francecentral", false, true],
  ["germanywestcentral", "gwc", "germanynorth", true, false],
  ["germanynorth", "gn", "germanywestcentral", false, true],
  ["centralindia", "inc", "southindia", true, false],
  ["southindia", "ins", "centralindia", false, false],
  ["westindia", "inw", "southindia", false, false],
  ["japaneast", "jpe", "japanwest", true, false],
  ["japanwest", "jpw", "japaneast", true, false],
  ["koreacentral", "krc", "koreasouth", true, false],
  ["koreasouth", "krs", "koreacentral", false, false],
  ["norwayeast", "nwe", "norwaywest", true, false],
  ["norwaywest", "nww", "norwayeast", false, true],
  ["southafricanorth", "san", "southafricawest", true, false],
  ["southafricawest", "saw", "southafricanorth", false, true],
  ["swedencentral", "sec", "swedensouth", true, false],
  // Microsoft lists no zone data for Sweden South, so zones are not assumed.
  ["swedensouth", "ses", "swedencentral", false, true],
  ["switzerlandnorth", "szn", "switzerlandwest", true, false],
  ["switzerlandwest", "szw", "switzerlandnorth", false, true],
  ["uaenorth", "uan", "uaecentral", true, false],
  ["uaecentral", "uac", "uaenorth", false, true],
  ["uksouth", "uks", "ukwest", true, false],
  ["ukwest", "ukw", "uksouth", false, false],
  ["eastus", "eus", "westus", true, false],
  ["westus", "wus", "eastus", false, false],
  ["eastus2", "eus2", "centralus", true, false],
  ["centralus", "cus", "eastus2", true, false],
  ["northcentralus", "ncus", "southcentralus", false, false],
  ["southcentralus", "scus", "northcentralus", true, false],
  ["westus2", "wus2", "westcentralus", true, false],
  ["westcentralus", "wcus", "westus2", false, false],
  ["westus3", "wus3", "eastus", true, false],
  // Newer regions ship without a pair (but with zones), so GRS has no secondary there.
  ["austriaeast", "ate", "", true, false],
  ["belgiumcentral", "bec", "", true, false],
  ["chilecentral", "clc", "", true, false],
  ["denmarkeast", "dke", "", true, false],
  ["indonesiacentral", "idc", "", true, false],
  ["israelcentral", "ilc", "", true, false],
  ["italynorth", "itn", "", true, false],
  ["malaysiawest", "myw", "", true, false],
  ["mexicocentral", "mxc", "", true, false],
  ["newzealandnorth", "nzn", "", true, false],
  ["polandcentral", "plc", "", true, false],
  ["qatarcentral", "qac", "", true, false],
  ["spaincentral", "spc", "", true, false],
];

const CHINA: readonly Row[] = [
  ["chinanorth", "cnn", "chinaeast", false, false],
  ["chinaeast", "cne", "chinanorth", false, false],
  ["chinanorth2", "cnn2", "chinaeast2", false, false],
  ["chinaeast2", "cne2", "chinanorth2", false, false],
  ["chinanorth3", "cnn3", "chinaeast3", true, false],
  ["chinaeast3", "cne3", "chinanorth3", false, true],
];

// Microsoft marks every Gov/DoD region restricted, and only US Gov Virginia with zones.
// usgovtexas is the secondary of both Virginia and Arizona; its own secondary is Arizona.
const US_GOV: readonly Row[] = [
  ["usgovvirginia", "ugva", "usgovtexas", true, true],
  ["usgovtexas", "ugtx", "usgovarizona", false, true],
  ["usgovarizona", "ugaz", "usgovtexas", false, true],
  ["usdodeast", "dode", "usdodcentral", false, true],
  ["usdodcentral", "dodc", "usdodeast", false, true],
];

function toInfo(cloud: AzureCloudName, row: Row): RegionInfo {
  const [name, shortCode, pair, availabilityZones, restricted] = row;
  const info: RegionInfo = { name, shortCode, cloud, availabilityZones, restricted };
  return Object.freeze(pair === "" ? info : { ...info, pairedRegion: pair });
}

/** Every known region, keyed by programmatic name. */
export const REGIONS: ReadonlyMap<string, RegionInfo> = new Map(
  [
    ...PUBLIC.map((r) => toInfo("AzureCloud", r)),
    ...CHINA.map((r) => toInfo("AzureChinaCloud", r)),
    ...US_GOV.map((r) => toInfo("AzureUSGovernment", r)),
  ].map((info) => [info.name, info]),
);

function normalize(name: string): string {
  return name.toLowerCase().replace(/\s+/g, "");
}

/**
 * Looks a region up by programmatic name, ignoring case and spaces so that display names such as
 * "North Europe" also resolve.
 */
export function findRegion(name: string): RegionInfo | undefined {
  return REGIONS.get(normalize(name));
}

/** True if `b` is `a`'s paired region or `a` is `b`'s (pairs can be one-way). */
export function isPairedRegion(a: string, b: string): boolean {
  const ra = findRegion(a);
  const rb = findRegion(b);
  if (ra === undefined || rb === undefined) return false;
  return ra.pairedRegion === rb.name || rb.pairedRegion === ra.name;
}

/** True if the region offers availability zones; false for unknown regions. */
export function supportsZones(name: string): boolean {
  return findRegion(name)?.availabilityZones ?? false;
}

/** GRS/RA-GRS possible: region has a paired region. */
export function supportsGeoRedundantStorage(name: string): boolean {
  return findRegion(name)?.pairedRegion !== undefined;
}

/**
 * GZRS/RA-GZRS possible: has a pair AND zones; in China only chinanorth3. Only the primary needs
 * zones, as the secondary copy is LRS.
 */
export function supportsGeoZoneRedundantStorage(name: string): boolean {
  const info = findRegion(name);
  return info?.pairedRegion !== undefined && info.availabilityZones;
}

// Optimal-string-alignment distance: Levenshtein plus adjacent swaps, the commonest typo.
function editDistance(a: string, b: string): number {
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, before[j - 2] + 1);
      }
      cur.push(d);
    }
    before = prev;
    prev = cur;
  }
  return prev[b.length];
}

/**
 * Up to `max` (default 3) known region names closest to `name` by edit distance, for "did you
 * mean" hints; ties are broken alphabetically so that hints are stable.
 */
export function suggestRegions(name: string, max = 3): string[] {
  if (!Number.isInteger(max) || max < 0) {
    throw new RangeError(`max must be a non-negative integer, got ${max}`);
  }
  const wanted = normalize(name);
  return [...REGIONS.keys()]
    .map((region) => ({ region, distance: editDistance(wanted, region) }))
    .sort((x, y) => x.distance - y.distance || x.region.localeCompare(y.region))
    .slice(0, max)
    .map((s) => s.region);
}
