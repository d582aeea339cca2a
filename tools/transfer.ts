import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseFlags, runCli } from "./cli";
import {
  applyOverrides,
  MOCK_ORGANIZATION,
  Plan,
  planStack,
  readProject,
  readStackConfig,
  runProgram,
  UserError,
} from "./harness";

const USAGE = `Usage: npm run transfer -- --from <primary|secondary> --to <secondary|primary> [--apply]
         [--models name:version[:type],...] [--environments name:version,...]
         [--pipelines file.yml,...] [--config key=value ...]

Moves what is not declared as code from one region's workspace to the other's, with the export
and import steps of the failover guide: models are downloaded and created again, environments
exported to YAML and created again, pipelines submitted again from their YAML. Data assets
cannot be moved; the plan says how to register them again.

Without --apply it only prints the plan, offline: numbered Azure CLI (ml extension) commands
for the workspaces of the two stacks' offline previews. With --apply it runs them in order and
stops at the first failure. With --apply and none of --models, --environments and --pipelines,
it lists the models of both workspaces and moves each model's latest version that the target
workspace does not have; environments, pipelines and data are then left alone.

A model's type is custom_model unless given: --models churn:3:mlflow_model.`;

/** The two stacks, one region each. */
export const STACKS = ["primary", "secondary"] as const;
export type StackName = (typeof STACKS)[number];

/** The model types `az ml model create --type` accepts. */
export const MODEL_TYPES = ["custom_model", "mlflow_model", "triton_model"] as const;
export type ModelType = (typeof MODEL_TYPES)[number];

/**
 * What the `ml` commands need to address a workspace. No subscription: the commands use the
 * Azure CLI's current one (both stacks deploy into one subscription), and the offline
 * preview's subscription ID is a stand-in.
 */
export interface WorkspaceCoordinates {
  readonly stack: StackName;
  readonly location: string;
  readonly resourceGroup: string;
  readonly workspaceName: string;
}

/** A model version to move. */
export interface ModelRef {
  readonly name: string;
  readonly version: string;
  readonly type: ModelType;
}

/** An environment version to move. */
export interface AssetRef {
  readonly name: string;
  readonly version: string;
}

/** What to move. Pipelines are absolute paths of job YAML files. */
export interface Selections {
  readonly models: readonly ModelRef[];
  readonly environments: readonly AssetRef[];
  readonly pipelines: readonly string[];
}

/** One command of the plan; `stdoutFile` receives its output, like `> file` in a shell. */
export interface Step {
  readonly description: string;
  readonly argv: readonly string[];
  readonly stdoutFile?: string;
}

/** What the offline preview of one stack says about its workspace. */
export interface Side {
  readonly workspace: WorkspaceCoordinates;
  /** The preview's random name suffix, which the deployed stack has a different value for. */
  readonly previewSuffix?: string;
  /** `name:version` of the environments and data assets the program declares. */
  readonly declaredEnvironments: readonly string[];
  readonly declaredDataAssets: readonly string[];
  /** Models that the stack's online deployments use, as `name:version`. */
  readonly deployedModels: readonly string[];
  readonly computeClusters: number;
  /** What the region runs for training now: `full`, `standby` or `none`. */
  readonly training: string;
  readonly trainingTopology: string;
  readonly datastores: readonly string[];
  /** Azure ML registries the stack declares. */
  readonly mlRegistries: readonly string[];
}

/** Both sides of a transfer. */
export interface TransferPreview {
  readonly source: Side;
  readonly target: Side;
}

// Asset names and versions as Azure ML accepts them: letters, digits, '-', '_' and '.'.
const ASSET_PART = /^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/;

/** Parses `--models name:version[:type],...`. */
export function parseModels(value: string): ModelRef[] {
  const models = splitList(value, "--models").map((item) => {
    const [name, version, type = "custom_model", ...rest] = item.split(":");
    if (
      rest.length > 0 ||
      !ASSET_PART.test(name ?? "") ||
      !ASSET_PART.test(version ?? "") ||
      !(MODEL_TYPES as readonly string[]).includes(type)
    ) {
      throw new UserError(
        `--models "${item}" is not name:version or name:version:type (e.g. scoring-model:1, ` +
          `churn:3:mlflow_model). Names and versions are letters, digits, '-', '_' and '.'; ` +
          `the type is one of ${MODEL_TYPES.join(", ")}.`,
      );
    }
    return { name, version, type: type as ModelType };
  });
  refuseDuplicates(
    models.map((m) => `${m.name}:${m.version}`),
    "--models",
  );
  return models;
}

