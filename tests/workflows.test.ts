/**
 * The GitHub Actions workflows in `.github/workflows/`: each one passes action-validator (a
 * linter that checks workflows against GitHub's schema and their `needs` against their jobs),
 * and the rules this project sets for them hold: Azure login through OpenID Connect only, one
 * secret (the Pulumi access token), drift checked in both regions, the secondary deployed after
 * the primary.
 *
 * The rules are small functions that return the problems they find, and each one is also run
 * on a workflow that breaks it, so that a rule which can no longer fail is noticed. Broken
 * copies are written below the OS temporary directory, never next to the real workflows.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";

const ROOT = path.resolve(__dirname, "..");
const WORKFLOWS = path.join(ROOT, ".github", "workflows");
const VALIDATOR = path.join(ROOT, "node_modules", ".bin", "action-validator");

/** The one secret a workflow may read: Pulumi state lives in Pulumi Cloud. */
const ALLOWED_SECRETS = ["PULUMI_ACCESS_TOKEN"];
const STACKS = ["primary", "secondary"];
/** The fully qualified stack name, as a workflow spells it, for a stack expression or name. */
const stackName = (stack: string) => `\${{ vars.PULUMI_ORG }}/aml-bcdr/${stack}`;
const MATRIX_STACK = stackName("${{ matrix.stack }}");

type Env = Record<string, string>;
type Permissions = Record<string, string> | string;

interface Step {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Env;
  "continue-on-error"?: boolean | string;
}

interface Job {
  needs?: string | string[];
  if?: string;
  environment?: string | { name: string };
  permissions?: Permissions;
  env?: Env;
  strategy?: { "fail-fast"?: boolean; matrix?: Record<string, unknown> };
  steps?: Step[];
}

interface Workflow {
  on: Record<string, unknown>;
  permissions?: Permissions;
  env?: Env;
  concurrency?: string | { group: string; "cancel-in-progress"?: boolean };
  jobs: Record<string, Job>;
}

interface Loaded {
  file: string;
  text: string;
  workflow: Workflow;
}

function load(file: string): Loaded {
  const text = fs.readFileSync(path.join(WORKFLOWS, file), "utf8");
  return { file, text, workflow: parse(text) as Workflow };
}

const FILES = fs.existsSync(WORKFLOWS)
  ? fs
      .readdirSync(WORKFLOWS)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()
  : [];

/** Runs the linter the way a person would, on one file; its report goes to stderr. */
function lint(file: string): { status: number | null; report: string } {
  const result = spawnSync(VALIDATOR, [file], { encoding: "utf8" });
  if (result.error) throw result.error;
  return { status: result.status, report: `${result.stdout}${result.stderr}` };
}

// ---------------------------------------------------------------------------------------------
// Helpers that read a parsed workflow

function steps(job: Job): Step[] {
  return job.steps ?? [];
}

function needsOf(job: Job): string[] {
  return job.needs === undefined ? [] : ([] as string[]).concat(job.needs);
}

function uses(step: Step, action: string): boolean {
  return step.uses?.split("@")[0] === action;
}

function logsInToAzure(job: Job): boolean {
  return steps(job).some((s) => uses(s, "azure/login"));
}

/** Steps that run the Pulumi CLI, through pulumi/actions with a command or a shell line. */
function pulumiSteps(job: Job): Step[] {
  return steps(job).filter(
    (s) =>
      (uses(s, "pulumi/actions") && s.with?.command !== undefined) ||
      /(^|\s)pulumi\s+\w/m.test(s.run ?? ""),
  );
}

/** Job permissions replace the workflow's when they are given. */
function permissionsOf(workflow: Workflow, job: Job): Record<string, string> {
  const permissions = job.permissions ?? workflow.permissions ?? {};
  return typeof permissions === "string" ? {} : permissions;
}

function envOf(workflow: Workflow, job: Job, step?: Step): Env {
  return { ...workflow.env, ...job.env, ...step?.env };
}

/** The `-s`/`--stack` argument of a shell command, with `$VAR` looked up in the step's env. */
function stackArgument(workflow: Workflow, job: Job, step: Step): string | undefined {
  const match = /(?:^|\s)(?:-s|--stack)[\s=]+("[^"]*"|\S+)/.exec(step.run ?? "");
  if (!match) return undefined;
  const arg = match[1].replace(/^"|"$/g, "");
  const variable = /^\$\{?(\w+)\}?$/.exec(arg);
  return variable ? envOf(workflow, job, step)[variable[1]] : arg;
}

