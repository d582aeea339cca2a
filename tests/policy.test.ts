import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import type {
  PolicyResource,
  ReportViolation,
  ResourceValidation,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import { policies } from "../policy/rules";
import { Plan, PlannedResource, planStack, PROJECT_ROOT } from "../tools/harness";
import { checkPlan, renderViolations, Violation } from "../tools/policy";

type StackName = "primary" | "secondary";
type Inputs = Record<string, any>;

// The two default stacks, planned once; every case edits a deep copy.
const plans = new Map<StackName, Plan>();
const baseline = new Map<StackName, Violation[]>();

beforeAll(async () => {
  for (const stack of ["primary", "secondary"] as const) {
    const plan = await planStack(stack);
    plans.set(stack, plan);
    baseline.set(stack, await checkPlan(plan));
  }
});

function planOf(stack: StackName): Plan {
  const plan = plans.get(stack);
  if (!plan) throw new Error(`${stack} was not planned`);
  return plan;
}

/** The one resource of an azure-native type (`keyvault:Vault`) and logical name. */
function resourceIn(plan: Plan, type: string, name: string): PlannedResource {
  const found = plan.resources.filter((r) => r.type === `azure-native:${type}` && r.name === name);
  if (found.length !== 1) throw new Error(`expected one ${type} ${name}, found ${found.length}`);
  return found[0];
}

/** A copy of the plan in which `edit` changed the inputs of one resource. */
function changed(type: string, name: string, edit: (inputs: Inputs) => void) {
  return (plan: Plan): Plan => {
    const copy = structuredClone(plan);
    edit(resourceIn(copy, type, name).inputs);
    return copy;
  };
}

/** A copy of the plan without one resource. */
function without(type: string, name: string) {
  return (plan: Plan): Plan => {
    const gone = resourceIn(plan, type, name);
    return { ...structuredClone(plan), resources: plan.resources.filter((r) => r !== gone) };
  };
}

/** A copy of the plan with a second copy of one resource, under another logical name. */
function copied(type: string, name: string, copyName: string) {
  return (plan: Plan): Plan => {
    const copy = structuredClone(plan);
    const original = resourceIn(copy, type, name);
    const urn = original.urn.replace(/::[^:]+$/, `::${copyName}`);
    copy.resources.push({ ...structuredClone(original), name: copyName, urn });
    return copy;
  };
}

/** The ARM ID the mocks gave a resource. */
function idOf(stack: StackName, type: string, name: string): string {
  const id = resourceIn(planOf(stack), type, name).id;
  if (!id) throw new Error(`${type} ${name} has no ID`);
  return id;
}

describe("the default stacks", () => {
  test.each(["primary", "secondary"] as const)("%s violates no rule", (stack) => {
    expect(baseline.get(stack)).toEqual([]);
  });

  test("every rule has a case below that breaks it", () => {
    const tested = new Set(cases.map((c) => c.rule));
    expect(policies.map((p) => p.name).filter((name) => !tested.has(name))).toEqual([]);
  });
});

interface BreakingCase {
  readonly rule: string;
  readonly stack: StackName;
  /** What the case changes, for the test's title. */
  readonly change: string;
  /** The resource the violation must name: `<azure-native type> <logical name>`. */
  readonly names: string;
  readonly edit: (plan: Plan) => Plan;
}

const VAULT = "keyvault:Vault key-vault-vault";
const REGISTRY = "containerregistry:Registry registry-registry";
const WORKSPACE = "machinelearningservices:Workspace workspace-workspace";
const DEFAULT_STORAGE = "storage:StorageAccount workspace-storage";
const DATA_ACCOUNT = "storage:StorageAccount training-data-account";
const INSIGHTS = "applicationinsights:Component workspace-insights";
const at = (subject: string) => subject.split(" ") as [string, string];

const cases: BreakingCase[] = [
  {
    rule: "aml-bcdr-vault-soft-delete",
    stack: "primary",
    change: "enableSoftDelete false",
    names: VAULT,
    edit: changed(...at(VAULT), (i) => (i.properties.enableSoftDelete = false)),
  },
  {
    rule: "aml-bcdr-vault-purge-protection",
    stack: "primary",
    change: "enablePurgeProtection false",
    names: VAULT,
    edit: changed(...at(VAULT), (i) => (i.properties.enablePurgeProtection = false)),
  },
  {
    rule: "aml-bcdr-vault-purge-protection",
    stack: "primary",
    change: "enablePurgeProtection not set",
    names: VAULT,
    edit: changed(...at(VAULT), (i) => delete i.properties.enablePurgeProtection),
  },
  {
    rule: "aml-bcdr-vault-rbac-authorization",
    stack: "primary",
    change: "enableRbacAuthorization false",
    names: VAULT,
    edit: changed(...at(VAULT), (i) => (i.properties.enableRbacAuthorization = false)),
  },
  {
    rule: "aml-bcdr-registry-premium",
    stack: "primary",
    change: "sku Basic",
    names: REGISTRY,
    edit: changed(...at(REGISTRY), (i) => (i.sku = { name: "Basic" })),
  },
  {
    rule: "aml-bcdr-registry-admin-user-disabled",
    stack: "primary",
    change: "adminUserEnabled true",
    names: REGISTRY,
    edit: changed(...at(REGISTRY), (i) => (i.adminUserEnabled = true)),
  },
  {
    rule: "aml-bcdr-registry-geo-replicated",
    stack: "primary",
    change: "the replica removed",
    names: REGISTRY,
    edit: without("containerregistry:Replication", "registry-replica-westeurope"),
  },
  {
    rule: "aml-bcdr-registry-geo-replicated",
    stack: "primary",
    change: "the replica in the home region",
    names: REGISTRY,
    edit: changed(
      "containerregistry:Replication",
      "registry-replica-westeurope",
      (i) => (i.location = "North Europe"),
    ),
  },
  {
    rule: "aml-bcdr-training-data-geo-redundant",
    stack: "primary",
    change: "training data on Standard_LRS",
    names: DATA_ACCOUNT,
    edit: changed(...at(DATA_ACCOUNT), (i) => (i.sku = { name: "Standard_LRS" })),
  },
  {
    rule: "aml-bcdr-datastore-no-account-key",
    stack: "primary",
    change: "datastore credentials AccountKey",
    names: "machinelearningservices:Datastore training-data-northeurope-datastore",
    edit: changed(
      "machinelearningservices:Datastore",
      "training-data-northeurope-datastore",
      (i) => (i.properties.credentials = { credentialsType: "AccountKey", secrets: {} }),
    ),
  },
  {
    rule: "aml-bcdr-datastore-no-account-key",
    stack: "secondary",
    change: "datastore credentials Sas",
    names: "machinelearningservices:Datastore training-data-westeurope-datastore",
    edit: changed(
      "machinelearningservices:Datastore",
      "training-data-westeurope-datastore",
      (i) => (i.properties.credentials = { credentialsType: "Sas", secrets: {} }),
    ),
  },
  {
    rule: "aml-bcdr-workspace-own-default-storage",
    stack: "primary",
    change: "a second workspace on the same default storage",
    names: "machinelearningservices:Workspace workspace-copy",
    edit: copied(...at(WORKSPACE), "workspace-copy"),
  },
  {
    rule: "aml-bcdr-workspace-own-default-storage",
    stack: "primary",
    change: "the training-data account as default storage",
    names: WORKSPACE,
    edit: (plan) =>
      changed(
        ...at(WORKSPACE),
        (i) => (i.storageAccount = idOf("primary", ...at(DATA_ACCOUNT))),
      )(plan),
  },
  {
    rule: "aml-bcdr-workspace-own-default-storage",
    stack: "secondary",
    change: "the primary's training-data account as default storage",
    names: WORKSPACE,
    edit: (plan) =>
      changed(
        ...at(WORKSPACE),
        (i) => (i.storageAccount = idOf("primary", ...at(DATA_ACCOUNT))),
      )(plan),
  },
  {
    rule: "aml-bcdr-app-insights-workspace-based",
    stack: "primary",
    change: "Application Insights without workspaceResourceId",
    names: INSIGHTS,
    edit: changed(...at(INSIGHTS), (i) => delete i.workspaceResourceId),
  },
  {
    rule: "aml-bcdr-app-insights-per-region",
    stack: "primary",
    change: "Application Insights in the other region",
    names: WORKSPACE,
    edit: changed(...at(INSIGHTS), (i) => (i.location = "westeurope")),
  },
  {
    rule: "aml-bcdr-app-insights-per-region",
    stack: "secondary",
    change: "Application Insights in the other region",
    names: WORKSPACE,
    edit: changed(...at(INSIGHTS), (i) => (i.location = "northeurope")),
  },
  {
    rule: "aml-bcdr-app-insights-per-region",
    stack: "primary",
    change: "Log Analytics in the other region",
    names: INSIGHTS,
    edit: changed(
      "operationalinsights:Workspace",
      "workspace-logs",
      (i) => (i.location = "westeurope"),
    ),
  },
  {
    rule: "aml-bcdr-app-insights-per-region",
    stack: "primary",
    change: "no Application Insights",
    names: WORKSPACE,
    edit: changed(...at(WORKSPACE), (i) => delete i.applicationInsights),
  },
  ...[VAULT, REGISTRY, DEFAULT_STORAGE, DATA_ACCOUNT, WORKSPACE].map((subject): BreakingCase => ({
    rule: "aml-bcdr-no-public-network-access",
    stack: "primary",
    change: `publicNetworkAccess Enabled on ${at(subject)[1]}`,
    names: subject,
    edit: changed(...at(subject), (i) => {
      (subject === VAULT ? i.properties : i).publicNetworkAccess = "Enabled";
    }),
  })),
  {
    rule: "aml-bcdr-no-public-network-access",
    stack: "primary",
    change: "publicNetworkAccess not set on the default storage",
    names: DEFAULT_STORAGE,
    edit: changed(...at(DEFAULT_STORAGE), (i) => delete i.publicNetworkAccess),
  },
  {
    rule: "aml-bcdr-no-public-network-access",
    stack: "secondary",
    change: "publicNetworkAccess Enabled on the workspace",
    names: WORKSPACE,
    edit: changed(...at(WORKSPACE), (i) => (i.publicNetworkAccess = "Enabled")),
  },
  {
    rule: "aml-bcdr-storage-min-tls-1-2",
    stack: "primary",
    change: "minimumTlsVersion TLS1_0",
    names: DATA_ACCOUNT,
    edit: changed(...at(DATA_ACCOUNT), (i) => (i.minimumTlsVersion = "TLS1_0")),
  },
  {
    rule: "aml-bcdr-storage-min-tls-1-2",
    stack: "secondary",
    change: "minimumTlsVersion not set",
    names: DEFAULT_STORAGE,
    edit: changed(...at(DEFAULT_STORAGE), (i) => delete i.minimumTlsVersion),
  },
  {
    rule: "aml-bcdr-storage-no-shared-key",
    stack: "primary",
    change: "allowSharedKeyAccess true",
    names: DEFAULT_STORAGE,
    edit: changed(...at(DEFAULT_STORAGE), (i) => (i.allowSharedKeyAccess = true)),
  },
];

describe("each rule reports the resource that breaks it, and only that rule", () => {
  test.each(cases)("$rule: $change ($stack)", async ({ rule, stack, names, edit }) => {
    const plan = edit(planOf(stack));
    const target = resourceIn(plan, ...at(names));

    const violations = await checkPlan(plan);

    expect(violations.filter((v) => v.policy === rule).map((v) => v.urn)).toContain(target.urn);
    expect([...new Set(violations.map((v) => v.policy))]).toEqual([rule]);
    expect(baseline.get(stack)?.filter((v) => v.policy === rule)).toEqual([]);
  });
});

describe("violations", () => {
  test("carry the rule's enforcement level, the resource and a message that names the setting", async () => {
    const plan = changed(...at(DEFAULT_STORAGE), (i) => {
      i.allowSharedKeyAccess = true;
      i.minimumTlsVersion = "TLS1_1";
    })(planOf("primary"));
    const target = resourceIn(plan, ...at(DEFAULT_STORAGE));

    const violations = await checkPlan(plan);

    expect(violations).toEqual([
      expect.objectContaining({
        policy: "aml-bcdr-storage-min-tls-1-2",
        enforcementLevel: "mandatory",
        urn: target.urn,
        name: "workspace-storage",
        type: "azure-native:storage:StorageAccount",
        message: expect.stringMatching(/minimumTlsVersion is "TLS1_1".*"TLS1_2"/),
      }),
      expect.objectContaining({
        policy: "aml-bcdr-storage-no-shared-key",
        enforcementLevel: "advisory",
        urn: target.urn,
        message: expect.stringMatching(/allowSharedKeyAccess is true; allowed: false/),
      }),
    ]);
    const report = renderViolations(plan, violations);
    expect(report).toMatch(/^aml-bcdr-storage-min-tls-1-2 \(mandatory\)\n {2}workspace-storage /);
    expect(report).toMatch(/aml-bcdr-storage-no-shared-key \(advisory\)/);
    expect(report.split("\n").pop()).toMatch(/2 violations \(1 mandatory, 1 advisory\)\.$/);
  });

  test("are reported by stack rules on every workspace that shares storage", async () => {
    const plan = copied(...at(WORKSPACE), "workspace-copy")(planOf("primary"));

    const violations = await checkPlan(plan);

    expect(violations.map((v) => v.name).sort()).toEqual(["workspace-copy", "workspace-workspace"]);
    expect(violations[0].message).toMatch(/shares its default storage with workspace workspace-/);
  });
});

describe("the rules", () => {
  test.each(policies.map((p) => [p.name, p] as const))(
    "%s is named, explained and enforced",
    (name, policy) => {
      expect(name).toMatch(/^aml-bcdr(-[a-z0-9]+)+$/);
      expect(policy.description.length).toBeGreaterThan(60);
      expect(["mandatory", "advisory"]).toContain(policy.enforcementLevel);
      // An advisory rule says why a reasonable deployment may differ.
      if (policy.enforcementLevel === "advisory") expect(policy.description).toMatch(/Advisory:/);
    },
  );

  test("have unique names", () => {
    const names = policies.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
  });
});

// CrossGuard wraps what a rule reads in a proxy that throws on values not known yet: in the
// preview of a first deployment every ID is unknown. These are its runtime exports, which the
// SDK's declarations leave out.
const { unknownCheckingProxy } = require("@pulumi/policy") as {
  unknownCheckingProxy: <T>(props: T) => T;
};
const { unknownStringValue: UNKNOWN } = require("@pulumi/policy/proxy") as {
  unknownStringValue: string;
};

/** A resource as CrossGuard passes it to stack rules during a first preview. */
function previewResource(
  type: string,
  name: string,
  props: Inputs,
  propertyDependencies: Record<string, PolicyResource[]> = {},
): PolicyResource {
  return {
    type: `azure-native:${type}`,
    name,
    urn: `urn:pulumi:preview::aml-bcdr::azure-native:${type}::${name}`,
    props: unknownCheckingProxy(props),
    opts: {
      protect: false,
      ignoreChanges: [],
      aliases: [],
      customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
      additionalSecretOutputs: [],
    },
    dependencies: Object.values(propertyDependencies).flat(),
    propertyDependencies,
    isType: (cls) => (cls as { __pulumiType?: string }).__pulumiType === `azure-native:${type}`,
    asType: () => undefined,
  };
}

function policyNamed(name: string) {
  const policy = policies.find((p) => p.name === name);
  if (!policy) throw new Error(`no policy ${name}`);
  return policy;
}

/** Runs a stack rule on resources; returns the URNs it reports. */
async function stackViolations(name: string, resources: PolicyResource[]): Promise<string[]> {
  const reported: string[] = [];
  const report: ReportViolation = (message, urn) => reported.push(urn ?? message);
  await (policyNamed(name) as StackValidationPolicy).validateStack(
    {
      resources,
      stackTags: new Map(),
      getConfig: <T extends object>() => ({}) as T,
      notApplicable: (reason) => {
        throw new Error(`not applicable: ${reason}`);
      },
    },
    report,
  );
  return reported;
}

describe("in the preview of a first deployment, with IDs unknown", () => {
  const account = (name: string) =>
    previewResource("storage:StorageAccount", name, { accountName: UNKNOWN, location: "x" });
  const workspace = (name: string, storage: PolicyResource) =>
    previewResource(
      "machinelearningservices:Workspace",
      name,
      { storageAccount: UNKNOWN, location: "northeurope", applicationInsights: UNKNOWN },
      { storageAccount: [storage] },
    );

  test.each([
    ["share one account", true],
    ["have an account each", false],
  ])("workspaces that %s are told apart by their dependencies", async (_, shared) => {
    const first = account("first");
    const second = shared ? first : account("second");
    const workspaces = [workspace("a", first), workspace("b", second)];
    const resources = [...new Set([first, second]), ...workspaces];

    const reported = await stackViolations("aml-bcdr-workspace-own-default-storage", resources);

    expect(reported).toEqual(shared ? workspaces.map((w) => w.urn) : []);
  });

  test.each([
    ["westeurope", false],
    ["northeurope", true],
  ])("a registry with its replica in %s is reported: %s", async (location, reported) => {
    const registry = previewResource("containerregistry:Registry", "registry", {
      registryName: UNKNOWN,
      location: "northeurope",
    });
    const replica = previewResource(
      "containerregistry:Replication",
      "replica",
      { registryName: UNKNOWN, location },
      { registryName: [registry] },
    );

    const urns = await stackViolations("aml-bcdr-registry-geo-replicated", [registry, replica]);

    expect(urns).toEqual(reported ? [registry.urn] : []);
  });

  test.each([
    { state: "unknown", id: UNKNOWN, count: 0 },
    { state: "not set", id: undefined, count: 1 },
  ])(
    "a component whose workspaceResourceId is $state is reported $count times",
    async ({ id, count }) => {
      const component = previewResource("applicationinsights:Component", "insights", {
        workspaceResourceId: id,
      });
      const policy = policyNamed(
        "aml-bcdr-app-insights-workspace-based",
      ) as ResourceValidationPolicy;
      const validate = policy.validateResource as ResourceValidation;
      const reported: string[] = [];

      await validate(
        {
          ...component,
          stackTags: new Map(),
          getConfig: <T extends object>() => ({}) as T,
          notApplicable: (reason) => {
            throw new Error(`not applicable: ${reason}`);
          },
          asType: () => undefined,
        },
        (message) => reported.push(message),
      );

      expect(reported).toHaveLength(count);
    },
  );
});

describe("the policy pack", () => {
  const read = (file: string) => fs.readFileSync(path.join(PROJECT_ROOT, file), "utf8");

  test("is versioned with the package and depends on what the package does", () => {
    const pack = JSON.parse(read("policy/package.json"));
    const root = JSON.parse(read("package.json"));
    expect(pack.version).toBe(root.version);
    for (const [name, range] of Object.entries(pack.dependencies)) {
      expect([name, root.dependencies[name]]).toEqual([name, range]);
    }
  });

  test("declares a Node.js runtime and a description", () => {
    const project = YAML.parse(read("policy/PulumiPolicy.yaml"));
    expect(project.runtime).toBe("nodejs");
    expect(project.description).toMatch(/\w/);
  });

  test("is not imported by tools or tests: constructing it starts the CrossGuard server", () => {
    for (const dir of ["tools", "tests"]) {
      for (const file of fs
        .readdirSync(path.join(PROJECT_ROOT, dir))
        .filter((f) => /\.ts$/.test(f))) {
        const source = read(path.join(dir, file));
        expect([file, /["']\.\.\/policy(\/index)?["']/.test(source)]).toEqual([file, false]);
      }
    }
  });
});

describe("npm run policy", () => {
  /** Runs the command as `npm run policy --` would, without npm. */
  const runPolicy = (args: string[]) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [require.resolve("ts-node/dist/bin"), "--transpile-only", "tools/policy.ts", ...args],
        { cwd: PROJECT_ROOT },
      );
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      child.on("error", reject);
      child.on("close", (status) => resolve({ status, stdout, stderr }));
    });

  // Both runs start at once; each takes a few seconds, mostly ts-node starting.
  let clean: ReturnType<typeof runPolicy>;
  let open: ReturnType<typeof runPolicy>;
  beforeAll(() => {
    clean = runPolicy(["--stack", "primary"]);
    open = runPolicy(["--stack", "primary", "--config", "allowPublicNetworkAccess=true", "--json"]);
  });

  test("passes the primary and says so in one summary line", async () => {
    const { status, stdout } = await clean;
    expect(stdout.trim()).toMatch(
      /^Checked \d+ resources of stack primary against \d+ policies: no violations\.$/,
    );
    expect(status).toBe(0);
  });

  test("fails a primary with public network access, naming the rule", async () => {
    const { status, stdout, stderr } = await open;
    const violations = JSON.parse(stdout) as Violation[];
    expect(new Set(violations.map((v) => v.policy))).toEqual(
      new Set(["aml-bcdr-no-public-network-access"]),
    );
    expect(violations.map((v) => v.name)).toContain("key-vault-vault");
    expect(stderr).toMatch(/warning: aml-bcdr:allowPublicNetworkAccess is true/);
    expect(status).toBe(1);
  });
});