/** Parses `--environments name:version,...` (or another flag of the same form). */
export function parseAssets(value: string, flag: string): AssetRef[] {
  const assets = splitList(value, flag).map((item) => {
    const [name, version, ...rest] = item.split(":");
    if (rest.length > 0 || !ASSET_PART.test(name ?? "") || !ASSET_PART.test(version ?? "")) {
      throw new UserError(
        `${flag} "${item}" is not name:version (e.g. training-env:2). Names and versions are ` +
          `letters, digits, '-', '_' and '.'.`,
      );
    }
    return { name, version };
  });
  refuseDuplicates(
    assets.map((a) => `${a.name}:${a.version}`),
    flag,
  );
  return assets;
}

/** Parses `--pipelines a.yml,b.yml` into absolute paths of files that exist. */
export function parsePipelines(value: string, baseDir: string): string[] {
  const files = splitList(value, "--pipelines").map((item) => {
    const file = path.resolve(baseDir, item);
    if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
      throw new UserError(
        `--pipelines "${item}" is not a file (looked for ${file}). Give the pipeline job's ` +
          `YAML file, the one you submit with az ml job create --file.`,
      );
    }
    return file;
  });
  refuseDuplicates(files, "--pipelines");
  return files;
}

function splitList(value: string, flag: string): string[] {
  const items = value.split(",").map((item) => item.trim());
  if (items.some((item) => item === "")) {
    throw new UserError(`${flag} "${value}" has an empty item; separate items with single commas.`);
  }
  return items;
}

function refuseDuplicates(keys: readonly string[], flag: string): void {
  const twice = keys.find((key, i) => keys.indexOf(key) !== i);
  if (twice !== undefined) {
    throw new UserError(`${flag} lists ${twice} twice; give each one once.`);
  }
}

/** Quotes a value for a POSIX shell: always in single quotes, so nothing in it expands. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

const FLAG = /^--?[A-Za-z][A-Za-z0-9-]*$/;
const WORD = /^[a-z][a-z0-9-]*$/;

/**
 * A command as a POSIX shell line: the command words (`az ml model create`) and flags as they
 * are, every value in quotes.
 */
export function renderCommand(argv: readonly string[], stdoutFile?: string): string {
  let leading = true;
  const words = argv.map((arg) => {
    if (FLAG.test(arg) || arg === "--") {
      leading = false;
      return arg;
    }
    if (leading && WORD.test(arg)) return arg;
    leading = false;
    return shellQuote(arg);
  });
  return words.join(" ") + (stdoutFile === undefined ? "" : ` > ${shellQuote(stdoutFile)}`);
}

function at(workspace: WorkspaceCoordinates): string[] {
  return ["--resource-group", workspace.resourceGroup, "--workspace-name", workspace.workspaceName];
}

/** Where a model version is downloaded to, under the plan's folder. */
export function modelFolder(workDir: string, model: ModelRef): string {
  return path.join(workDir, "models", model.name, model.version);
}

/** Where an environment version is exported to, under the plan's folder. */
export function environmentFile(workDir: string, env: AssetRef): string {
  return path.join(workDir, "environments", env.name, `${env.version}.yaml`);
}

/**
 * The commands that move the selected models, environments and pipelines from `source` to
 * `target`, in the order they must run. Without models it starts by listing the source's
 * models, to choose from. Downloads and exports go under `workDir`.
 */
