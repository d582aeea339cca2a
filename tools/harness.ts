import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import * as pulumi from "@pulumi/pulumi";
import * as pulumiLog from "@pulumi/pulumi/log";
import {
  armId,
  isKnownType,
  MOCK_SUBSCRIPTION_ID,
  MOCK_TENANT_ID,
  stableGuid,
  stableSuffix,
} from "./armIds";

/** The project's root folder, where Pulumi.yaml lives. */
export const PROJECT_ROOT = path.resolve(__dirname, "..");
/** The organization that stack references resolve in offline runs. */
export const MOCK_ORGANIZATION = "organization";

/** A stack's configuration the way Pulumi hands it to a program: namespaced keys, string values. */
export type ConfigMap = Record<string, string>;

/** A configuration or usage mistake: printed as a short message, never as a stack trace. */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UserError";
  }
}

/** Reads `Pulumi.yaml`'s project name and main file. */
export function readProject(root = PROJECT_ROOT): { name: string; main: string } {
  const file = path.join(root, "Pulumi.yaml");
  const doc = parseYamlFile(file) as { name?: unknown; main?: unknown };
  if (typeof doc?.name !== "string") {
    throw new UserError(`${file} has no project name.`);
  }
  return { name: doc.name, main: typeof doc.main === "string" ? doc.main : "index.ts" };
}

/**
 * Reads `Pulumi.<stack>.yaml` into the map Pulumi would pass the program: keys without a
 * namespace get the project's, objects and lists become JSON.
 */
export function readStackConfig(stack: string, root = PROJECT_ROOT): ConfigMap {
  const project = readProject(root).name;
  const file = path.join(root, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(file)) {
    const known = listStacks(root);
    throw new UserError(
      `There is no stack "${stack}": ${path.basename(file)} does not exist. ` +
        `Known stacks: ${known.join(", ") || "none"}.`,
    );
  }
  const doc = parseYamlFile(file) as { config?: unknown } | null;
  if (doc === null || typeof doc !== "object" || Array.isArray(doc) || !("config" in doc)) {
    throw new UserError(
      `${path.basename(file)} is not a stack file: it needs a "config:" map of aml-bcdr settings.`,
    );
  }
  const raw = doc.config ?? {};
  if (typeof raw !== "object" || Array.isArray(raw)) {
    throw new UserError(`${path.basename(file)}: "config" must be a map of keys to values.`);
  }
  const config: ConfigMap = {};
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (value !== null && typeof value === "object" && "secure" in (value as object)) {
      throw new UserError(
        `${path.basename(file)}: ${key} is an encrypted secret; the offline preview cannot ` +
          `decrypt it. Override it with --config ${key}=<value>.`,
      );
    }
    // An empty value in YAML is null: the setting is not set, as with `pulumi config`.
    if (value === null || value === undefined) continue;
    config[qualify(key, project)] = toConfigString(value);
  }
  return config;
}

