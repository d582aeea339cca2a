/**
 * The pure parts of `npm run bench`: the graph analysis, the statistics, the baseline generator
 * and the scaling program. Nothing here measures time.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { planStack, runProgram } from "../tools/harness";
import { baselineProgram, resourceClass, toFixture } from "../tools/bench/baseline";
import { analyzeGraph, GraphResource } from "../tools/bench/graph";
import { regionsProgram, SCALING_REGIONS } from "../tools/bench/regions";
import { findDependsOnSites, sitesFor } from "../tools/bench/sources";
import { summarize } from "../tools/bench/stats";

const STACK = "urn:pulumi:test::p::pulumi:pulumi:Stack::p-test";

/** A hand-made resource: `data` are its inputs' sources, `dependsOn` the extra ones. */
function resource(
  name: string,
  opts: { component?: boolean; parent?: string; data?: string[]; dependsOn?: string[] } = {},
): GraphResource {
  const type = opts.component ? "test:index:Group" : "azure-native:test:Thing";
  const data = (opts.data ?? []).map(urn);
  return {
    urn: urn(name),
    type,
    name,
    custom: !opts.component,
    parent: opts.parent ? urn(opts.parent) : STACK,
    dependencies: [...data, ...(opts.dependsOn ?? []).map(urn)].sort(),
    propertyDependencies: { input: data },
  };
}

function urn(name: string): string {
  return name === "stack" ? STACK : `urn:pulumi:test::p::test::${name}`;
}

const stack: GraphResource = {
  urn: STACK,
  type: "pulumi:pulumi:Stack",
  name: "p-test",
  custom: false,
  parent: "",
  dependencies: [],
  propertyDependencies: {},
};

const names = (chain: readonly { name: string }[]) => chain.map((r) => r.name);

describe("analyzeGraph", () => {
  it("lists a dependsOn-only edge that makes the critical path longer than the required chain", () => {
    const report = analyzeGraph([
      stack,
      resource("rg", { dependsOn: ["stack"] }),
      resource("group", { component: true }),
      resource("a", { parent: "group", data: ["rg"] }),
      resource("inner", { component: true, parent: "group" }),
      resource("b", { parent: "inner", data: ["a"] }),
      // A custom resource's own child is not part of the component: the chain through it
      // (rg, a, b, child, c, d) must not appear.
      resource("child", { parent: "a", data: ["b"] }),
      // Waits for the whole component, which stands for a and b.
      resource("c", { data: ["rg"], dependsOn: ["group"] }),
      resource("d", { data: ["c"] }),
    ]);

    expect(names(report.criticalPath)).toEqual(["rg", "a", "b", "c", "d"]);
    expect(names(report.requiredChain)).toEqual(["rg", "a", "b", "child"]);
    expect(report.dependsOnOnlyEdges.map((e) => [e.dependency.name, e.dependent.name])).toEqual([
      ["b", "c"],
    ]);
    expect(report.resources).toBe(9);
    expect(report.customResources).toBe(6);
  });

  it("lists no edge when a dependsOn-only edge adds no depth", () => {
    const report = analyzeGraph([
      stack,
      resource("rg"),
      resource("a", { data: ["rg"] }),
      // rg, a, c is as long as rg, a, b: the data chain is reported, though c comes first.
      resource("c", { data: ["rg"], dependsOn: ["a"] }),
      resource("b", { data: ["a"] }),
    ]);

    expect(names(report.criticalPath)).toEqual(["rg", "a", "b"]);
    expect(report.criticalPath).toHaveLength(report.requiredChain.length);
    expect(report.dependsOnOnlyEdges).toEqual([]);
  });

  it("refuses a cycle", () => {
    expect(() =>
      analyzeGraph([resource("a", { data: ["b"] }), resource("b", { dependsOn: ["a"] })]),
    ).toThrow(/cycle/);
  });
});

