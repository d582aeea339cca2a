import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";

/**
 * Puts a `CanNotDelete` management lock on a resource. A lock stops deletion from any tool, the
 * portal included, which `protect` alone does not. Remove the lock (or set `deleteLock: false`)
 * before deleting the resource on purpose.
 */
export function lockAgainstDeletion(
  name: string,
  scope: pulumi.Input<string>,
  what: string,
  opts: pulumi.CustomResourceOptions,
): authorization.ManagementLockByScope {
  return new authorization.ManagementLockByScope(
    name,
    {
      scope,
      level: "CanNotDelete",
      lockName: "aml-bcdr-do-not-delete",
      notes: `${what} is shared by every region of this Azure ML deployment; deleting it stops failover.`,
    },
    opts,
  );
}

/** Resource options for a data-bearing resource: protected unless `protect` is false. */
export function dataOptions(
  parent: pulumi.Resource,
  protect: boolean | undefined,
  extra: pulumi.CustomResourceOptions = {},
): pulumi.CustomResourceOptions {
  return { parent, protect: protect ?? true, ...extra };
}
