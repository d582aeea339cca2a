import { spawnSync } from "child_process";
import * as path from "path";
import { planRegion, STANDBY_READINESS } from "../stacks/topology";
import { planStack, Plan } from "../tools/harness";
import { previewPromotion } from "../tools/failover";
import { dataBearing, DATA_BEARING_TYPES, input, ofType, single } from "./planHelpers";

describe("planRegion", () => {
  test.each([
    // role, active, inference, training, expected inference, training, routing
    ["primary", "primary", "hot-cold", "hot-cold", "full", "full", "primary"],
    ["secondary", "primary", "hot-hot", "hot-hot", "full", "full", "primary"],
    ["secondary", "primary", "hot-warm", "hot-warm", "standby", "standby", "secondary"],
    ["secondary", "primary", "hot-cold", "hot-cold", "none", "none", "none"],
    ["secondary", "primary", "hot-hot", "hot-cold", "full", "none", "primary"],
    ["secondary", "secondary", "hot-cold", "hot-cold", "full", "full", "primary"],
    ["primary", "secondary", "hot-warm", "hot-cold", "standby", "none", "secondary"],
  ] as const)(
    "%s with %s active, inference %s, training %s",
    (role, activeRegion, inference, training, expInference, expTraining, routing) => {
      const plan = planRegion({ role, activeRegion, topologies: { inference, training } });
      expect(plan).toEqual({
        role,
        active: role === activeRegion,
        inference: expInference,
        training: expTraining,
        routing,
      });
    },
  );

  test("every topology has a meaning for the standby region", () => {
    expect(Object.keys(STANDBY_READINESS).sort()).toEqual(["hot-cold", "hot-hot", "hot-warm"]);
  });
});

const CLUSTER = "azure-native:machinelearningservices:Compute";
const DEPLOYMENT = "azure-native:machinelearningservices:OnlineDeployment";
const ENDPOINT = "azure-native:machinelearningservices:OnlineEndpoint";

const clusters = (plan: Plan) =>
  ofType(plan, CLUSTER).map((c) => ({
    name: c.inputs.computeName,
    vmSize: input(c, "properties.properties.vmSize"),
    scale: input(c, "properties.properties.scaleSettings"),
  }));
const deployments = (plan: Plan) =>
  ofType(plan, DEPLOYMENT).map((d) => ({
    name: d.inputs.deploymentName,
    model: input(d, "properties.model"),
    capacity: input(d, "sku.capacity"),
  }));
const originPriorities = (plan: Plan) =>
  Object.fromEntries(
    ofType(plan, "cdn:AFDOrigin").map((o) => [o.inputs.originName, o.inputs.priority]),
  );

