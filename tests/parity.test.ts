import { compareRegions } from "../tools/parity";

const PERSON = "11111111-2222-4333-8444-555555555555";

describe("region parity", () => {
  test("the default stacks are in parity, with the topology's differences explained", async () => {
    const report = await compareRegions();
    expect(report.unexplained).toEqual([]);
    expect(report.compared).toBeGreaterThan(40);
    // hot/cold training: the primary's clusters are expected to be missing in the secondary.
    expect(report.differences).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: "azure-native:machinelearningservices:Compute",
          kind: "only-in-primary",
          explanation: expect.stringMatching(/topology/),
        }),
      ]),
    );
  });

  test("a role assignment in one region only is an unexplained difference", async () => {
    const principals = `principals=[{"objectId":"${PERSON}","role":"AzureML Data Scientist"}]`;
    const report = await compareRegions({ secondaryOverrides: [principals] });
    expect(report.unexplained).toEqual([
      expect.objectContaining({
        type: "azure-native:authorization:RoleAssignment",
        kind: "only-in-secondary",
        name: expect.stringContaining(PERSON),
      }),
    ]);
  });

  test("a cluster of another VM size is unexplained unless a per-region override declares it", async () => {
    const clusters = (vmSize: string) =>
      `computeClusters=[{"name":"cpu-cluster","vmSize":"${vmSize}","maxNodes":4}]`;
    const hot = "topology=hot-hot";
    const drifted = await compareRegions({
      primaryOverrides: [hot, clusters("Standard_DS3_v2")],
      secondaryOverrides: [hot, clusters("Standard_D4s_v3")],
    });
    expect(drifted.unexplained).toEqual([
      expect.objectContaining({
        path: "inputs.properties.properties.vmSize",
        primary: "Standard_DS3_v2",
        secondary: "Standard_D4s_v3",
      }),
    ]);

    const declared = await compareRegions({
      primaryOverrides: [hot],
      secondaryOverrides: [hot, `computeOverrides={"cpu-cluster":{"vmSize":"Standard_D4s_v3"}}`],
    });
    expect(declared.unexplained).toEqual([]);
    expect(declared.differences[0].explanation).toMatch(/computeOverrides\.cpu-cluster\.vmSize/);
  });

  test("a workspace setting that differs is reported", async () => {
    const report = await compareRegions({ secondaryOverrides: ["allowPublicNetworkAccess=true"] });
    const paths = report.unexplained.map((d) => `${d.type} ${d.path}`);
    expect(paths).toContain(
      "azure-native:machinelearningservices:Workspace inputs.publicNetworkAccess",
    );
  });

  test("hot/warm inference: standby capacity is expected", async () => {
    const report = await compareRegions({
      primaryOverrides: ["topology=hot-warm"],
      secondaryOverrides: ["topology=hot-warm"],
    });
    expect(report.unexplained).toEqual([]);
    expect(report.differences).toEqual([
      expect.objectContaining({ path: "inputs.sku.capacity", primary: 2, secondary: 1 }),
    ]);
  });
});

test("stacks that disagree on the active region or a topology are not in parity", async () => {
  const active = await compareRegions({ primaryOverrides: ["activeRegion=secondary"] });
  expect(active.unexplained).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ type: "stack settings", name: "activeRegion" }),
    ]),
  );
  const topology = await compareRegions({ primaryOverrides: ["topology=hot-hot"] });
  expect(topology.unexplained.map((d) => d.name)).toContain("topologies");
});
