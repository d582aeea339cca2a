import { spawnSync } from "child_process";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { parseFlags, runCli } from "./cli";
import { diffPlans, renderChanges, ResourceChange } from "./diff";
import { Plan, planStack, PROJECT_ROOT, UserError } from "./harness";

const USAGE = `Usage: npm run failover -- --to <secondary|primary> [--apply] [--config key=value ...]

Promotes a region: makes it the active region (aml-bcdr:activeRegion) so that it runs every
workload in full. Without --apply it only previews, offline: the resources created, updated or
deleted in the target stack, then the runbook. With --apply it sets the config and runs
\`pulumi up\` on the target stack through the Pulumi Automation API.`;

/** The preview of a promotion: the target's plan before and after, and the difference. */
export interface PromotionPreview {
  readonly target: "primary" | "secondary";
  readonly current: Plan;
  readonly promoted: Plan;
  readonly changes: ResourceChange[];
}

/** Plans the target stack as it is and as it would be once promoted, and compares them. */
export async function previewPromotion(
  target: "primary" | "secondary",
  overrides: readonly string[] = [],
): Promise<PromotionPreview> {
  // `--config` changes the target stack only; the active region is a setting of both.
  const active = `activeRegion=${target}`;
  const current = await planStack(target, { overrides });
  const promoted = await planStack(target, {
    overrides: [...overrides, active],
    primaryOverrides: [active],
  });
  return { target, current, promoted, changes: diffPlans(current.resources, promoted.resources) };
}

/** The steps the failover guide asks people to take, filled in for this deployment. */
export function runbook(preview: PromotionPreview): string {
  const { target, promoted } = preview;
  const other = target === "secondary" ? "primary" : "secondary";
  const config = JSON.stringify(promoted.outputs.workspaceConfigJson, null, 2).replace(
    /\n/g,
    "\n       ",
  );
  const hosts = promoted.outputs.globalEndpointHosts as Record<string, string> | undefined;
  return [
    `Runbook: make the ${target} region (${promoted.outputs.location}) the active one`,
    "",
    `  1. Point code at the ${target} workspace: write its config.json, read by Workspace.from_config():`,
    `       pulumi stack output workspaceConfigJson -s ${target} > config.json`,
    `       ${config}`,
    `  2. Point CI/CD at it: change the subscription, resource group and workspace name in your`,
    `     pipelines' variables to the values above, and deploy models and pipelines there.`,
    `  3. Resubmit the jobs that were running in the ${other} region: Azure ML does not move`,
    `     running jobs. List them in the ${other} workspace once it is reachable again.`,
    `  4. What fails over by itself: the Key Vault (to its Azure region pair; read-only while`,
    `     failed over), the registry (the replica in ${promoted.outputs.location} serves pulls), and`,
    `     the training data (geo-redundant; start a customer-managed failover of the storage`,
    `     account if Microsoft has not failed it over and you need writes).`,
    `  5. What never fails over: the ${other} workspace's default storage, so its run history,`,
    `     artifacts and registered assets stay there. Register datasets again in the ${target}`,
    `     workspace; export and import models and environments that are not declared as code.`,
    hosts && Object.keys(hosts).length > 0
      ? `  6. Deployed models: clients keep using the global host names (${Object.values(hosts).join(", ")}); Front Door sends them to healthy origins, the ${target} region first after promotion.`
      : `  6. Deployed models: none are configured behind the global entry point.`,
    target === "secondary"
      ? `  7. Failback: once the primary region is healthy, npm run failover -- --to primary (it updates the primary, then the secondary, which holds the global entry point).`
      : `  7. With --apply the secondary is updated after the primary: it holds the global entry point and stops acting as the active region.`,
  ].join("\n");
}

function pulumiCliAvailable(): boolean {
  const result = spawnSync("pulumi", ["version"], { stdio: "ignore" });
  return result.error === undefined && result.status === 0;
}

/** Sets the stack's config (overrides and the active region) and runs `pulumi up`. */
async function apply(target: "primary" | "secondary", overrides: readonly string[]) {
  // The promoted plan must pass validation offline before anything is written to the stack.
  await previewPromotion(target, overrides);
  const values = [...overrides, `activeRegion=${target}`].map((item) => {
    const at = item.indexOf("=");
    const key = item.slice(0, at);
    return [key.includes(":") ? key : `aml-bcdr:${key}`, item.slice(at + 1)] as const;
  });
  const up = async (name: string, settings: readonly (readonly [string, string])[]) => {
    const stack = await LocalWorkspace.selectStack({ stackName: name, workDir: PROJECT_ROOT });
    for (const [key, value] of settings) await stack.setConfig(key, { value });
    const result = await stack.up({ onOutput: (out) => process.stdout.write(out) });
    return result.summary.result === "succeeded";
  };
  if (!(await up(target, values))) return 1;
  if (target === "primary") {
    // Failback: the secondary holds the global entry point and must stop acting as the active
    // region; it is reachable, since the primary is the one coming back.
    return (await up("secondary", [["aml-bcdr:activeRegion", "primary"]])) ? 0 : 1;
  }
  process.stdout.write(
    "When the primary region is reachable again, record the change there too:\n" +
      "  pulumi config set aml-bcdr:activeRegion secondary -s primary && pulumi up -s primary\n",
  );
  return 0;
}

if (require.main === module)
  runCli(async () => {
    const flags = parseFlags(process.argv.slice(2), { values: ["to"], switches: ["apply"] }, USAGE);
    const target = flags.values.to;
    if (target !== "primary" && target !== "secondary") {
      throw new UserError(
        `--to must be primary or secondary, not ${JSON.stringify(target)}.\n${USAGE}`,
      );
    }
    if (flags.switches.has("apply")) {
      if (!pulumiCliAvailable()) {
        process.stderr.write(
          "The Pulumi CLI (pulumi) is not installed or not on PATH; nothing was changed.\n",
        );
        return 1;
      }
      return apply(target, flags.config);
    }

    const preview = await previewPromotion(target, flags.config);
    if (preview.changes.length === 0) {
      process.stdout.write(
        `The ${target} region is already the active one (aml-bcdr:activeRegion=${target}); nothing to promote.\n`,
      );
      return 0;
    }
    for (const warning of preview.promoted.warnings) process.stderr.write(`warning: ${warning}\n`);
    process.stdout.write(
      [
        `Promotion preview for stack ${target} (offline; aml-bcdr:activeRegion=${target}):`,
        "",
        renderChanges(preview.changes),
        "",
        runbook(preview),
        "",
        `To carry it out: npm run failover -- --to ${target} --apply`,
        "",
      ].join("\n"),
    );
    return 0;
  });