describe("the secondary per topology, while the primary is active", () => {
  let primary: Plan;
  const secondaryWith = (topology: string) =>
    planStack("secondary", {
      overrides: [`topology=${topology}`],
      primaryOverrides: [`topology=${topology}`],
    });

  beforeAll(async () => {
    primary = await planStack("primary");
  });

  test("hot-cold: no clusters, no endpoints or deployments, only the primary behind the entry point", async () => {
    const plan = await secondaryWith("hot-cold");
    expect(ofType(plan, CLUSTER)).toHaveLength(0);
    expect(ofType(plan, ENDPOINT)).toHaveLength(0);
    expect(ofType(plan, DEPLOYMENT)).toHaveLength(0);
    expect(originPriorities(plan)).toEqual({ northeurope: 1 });
    // The workspace and its data are there all the same.
    expect(ofType(plan, "machinelearningservices:Workspace")).toHaveLength(1);
    expect(ofType(plan, "machinelearningservices:Datastore")).toHaveLength(1);
  });

  test("hot-warm: idle clusters and single-instance deployments on standby", async () => {
    const plan = await secondaryWith("hot-warm");
    expect(clusters(plan).map((c) => c.scale.minNodeCount)).toEqual(clusters(primary).map(() => 0));
    expect(clusters(plan).map((c) => c.vmSize)).toEqual(clusters(primary).map((c) => c.vmSize));
    expect(deployments(plan).map((d) => d.capacity)).toEqual(deployments(primary).map(() => 1));
    expect(originPriorities(plan)).toEqual({ northeurope: 1, westeurope: 2 });
  });

  test("hot-hot: the same clusters and deployments as the primary, both serving", async () => {
    const plan = await secondaryWith("hot-hot");
    expect(clusters(plan)).toEqual(clusters(primary));
    expect(deployments(plan)).toEqual(deployments(primary));
    expect(deployments(plan).length).toBeGreaterThan(0);
    expect(originPriorities(plan)).toEqual({ northeurope: 1, westeurope: 1 });
  });

  test("the default stack files use the guide's example: models hot/hot, training hot/cold", async () => {
    const plan = await planStack("secondary");
    expect(plan.outputs.topologies).toEqual({ inference: "hot-hot", training: "hot-cold" });
    expect(ofType(plan, CLUSTER)).toHaveLength(0);
    expect(deployments(plan)).toEqual(deployments(primary));
  });

  test("per-region overrides change a cluster's size and limits in that region only", async () => {
    const override = `computeOverrides={"cpu-cluster":{"vmSize":"Standard_D4s_v3","maxNodes":2}}`;
    const plan = await planStack("secondary", { overrides: ["topology=hot-hot", override] });
    expect(clusters(plan)).toEqual([
      {
        name: "cpu-cluster",
        vmSize: "Standard_D4s_v3",
        scale: { ...clusters(primary)[0].scale, maxNodeCount: 2 },
      },
    ]);
  });
});

describe("clusters and endpoints", () => {
  let primary: Plan;
  beforeAll(async () => {
    primary = await planStack("primary");
  });

  test("clusters sit in the training subnet, with the workspace identity and no public IP", () => {
    const cluster = single(primary, "machinelearningservices:Compute");
    const subnet = ofType(primary, "network:Subnet").find(
      (s) => s.inputs.subnetName === "snet-training",
    )!;
    expect(input(cluster, "properties.properties.subnet.id")).toBe(subnet.id);
    expect(input(cluster, "properties.properties.enableNodePublicIp")).toBe(false);
    expect(input(cluster, "properties.properties.remoteLoginPortPublicAccess")).toBe("Disabled");
    expect(input(cluster, "identity.userAssignedIdentities")).toEqual([
      single(primary, "managedidentity:UserAssignedIdentity").id,
    ]);
  });

  test("endpoint names are valid, carry the region code and a random part", () => {
    const endpoints = ofType(primary, ENDPOINT);
    const names = new Set(endpoints.map((e) => e.inputs.endpointName as string));
    expect(names.size).toBe(1);
    for (const name of names) expect(name).toMatch(/^scoring-neu-[a-z0-9]{6}$/);
    expect(name32(names)).toBe(true);
  });

  test("each endpoint routes its traffic to its deployments, with no second registration", () => {
    const endpoints = ofType(primary, ENDPOINT);
    expect(endpoints).toHaveLength(1);
    expect(input(endpoints[0], "properties.traffic")).toEqual({ blue: 100 });
    // The endpoint must not wait on its own deployments.
    for (const deployment of ofType(primary, DEPLOYMENT)) {
      expect(endpoints[0].dependencies).not.toContain(deployment.urn);
    }
  });

  test("on an endpoint's first deployment no traffic is routed yet, and the run says so", async () => {
    const { readStackConfig, runProgram } = await import("../tools/harness");
    const first = await runProgram({
      stack: "primary",
      config: readStackConfig("primary"),
      deploymentsExist: false,
    });
    expect(
      input(single(first, "machinelearningservices:OnlineEndpoint"), "properties.traffic"),
    ).toEqual({});
    expect(first.warnings.join("\n")).toMatch(
      /deployment blue does not exist yet.*pulumi up again/,
    );
  });

  test("endpoints authenticate with Entra ID tokens by default", () => {
    for (const endpoint of ofType(primary, ENDPOINT)) {
      expect(input(endpoint, "properties.authMode")).toBe("AADToken");
    }
  });

  test("the entry point reaches each origin by its own host name, over HTTPS", async () => {
    const plan = await planStack("secondary");
    const origins = ofType(plan, "cdn:AFDOrigin");
    expect(origins).toHaveLength(2);
    for (const origin of origins) {
      expect(origin.inputs.originHostHeader).toBe(origin.inputs.hostName);
      expect(origin.inputs.hostName).toMatch(/\.inference\.ml\.azure\.com$/);
      expect(origin.inputs.enforceCertificateNameCheck).toBe(true);
    }
    const route = single(plan, "cdn:Route");
    expect(route.inputs.supportedProtocols).toEqual(["Https"]);
    expect(route.inputs.forwardingProtocol).toBe("HttpsOnly");
  });
});