/** Every stack that has a `Pulumi.<stack>.yaml` file. */
export function listStacks(root = PROJECT_ROOT): string[] {
  return fs
    .readdirSync(root)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

/** Applies `key=value` overrides, like `pulumi -c key=value`. */
export function applyOverrides(
  config: ConfigMap,
  overrides: readonly string[],
  project: string,
): ConfigMap {
  const result = { ...config };
  for (const item of overrides) {
    const at = item.indexOf("=");
    if (at <= 0) {
      throw new UserError(`--config "${item}" is not of the form key=value.`);
    }
    result[qualify(item.slice(0, at), project)] = item.slice(at + 1);
  }
  return result;
}

function qualify(key: string, project: string): string {
  return key.includes(":") ? key : `${project}:${key}`;
}

function toConfigString(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

function parseYamlFile(file: string): unknown {
  try {
    return YAML.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new UserError(`${path.basename(file)} is not valid YAML: ${(err as Error).message}`);
  }
}

/** One resource the program registered, with what `pulumi preview --json` shows of it. */
export interface PlannedResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  readonly parent: string;
  readonly inputs: Record<string, unknown>;
  readonly dependencies: string[];
  /** For each input property, the resources its value came from (data dependencies). */
  readonly propertyDependencies: Record<string, string[]>;
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  readonly provider: string;
  readonly ignoreChanges: string[];
  readonly replaceOnChanges: string[];
  /** The mock's outputs: inputs plus what Azure would compute (IDs, endpoints). */
  readonly outputs: Record<string, unknown>;
  readonly id?: string;
}

/** The outcome of running a stack's program offline. */
export interface Plan {
  readonly project: string;
  readonly stack: string;
  readonly resources: PlannedResource[];
  readonly outputs: Record<string, unknown>;
  readonly warnings: string[];
}

/** Options for {@link runProgram}. */
export interface RunOptions {
  readonly stack: string;
  readonly config: ConfigMap;
  /** Outputs of other stacks, by fully qualified name, for `StackReference`s. */
  readonly stackOutputs?: Record<string, Record<string, unknown>>;
  /** The program; defaults to the project's `stacks/index.ts`. */
  readonly program?: () => Promise<Record<string, unknown> | void>;
  readonly root?: string;
  /**
   * Whether the online deployments the program declares already exist in Azure. Defaults to
   * `true` (the steady state); `false` shows an endpoint's first deployment.
   */
  readonly deploymentsExist?: boolean;
}

type Inputs = Record<string, any>;

let onRegistrationFailure: (reason: unknown) => void = () => undefined;
{
  // Pulumi labels each resource registration's promise "resource:<name>[<type>]".
  const debuggable = require("@pulumi/pulumi/runtime/debuggable");
  const original = debuggable.debuggablePromise;
  debuggable.debuggablePromise = (p: Promise<unknown>, ctx: unknown) => {
    if (typeof ctx === "string" && ctx.startsWith("resource:")) {
      p.catch((reason) => onRegistrationFailure(reason));
    }
    return original(p, ctx);
  };
}

/**
 * Mocks that answer the way Azure would: ARM-shaped IDs, the outputs the program reads, and a
 * refusal for anything unknown.
 */
class AzureMocks implements pulumi.runtime.Mocks {
  constructor(
    private readonly stack: string,
    private readonly stackOutputs: Record<string, Record<string, unknown>>,
    private readonly deploymentsExist = true,
  ) {}

  newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Inputs } {
    const { type, name, inputs } = args;
    if (!args.custom) {
      // Components and the stack itself: nothing in Azure, just the name.
      return { id: "", state: {} };
    }
    if (type === "pulumi:pulumi:StackReference") {
      // An unknown stack reads as a stack without outputs; the program then names the output it
      // misses. (A failed read would leave Pulumi's internal promises rejected and unobserved.)
      const outputs = this.stackOutputs[inputs.name] ?? {};
      return { id: inputs.name, state: { name: inputs.name, outputs, secretOutputNames: [] } };
    }
    if (type === "random:index/randomString:RandomString") {
      const result = stableSuffix(`${this.stack}/${name}`, inputs.length);
      return { id: result, state: { ...inputs, result } };
    }
    if (!isKnownType(type)) {
      throw new Error(
        `The offline preview has no mock for resource type ${type}; add it to tools/armIds.ts.`,
      );
    }
    const id = armId(type, inputs, name);
    return {
      id,
      state: { ...inputs, name: id.split("/").pop(), ...computedOutputs(type, inputs, id) },
    };
  }

  call(args: pulumi.runtime.MockCallArgs): Inputs {
    if (args.token === "azure-native:authorization:getClientConfig") {
      return {
        clientId: stableGuid("client"),
        objectId: stableGuid("deployer"),
        subscriptionId: MOCK_SUBSCRIPTION_ID,
        tenantId: MOCK_TENANT_ID,
      };
    }
    if (args.token === "azure-native:machinelearningservices:getOnlineDeployment") {
      if (!this.deploymentsExist) {
        throw new Error(`OnlineDeployment ${args.inputs.deploymentName} not found`);
      }
      // The offline preview shows the steady state: deployments that the program declares
      // exist, so endpoints route traffic to them.
      return { name: args.inputs.deploymentName, properties: { provisioningState: "Succeeded" } };
    }
    throw new Error(`The offline preview has no mock for the function ${args.token}.`);
  }
}