describe("summarize", () => {
  it("takes the middle value of an odd count, whatever the order", () => {
    expect(summarize([9, 1, 5, 3, 7])).toEqual({ median: 5, min: 1, max: 9, runs: 5 });
  });

  it("takes the mean of the two middle values of an even count", () => {
    expect(summarize([4, 1, 10, 2])).toEqual({ median: 3, min: 1, max: 10, runs: 4 });
  });

  it("accepts one value and refuses none or a non-number", () => {
    expect(summarize([2.5])).toEqual({ median: 2.5, min: 2.5, max: 2.5, runs: 1 });
    expect(() => summarize([])).toThrow(/no values/);
    expect(() => summarize([1, Number.NaN])).toThrow(/finite/);
  });
});

describe("baseline", () => {
  it("registers the same number of resources of the same types as the primary's plan", async () => {
    const ours = await planStack("primary");
    const fixture = toFixture(ours);
    const baseline = await runProgram({
      stack: "primary",
      config: {},
      program: baselineProgram(fixture),
    });

    const types = (plan: typeof ours) => plan.resources.map((r) => r.type).sort();
    expect(baseline.resources).toHaveLength(ours.resources.length);
    expect(types(baseline)).toEqual(types(ours));
    // Parents are kept: the same URNs come out.
    expect(baseline.resources.map((r) => r.urn).sort()).toEqual(
      ours.resources.map((r) => r.urn).sort(),
    );
  });

  it("names the SDK class of a type token and refuses unknown ones", () => {
    expect(resourceClass("azure-native:keyvault:Vault")).toBe(
      require("@pulumi/azure-native/keyvault").Vault,
    );
    expect(() => resourceClass("aws:s3/bucket:Bucket")).toThrow(/no SDK class/);
    expect(() => resourceClass("azure-native:keyvault:NoSuchThing")).toThrow(/no class/);
  });
});

describe("regionsProgram", () => {
  it("adds the same number of resources for every added region", async () => {
    const counts: number[] = [];
    for (const regions of [1, 2, 3]) {
      const plan = await runProgram({
        stack: `regions-${regions}`,
        config: {},
        program: regionsProgram(regions),
      });
      counts.push(plan.resources.length);
    }
    const [one, two, three] = counts;
    expect(two - one).toBeGreaterThan(0);
    expect(three - two).toBe(two - one);
  });

  it("refuses more regions than it knows and fewer than one", () => {
    expect(() => regionsProgram(0)).toThrow(/1 to/);
    expect(() => regionsProgram(SCALING_REGIONS.length + 1)).toThrow(/1 to/);
  });
});

describe("findDependsOnSites", () => {
  it("ties each dependsOn to the resources it applies to and to its comment", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "bench-sources-"));
    try {
      fs.mkdirSync(path.join(root, "components"));
      fs.writeFileSync(
        path.join(root, "components", "thing.ts"),
        [
          "export function createPair(name: string, opts: object) {",
          "  const a = new net.Endpoint(name, {}, opts);",
          "  new net.ZoneGroup(`${name}-dns`, {}, { ...opts, parent: a });",
          "}",
          "const first = new net.Subnet(",
          '  "first",',
          "  // Only one write at a time.",
          "  { dependsOn: [zero] },",
          ");",
          "createPair(",
          '  "pe",',
          "  // Records exist only for replicas",
          "  // created before it.",
          "  { dependsOn: replicas },",
          ");",
        ].join("\n"),
      );
      const sites = findDependsOnSites(root);

      expect(sites).toEqual([
        {
          file: "components/thing.ts",
          line: 8,
          classes: ["Subnet"],
          reason: "Only one write at a time.",
        },
        {
          file: "components/thing.ts",
          line: 14,
          classes: ["Endpoint", "ZoneGroup"],
          reason: "Records exist only for replicas created before it.",
        },
      ]);
      expect(sitesFor("azure-native:net:ZoneGroup", sites).map((s) => s.line)).toEqual([14]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
