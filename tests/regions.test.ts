import {
  REGIONS,
  findRegion,
  isPairedRegion,
  suggestRegions,
  supportsGeoRedundantStorage,
  supportsGeoZoneRedundantStorage,
  supportsZones,
} from "../components/regions";

const all = [...REGIONS.values()];

describe("REGIONS table", () => {
  test.each([
    ["AzureCloud", 57],
    ["AzureChinaCloud", 6],
    ["AzureUSGovernment", 5],
  ])("%s has %i regions", (cloud, count) => {
    expect(all.filter((r) => r.cloud === cloud)).toHaveLength(count);
  });

  test("keys are the lowercase programmatic names", () => {
    for (const [key, info] of REGIONS) {
      expect(key).toBe(info.name);
      expect(key).toMatch(/^[a-z][a-z0-9]*$/);
    }
  });

  test("short codes are unique and 2-4 lowercase letters/digits", () => {
    const codes = all.map((r) => r.shortCode);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^[a-z][a-z0-9]{1,3}$/);
  });

  test("every pairedRegion is a known region in the same cloud, never itself", () => {
    for (const r of all.filter((x) => x.pairedRegion !== undefined)) {
      const pair = REGIONS.get(r.pairedRegion as string);
      expect(pair).toBeDefined();
      expect(pair?.cloud).toBe(r.cloud);
      expect(pair?.name).not.toBe(r.name);
    }
  });

  test("one-way pairs are exactly the documented asymmetric ones", () => {
    const oneWay = all
      .filter((r) => r.pairedRegion !== undefined)
      .filter((r) => REGIONS.get(r.pairedRegion as string)?.pairedRegion !== r.name)
      .map((r) => r.name)
      .sort();
    expect(oneWay).toEqual(
      ["brazilsouth", "brazilsoutheast", "usgovvirginia", "westindia", "westus3"].sort(),
    );
  });

  test("only four two-way pairs have zones on both sides", () => {
    const zonedPairs = all
      .filter((r) => r.availabilityZones && r.pairedRegion !== undefined)
      .filter((r) => {
        const pair = REGIONS.get(r.pairedRegion as string);
        return pair?.pairedRegion === r.name && pair.availabilityZones && r.name < pair.name;
      })
      .map((r) => `${r.name}-${r.pairedRegion}`)
      .sort();
    expect(zonedPairs).toEqual([
      "centralus-eastus2",
      "eastasia-southeastasia",
      "japaneast-japanwest",
      "northeurope-westeurope",
    ]);
  });

  test.each([
    ["northeurope", "neu"],
    ["westeurope", "weu"],
    ["eastus", "eus"],
    ["eastus2", "eus2"],
    ["centralus", "cus"],
    ["westus3", "wus3"],
    ["westcentralus", "wcus"],
    ["northcentralus", "ncus"],
    ["southcentralus", "scus"],
    ["uksouth", "uks"],
    ["ukwest", "ukw"],
    ["swedencentral", "sec"],
  ])("%s has short code %s", (name, code) => {
    expect(REGIONS.get(name)?.shortCode).toBe(code);
  });

  test.each([
    ["australiacentral2", true],
    ["brazilsoutheast", true],
    ["swedensouth", true],
    ["chinaeast3", true],
    ["usgovvirginia", true],
    ["usdodcentral", true],
    ["australiacentral", false],
    ["westeurope", false],
    ["chinanorth3", false],
    ["italynorth", false],
  ])("%s restricted = %s", (name, restricted) => {
    expect(REGIONS.get(name)?.restricted).toBe(restricted);
  });

  test("regions are frozen", () => {
    expect(Object.isFrozen(REGIONS.get("westeurope"))).toBe(true);
  });
});

describe("findRegion", () => {
  test.each([
    ["northeurope", "northeurope"],
    ["North Europe", "northeurope"],
    ["NORTHEUROPE", "northeurope"],
    ["  west  europe ", "westeurope"],
    ["East US 2", "eastus2"],
    ["Australia Central 2", "australiacentral2"],
    ["US Gov Virginia", "usgovvirginia"],
    ["US DoD East", "usdodeast"],
    ["China North 3", "chinanorth3"],
  ])("%j -> %s", (input, name) => {
    expect(findRegion(input)?.name).toBe(name);
  });

  test.each(["", "north-europe", "northeurope1", "europe", "germanycentral", "us-east-1"])(
    "%j is unknown",
    (input) => {
      expect(findRegion(input)).toBeUndefined();
    },
  );

  test.each([
    ["westeurope", "AzureCloud"],
    ["chinanorth3", "AzureChinaCloud"],
    ["usgovtexas", "AzureUSGovernment"],
    ["usdodcentral", "AzureUSGovernment"],
  ])("%s is in %s", (name, cloud) => {
    expect(findRegion(name)?.cloud).toBe(cloud);
  });
});