function matrixStacks(job: Job): unknown {
  const stacks = job.strategy?.matrix?.stack;
  return Array.isArray(stacks) ? [...stacks].sort() : stacks;
}

// ---------------------------------------------------------------------------------------------
// The rules: each returns the problems it finds, as sentences naming the job

/** Azure login by OIDC only: token permission, login from variables, the provider told too. */
function oidcProblems(workflow: Workflow): string[] {
  const problems: string[] = [];
  for (const [name, job] of Object.entries(workflow.jobs)) {
    if (!logsInToAzure(job)) {
      if (pulumiSteps(job).length > 0) problems.push(`${name}: runs pulumi without Azure login`);
      continue;
    }
    const permissions = permissionsOf(workflow, job);
    if (permissions["id-token"] !== "write") problems.push(`${name}: needs id-token: write`);
    if (permissions.contents !== "read") problems.push(`${name}: needs contents: read`);
    for (const login of steps(job).filter((s) => uses(s, "azure/login"))) {
      for (const [input, variable] of [
        ["client-id", "AZURE_CLIENT_ID"],
        ["tenant-id", "AZURE_TENANT_ID"],
        ["subscription-id", "AZURE_SUBSCRIPTION_ID"],
      ]) {
        if (login.with?.[input] !== `\${{ vars.${variable} }}`) {
          problems.push(`${name}: azure/login ${input} must be \${{ vars.${variable} }}`);
        }
      }
    }
    for (const step of pulumiSteps(job)) {
      const env = envOf(workflow, job, step);
      const expected: Env = {
        ARM_USE_OIDC: "true",
        ARM_CLIENT_ID: "${{ vars.AZURE_CLIENT_ID }}",
        ARM_TENANT_ID: "${{ vars.AZURE_TENANT_ID }}",
        ARM_SUBSCRIPTION_ID: "${{ vars.AZURE_SUBSCRIPTION_ID }}",
      };
      for (const [key, value] of Object.entries(expected)) {
        if (env[key] !== value) problems.push(`${name}: pulumi step needs ${key}: ${value}`);
      }
    }
  }
  return problems;
}

/** Jobs that comment on pull requests may write to them. */
function prCommentProblems(workflow: Workflow): string[] {
  return Object.entries(workflow.jobs)
    .filter(([, job]) => steps(job).some((s) => String(s.with?.["comment-on-pr"]) === "true"))
    .filter(([, job]) => permissionsOf(workflow, job)["pull-requests"] !== "write")
    .map(([name]) => `${name}: comments on the pull request without pull-requests: write`);
}

