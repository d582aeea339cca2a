import * as pulumi from "@pulumi/pulumi";
import { loadStackConfig } from "./config";
import { deployPrimary } from "./primary";
import { deploySecondary } from "./secondary";

/**
 * The Pulumi program: read and validate the stack's configuration (before any resource is
 * registered), then deploy the part the stack plays. The returned object is the stack outputs.
 */
export = async () => {
  const { config, warnings } = loadStackConfig();
  for (const warning of warnings) {
    pulumi.log.warn(warning);
  }
  ignoreTagsSetOutside(config.ignoredTagKeys);
  return config.role === "primary" ? deployPrimary(config) : deploySecondary(config);
};

/**
 * Tags that Azure Policy (or another team) adds after creation would show as drift on every
 * preview and be removed by every `pulumi up`. Each key named in `ignoredTagKeys` is left alone
 * on every resource; the rest of `tags` stays managed.
 */
function ignoreTagsSetOutside(keys: readonly string[]) {
  if (keys.length === 0) return;
  const paths = keys.map((key) => `tags[${JSON.stringify(key)}]`);
  pulumi.runtime.registerStackTransformation((args) =>
    args.type.startsWith("azure-native:") && args.props.tags !== undefined
      ? {
          props: args.props,
          opts: { ...args.opts, ignoreChanges: [...(args.opts.ignoreChanges ?? []), ...paths] },
        }
      : undefined,
  );
}
