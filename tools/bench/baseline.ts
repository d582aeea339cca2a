import * as pulumi from "@pulumi/pulumi";
import { Plan } from "../harness";

/**
 * One resource of a recorded plan, as the baseline program registers it again: the type token,
 * logical name, kind, the inputs as the program sent them, and the position of its parent in
 * the same list (undefined for a child of the stack).
 */
export interface FixtureResource {
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  readonly inputs: Record<string, unknown>;
  readonly parent?: number;
  /** The parent's logical name, for people reading the fixture. */
  readonly parentName?: string;
}

/** One stack's recorded resources, in registration order. */
export interface FixtureStack {
  readonly stack: string;
  readonly resources: readonly FixtureResource[];
}

/** Both stacks' resources: what the baseline preview registers. */
export interface BaselineFixture {
  readonly primary: FixtureStack;
  readonly secondary: FixtureStack;
}

const STACK_TYPE = "pulumi:pulumi:Stack";

/**
 * The fixture entry of every resource of `plan` except the stack, which the mock runtime
 * creates for any program.
 */
export function toFixture(plan: Plan): FixtureStack {
  const kept = plan.resources.filter((r) => r.type !== STACK_TYPE);
  const position = new Map(kept.map((r, i) => [r.urn, i]));
  return {
    stack: plan.stack,
    resources: kept.map((r) => {
      const parent = position.get(r.parent);
      return {
        type: r.type,
        name: r.name,
        custom: r.custom,
        inputs: r.inputs,
        ...(parent === undefined ? {} : { parent, parentName: kept[parent].name }),
      };
    }),
  };
}

type ResourceClass = new (
  name: string,
  args: Record<string, unknown>,
  opts: pulumi.CustomResourceOptions,
) => pulumi.Resource;

/**
 * The SDK class for a custom resource's type token: `azure-native:<module>:<Class>` from
 * `@pulumi/azure-native/<module>`, the random provider's `RandomString`, and Pulumi's
 * `StackReference`.
 */
export function resourceClass(type: string): ResourceClass {
  if (type === "pulumi:pulumi:StackReference") {
    return class extends pulumi.StackReference {
      constructor(name: string, args: Record<string, unknown>, opts: pulumi.CustomResourceOptions) {
        super(name, { name: args.name as string }, opts);
      }
    };
  }
  if (type === "random:index/randomString:RandomString") {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require("@pulumi/random").RandomString;
  }
  const match = /^azure-native:(\w+):(\w+)$/.exec(type);
  if (!match) {
    throw new Error(`The baseline has no SDK class for resource type ${type}.`);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const found = require(`@pulumi/azure-native/${match[1]}`)[match[2]];
  if (typeof found !== "function") {
    throw new Error(`@pulumi/azure-native/${match[1]} has no class ${match[2]} (for ${type}).`);
  }
  return found;
}

/**
 * A program that registers the recorded resources again with none of our logic: every input is
 * the plain value our program ended up sending, every component a bare `ComponentResource` of
 * the same type token, every parent the same. What is left is the cost of the SDKs and the mock
 * runtime for this many resources of these types.
 */
export function baselineProgram(fixture: FixtureStack): () => Promise<void> {
  return async () => {
    const created: pulumi.Resource[] = [];
    const components: pulumi.ComponentResource[] = [];
    for (const r of fixture.resources) {
      const opts = r.parent === undefined ? {} : { parent: created[r.parent] };
      if (r.custom) {
        created.push(new (resourceClass(r.type))(r.name, r.inputs, opts));
      } else {
        const component = new pulumi.ComponentResource(r.type, r.name, {}, opts);
        components.push(component);
        created.push(component);
      }
    }
    // Our components register their outputs; so do these, with nothing in them.
    for (const component of components) {
      (component as unknown as { registerOutputs(o: object): void }).registerOutputs({});
    }
  };
}