/** Only the Pulumi token, and no Azure credential of any kind, in the raw text. */
function secretProblems(text: string): string[] {
  const problems: string[] = [];
  const names = new Set([...text.matchAll(/secrets\.(\w+)/g)].map((m) => m[1]));
  for (const name of names) {
    if (!ALLOWED_SECRETS.includes(name)) problems.push(`reads secret ${name}`);
  }
  if (/secrets\s*\[|secrets:\s*inherit|toJSON\(\s*secrets\s*\)/i.test(text)) {
    problems.push("reads secrets by index, inherit or toJSON");
  }
  if (/client-secret/i.test(text)) problems.push("mentions client-secret");
  if (/client_secret/i.test(text)) problems.push("mentions CLIENT_SECRET");
  if (/(^|\s)creds:/m.test(text)) problems.push("uses creds:");
  return problems;
}

/** The Pulumi token reaches only the steps that run pulumi, never `npm ci` and its scripts. */
function tokenScopeProblems(workflow: Workflow): string[] {
  const problems: string[] = [];
  if (workflow.env?.PULUMI_ACCESS_TOKEN) problems.push("PULUMI_ACCESS_TOKEN in workflow env");
  for (const [name, job] of Object.entries(workflow.jobs)) {
    if (job.env?.PULUMI_ACCESS_TOKEN) problems.push(`${name}: PULUMI_ACCESS_TOKEN in job env`);
    for (const step of steps(job)) {
      if (step.env?.PULUMI_ACCESS_TOKEN && !pulumiSteps(job).includes(step)) {
        problems.push(`${name}: PULUMI_ACCESS_TOKEN given to a step that does not run pulumi`);
      }
    }
    for (const step of pulumiSteps(job)) {
      if (step.env?.PULUMI_ACCESS_TOKEN !== "${{ secrets.PULUMI_ACCESS_TOKEN }}") {
        problems.push(`${name}: pulumi step without PULUMI_ACCESS_TOKEN`);
      }
    }
  }
  return problems;
}

/** Actions pinned by major version (`owner/repo@v4`), never a branch or a floating tag. */
function pinProblems(workflow: Workflow): string[] {
  return Object.entries(workflow.jobs).flatMap(([name, job]) =>
    steps(job)
      .filter((s) => s.uses !== undefined && !/^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@v\d+$/.test(s.uses))
      .map((s) => `${name}: ${s.uses} is not pinned by major version`),
  );
}

/** Every job that runs npm checks the code out and sets up Node 20 with the npm cache first. */
function nodeProblems(workflow: Workflow): string[] {
  const problems: string[] = [];
  for (const [name, job] of Object.entries(workflow.jobs)) {
    const firstNpm = steps(job).findIndex((s) => /(^|\s)npm\s/m.test(s.run ?? ""));
    if (firstNpm < 0) continue;
    const before = steps(job).slice(0, firstNpm);
    if (!before.some((s) => uses(s, "actions/checkout"))) problems.push(`${name}: no checkout`);
    const node = before.find((s) => uses(s, "actions/setup-node"));
    if (String(node?.with?.["node-version"]) !== "20" || node?.with?.cache !== "npm") {
      problems.push(`${name}: needs setup-node with node-version 20 and cache npm`);
    }
  }
  return problems;
}

const RULES: [string, (loaded: Loaded) => string[]][] = [
  ["logs in to Azure by OIDC only", ({ workflow }) => oidcProblems(workflow)],
  ["may write to pull requests it comments on", ({ workflow }) => prCommentProblems(workflow)],
  ["reads no secret but PULUMI_ACCESS_TOKEN", ({ text }) => secretProblems(text)],
  ["gives the Pulumi token to pulumi steps only", ({ workflow }) => tokenScopeProblems(workflow)],
  ["pins actions by major version", ({ workflow }) => pinProblems(workflow)],
  ["sets up Node 20 with the npm cache", ({ workflow }) => nodeProblems(workflow)],
  [
    "starts with a comment saying what it is for",
    ({ text }) => (/^# \S/.test(text) ? [] : ["no top comment"]),
  ],
];

// ---------------------------------------------------------------------------------------------

test("the three workflows exist", () => {
  expect(FILES).toEqual(expect.arrayContaining(["deploy.yml", "drift.yml", "preview.yml"]));
});

describe.each(FILES)("%s", (file) => {
  test("passes action-validator", () => {
    const { status, report } = lint(path.join(WORKFLOWS, file));
    expect({ status, report }).toEqual({ status: 0, report: "" });
  });

  test.each(RULES)("%s", (_rule, check) => {
    expect(check(load(file))).toEqual([]);
  });
});

describe("the linter catches a broken workflow", () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "aml-bcdr-workflows-"));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Writes `file` with `change` applied, after checking that the change did something. */
  function brokenCopy(file: string, change: (text: string) => string): string {
    const original = load(file).text;
    const broken = change(original);
    expect(broken).not.toEqual(original);
    const target = path.join(
      dir,
      `${path.basename(file, ".yml")}-${fs.readdirSync(dir).length}.yml`,
    );
    fs.writeFileSync(target, broken);
    return target;
  }

  test("a copy that only gains a comment passes there, so the path is not why others fail", () => {
    expect(lint(brokenCopy("preview.yml", (t) => `${t}\n# copy\n`)).status).toBe(0);
  });

  const BREAKAGES: { what: string; file: string; change: (t: string) => string; report: string }[] =
    [
      {
        what: "a job without runs-on",
        file: "preview.yml",
        change: (t) => t.replace(/^ {4}runs-on:.*\n/m, ""),
        report: "/runs-on",
      },
      {
        what: "a misspelt key",
        file: "drift.yml",
        change: (t) => t.replace("timeout-minutes:", "timeout-minute:"),
        report: "Additional property 'timeout-minute'",
      },
      {
        what: "needs naming a job that does not exist",
        file: "deploy.yml",
        change: (t) => t.replace("needs: [test, primary]", "needs: [test, primary-region]"),
        report: "unresolved job primary-region",
      },
      {
        what: "an invalid permission",
        file: "drift.yml",
        change: (t) => t.replace("id-token: write", "id-token: on"),
        report: "/permissions/id-token",
      },
      {
        what: "YAML that does not parse",
        file: "deploy.yml",
        change: (t) => t.replace("jobs:", "jobs: ["),
        report: "parse_error",
      },
    ];

  test.each(BREAKAGES)("$what ($file)", ({ file, change, report: expected }) => {
    const { status, report } = lint(brokenCopy(file, change));
    expect(status).not.toBe(0);
    expect(report).toContain(expected);
  });
});

