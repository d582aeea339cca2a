import fc from "fast-check";
import {
  azureName,
  NAME_RULES,
  NameKind,
  NameParts,
  Naming,
  PREFIX_PATTERN,
  SUFFIX_LENGTH,
} from "../components/naming";
import { REGIONS } from "../components/regions";

const ALL_REGIONS = [...REGIONS.values()];
const KINDS = Object.keys(NAME_RULES) as NameKind[];

/** The roles each kind is named with somewhere in components/ and stacks/. */
const ROLES_IN_USE: Record<NameKind, readonly string[]> = {
  resourceGroup: [""],
  virtualNetwork: [""],
  networkSecurityGroup: ["private-endpoints", "training", "inference"],
  privateEndpoint: [
    "",
    "kv",
    "acr",
    "mlw",
    "mlr",
    "ws-blob",
    "ws-file",
    "dt-blob",
    "dt-blob-secondary",
  ],
  storageAccount: ["ws", "dt"],
  keyVault: [""],
  containerRegistry: [""],
  workspace: [""],
  logAnalyticsWorkspace: [""],
  applicationInsights: [""],
  userAssignedIdentity: ["mlw"],
  frontDoorProfile: [""],
  mlRegistry: [""],
};

const between = (name: string, min: number, max: number) =>
  name.length >= min && name.length <= max;

/**
 * Azure's naming rules, written out again independently of NAME_RULES, so that a mistake in
 * a NAME_RULES pattern cannot hide a name Azure would refuse.
 * https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules
 */
const AZURE_ACCEPTS: Record<NameKind, (name: string) => boolean> = {
  resourceGroup: (n) => between(n, 1, 90) && /^[\w.()-]+$/.test(n) && !n.endsWith("."),
  virtualNetwork: (n) =>
    between(n, 2, 64) && /^[a-zA-Z0-9][\w.-]*$/.test(n) && /[a-zA-Z0-9_]$/.test(n),
  networkSecurityGroup: (n) =>
    between(n, 1, 80) && /^[a-zA-Z0-9][\w.-]*$/.test(n) && /[a-zA-Z0-9_]$/.test(n),
  // Azure documents 2-64 for private endpoints in some places and 2-80 in others: use the
  // stricter.
  privateEndpoint: (n) =>
    between(n, 2, 64) && /^[a-zA-Z0-9][\w.-]*$/.test(n) && /[a-zA-Z0-9_]$/.test(n),
  storageAccount: (n) => between(n, 3, 24) && /^[a-z0-9]+$/.test(n),
  keyVault: (n) =>
    between(n, 3, 24) &&
    /^[a-zA-Z]/.test(n) &&
    /^[a-zA-Z0-9-]+$/.test(n) &&
    /[a-zA-Z0-9]$/.test(n) &&
    !n.includes("--"),
  containerRegistry: (n) => between(n, 5, 50) && /^[a-zA-Z0-9]+$/.test(n),
  workspace: (n) => between(n, 3, 33) && /^[a-zA-Z0-9][a-zA-Z0-9_-]*$/.test(n),
  logAnalyticsWorkspace: (n) =>
    between(n, 4, 63) && /^[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]$/.test(n),
  applicationInsights: (n) => between(n, 1, 255) && !/[%&\\?/]/.test(n) && !/[ .]$/.test(n),
  userAssignedIdentity: (n) => between(n, 3, 128) && /^[a-zA-Z0-9][\w-]*$/.test(n),
  frontDoorProfile: (n) =>
    between(n, 1, 260) && /^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/.test(n),
  // Azure ML registries: 3-33 characters, letters, digits, '-' and '_', starting alphanumeric.
  mlRegistry: (n) => between(n, 3, 33) && /^[a-zA-Z0-9][\w-]*$/.test(n),
};

/** Kinds whose names are globally unique, so must end in the random suffix. */
const GLOBAL: readonly NameKind[] = ["storageAccount", "keyVault", "containerRegistry"];

