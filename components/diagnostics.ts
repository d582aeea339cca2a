import * as pulumi from "@pulumi/pulumi";
import * as monitor from "@pulumi/azure-native/monitor";

/**
 * Sends a resource's logs (every category) and metrics to a Log Analytics workspace. `label`
 * names the setting, so that each region can send the shared resources' logs to its own
 * workspace too (Azure allows five settings per resource).
 */
export function sendDiagnostics(
  name: string,
  args: {
    resourceUri: pulumi.Input<string>;
    logAnalyticsWorkspaceId: pulumi.Input<string>;
    label: string;
    /** Whether the resource emits logs (a storage account's logs sit on its services). */
    logs?: boolean;
  },
  opts: pulumi.CustomResourceOptions,
): monitor.DiagnosticSetting {
  return new monitor.DiagnosticSetting(
    name,
    {
      name: `aml-bcdr-${args.label}`,
      resourceUri: args.resourceUri,
      workspaceId: args.logAnalyticsWorkspaceId,
      logs: args.logs === false ? [] : [{ categoryGroup: "allLogs", enabled: true }],
      metrics: [{ category: "AllMetrics", enabled: true }],
    },
    opts,
  );
}
