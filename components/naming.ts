import * as pulumi from "@pulumi/pulumi";

/** Length of the random suffix that makes globally unique names unique. */
export const SUFFIX_LENGTH = 5;

/** What a name prefix may look like: short enough that every generated name stays valid. */
export const PREFIX_PATTERN = /^[a-z][a-z0-9]{1,9}$/;

/** Explains the prefix rule in error messages. */
export const PREFIX_RULE =
  "2 to 10 characters, lowercase letters and digits, starting with a letter";

/**
 * The kinds of Azure resource this library names, with Azure's own naming rules.
 * See https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules
 */
export const NAME_RULES = {
  resourceGroup: { pattern: /^[a-zA-Z0-9._()-]{1,90}$/, rule: "1-90 characters" },
  virtualNetwork: { pattern: /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,62}[a-zA-Z0-9_]$/, rule: "2-64" },
  networkSecurityGroup: { pattern: /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,78}[a-zA-Z0-9_]$/, rule: "2-80" },
  privateEndpoint: { pattern: /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,78}[a-zA-Z0-9_]$/, rule: "2-80" },
  storageAccount: { pattern: /^[a-z0-9]{3,24}$/, rule: "3-24 lowercase letters and digits" },
  keyVault: {
    pattern: /^(?!.*--)[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/,
    rule: "3-24 letters, digits and single hyphens, starting with a letter",
  },
  containerRegistry: { pattern: /^[a-zA-Z0-9]{5,50}$/, rule: "5-50 letters and digits" },
  workspace: {
    pattern: /^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$/,
    rule: "3-33 letters, digits, hyphens and underscores, starting with a letter or digit",
  },
  logAnalyticsWorkspace: { pattern: /^[a-zA-Z0-9][a-zA-Z0-9-]{2,61}[a-zA-Z0-9]$/, rule: "4-63" },
  applicationInsights: { pattern: /^[^%&\\?/]{1,255}$/, rule: "1-255, none of %&\\?/" },
  userAssignedIdentity: { pattern: /^[a-zA-Z0-9][a-zA-Z0-9_-]{2,127}$/, rule: "3-128" },
  mlRegistry: {
    pattern: /^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$/,
    rule: "3-33 letters, digits, hyphens and underscores, starting with a letter or digit",
  },
  frontDoorProfile: { pattern: /^[a-zA-Z0-9][a-zA-Z0-9-]{0,258}[a-zA-Z0-9]$/, rule: "2-260" },
} as const;

export type NameKind = keyof typeof NAME_RULES;

/** The parts every generated name is built from; all known before any resource exists. */
export interface NameParts {
  /** Validated against {@link PREFIX_PATTERN}. */
  readonly prefix: string;
  /** The region's short code, e.g. `neu` for northeurope. */
  readonly regionCode: string;
  /** Lowercase letters and digits, {@link SUFFIX_LENGTH} long. */
  readonly suffix: string;
}

const HYPHENATED: Partial<Record<NameKind, string>> = {
  keyVault: "kv",
  workspace: "mlw",
  logAnalyticsWorkspace: "log",
  applicationInsights: "appi",
  userAssignedIdentity: "id",
  frontDoorProfile: "afd",
  mlRegistry: "mlr",
};

/**
 * The Azure name for a resource of `kind`. `role` tells two resources of one kind apart in one
 * region (for example `ws` for a workspace's default storage and `dt` for training data).
 *
 * Storage accounts and registries allow no hyphens and are globally unique, so their names are
 * compact; names scoped to a resource group need no suffix and stay readable for operators.
 */
export function azureName(kind: NameKind, parts: NameParts, role = ""): string {
  const { prefix, regionCode, suffix } = parts;
  const tail = role ? `-${role}` : "";
  let name: string;
  switch (kind) {
    case "storageAccount":
      name = `${prefix}${regionCode}${role || "st"}${suffix}`;
      break;
    case "containerRegistry":
      name = `${prefix}${regionCode}acr${suffix}`;
      break;
    case "resourceGroup":
      name = `${prefix}-${regionCode}${tail}-rg`;
      break;
    case "virtualNetwork":
      name = `${prefix}-${regionCode}-vnet`;
      break;
    case "networkSecurityGroup":
      name = `${prefix}-${regionCode}-nsg${tail}`;
      break;
    case "privateEndpoint":
      name = `${prefix}-${regionCode}-pe${tail}`;
      break;
    default:
      name = `${prefix}-${regionCode}-${HYPHENATED[kind]}${tail}-${suffix}`;
  }
  const { pattern, rule } = NAME_RULES[kind];
  if (!pattern.test(name)) {
    // Validation of the prefix makes this unreachable for accepted configs; the check keeps a
    // future naming change from sending Azure a name it will refuse halfway through a deploy.
    throw new Error(`Generated ${kind} name "${name}" breaks Azure's rule (${rule}).`);
  }
  return name;
}

/** Arguments for {@link Naming}. */
export interface NamingArgs {
  readonly prefix: string;
  readonly regionCode: string;
  /**
   * A stable random suffix, normally the result of a `random.RandomString` that lives as long as
   * the stack, so names stay the same across updates.
   */
  readonly suffix: pulumi.Input<string>;
}

/** Names every resource of one region from one prefix, region code and stable suffix. */
export class Naming {
  readonly prefix: string;
  readonly regionCode: string;
  readonly suffix: pulumi.Output<string>;

  constructor(args: NamingArgs) {
    if (!PREFIX_PATTERN.test(args.prefix)) {
      throw new Error(`Name prefix "${args.prefix}" is not allowed: use ${PREFIX_RULE}.`);
    }
    this.prefix = args.prefix;
    this.regionCode = args.regionCode;
    this.suffix = pulumi.output(args.suffix);
  }

  /** The Azure name of a resource of `kind`; see {@link azureName}. */
  name(kind: NameKind, role = ""): pulumi.Output<string> {
    return this.suffix.apply((suffix) =>
      azureName(kind, { prefix: this.prefix, regionCode: this.regionCode, suffix }, role),
    );
  }

  /** A name that needs no suffix (resource-group scoped), known without waiting on outputs. */
  plainName(kind: NameKind, role = ""): string {
    return azureName(kind, { prefix: this.prefix, regionCode: this.regionCode, suffix: "" }, role);
  }
}