describe("the rules catch a workflow that breaks them", () => {
  test("a stored Azure credential and another secret", () => {
    const text = [
      "      - uses: azure/login@v2",
      "        with:",
      "          creds: ${{ secrets.AZURE_CREDENTIALS }}",
      "      - run: pulumi up --yes",
      "        env:",
      "          ARM_CLIENT_SECRET: ${{ secrets.ARM_CLIENT_SECRET }}",
    ].join("\n");
    expect(secretProblems(text)).toEqual(
      expect.arrayContaining([
        "reads secret AZURE_CREDENTIALS",
        "reads secret ARM_CLIENT_SECRET",
        "mentions CLIENT_SECRET",
        "uses creds:",
      ]),
    );
  });

  test("a login job without the id-token permission or the provider's OIDC settings", () => {
    const { workflow } = load("preview.yml");
    const job = workflow.jobs.preview;
    const broken: Workflow = {
      ...workflow,
      jobs: { preview: { ...job, permissions: { contents: "read" }, env: {} } },
    };
    expect(oidcProblems(broken)).toEqual(
      expect.arrayContaining([
        "preview: needs id-token: write",
        "preview: pulumi step needs ARM_USE_OIDC: true",
      ]),
    );
    expect(prCommentProblems(broken)).toHaveLength(1);
  });

  test("the Pulumi token given to the whole job, and an unpinned action", () => {
    const { workflow } = load("drift.yml");
    const job = workflow.jobs.drift;
    const broken: Workflow = {
      ...workflow,
      jobs: {
        drift: {
          ...job,
          env: { ...job.env, PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}" },
          steps: [{ uses: "actions/checkout@main" }, ...steps(job)],
        },
      },
    };
    expect(tokenScopeProblems(broken)).toContain("drift: PULUMI_ACCESS_TOKEN in job env");
    expect(pinProblems(broken)).toEqual([
      "drift: actions/checkout@main is not pinned by major version",
    ]);
  });
});

describe("preview.yml", () => {
  const { workflow } = load("preview.yml");
  const job = workflow.jobs.preview;

  test("runs on pull requests, after npm ci and npm test", () => {
    expect(workflow.on).toHaveProperty("pull_request");
    const testJobs = Object.entries(workflow.jobs).filter(([, j]) =>
      steps(j).some((s) => s.run === "npm test"),
    );
    expect(testJobs).toHaveLength(1);
    const [testJob, tests] = testJobs[0];
    expect(steps(tests).map((s) => s.run)).toEqual(expect.arrayContaining(["npm ci", "npm test"]));
    expect(needsOf(job)).toContain(testJob);
  });

  test("previews both stacks with the diff, as a comment on the pull request", () => {
    expect(matrixStacks(job)).toEqual(STACKS);
    expect(job.strategy?.["fail-fast"]).toBe(false);
    const preview = steps(job).filter((s) => uses(s, "pulumi/actions"));
    expect(preview).toHaveLength(1);
    expect(preview[0].uses).toBe("pulumi/actions@v6");
    expect(preview[0].with).toMatchObject({
      command: "preview",
      "stack-name": MATRIX_STACK,
      "comment-on-pr": true,
      diff: true,
    });
  });
});

