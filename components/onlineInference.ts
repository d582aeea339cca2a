import * as pulumi from "@pulumi/pulumi";
import * as machinelearningservices from "@pulumi/azure-native/machinelearningservices";
import * as random from "@pulumi/random";
import { Tags } from "./types";

/** One deployment of a model behind an online endpoint. */
export interface OnlineDeploymentSpec {
  /** Deployment name, unique within the endpoint: 3-32 lowercase letters, digits and hyphens. */
  readonly name: string;
  /**
   * The model: an asset ID such as `azureml:scoring-model:1` (registered in every workspace) or
   * `azureml://registries/<registry>/models/<name>/versions/<version>` (registered once in an AML
   * registry that spans both regions).
   */
  readonly model: string;
  /** Environment asset ID; leave out for MLflow models, which bring their own. */
  readonly environment?: string;
  /** VM size, e.g. `Standard_DS3_v2`. */
  readonly instanceType: string;
  /** Instances when serving. Defaults to 1. A standby region always runs 1. */
  readonly instanceCount?: number;
  /** Share of the endpoint's traffic, 0-100; the shares of an endpoint add up to 100. */
  readonly trafficPercent?: number;
}

/** One managed online endpoint and its deployments. */
export interface OnlineEndpointSpec {
  /** Base name: 3-20 lowercase letters, digits and hyphens, starting with a letter. */
  readonly name: string;
  /** `AADToken` (the default: Entra ID tokens, no keys), `AMLToken` or `Key`. */
  readonly authMode?: "AADToken" | "AMLToken" | "Key";
  /** Path the global entry point probes, relative to the endpoint's host. Defaults to `/`. */
  readonly healthProbePath?: string;
  readonly deployments: readonly OnlineDeploymentSpec[];
}

/** Arguments for {@link OnlineInference}. */
export interface OnlineInferenceArgs {
  readonly location: string;
  readonly regionCode: string;
  readonly resourceGroupName: pulumi.Input<string>;
  readonly workspaceName: pulumi.Input<string>;
  /** The workspace's user-assigned identity: pulls images and reads models. */
  readonly identityId: pulumi.Input<string>;
  readonly endpoints: readonly OnlineEndpointSpec[];
  /** `standby` runs each deployment on one instance, ready for traffic. Defaults to `full`. */
  readonly readiness?: "full" | "standby";
  readonly tags?: Tags;
}

/** A deployed endpoint, for the global entry point. */
export interface ServingEndpoint {
  readonly name: string;
  /** Host name of the endpoint's scoring URI, e.g. `scoring-neu-ab12cd.northeurope.inference.ml.azure.com`. */
  readonly host: pulumi.Output<string>;
  readonly healthProbePath: string;
}

/**
 * A region's managed online endpoints with their deployments. Endpoint names end in a random
 * part that is created with the endpoint, so an endpoint deleted (say, by a hot/cold region
 * after failback) and created again never reuses a name Azure may still hold.
 *
 * Endpoints accept traffic from the internet, authenticated by Entra ID token or key: the
 * global entry point reaches them there. The workspace itself stays private.
 */
export class OnlineInference extends pulumi.ComponentResource {
  readonly endpoints: readonly ServingEndpoint[];

  constructor(name: string, args: OnlineInferenceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("aml-bcdr:index:OnlineInference", name, {}, opts);
    const identity = { type: "UserAssigned", userAssignedIdentities: [args.identityId] };
    const common = {
      workspaceName: args.workspaceName,
      resourceGroupName: args.resourceGroupName,
      location: args.location,
      tags: args.tags,
    };

    this.endpoints = args.endpoints.map((spec) => {
      const unique = new random.RandomString(
        `${name}-${spec.name}-name`,
        { length: 6, special: false, upper: false, numeric: true },
        { parent: this },
      );
      const endpointName = pulumi.interpolate`${spec.name}-${args.regionCode}-${unique.result}`;
      const endpointProperties = {
        authMode: spec.authMode ?? "AADToken",
        publicNetworkAccess: "Enabled",
        description: `${spec.name} in ${args.location}, managed by aml-bcdr`,
      };
      const traffic = Object.fromEntries(
        spec.deployments.map((d) => [
          d.name,
          d.trafficPercent ?? (spec.deployments.length === 1 ? 100 : 0),
        ]),
      );
      const endpoint = new machinelearningservices.OnlineEndpoint(
        `${name}-${spec.name}`,
        {
          ...common,
          endpointName,
          identity,
          properties: {
            ...endpointProperties,
            // ARM accepts a traffic split only for deployments that exist, and a deployment
            // needs its endpoint first. So the split is sent once every deployment exists: on
            // an endpoint's first deployment that takes a second `pulumi up`.
            traffic: routableTraffic(endpointName, args, spec, traffic, this),
          },
        },
        { parent: this },
      );

      spec.deployments.map(
        (deployment) =>
          new machinelearningservices.OnlineDeployment(
            `${name}-${spec.name}-${deployment.name}`,
            {
              ...common,
              endpointName: endpoint.name,
              deploymentName: deployment.name,
              sku: {
                name: "Default",
                capacity: args.readiness === "standby" ? 1 : (deployment.instanceCount ?? 1),
              },
              properties: {
                endpointComputeType: "Managed",
                model: deployment.model,
                environmentId: deployment.environment,
                instanceType: deployment.instanceType,
                scaleSettings: { scaleType: "Default" },
                appInsightsEnabled: true,
                egressPublicNetworkAccess: "Disabled",
              },
            },
            { parent: endpoint },
          ),
      );

      return {
        name: spec.name,
        host: endpoint.properties.apply((p) => new URL(p.scoringUri ?? "").host),
        healthProbePath: spec.healthProbePath ?? "/",
      };
    });

    this.registerOutputs({ endpointHosts: this.endpoints.map((e) => e.host) });
  }
}

/**
 * The endpoint's traffic split once all its deployments exist, else none. Looked up before the
 * endpoint is written (the name is known from its random part), so the endpoint does not wait
 * on its own deployments.
 */
function routableTraffic(
  endpointName: pulumi.Output<string>,
  args: OnlineInferenceArgs,
  spec: OnlineEndpointSpec,
  traffic: Record<string, number>,
  parent: pulumi.Resource,
): pulumi.Output<Record<string, number>> {
  return pulumi
    .all([endpointName, args.workspaceName, args.resourceGroupName])
    .apply(async ([endpoint, workspaceName, resourceGroupName]) => {
      for (const deployment of spec.deployments) {
        try {
          await machinelearningservices.getOnlineDeployment(
            {
              endpointName: endpoint,
              deploymentName: deployment.name,
              workspaceName,
              resourceGroupName,
            },
            { parent },
          );
        } catch {
          pulumi.log.warn(
            `Endpoint ${endpoint}: deployment ${deployment.name} does not exist yet, so no traffic ` +
              `is routed to it; run pulumi up again once it is created.`,
            parent,
          );
          return {};
        }
      }
      return traffic;
    });
}