export function planTransfer(
  source: WorkspaceCoordinates,
  target: WorkspaceCoordinates,
  selections: Selections,
  workDir: string,
): Step[] {
  const steps: Step[] = [];
  const folders = [
    ...selections.models.map((m) => modelFolder(workDir, m)),
    ...selections.environments.map((e) => path.dirname(environmentFile(workDir, e))),
  ];
  if (folders.length > 0) {
    steps.push({
      description: "Create the folders for the downloaded models and exported environments",
      argv: ["mkdir", "-p", ...folders],
    });
  }

  if (selections.models.length === 0) {
    steps.push({
      description:
        `List the models of the ${source.stack} workspace, to choose what to move with ` +
        `--models name:version,...`,
      argv: ["az", "ml", "model", "list", ...at(source), "-o", "table"],
    });
  }
  for (const model of selections.models) {
    const folder = modelFolder(workDir, model);
    steps.push({
      description: `Download model ${model.name}:${model.version} from the ${source.stack} workspace`,
      argv: [
        "az",
        "ml",
        "model",
        "download",
        "--name",
        model.name,
        "--version",
        model.version,
        ...at(source),
        "--download-path",
        folder,
      ],
    });
    steps.push({
      description:
        `Create model ${model.name}:${model.version} (${model.type}) in the ${target.stack} ` +
        `workspace from the download`,
      argv: [
        "az",
        "ml",
        "model",
        "create",
        "--name",
        model.name,
        "--version",
        model.version,
        // The download puts the model's files in a folder named after the model.
        "--path",
        path.join(folder, model.name),
        "--type",
        model.type,
        ...at(target),
      ],
    });
  }

  for (const env of selections.environments) {
    const file = environmentFile(workDir, env);
    steps.push({
      description: `Export environment ${env.name}:${env.version} from the ${source.stack} workspace`,
      argv: [
        "az",
        "ml",
        "environment",
        "show",
        "--name",
        env.name,
        "--version",
        env.version,
        ...at(source),
        "-o",
        "yaml",
      ],
      stdoutFile: file,
    });
    steps.push({
      description: `Create environment ${env.name}:${env.version} in the ${target.stack} workspace`,
      argv: ["az", "ml", "environment", "create", "--file", file, ...at(target)],
    });
  }

  for (const file of selections.pipelines) {
    steps.push({
      description: `Submit pipeline ${path.basename(file)} again, in the ${target.stack} workspace`,
      argv: ["az", "ml", "job", "create", "--file", file, ...at(target)],
    });
  }
  return steps;
}

const ML = "azure-native:machinelearningservices";

/** Reads one stack's side of a transfer from its offline preview. */
function sideOf(stack: StackName, plan: Plan): Side {
  const raw = plan.outputs.workspaceConfigJson;
  const config = (typeof raw === "string" ? JSON.parse(raw) : raw) as Record<string, unknown>;
  const { resource_group: resourceGroup, workspace_name: workspaceName } = config ?? {};
  if (typeof resourceGroup !== "string" || typeof workspaceName !== "string") {
    throw new Error(
      `The ${stack} stack's workspaceConfigJson output has no workspace coordinates.`,
    );
  }
  const ofType = (type: string) => plan.resources.filter((r) => r.type === `${ML}:${type}`);
  const versionsOf = (type: string) =>
    ofType(type).map((r) => `${String(r.inputs.name)}:${String(r.inputs.version)}`);
  const suffix = plan.resources.find(
    (r) => r.type === "random:index/randomString:RandomString" && r.name === "name-suffix",
  )?.outputs.result;
  const regionPlan = (plan.outputs.regionPlan ?? {}) as Record<string, unknown>;
  const topologies = (plan.outputs.topologies ?? {}) as Record<string, unknown>;
  const deployedModels = ofType("OnlineDeployment")
    .map((r) => (r.inputs.properties as Record<string, unknown> | undefined)?.model)
    .map((model) => /^azureml:([^:/]+):([^:/]+)$/.exec(String(model)))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => `${m[1]}:${m[2]}`);
  return {
    workspace: { stack, location: String(plan.outputs.location), resourceGroup, workspaceName },
    previewSuffix: typeof suffix === "string" && suffix !== "" ? suffix : undefined,
    declaredEnvironments: versionsOf("EnvironmentVersion"),
    declaredDataAssets: versionsOf("DataVersion"),
    deployedModels: [...new Set(deployedModels)],
    computeClusters: ofType("Compute").length,
    training: String(regionPlan.training),
    trainingTopology: String(topologies.training),
    datastores: ofType("Datastore").map((r) => String(r.inputs.name)),
    mlRegistries: ofType("Registry").map((r) => String(r.inputs.registryName)),
  };
}

/**
 * Previews both stacks offline and reads each workspace's coordinates. The runs are one after
 * the other: the mock runtime is global to the process.
 */