/** What Azure computes for a resource beyond its inputs, where the program reads it. */
function computedOutputs(type: string, inputs: Inputs, id: string): Inputs {
  const name = id.split("/").pop() as string;
  switch (type) {
    case "azure-native:managedidentity:UserAssignedIdentity":
      return {
        principalId: stableGuid(`${id}/principal`),
        clientId: stableGuid(`${id}/client`),
        tenantId: MOCK_TENANT_ID,
      };
    case "azure-native:keyvault:Vault":
      return { properties: { ...inputs.properties, vaultUri: `https://${name}.vault.azure.net/` } };
    case "azure-native:containerregistry:Registry":
      return { loginServer: `${name}.azurecr.io` };
    case "azure-native:storage:StorageAccount":
      return {
        primaryEndpoints: {
          blob: `https://${name}.blob.core.windows.net/`,
          file: `https://${name}.file.core.windows.net/`,
          dfs: `https://${name}.dfs.core.windows.net/`,
        },
      };
    case "azure-native:machinelearningservices:Workspace":
      return { workspaceId: stableGuid(id) };
    case "azure-native:keyvault:Key": {
      const vault = `https://${inputs.vaultName}.vault.azure.net/keys/${inputs.keyName}`;
      return { keyUri: vault, keyUriWithVersion: `${vault}/${stableSuffix(id, 32)}` };
    }
    case "azure-native:cdn:AFDEndpoint":
      return { hostName: `${inputs.endpointName}-${stableSuffix(id, 10)}.z01.azurefd.net` };
    case "azure-native:machinelearningservices:OnlineEndpoint":
      return {
        properties: {
          ...inputs.properties,
          scoringUri: `https://${inputs.endpointName}.${inputs.location}.inference.ml.azure.com/score`,
        },
      };
    default:
      return {};
  }
}

const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** Replaces secrets with a marker and drops undefined values, for printing. */
function sanitize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sanitize);
  if (value !== null && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    if (obj["4dabf18193072939515e22adb298388d"] === SECRET_SIG) return "[secret]";
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(obj).sort()) {
      if (obj[key] !== undefined) out[key] = sanitize(obj[key]);
    }
    return out;
  }
  return value;
}

/**
 * Runs a stack's program in this process under Pulumi's mock runtime and records every
 * resource it registers, with its parent, dependencies and options, and the stack outputs.
 */
export function runProgram(options: RunOptions): Promise<Plan> {
  // Pulumi's runtime state is global to the process, so runs take turns.
  const run = queue.then(() => runProgramNow(options));
  queue = run.catch(() => undefined);
  return run;
}

let queue: Promise<unknown> = Promise.resolve();