describe("pairedRegion", () => {
  test.each([
    ["northeurope", "westeurope"],
    ["westeurope", "northeurope"],
    ["eastus", "westus"],
    ["westus", "eastus"],
    ["eastus2", "centralus"],
    ["centralus", "eastus2"],
    ["westus3", "eastus"],
    ["brazilsouth", "southcentralus"],
    ["southcentralus", "northcentralus"],
    ["brazilsoutheast", "brazilsouth"],
    ["westindia", "southindia"],
    ["southindia", "centralindia"],
    ["swedencentral", "swedensouth"],
    ["uksouth", "ukwest"],
    ["chinanorth3", "chinaeast3"],
    ["chinaeast", "chinanorth"],
    ["usgovvirginia", "usgovtexas"],
    ["usgovarizona", "usgovtexas"],
    ["usdodeast", "usdodcentral"],
    ["italynorth", undefined],
    ["polandcentral", undefined],
    ["denmarkeast", undefined],
  ])("%s -> %s", (name, pair) => {
    const info = findRegion(name);
    expect(info).toBeDefined();
    expect(info?.pairedRegion).toBe(pair);
  });
});

describe("isPairedRegion", () => {
  test.each([
    ["northeurope", "westeurope", true],
    ["westeurope", "northeurope", true],
    ["North Europe", "West Europe", true],
    ["westus3", "eastus", true],
    ["eastus", "westus3", true],
    ["eastus", "westus", true],
    ["brazilsouth", "southcentralus", true],
    ["southcentralus", "brazilsouth", true],
    ["southcentralus", "northcentralus", true],
    ["westindia", "southindia", true],
    ["chinanorth3", "chinaeast3", true],
    ["usgovarizona", "usgovtexas", true],
    ["westus", "westus3", false],
    ["brazilsouth", "northcentralus", false],
    ["westindia", "centralindia", false],
    ["westeurope", "westeurope", false],
    ["westeurope", "uksouth", false],
    ["italynorth", "westeurope", false],
    ["chinanorth3", "chinaeast2", false],
    ["nowhere", "westeurope", false],
    ["westeurope", "nowhere", false],
  ])("(%s, %s) -> %s", (a, b, expected) => {
    expect(isPairedRegion(a, b)).toBe(expected);
  });
});

describe("supportsZones", () => {
  test.each([
    ["westeurope", true],
    ["eastus", true],
    ["westus3", true],
    ["italynorth", true],
    ["Sweden Central", true],
    ["westus", false],
    ["ukwest", false],
    ["northcentralus", false],
    ["swedensouth", false],
    ["chinanorth3", true],
    ["chinanorth2", false],
    ["chinaeast3", false],
    ["usgovvirginia", true],
    ["usgovtexas", false],
    ["usgovarizona", false],
    ["nowhere", false],
  ])("%s -> %s", (name, expected) => {
    expect(supportsZones(name)).toBe(expected);
  });
});

describe("supportsGeoRedundantStorage", () => {
  test.each([
    ["westeurope", true],
    ["ukwest", true],
    ["westus3", true],
    ["brazilsoutheast", true],
    ["chinanorth2", true],
    ["usdodeast", true],
    ["italynorth", false],
    ["spaincentral", false],
    ["nowhere", false],
  ])("%s -> %s", (name, expected) => {
    expect(supportsGeoRedundantStorage(name)).toBe(expected);
  });
});

describe("supportsGeoZoneRedundantStorage", () => {
  test.each([
    ["westeurope", true],
    ["northeurope", true],
    ["westus3", true],
    ["brazilsouth", true],
    ["UK South", true],
    ["ukwest", false],
    ["westus", false],
    ["brazilsoutheast", false],
    ["italynorth", false],
    ["mexicocentral", false],
    ["chinanorth3", true],
    ["chinanorth2", false],
    ["chinaeast3", false],
    ["usgovvirginia", true],
    ["usgovtexas", false],
    ["nowhere", false],
  ])("%s -> %s", (name, expected) => {
    expect(supportsGeoZoneRedundantStorage(name)).toBe(expected);
  });

  test("in China only chinanorth3", () => {
    const gzrs = all
      .filter((r) => r.cloud === "AzureChinaCloud")
      .filter((r) => supportsGeoZoneRedundantStorage(r.name))
      .map((r) => r.name);
    expect(gzrs).toEqual(["chinanorth3"]);
  });
});

describe("suggestRegions", () => {
  test.each([
    ["westeurop", "westeurope"],
    ["West Erope", "westeurope"],
    ["northeurop", "northeurope"],
    ["uksout", "uksouth"],
    ["eastus22", "eastus2"],
    ["swedencentrl", "swedencentral"],
    ["chinanorht3", "chinanorth3"],
    ["usgovverginia", "usgovvirginia"],
  ])("%j suggests %s first", (input, best) => {
    expect(suggestRegions(input)[0]).toBe(best);
  });

  test("returns up to three known regions by default, closest first", () => {
    const hints = suggestRegions("eastus4");
    expect(hints).toHaveLength(3);
    expect(hints.slice(0, 2).sort()).toEqual(["eastus", "eastus2"]);
    for (const h of hints) expect(REGIONS.has(h)).toBe(true);
  });

  test.each([0, 1, 5])("max = %i is honoured", (max) => {
    expect(suggestRegions("westus9", max)).toHaveLength(max);
  });

  test.each([-1, 1.5, NaN])("max = %p is rejected", (max) => {
    expect(() => suggestRegions("westus", max)).toThrow(RangeError);
  });
});
