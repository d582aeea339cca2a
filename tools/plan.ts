import * as path from "path";
import { parseFlags, runCli, takeRepeated } from "./cli";
import { planStack, PROJECT_ROOT, UserError } from "./harness";
import { renderTree, toPreviewDocument } from "./preview";
import { checkSnapshot, writeSnapshot } from "./snapshot";

const USAGE = `Usage: npm run plan -- --stack <primary|secondary> [--json | --check | --update] [--config key=value ...]

Previews a stack offline: runs the Pulumi program in-process under Pulumi's mock runtime and
prints the resources it would create, like \`pulumi preview\`.
  --json     print the document \`pulumi preview --json\` prints, and nothing else on stdout
  --check    compare with the committed snapshot plans/<stack>.json; exit 1 with a diff if it differs
  --update   rewrite plans/<stack>.json
  --primary-config key=value  for a secondary: override the primary run that feeds it`;

if (require.main === module) {
  runCli(async () => {
    const [primaryOverrides, argv] = takeRepeated(process.argv.slice(2), "primary-config");
    const flags = parseFlags(
      argv,
      { values: ["stack"], switches: ["json", "check", "update"] },
      USAGE,
    );
    const modes = ["json", "check", "update"].filter((m) => flags.switches.has(m));
    if (modes.length > 1) {
      throw new UserError(`Use one of --${modes.join(", --")} at a time.\n${USAGE}`);
    }
    const stack = flags.values.stack ?? "primary";
    const plan = await planStack(stack, { overrides: flags.config, primaryOverrides });
    // The tree shows the warnings itself; the other modes keep stdout for their output.
    if (modes.length > 0) {
      for (const warning of plan.warnings) process.stderr.write(`warning: ${warning}\n`);
    }

    if (flags.switches.has("json")) {
      process.stdout.write(`${JSON.stringify(toPreviewDocument(plan), null, 2)}\n`);
    } else if (flags.switches.has("update")) {
      const file = writeSnapshot(stack, toPreviewDocument(plan));
      process.stdout.write(
        `Wrote ${path.relative(PROJECT_ROOT, file)} (${plan.resources.length} resources).\n`,
      );
    } else if (flags.switches.has("check")) {
      const result = checkSnapshot(stack, toPreviewDocument(plan));
      if (!result.upToDate) {
        process.stdout.write(`${result.report}\n`);
        return 1;
      }
      process.stdout.write(
        `plans/${stack}.json is up to date (${plan.resources.length} resources).\n`,
      );
    } else {
      process.stdout.write(`${renderTree(plan)}\n`);
    }
    return 0;
  });
}