export async function previewTransfer(
  from: StackName,
  to: StackName,
  overrides: readonly string[] = [],
): Promise<TransferPreview> {
  const primary = await planStack("primary", { overrides });
  const secondary = await planSecondary(primary, overrides);
  const sides = { primary: sideOf("primary", primary), secondary: sideOf("secondary", secondary) };
  return { source: sides[from], target: sides[to] };
}

/**
 * The secondary's preview with its stack reference fed from the primary's preview just made:
 * planStack("secondary") would run the primary's program once more for that.
 */
async function planSecondary(primary: Plan, overrides: readonly string[]): Promise<Plan> {
  const project = readProject().name;
  const config = applyOverrides(readStackConfig("secondary"), overrides, project);
  const reference = config[`${project}:primaryStack`] ?? `${MOCK_ORGANIZATION}/${project}/primary`;
  if (reference.split("/").pop() !== "primary") {
    // Another primary stack than ours: let the harness find and run it.
    return planStack("secondary", { overrides, primaryOverrides: overrides });
  }
  return runProgram({ stack: "secondary", config, stackOutputs: { [reference]: primary.outputs } });
}

/** What the plan cannot do by itself, and what to know before running it. */
export function transferNotes(
  preview: TransferPreview,
  selections: Selections,
  offline: boolean,
): string[] {
  const { source, target } = preview;
  const from = source.workspace.stack;
  const to = target.workspace.stack;
  const src = renderCommand(at(source.workspace));
  const tgt = renderCommand(at(target.workspace));
  const none = (list: readonly string[]) => (list.length > 0 ? list.join(", ") : "none");
  const notes: string[] = [];

  if (offline) {
    const suffixes = [source.previewSuffix, target.previewSuffix].filter(Boolean).join(", ");
    notes.push(
      `Names are the offline previews'${suffixes ? ` (random suffixes ${suffixes})` : ""}; the ` +
        `deployed workspaces have other suffixes. --apply looks each one up in its resource ` +
        `group; to run the commands by hand, take the names from ` +
        `pulumi stack output workspaceName -s ${from} (and -s ${to}).`,
      `The commands use the Azure CLI's current subscription: az account set --subscription <id> first.`,
    );
  }

  const used = [...new Set([...source.deployedModels, ...target.deployedModels])];
  if (selections.models.length === 0 && used.length > 0) {
    notes.push(
      `The stacks' online deployments use ${used.join(", ")}: each must exist in both workspaces ` +
        `before pulumi up (--models ${used.join(",")}).`,
    );
  }
  const registries = [...new Set([...source.mlRegistries, ...target.mlRegistries])];
  // Outside the offline plan, the registry's name from the preview has the wrong suffix.
  const registry = offline && registries.length > 0 ? registries[0] : "<registry>";
  const share =
    `az ml model share --name <name> --version <v> --registry-name ${shellQuote(registry)} ` +
    `--share-with-name <name> --share-with-version <v> ${src}`;
  notes.push(
    registries.length > 0
      ? `Models: better than copying, share a model once into the stacks' Azure ML registry` +
          `${offline ? ` ${registries.join(", ")}` : ""}, while the ${from} region is up ` +
          `(${share}), and deploy it from there (azureml://registries/${registry}/models/<name>/` +
          `versions/<v>): the registry replicates it to both regions, so nothing needs moving ` +
          `at failover.`
      : `Models: where you have an Azure ML registry, sharing a model into it once (${share}) ` +
          `is better than copying: both regions deploy it from there. The stacks declare no ` +
          `Azure ML registry now.`,
  );
  if (selections.models.some((m) => m.type === "mlflow_model")) {
    notes.push(
      `An MLflow model's --path must be the folder that holds its MLmodel file: if the download ` +
        `put that file one folder deeper, run the create step with that folder.`,
    );
  }

  const declaredAndSelected = selections.environments
    .map((e) => `${e.name}:${e.version}`)
    .filter((e) => target.declaredEnvironments.includes(e));
  notes.push(
    `Environments declared in this repo are created in both workspaces by the program and need ` +
      `no transfer (declared now: ${none(target.declaredEnvironments)}` +
      (declaredAndSelected.length > 0
        ? `, so --environments need not name ${declaredAndSelected.join(", ")}).`
        : ").") +
      (selections.environments.length === 0
        ? ` To find the others: az ml environment list ${src} -o table, then --environments ` +
          `name:version.`
        : ` An exported environment built from a Docker build context still points at files in ` +
          `the ${from} workspace's storage: keep its Dockerfile in git and create it from there. ` +
          `If create refuses a read-only field of the export (id, creation_context), delete that ` +
          `line from the file and run the step again.`),
  );

  const compute =
    target.computeClusters > 0
      ? ""
      : target.training === "none"
        ? ` The ${to} region has no compute clusters until it is promoted (training topology ` +
          `${target.trainingTopology}): run npm run failover -- --to ${to} first, or the jobs ` +
          `wait for compute that does not exist.`
        : ` The ${to} stack declares no compute clusters: the jobs need compute that exists there.`;
  notes.push(
    `Pipelines are submitted again from their YAML (az ml job create --file <pipeline.yml> ` +
      `${tgt}), not copied: the environments, data and compute they name must exist in the ` +
      `${to} workspace. Pipelines built in the Studio designer cannot be exported as code.` +
      compute,
  );

  notes.push(
    `Data assets (registered datasets) cannot be downloaded or moved: register them again in ` +
      `the ${to} workspace (az ml data create --file <data.yml> ${tgt}). Those on the shared ` +
      `training data (datastore ${none(target.datastores)}) work in both workspaces, since both ` +
      `attach it. Data assets declared in this repo are created by the program (declared now: ` +
      `${none(target.declaredDataAssets)}).`,
  );
  return notes;
}