describe("drift.yml", () => {
  const { workflow } = load("drift.yml");
  const previewJobs = Object.entries(workflow.jobs).filter(([, job]) =>
    steps(job).some((s) => /pulumi\s+preview/.test(s.run ?? "")),
  );

  test("runs on a schedule and on demand", () => {
    const schedule = workflow.on.schedule as { cron: string }[];
    expect(schedule.length).toBeGreaterThan(0);
    for (const { cron } of schedule) expect(cron.split(/\s+/)).toHaveLength(5);
    expect(workflow.on).toHaveProperty("workflow_dispatch");
  });

  test("refreshes and expects no changes in both stacks, one failing not stopping the other", () => {
    expect(previewJobs).toHaveLength(1);
    const [, job] = previewJobs[0];
    expect(matrixStacks(job)).toEqual(STACKS);
    expect(job.strategy?.["fail-fast"]).toBe(false);

    const previews = steps(job).filter((s) => /pulumi\s+preview/.test(s.run ?? ""));
    expect(previews).toHaveLength(1);
    const [preview] = previews;
    for (const flag of ["--refresh", "--expect-no-changes", "--diff"]) {
      expect(preview.run).toContain(flag);
    }
    expect(stackArgument(workflow, job, preview)).toBe(MATRIX_STACK);
    // Drift fails the step, and so the job and the run: nobody misses it.
    expect(preview["continue-on-error"]).toBeUndefined();
    // A pipe into tee would hide pulumi's exit code without pipefail.
    if (/\|\s*tee/.test(preview.run ?? "")) expect(preview.run).toMatch(/set -[a-z]*o pipefail/);
  });

  test("ends with a job summary that says whether the stack drifted, even when it did", () => {
    const [, job] = previewJobs[0];
    const preview = steps(job).find((s) => /pulumi\s+preview/.test(s.run ?? "")) as Step;
    const last = steps(job)[steps(job).length - 1];
    expect(preview.id).toBeDefined();
    expect(last.if).toBe("always()");
    expect(last.run).toContain("$GITHUB_STEP_SUMMARY");
    expect(JSON.stringify(last)).toContain(`steps.${preview.id}.outcome`);
    expect(last.run).toMatch(/drift/i);
  });

  test("runs npm run parity once, offline, as a job of its own", () => {
    const parity = Object.entries(workflow.jobs).filter(([, job]) =>
      steps(job).some((s) => s.run === "npm run parity"),
    );
    expect(parity).toHaveLength(1);
    const [, job] = parity[0];
    expect(job.strategy).toBeUndefined();
    expect(logsInToAzure(job)).toBe(false);
    expect(pulumiSteps(job)).toEqual([]);
  });

  test("explains in its top comment what drift means and where noisy fields are handled", () => {
    const top = load("drift.yml").text.split(/\n(?!#)/)[0];
    expect(top).toMatch(/drift means/i);
    expect(top).toContain("ignoreChanges");
  });
});

describe("deploy.yml", () => {
  const { workflow } = load("deploy.yml");

  test("runs on pushes to main and on demand", () => {
    expect(workflow.on.push).toEqual({ branches: ["main"] });
    expect(workflow.on).toHaveProperty("workflow_dispatch");
  });

  test.each(STACKS)("%s runs pulumi up --yes in its own environment", (stack) => {
    const job = workflow.jobs[stack];
    expect(job).toBeDefined();
    expect(job.environment).toBe(stack);
    const ups = steps(job).filter((s) => /pulumi\s+up\b/.test(s.run ?? ""));
    expect(ups).toHaveLength(1);
    expect(ups[0].run).toContain("--yes");
    expect(stackArgument(workflow, job, ups[0])).toBe(stackName(stack));
  });

  test("deploys the secondary only after the primary", () => {
    const secondary = workflow.jobs.secondary;
    expect(needsOf(secondary)).toContain("primary");
    // The escape hatch for an outage of the primary still requires a successful primary
    // otherwise: no `always()`, and the primary's result is looked at.
    expect(secondary.if ?? "").not.toContain("always()");
    expect(secondary.if ?? "").toContain("needs.primary.result == 'success'");
  });

  test("never runs two deploys at once, nor cancels a running one", () => {
    const concurrency = workflow.concurrency;
    expect(typeof concurrency).toBe("object");
    expect(concurrency).toMatchObject({ "cancel-in-progress": false });
    expect((concurrency as { group: string }).group).not.toMatch(/github\.(ref|sha|run)/);
  });
});