function name32(names: Set<string>): boolean {
  return [...names].every((n) => n.length >= 3 && n.length <= 32);
}

describe("promotion", () => {
  const data = dataBearing;

  test.each(["hot-cold", "hot-warm"])(
    "of a %s secondary creates or changes resources, and no data-bearing ones",
    async (topology) => {
      const preview = await previewPromotion("secondary", [`topology=${topology}`]);
      expect(preview.changes.length).toBeGreaterThan(0);
      expect(preview.changes.filter((c) => DATA_BEARING_TYPES.includes(c.type))).toEqual([]);
      expect(data(preview.promoted)).toEqual(data(preview.current));
    },
  );

  test("makes the secondary's origins priority 1", async () => {
    const preview = await previewPromotion("secondary", ["topology=hot-warm"]);
    expect(originPriorities(preview.current)).toEqual({ northeurope: 1, westeurope: 2 });
    expect(originPriorities(preview.promoted)).toEqual({ northeurope: 2, westeurope: 1 });
  });

  test("data-bearing resources keep URNs and inputs across every topology", async () => {
    const plans = await Promise.all(
      ["hot-hot", "hot-warm", "hot-cold"].map(async (t) => ({
        primary: data(await planStack("primary", { overrides: [`topology=${t}`] })),
        secondary: data(
          await planStack("secondary", {
            overrides: [`topology=${t}`],
            primaryOverrides: [`topology=${t}`],
          }),
        ),
      })),
    );
    for (const plan of plans.slice(1)) {
      expect(plan).toEqual(plans[0]);
    }
  });
});

describe("npm run failover", () => {
  const root = path.resolve(__dirname, "..");
  const run = (args: string[], env: NodeJS.ProcessEnv = process.env) =>
    spawnSync(
      process.execPath,
      [require.resolve("ts-node/dist/bin"), "--transpile-only", "tools/failover.ts", ...args],
      { cwd: root, env, encoding: "utf8" },
    );

  test("previews the creations for a hot-cold secondary and prints the runbook", () => {
    const result = run(["--to", "secondary", "--config", "topology=hot-cold"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/\+ azure-native:machinelearningservices:OnlineDeployment/);
    expect(result.stdout).toMatch(/config\.json/);
    expect(result.stdout).toMatch(/Resubmit the jobs/);
    expect(result.stdout).toMatch(/never fails over: the primary workspace's default storage/);
  });

  test("--apply without the Pulumi CLI says so in one line and changes nothing", () => {
    const result = run(["--to", "secondary", "--apply"], {
      ...process.env,
      PATH: path.dirname(process.execPath),
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/Pulumi CLI.*not installed.*nothing was changed/);
  });

  test("refuses an unknown target", () => {
    const result = run(["--to", "tertiary"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--to must be primary or secondary/);
  });
});