/** A command that failed while `--apply` ran it. */
class StepFailure extends Error {}

interface RunResult {
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs one command without a shell; throws a {@link StepFailure} naming it if it fails. */
function execute(argv: readonly string[], label: string): RunResult {
  const result = spawnSync(argv[0], argv.slice(1), {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    maxBuffer: 512 * 1024 * 1024,
  });
  const stderr = result.stderr ?? "";
  if (result.error !== undefined || result.status !== 0) {
    const why = result.error
      ? result.error.message
      : result.status === null
        ? `killed by ${result.signal}`
        : `exit code ${result.status}`;
    throw new StepFailure(
      `${label} failed (${why}):\n  ${renderCommand(argv)}\n` +
        (stderr.trim() ? stderr.trimEnd() : "(it printed nothing on stderr)"),
    );
  }
  return { stdout: result.stdout ?? "", stderr };
}

/** Runs a command whose output is JSON, printing it first. */
function queryJson(argv: readonly string[]): unknown {
  process.stdout.write(`  $ ${renderCommand(argv)}\n`);
  const { stdout } = execute(argv, "A look-up");
  try {
    return JSON.parse(stdout);
  } catch {
    throw new StepFailure(
      `A look-up printed something that is not JSON:\n  ${renderCommand(argv)}\n${stdout.trim()}`,
    );
  }
}

function listOf(value: unknown, argv: readonly string[]): Record<string, unknown>[] {
  if (!Array.isArray(value) || value.some((v) => v === null || typeof v !== "object")) {
    throw new StepFailure(`A look-up did not print a JSON list:\n  ${renderCommand(argv)}`);
  }
  return value as Record<string, unknown>[];
}

/**
 * The deployed workspace for a side: the one workspace in its resource group whose name is the
 * preview's with any random suffix.
 */
function deployedWorkspace(side: Side): WorkspaceCoordinates {
  const { workspace, previewSuffix } = side;
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const pattern = new RegExp(
    `^${
      previewSuffix === undefined
        ? escape(workspace.workspaceName)
        : workspace.workspaceName
            .split(previewSuffix)
            .map(escape)
            .join(`[a-z0-9]{${previewSuffix.length}}`)
    }$`,
  );
  const argv = ["az", "ml", "workspace", "list", "--resource-group", workspace.resourceGroup];
  const found = listOf(queryJson([...argv, "-o", "json"]), argv)
    .map((w) => String(w.name))
    .filter((name) => pattern.test(name));
  if (found.length !== 1) {
    throw new StepFailure(
      `Resource group ${workspace.resourceGroup} has ${found.length === 0 ? "no" : "several"} ` +
        `workspaces of stack ${workspace.stack} (named like ${workspace.workspaceName} with ` +
        `another suffix)${found.length > 0 ? `: ${found.join(", ")}` : ""}. Check the ` +
        `subscription (az account show) and that the stack is deployed (pulumi stack output ` +
        `workspaceName -s ${workspace.stack}).`,
    );
  }
  return { ...workspace, workspaceName: found[0] };
}

/**
 * For `--apply` without selections: the latest version of each source model that the target
 * does not have, with its type.
 */
function discoverModels(source: WorkspaceCoordinates, target: WorkspaceCoordinates): ModelRef[] {
  const latest = (workspace: WorkspaceCoordinates) => {
    const argv = ["az", "ml", "model", "list", ...at(workspace), "-o", "json"];
    return new Map(
      listOf(queryJson(argv), argv).map((m) => [String(m.name), String(m.latest_version)]),
    );
  };
  const inSource = latest(source);
  const inTarget = latest(target);
  const models: ModelRef[] = [];
  for (const [name, version] of inSource) {
    const there = inTarget.get(name);
    if (there === version) continue;
    if (there !== undefined) {
      // The target's latest version differs; it may still hold this one.
      const argv = ["az", "ml", "model", "list", "--name", name, ...at(target), "-o", "json"];
      if (listOf(queryJson(argv), argv).some((v) => String(v.version) === version)) continue;
    }
    const argv = [
      "az",
      "ml",
      "model",
      "show",
      "--name",
      name,
      "--version",
      version,
      ...at(source),
      "-o",
      "json",
    ];
    const type = String((queryJson(argv) as Record<string, unknown> | null)?.type);
    if (!(MODEL_TYPES as readonly string[]).includes(type)) {
      throw new StepFailure(
        `Model ${name}:${version} has type ${type}, which az ml model create cannot be given; ` +
          `move it by hand.`,
      );
    }
    models.push({ name, version, type: type as ModelType });
  }
  return models;
}

/** Runs the steps in order, printing each command first. */
function runSteps(steps: readonly Step[]): void {
  steps.forEach((step, i) => {
    const label = `Step ${i + 1} of ${steps.length}`;
    process.stdout.write(
      `\n${label}: ${step.description}\n  $ ${renderCommand(step.argv, step.stdoutFile)}\n`,
    );
    let result: RunResult;
    try {
      result = execute(step.argv, label);
    } catch (err) {
      const rest = i + 1 < steps.length ? ` Steps ${i + 2} to ${steps.length} did not run.` : "";
      throw new StepFailure(
        `${(err as Error).message}\n${i > 0 ? `Steps 1 to ${i} are done.` : "Nothing was done."}${rest}`,
      );
    }
    if (step.stdoutFile !== undefined) {
      fs.mkdirSync(path.dirname(step.stdoutFile), { recursive: true });
      fs.writeFileSync(step.stdoutFile, result.stdout);
    } else {
      process.stdout.write(result.stdout);
    }
    process.stderr.write(result.stderr);
  });
}

/** Whether `az` runs and has the `ml` extension; a one-line reason when not. */
function azureCliProblem(): string | undefined {
  const probe = spawnSync("az", ["extension", "show", "--name", "ml"], { stdio: "ignore" });
  if ((probe.error as NodeJS.ErrnoException | undefined)?.code === "ENOENT") {
    return "The Azure CLI (az) is not installed or not on PATH; nothing was changed.";
  }
  if (probe.error !== undefined) {
    return `The Azure CLI (az) could not be started (${probe.error.message}); nothing was changed.`;
  }
  if (probe.status !== 0) {
    return "The Azure CLI's ml extension is not installed: run az extension add --name ml, then try again; nothing was changed.";
  }
  return undefined;
}

function stackFlag(flag: string, value: string | undefined): StackName {
  if (value === "primary" || value === "secondary") return value;
  throw new UserError(
    `--${flag} must be primary or secondary, not ${JSON.stringify(value)}.\n${USAGE}`,
  );
}

function describeWorkspace(workspace: WorkspaceCoordinates): string {
  return (
    `  ${workspace.stack.padEnd(9)}  workspace ${workspace.workspaceName}, resource group ` +
    `${workspace.resourceGroup} (${workspace.location})`
  );
}

function printNotes(notes: readonly string[]): void {
  process.stdout.write(`\nTo know:\n${notes.map((n) => `  - ${n}\n`).join("")}`);
}

/** What the command line asks for. */
export interface TransferArguments {
  readonly from: StackName;
  readonly to: StackName;
  readonly apply: boolean;
  readonly selections: Selections;
  /** `key=value` overrides, for both stacks. */
  readonly config: readonly string[];
}

/** Reads and checks the command line; relative pipeline paths are resolved from `baseDir`. */
export function parseArguments(argv: readonly string[], baseDir: string): TransferArguments {
  const flags = parseFlags(
    argv,
    { values: ["from", "to", "models", "environments", "pipelines"], switches: ["apply"] },
    USAGE,
  );
  const from = stackFlag("from", flags.values.from);
  const to = stackFlag("to", flags.values.to);
  if (from === to) {
    throw new UserError(
      `--from and --to are both ${from}: a transfer goes between the two stacks.`,
    );
  }
  const { models, environments, pipelines } = flags.values;
  return {
    from,
    to,
    apply: flags.switches.has("apply"),
    selections: {
      models: models === undefined ? [] : parseModels(models),
      environments: environments === undefined ? [] : parseAssets(environments, "--environments"),
      pipelines: pipelines === undefined ? [] : parsePipelines(pipelines, baseDir),
    },
    config: flags.config,
  };
}

async function main(argv: readonly string[]): Promise<number> {
  // npm runs scripts from the project root; INIT_CWD is where the user ran npm.
  const args = parseArguments(argv, process.env.INIT_CWD ?? process.cwd());
  const { from, to, apply, selections: given } = args;

  if (apply) {
    const problem = azureCliProblem();
    if (problem !== undefined) {
      process.stderr.write(`${problem}\n`);
      return 1;
    }
  }

  const preview = await previewTransfer(from, to, args.config);
  if (!apply) {
    const steps = planTransfer(
      preview.source.workspace,
      preview.target.workspace,
      given,
      "aml-transfer",
    );
    process.stdout.write(
      [
        `Transfer plan from ${from} to ${to} (offline; nothing was run):`,
        describeWorkspace(preview.source.workspace),
        describeWorkspace(preview.target.workspace),
        "",
        ...steps.map(
          (step, i) =>
            `  ${i + 1}. ${step.description}\n       ${renderCommand(step.argv, step.stdoutFile)}`,
        ),
        "",
      ].join("\n"),
    );
    printNotes(transferNotes(preview, given, true));
    process.stdout.write(
      `\nTo run it: ${renderCommand(["npm", "run", "transfer", "--", ...argv, "--apply"])}\n` +
        `(--apply finds the deployed workspaces and downloads into a new temporary folder.)\n`,
    );
    return 0;
  }

  try {
    process.stdout.write(`Finding the deployed workspaces:\n`);
    const source = deployedWorkspace(preview.source);
    const target = deployedWorkspace(preview.target);
    process.stdout.write(`${describeWorkspace(source)}\n${describeWorkspace(target)}\n`);
    const deployed: TransferPreview = {
      source: { ...preview.source, workspace: source },
      target: { ...preview.target, workspace: target },
    };

    let selections = given;
    const nothingGiven =
      given.models.length + given.environments.length + given.pipelines.length === 0;
    if (nothingGiven) {
      process.stdout.write(
        `\nNo --models, --environments or --pipelines: moving each model's latest version ` +
          `that the ${to} workspace lacks.\n`,
      );
      const models = discoverModels(source, target);
      if (models.length === 0) {
        process.stdout.write(
          `Nothing to move: the ${to} workspace has the latest version of every model of the ` +
            `${from} workspace.\n`,
        );
        printNotes(transferNotes(deployed, given, false));
        return 0;
      }
      process.stdout.write(
        `To move: ${models.map((m) => `${m.name}:${m.version} (${m.type})`).join(", ")}\n`,
      );
      selections = { ...given, models };
    }

    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "aml-transfer-"));
    runSteps(planTransfer(source, target, selections, workDir));
    process.stdout.write(`\nDone. Downloads and exports are in ${workDir}; delete it when done.\n`);
    printNotes(transferNotes(deployed, selections, false));
    return 0;
  } catch (err) {
    if (!(err instanceof StepFailure)) throw err;
    process.stderr.write(`${err.message}\n`);
    return 1;
  }
}

if (require.main === module) runCli(() => main(process.argv.slice(2)));
