import * as pulumi from "@pulumi/pulumi";
import * as machinelearningservices from "@pulumi/azure-native/machinelearningservices";

/** An AML environment declared in the repository. */
export interface EnvironmentSpec {
  readonly name: string;
  /** Environment versions are immutable in Azure ML: change the version with the content. */
  readonly version: string;
  readonly description?: string;
  /** Base image, e.g. `mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest`. */
  readonly image?: string;
  /** Content of the conda file (the file itself lives in the repository). */
  readonly condaFile?: string;
  /** Or a Docker build: the context's URI (a Git URL or a blob path) and the Dockerfile in it. */
  readonly build?: { readonly contextUri: string; readonly dockerfilePath?: string };
}

/** A data asset pointing at a path on the shared training datastore. */
export interface DataAssetSpec {
  readonly name: string;
  readonly version: string;
  readonly description?: string;
  /** Path on the training datastore, e.g. `datasets/churn/`. */
  readonly path: string;
  /** `uri_folder` (the default) or `uri_file`. */
  readonly type?: "uri_folder" | "uri_file";
}

/** Arguments for {@link WorkspaceAssets}. */
export interface WorkspaceAssetsArgs {
  readonly workspaceName: pulumi.Input<string>;
  readonly resourceGroupName: pulumi.Input<string>;
  /** Name of the training datastore that data asset paths are on. */
  readonly datastoreName: string;
  /** The resource that creates that datastore: data assets that name it wait for it. */
  readonly datastore?: pulumi.Resource;
  readonly environments: readonly EnvironmentSpec[];
  readonly dataAssets: readonly DataAssetSpec[];
}

/**
 * Environments and data assets declared once in the repository and created the same way in a
 * workspace. Azure ML syncs no metadata between workspaces, so every region gets its own copy
 * from the same declaration; data assets resolve to the same data in either region because they
 * name the shared training datastore.
 */
export class WorkspaceAssets extends pulumi.ComponentResource {
  constructor(name: string, args: WorkspaceAssetsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("aml-bcdr:index:WorkspaceAssets", name, {}, opts);
    const scope = { workspaceName: args.workspaceName, resourceGroupName: args.resourceGroupName };

    for (const env of args.environments) {
      new machinelearningservices.EnvironmentVersion(
        `${name}-env-${env.name}-${env.version}`,
        {
          ...scope,
          name: env.name,
          version: env.version,
          properties: {
            description: env.description,
            image: env.image,
            condaFile: env.condaFile,
            build: env.build,
            osType: "Linux",
          },
        },
        // A version's content cannot change in Azure ML; a new version is a new resource.
        { parent: this, replaceOnChanges: ["properties"], deleteBeforeReplace: true },
      );
    }

    for (const data of args.dataAssets) {
      // The SDK types one literal per variant; both share the same shape.
      const type = data.type ?? "uri_folder";
      const path = data.path.replace(/^\/+/, "");
      new machinelearningservices.DataVersion(
        `${name}-data-${data.name}-${data.version}`,
        {
          ...scope,
          name: data.name,
          version: data.version,
          properties: {
            dataType: type as "uri_folder",
            dataUri: `azureml://datastores/${args.datastoreName}/paths/${path}`,
            description: data.description,
          },
        },
        {
          parent: this,
          replaceOnChanges: ["properties"],
          deleteBeforeReplace: true,
          dependsOn: args.datastore ? [args.datastore] : [],
        },
      );
    }
    this.registerOutputs({});
  }
}