async function runProgramNow(options: RunOptions): Promise<Plan> {
  const root = options.root ?? PROJECT_ROOT;
  const project = readProject(root);
  const resources: PlannedResource[] = [];
  const warnings: string[] = [];
  let stackOutputs: Record<string, unknown> = {};

  await pulumi.runtime.setMocks(
    new AzureMocks(options.stack, options.stackOutputs ?? {}, options.deploymentsExist),
    project.name,
    options.stack,
    true,
    MOCK_ORGANIZATION,
  );
  pulumi.runtime.setAllConfig(options.config);

  const monitor = pulumi.runtime.getMonitor() as any;
  const newUrn = (parent: string, type: string, name: string): string =>
    monitor.newUrn(parent, type, name);
  const record = (req: any, custom: boolean, inputs: Inputs, isRead: boolean) => {
    const type: string = req.getType();
    const urn = newUrn(req.getParent(), type, req.getName());
    const pkg = type.split(":")[0];
    resources.push({
      urn,
      type,
      name: req.getName(),
      custom,
      parent: req.getParent(),
      inputs: sanitize(inputs) as Record<string, unknown>,
      dependencies: [...(req.getDependenciesList() as string[])].sort(),
      propertyDependencies: isRead ? {} : propertyDependencies(req),
      protect: isRead ? false : Boolean(req.getProtect()),
      retainOnDelete: isRead ? false : Boolean(req.getRetainondelete()),
      provider:
        req.getProvider() ||
        (custom && pkg !== "pulumi"
          ? `urn:pulumi:${options.stack}::${project.name}::pulumi:providers:${pkg}::default`
          : ""),
      ignoreChanges: isRead ? [] : [...(req.getIgnorechangesList() as string[])],
      replaceOnChanges: isRead ? [] : [...(req.getReplaceonchangesList() as string[])],
      outputs: {},
    });
    return resources[resources.length - 1];
  };

  const registerResource = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, callback: (err: any, resp: any) => void) => {
    const entry = record(
      req,
      req.getCustom(),
      pulumi.runtime.deserializeProperties(req.getObject()),
      false,
    );
    registerResource(req, (err: any, resp: any) => {
      if (!err && resp) {
        (entry as { id?: string }).id = resp.getId() || undefined;
        Object.assign(
          entry.outputs,
          sanitize(pulumi.runtime.deserializeProperties(resp.getObject())),
        );
      }
      callback(err, resp);
    });
  };
  const readResource = monitor.readResource.bind(monitor);
  monitor.readResource = (req: any, callback: (err: any, resp: any) => void) => {
    record(req, true, pulumi.runtime.deserializeProperties(req.getProperties()), true);
    readResource(req, callback);
  };
  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req: any, callback: (err: any, resp: any) => void) => {
    if (req.getUrn().endsWith(`::pulumi:pulumi:Stack::${project.name}-${options.stack}`)) {
      stackOutputs = sanitize(pulumi.runtime.deserializeProperties(req.getOutputs())) as Record<
        string,
        unknown
      >;
    }
    registerOutputs(req, callback);
  };

  const originalWarn = pulumiLog.warn;
  (pulumiLog as { warn: typeof pulumiLog.warn }).warn = async (message: string) => {
    warnings.push(message);
  };
  // A resource whose inputs fail (an apply that throws, a refused mock) does not reject the
  // program's promise: the failure surfaces only as an unhandled rejection, which Pulumi's
  // language host turns into an error. Test runners take over those handlers, so the harness
  // listens to the registration promises themselves.
  let abort: (reason: unknown) => void = () => undefined;
  const aborted = new Promise<never>((_, reject) => (abort = reject));
  aborted.catch(() => undefined);
  onRegistrationFailure = (reason) => abort(reason);
  const program = options.program ?? loadProgram(root, project.main);
  const stackTraceLimit = Error.stackTraceLimit;
  try {
    // An error the program throws itself (a config error, a missing stack output) is kept and
    // rethrown after the stack has closed, so that Pulumi's promises for the stack settle.
    let programError: unknown;
    const guarded = async () => {
      try {
        return await program();
      } catch (err) {
        programError = err ?? new Error("The program failed without an error.");
        return {};
      }
    };
    // Pulumi captures a stack trace for every promise and resource it creates (for leak
    // reports and source positions); with source maps installed that dominates an offline run.
    // Nothing here reads them, so the run captures none (AML_BCDR_DEBUG=1 keeps them).
    Error.stackTraceLimit = process.env.AML_BCDR_DEBUG ? stackTraceLimit : 0;
    const run = async () => {
      await pulumi.runtime.runInPulumiStack(guarded);
      if (programError !== undefined) throw programError;
      await (pulumi.runtime as any).waitForRPCs();
    };
    await Promise.race([run(), aborted]);
  } catch (err) {
    throw unwrapError(err);
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
    (pulumiLog as { warn: typeof pulumiLog.warn }).warn = originalWarn;
    onRegistrationFailure = () => undefined;
  }

  // Pulumi refuses two resources with one URN; so does the offline preview.
  const seen = new Set<string>();
  for (const r of resources) {
    if (seen.has(r.urn)) {
      throw new UserError(
        `Two resources have the URN ${r.urn}; Pulumi refuses duplicate resource names of one ` +
          `type under one parent. Give them different names.`,
      );
    }
    seen.add(r.urn);
  }
  return {
    project: project.name,
    stack: options.stack,
    resources,
    outputs: stackOutputs,
    warnings,
  };
}

