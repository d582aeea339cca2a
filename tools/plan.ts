import { planStack } from "./harness";
import { parseFlags, runCli } from "./cli";
import { renderTree, toPreviewDocument } from "./preview";

const USAGE = `Usage: npm run plan -- --stack <primary|secondary> [--json] [--config key=value ...]

Previews a stack offline: runs the Pulumi program in-process under Pulumi's mock runtime and
prints the resources it would create, like \`pulumi preview\` (or its --json document).`;

if (require.main === module)
  runCli(async () => {
    const flags = parseFlags(
      process.argv.slice(2),
      { values: ["stack"], switches: ["json"] },
      USAGE,
    );
    const stack = flags.values.stack ?? "primary";
    const plan = await planStack(stack, { overrides: flags.config });
    if (flags.switches.has("json")) {
      process.stdout.write(`${JSON.stringify(toPreviewDocument(plan), null, 2)}\n`);
      for (const warning of plan.warnings) process.stderr.write(`warning: ${warning}\n`);
    } else {
      process.stdout.write(`${renderTree(plan)}\n`);
    }
    return 0;
  });
