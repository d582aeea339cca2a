import type {
  EnforcementLevel,
  Policies,
  PolicyProviderResource,
  PolicyResource,
  PolicyResourceOptions,
  ReportViolation,
  ResourceValidation,
  ResourceValidationArgs,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { policies as amlBcdrPolicies } from "../policy/rules";
import { parseFlags, runCli } from "./cli";
import { Plan, PlannedResource, planStack } from "./harness";

const USAGE = `Usage: npm run policy -- --stack <primary|secondary> [--json] [--config key=value ...]

Checks a stack against the aml-bcdr policy pack offline: plans the stack under Pulumi's mock
runtime, then runs every rule of policy/ on it, as \`pulumi preview --policy-pack policy\` would.
Exits with 1 when a mandatory rule is violated.`;

/** One violation of a rule, as `pulumi preview --policy-pack` reports it. */
export interface Violation {
  readonly policy: string;
  readonly enforcementLevel: EnforcementLevel;
  readonly message: string;
  /** The resource in violation; absent when a stack rule blames the stack as a whole. */
  readonly urn?: string;
  /** The resource's logical name and type, for reading. */
  readonly name?: string;
  readonly type?: string;
}

// What a rule throws through `notApplicable`: not a violation, just a rule with nothing to check.
class NotApplicable extends Error {}
function notApplicable(reason?: string): never {
  throw new NotApplicable(reason ?? "The policy does not apply.");
}

/** Compares a resource class's Pulumi type with a resource's, as CrossGuard's `isType` does. */
function isTypeOf(type: string, resourceClass: unknown): boolean {
  return (resourceClass as { __pulumiType?: unknown })?.__pulumiType === type;
}

function optionsOf(resource: PlannedResource): PolicyResourceOptions {
  return {
    protect: resource.protect,
    ignoreChanges: [...resource.ignoreChanges],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
    ...(resource.parent ? { parent: resource.parent } : {}),
  };
}

/** The provider's type and name from its URN (`...::pulumi:providers:azure-native::default`). */
function providerOf(resource: PlannedResource): PolicyProviderResource | undefined {
  const parts = resource.provider.split("::");
  if (parts.length < 4) return undefined;
  const type = parts[parts.length - 2].split("$").pop() as string;
  return { type, props: {}, urn: resource.provider, name: parts[parts.length - 1] };
}

/**
 * The stack as CrossGuard hands it to stack rules: every resource with its inputs (what a preview
 * knows), its parent and dependencies as resources. The harness does not record dependencies per
 * property, so rules find referenced resources by ID there.
 */
function toPolicyResources(plan: Plan): PolicyResource[] {
  const byUrn = new Map<string, PolicyResource>();
  const resources = plan.resources.map((r) => {
    const props = r.inputs as Record<string, any>;
    const resource: PolicyResource = {
      type: r.type,
      props,
      urn: r.urn,
      name: r.name,
      opts: optionsOf(r),
      provider: providerOf(r),
      dependencies: [],
      propertyDependencies: {},
      isType: (resourceClass) => isTypeOf(r.type, resourceClass),
      asType: (resourceClass) => (isTypeOf(r.type, resourceClass) ? (props as any) : undefined),
    };
    byUrn.set(r.urn, resource);
    return resource;
  });
  plan.resources.forEach((r, i) => {
    const resource = resources[i] as { parent?: PolicyResource; dependencies: PolicyResource[] };
    resource.parent = byUrn.get(r.parent);
    resource.dependencies = r.dependencies
      .map((urn) => byUrn.get(urn))
      .filter((d): d is PolicyResource => d !== undefined);
  });
  return resources;
}

function resourceArgs(resource: PlannedResource): ResourceValidationArgs {
  const props = resource.inputs as Record<string, any>;
  return {
    type: resource.type,
    props,
    urn: resource.urn,
    name: resource.name,
    opts: optionsOf(resource),
    provider: providerOf(resource),
    stackTags: new Map(),
    isType: (resourceClass) => isTypeOf(resource.type, resourceClass),
    asType: (resourceClass) =>
      isTypeOf(resource.type, resourceClass) ? (props as any) : undefined,
    getConfig: <T extends object>() => ({}) as T,
    notApplicable,
  };
}

function isStackPolicy(policy: Policies[number]): policy is StackValidationPolicy {
  return typeof (policy as StackValidationPolicy).validateStack === "function";
}

/** Runs one validation; a rule that does not apply reports nothing, a rule that fails is a bug. */
async function run(policy: string, subject: string, validate: () => unknown): Promise<void> {
  try {
    await validate();
  } catch (err) {
    if (err instanceof NotApplicable) return;
    throw new Error(`Policy ${policy} failed on ${subject}: ${(err as Error)?.message ?? err}`, {
      cause: err,
    });
  }
}

/**
 * Runs every rule against a planned stack the way CrossGuard does: each resource rule on each
 * custom resource with its inputs, each stack rule once on all resources. Returns the violations
 * in the order of the rules.
 */
export async function checkPlan(
  plan: Plan,
  policies: Policies = amlBcdrPolicies,
): Promise<Violation[]> {
  const violations: Violation[] = [];
  const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
  const stackResources = toPolicyResources(plan);

  for (const policy of policies) {
    const level = policy.enforcementLevel ?? "advisory";
    if (level === "disabled") continue;
    // CrossGuard reports a violation of a remediating rule that remains after remediation as
    // mandatory; offline nothing is remediated.
    const enforcementLevel: EnforcementLevel = level === "remediate" ? "mandatory" : level;
    const reporter =
      (fixed?: PlannedResource): ReportViolation =>
      (message, urn) => {
        const resource = fixed ?? (urn ? byUrn.get(urn) : undefined);
        violations.push({
          policy: policy.name,
          enforcementLevel,
          message,
          ...(resource
            ? { urn: resource.urn, name: resource.name, type: resource.type }
            : urn
              ? { urn }
              : {}),
        });
      };

    if (isStackPolicy(policy)) {
      const args: StackValidationArgs = {
        resources: stackResources,
        stackTags: new Map(),
        getConfig: <T extends object>() => ({}) as T,
        notApplicable,
      };
      await run(policy.name, `stack ${plan.stack}`, () => policy.validateStack(args, reporter()));
      continue;
    }

    const validations: ResourceValidation[] = [policy.validateResource ?? []].flat();
    for (const resource of plan.resources.filter((r) => r.custom)) {
      // Resource rules ignore the URN argument: a violation is always the resource's own.
      const report = reporter(resource);
      for (const validate of validations) {
        await run(policy.name, resource.urn, () => validate(resourceArgs(resource), report));
      }
    }
  }
  return violations;
}

/** The report `npm run policy` prints: violations grouped by rule, then one summary line. */
export function renderViolations(
  plan: Plan,
  violations: readonly Violation[],
  policies: Policies = amlBcdrPolicies,
): string {
  const lines: string[] = [];
  const rules = [...new Set(violations.map((v) => v.policy))];
  for (const rule of rules) {
    const own = violations.filter((v) => v.policy === rule);
    lines.push(`${rule} (${own[0].enforcementLevel})`);
    for (const v of own) {
      const where = v.name ? `${v.name} (${v.type})` : (v.urn ?? `stack ${plan.stack}`);
      lines.push(`  ${where}: ${v.message}`);
    }
    lines.push("");
  }
  lines.push(summaryLine(plan, violations, policies.length));
  return lines.join("\n");
}

function summaryLine(plan: Plan, violations: readonly Violation[], policyCount: number): string {
  const custom = plan.resources.filter((r) => r.custom).length;
  const checked = `Checked ${custom} resources of stack ${plan.stack} against ${policyCount} policies`;
  if (violations.length === 0) return `${checked}: no violations.`;
  const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory").length;
  const advisory = violations.length - mandatory;
  const total = `${violations.length} violation${violations.length === 1 ? "" : "s"}`;
  return `${checked}: ${total} (${mandatory} mandatory, ${advisory} advisory).`;
}

if (require.main === module)
  runCli(async () => {
    const flags = parseFlags(
      process.argv.slice(2),
      { values: ["stack"], switches: ["json"] },
      USAGE,
    );
    const stack = flags.values.stack ?? "primary";
    const plan = await planStack(stack, { overrides: flags.config });
    for (const warning of plan.warnings) process.stderr.write(`warning: ${warning}\n`);
    const violations = await checkPlan(plan);
    if (flags.switches.has("json")) {
      process.stdout.write(`${JSON.stringify(violations, null, 2)}\n`);
    } else {
      process.stdout.write(`${renderViolations(plan, violations)}\n`);
    }
    return violations.some((v) => v.enforcementLevel === "mandatory") ? 1 : 0;
  });
