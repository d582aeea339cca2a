/** Tags applied to every Azure resource a component creates. */
export type Tags = Readonly<Record<string, string>>;

/**
 * Settings every component in this library shares.
 */
export interface CommonArgs {
  /** Tags for every Azure resource the component creates. */
  readonly tags?: Tags;
  /**
   * Protect data-bearing resources (workspaces, storage accounts, vault, registry, datastores)
   * against `pulumi destroy` and against replacement. Defaults to `true`. To remove such a
   * resource on purpose, set this to `false`, run `pulumi up`, then remove it.
   */
  readonly protectData?: boolean;
}