const prefixes = fc.stringMatching(PREFIX_PATTERN);
const suffixes = fc.stringMatching(new RegExp(`^[a-z0-9]{${SUFFIX_LENGTH}}$`));

/** Every generated name of one region that breaks a rule, with the rule it breaks. */
function badNames(parts: NameParts): string[] {
  const bad: string[] = [];
  for (const kind of KINDS) {
    for (const role of ROLES_IN_USE[kind]) {
      const name = azureName(kind, parts, role);
      const broken = [
        NAME_RULES[kind].pattern.test(name) ? "" : "NAME_RULES",
        AZURE_ACCEPTS[kind](name) ? "" : "Azure's rule",
        name.includes(parts.prefix) ? "" : "has the prefix",
        name.includes(parts.regionCode) ? "" : "has the region code",
        !GLOBAL.includes(kind) || name.endsWith(parts.suffix) ? "" : "ends in the suffix",
      ].filter(Boolean);
      if (broken.length) bad.push(`${kind} "${name}" (role "${role}"): ${broken.join(", ")}`);
    }
  }
  return bad;
}

describe("azureName", () => {
  test("every region and kind, with the shortest and longest prefixes and extreme suffixes", () => {
    const bad: string[] = [];
    for (const region of ALL_REGIONS) {
      for (const prefix of ["ab", "a1", "abcdefghij", "z999999999"]) {
        for (const suffix of ["00000", "zzzzz", "a0b1c"]) {
          bad.push(...badNames({ prefix, regionCode: region.shortCode, suffix }));
        }
      }
    }
    expect(bad).toEqual([]);
  });

  test("every accepted prefix, every region, every suffix: names Azure accepts", () => {
    fc.assert(
      fc.property(prefixes, fc.constantFrom(...ALL_REGIONS), suffixes, (prefix, region, suffix) => {
        expect(badNames({ prefix, regionCode: region.shortCode, suffix })).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  test("the names of one region never collide", () => {
    fc.assert(
      fc.property(prefixes, fc.constantFrom(...ALL_REGIONS), suffixes, (prefix, region, suffix) => {
        const parts = { prefix, regionCode: region.shortCode, suffix };
        const byKind = (kind: NameKind) => ROLES_IN_USE[kind].map((r) => azureName(kind, parts, r));
        for (const kind of KINDS) {
          const names = byKind(kind);
          expect(new Set(names).size).toBe(names.length);
        }
        // Storage accounts and registries share one global namespace of lowercase names.
        const global = [...byKind("storageAccount"), ...byKind("containerRegistry")];
        expect(new Set(global).size).toBe(global.length);
      }),
      { numRuns: 200 },
    );
  });

  test("names of two regions differ", () => {
    const parts = (code: string) => ({ prefix: "amlbcdr", regionCode: code, suffix: "ab12c" });
    for (const kind of KINDS) {
      const names = ALL_REGIONS.map((r) => azureName(kind, parts(r.shortCode)));
      expect(new Set(names).size).toBe(names.length);
    }
  });

  test.each([
    ["storageAccount", "ws", "amlbcdrneuwsab12c"],
    ["storageAccount", "dt", "amlbcdrneudtab12c"],
    ["containerRegistry", "", "amlbcdrneuacrab12c"],
    ["keyVault", "", "amlbcdr-neu-kv-ab12c"],
    ["workspace", "", "amlbcdr-neu-mlw-ab12c"],
    ["userAssignedIdentity", "mlw", "amlbcdr-neu-id-mlw-ab12c"],
    ["resourceGroup", "", "amlbcdr-neu-rg"],
    ["networkSecurityGroup", "private-endpoints", "amlbcdr-neu-nsg-private-endpoints"],
    ["privateEndpoint", "dt-blob-secondary", "amlbcdr-neu-pe-dt-blob-secondary"],
    ["frontDoorProfile", "", "amlbcdr-neu-afd-ab12c"],
  ] as [NameKind, string, string][])("%s with role %j is %s", (kind, role, expected) => {
    expect(azureName(kind, { prefix: "amlbcdr", regionCode: "neu", suffix: "ab12c" }, role)).toBe(
      expected,
    );
  });

  test.each([
    ["storageAccount", { prefix: "abcdefghijklmnop", regionCode: "eus2", suffix: "ab12c" }],
    ["storageAccount", { prefix: "Aml", regionCode: "neu", suffix: "ab12c" }],
    ["keyVault", { prefix: "abcdefghijklm", regionCode: "neu", suffix: "ab12c" }],
    ["keyVault", { prefix: "1aml", regionCode: "neu", suffix: "ab12c" }],
    ["containerRegistry", { prefix: "aml-x", regionCode: "neu", suffix: "ab12c" }],
    ["workspace", { prefix: "a".repeat(30), regionCode: "neu", suffix: "ab12c" }],
  ] as [NameKind, NameParts][])("refuses to return an invalid %s name for %j", (kind, parts) => {
    expect(() => azureName(kind, parts)).toThrow(`Generated ${kind} name "${parts.prefix}`);
    expect(() => azureName(kind, parts)).toThrow(NAME_RULES[kind].rule);
  });
});

describe("NAME_RULES", () => {
  test.each([
    ["storageAccount", "ab"],
    ["storageAccount", "a".repeat(25)],
    ["storageAccount", "amlBcdr"],
    ["storageAccount", "aml-bcdr"],
    ["keyVault", "ab"],
    ["keyVault", "a".repeat(25)],
    ["keyVault", "1vault"],
    ["keyVault", "my--vault"],
    ["keyVault", "vault-"],
    ["containerRegistry", "acr1"],
    ["containerRegistry", "a".repeat(51)],
    ["containerRegistry", "my-acr"],
    ["workspace", "ab"],
    ["workspace", "a".repeat(34)],
    ["workspace", "-mlw"],
    ["virtualNetwork", "vnet-"],
    ["logAnalyticsWorkspace", "log"],
    ["applicationInsights", "a/b"],
    ["userAssignedIdentity", "id"],
    ["frontDoorProfile", "afd-"],
  ] as [NameKind, string][])("%s refuses %j, as Azure does", (kind, name) => {
    expect(NAME_RULES[kind].pattern.test(name)).toBe(false);
    expect(AZURE_ACCEPTS[kind](name)).toBe(false);
  });

  test("each rule has a human-readable description", () => {
    for (const kind of KINDS) expect(NAME_RULES[kind].rule.length).toBeGreaterThan(0);
  });
});

describe("Naming", () => {
  test.each(["AmlBcdr", "aml-bcdr", "aml_bcdr", "1aml", "a", "abcdefghijk", "", " aml", "amlé"])(
    "rejects the prefix %j with a message naming it",
    (prefix) => {
      expect(() => new Naming({ prefix, regionCode: "neu", suffix: "ab12c" })).toThrow(
        `Name prefix "${prefix}" is not allowed`,
      );
      expect(() => new Naming({ prefix, regionCode: "neu", suffix: "ab12c" })).toThrow(
        "lowercase letters and digits",
      );
    },
  );

  test("rejects every prefix that validation rejects", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 14 }).filter((s) => !PREFIX_PATTERN.test(s)),
        (prefix) => {
          expect(() => new Naming({ prefix, regionCode: "neu", suffix: "ab12c" })).toThrow(
            `"${prefix}"`,
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  test("accepts every prefix that validation accepts, and names without a suffix match", () => {
    fc.assert(
      fc.property(prefixes, fc.constantFrom(...ALL_REGIONS), (prefix, region) => {
        const naming = new Naming({ prefix, regionCode: region.shortCode, suffix: "ab12c" });
        expect(naming.prefix).toBe(prefix);
        expect(naming.plainName("resourceGroup")).toBe(`${prefix}-${region.shortCode}-rg`);
        expect(naming.plainName("virtualNetwork")).toBe(`${prefix}-${region.shortCode}-vnet`);
        expect(naming.plainName("networkSecurityGroup", "training")).toBe(
          `${prefix}-${region.shortCode}-nsg-training`,
        );
      }),
      { numRuns: 100 },
    );
  });
});