function propertyDependencies(req: any): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  const map = req.getPropertydependenciesMap();
  for (const [key, deps] of map.entries() as Iterable<[string, any]>) {
    result[key] = [...(deps.getUrnsList() as string[])].sort();
  }
  return result;
}

/**
 * The error a user should see: Pulumi wraps a failure inside a resource's inputs in one
 * "error serializing property" and "failed to register resource" prefix per level.
 */
function unwrapError(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const message = err.message
    .replace(/^(error serializing property "[^"]*": )+/, "")
    .replace(/^failed to (register new|read) resource .*?\]: /, "")
    .replace(/^(error serializing property "[^"]*": )+/, "");
  if (message === err.message) return err;
  const unwrapped = new UserError(message);
  unwrapped.stack = err.stack;
  return unwrapped;
}

function loadProgram(root: string, main: string): () => Promise<Record<string, unknown> | void> {
  const modulePath = path.resolve(root, main);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require(modulePath);
  const program = typeof loaded === "function" ? loaded : loaded.default;
  if (typeof program !== "function") {
    throw new Error(`${main} must export the program as a function.`);
  }
  return program;
}

/** Options for {@link planStack}. */
export interface PlanOptions {
  /** `key=value` overrides for this stack. */
  readonly overrides?: readonly string[];
  /** `key=value` overrides for the primary, when it is run to feed a secondary. */
  readonly primaryOverrides?: readonly string[];
  readonly root?: string;
  /** Replace the stack file's config entirely (tests). */
  readonly config?: ConfigMap;
}

/**
 * The offline preview of a stack. A secondary's reference to the primary is fed from an offline
 * run of the primary stack, so the preview shows the real wiring to the shared resources.
 */
export async function planStack(stack: string, options: PlanOptions = {}): Promise<Plan> {
  const root = options.root ?? PROJECT_ROOT;
  const project = readProject(root).name;
  const config = applyOverrides(
    options.config ?? readStackConfig(stack, root),
    options.overrides ?? [],
    project,
  );

  const stackOutputs: Record<string, Record<string, unknown>> = {};
  const role = config[`${project}:role`] ?? stack;
  const sharedKeys = [
    "sharedKeyVaultId",
    "sharedRegistryId",
    "sharedDataAccountId",
    "sharedDataContainerName",
  ];
  const needsPrimary = sharedKeys.some((key) => !config[`${project}:${key}`]);
  if (role === "secondary" && needsPrimary) {
    const primaryName =
      config[`${project}:primaryStack`] ?? `${MOCK_ORGANIZATION}/${project}/primary`;
    const primaryStack = primaryName.split("/").pop() as string;
    if (!listStacks(root).includes(primaryStack)) {
      throw new UserError(
        `${project}:primaryStack "${primaryName}" (stack "${stack}") names a stack that does not ` +
          `exist here: there is no Pulumi.${primaryStack}.yaml. Set it to the primary's ` +
          `organization/project/stack name.`,
      );
    }
    {
      const primaryConfig = applyOverrides(
        readStackConfig(primaryStack, root),
        options.primaryOverrides ?? [],
        project,
      );
      const primary = await cachedRun({ stack: primaryStack, config: primaryConfig, root });
      stackOutputs[primaryName] = primary.outputs;
    }
  }
  return cachedRun({ stack, config, stackOutputs, root });
}

/**
 * Runs are deterministic: the same stack, config and referenced outputs give the same plan.
 * Tools and tests preview the same stacks many times (a secondary also runs its primary), so
 * each distinct run happens once per process; callers get their own copy.
 */
const runs = new Map<string, Promise<Plan>>();

async function cachedRun(options: RunOptions): Promise<Plan> {
  const key = JSON.stringify([options.stack, options.config, options.stackOutputs, options.root]);
  let run = runs.get(key);
  if (!run) {
    run = runProgram(options);
    runs.set(key, run);
    run.catch(() => runs.delete(key));
  }
  // A JSON copy rather than structuredClone: it builds its objects in the caller's realm (test
  // runners load code in their own), which Pulumi's `instanceof Array` checks depend on.
  return JSON.parse(JSON.stringify(await run)) as Plan;
}
