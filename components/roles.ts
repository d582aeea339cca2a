import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";

/**
 * Built-in Azure roles this library assigns, by the name Azure shows in the portal.
 * The GUIDs are the same in every Azure cloud.
 * See https://learn.microsoft.com/azure/role-based-access-control/built-in-roles
 */
export const BUILT_IN_ROLES = {
  Reader: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
  Contributor: "b24988ac-6180-42a0-ab88-20f7382dd24c",
  "AzureML Data Scientist": "f6c7c914-8db3-469d-8ca1-694a8f32e121",
  "AzureML Compute Operator": "e503ece1-11d0-4e8e-8e2c-7a6c3bf38815",
  "AzureML Registry User": "1823dd4f-9b8c-4ab6-ab4e-7397a3684615",
  "Key Vault Administrator": "00482a5a-887f-4fb3-b363-3b7fe8e74483",
  "Key Vault Secrets User": "4633458b-17de-408a-b874-0445c86b69e6",
  "Key Vault Secrets Officer": "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
  "Key Vault Crypto Service Encryption User": "e147488a-f6f5-4113-8e2d-b22465e65bf6",
  AcrPull: "7f951dda-4ed3-4680-a7ca-43fe172d538d",
  AcrPush: "8311e382-0749-4cb8-b61a-304f252e45ec",
  "Storage Blob Data Reader": "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
  "Storage Blob Data Contributor": "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
  "Storage Account Contributor": "17d1049b-9a84-46fb-8f53-869881c3d3ab",
  "Storage File Data Privileged Contributor": "69566ab7-960f-475b-8e7c-b3118f30c6bd",
} as const;

/** The name of a built-in role in {@link BUILT_IN_ROLES}. */
export type BuiltInRoleName = keyof typeof BUILT_IN_ROLES;

/** Roles that people (not workloads) may be given on a workspace through {@link PrincipalRole}. */
export const PEOPLE_ROLES = [
  "AzureML Data Scientist",
  "AzureML Compute Operator",
  "Reader",
  "Contributor",
] as const satisfies readonly BuiltInRoleName[];

export type PeopleRoleName = (typeof PEOPLE_ROLES)[number];

/** Kinds of Entra ID principal a role can be assigned to. */
export type PrincipalType = "User" | "Group" | "ServicePrincipal";

/**
 * A person, group or service principal that gets a role on each workspace. Give the same list
 * to every region so that the same people can work in whichever region is active.
 */
export interface PrincipalRole {
  /** Entra ID object ID (a GUID), not a user principal name or an application (client) ID. */
  readonly objectId: string;
  readonly role: PeopleRoleName;
  /** Defaults to `"Group"`: granting roles to groups keeps both regions in step as people come and go. */
  readonly principalType?: PrincipalType;
}

/**
 * The full role definition ID for a built-in role, in the subscription that holds `scope`.
 * Using the subscription form keeps the ID identical to what Azure returns, so refreshes show no
 * diff (a changed `roleDefinitionId` would replace the assignment).
 */
export function roleDefinitionId(
  scope: pulumi.Input<string>,
  role: BuiltInRoleName,
): pulumi.Output<string> {
  const definition = (id: string) => {
    const match = /^\/subscriptions\/([^/]+)/i.exec(id);
    if (!match) {
      throw new Error(`Cannot assign "${role}": scope "${id}" is not an Azure resource ID.`);
    }
    return `/subscriptions/${match[1]}/providers/Microsoft.Authorization/roleDefinitions/${BUILT_IN_ROLES[role]}`;
  };
  // A plain ID is checked now, before anything is registered.
  if (typeof scope === "string") return pulumi.output(definition(scope));
  return pulumi.output(scope).apply(definition);
}

/** Arguments for {@link assignRole}. */
export interface RoleAssignmentArgs {
  readonly scope: pulumi.Input<string>;
  readonly principalId: pulumi.Input<string>;
  readonly principalType: PrincipalType;
  readonly role: BuiltInRoleName;
}

/** Grants a built-in role on `scope`. */
export function assignRole(
  name: string,
  args: RoleAssignmentArgs,
  opts: pulumi.CustomResourceOptions,
): authorization.RoleAssignment {
  return new authorization.RoleAssignment(
    name,
    {
      scope: args.scope,
      principalId: args.principalId,
      // Stating the type lets Azure skip the directory lookup that fails for identities created
      // seconds earlier (replication delay in Entra ID).
      principalType: args.principalType,
      roleDefinitionId: roleDefinitionId(args.scope, args.role),
      description: `${args.role} (managed by aml-bcdr)`,
    },
    opts,
  );
}
