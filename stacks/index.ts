import * as pulumi from "@pulumi/pulumi";
import { loadStackConfig } from "./config";
import { deployPrimary } from "./primary";
import { deploySecondary } from "./secondary";

/**
 * The Pulumi program: read and validate the stack's configuration (before any resource is
 * registered), then deploy the part the stack plays. The returned object is the stack outputs.
 */
export = async () => {
  const { config, warnings } = loadStackConfig();
  for (const warning of warnings) {
    pulumi.log.warn(warning);
  }
  return config.role === "primary" ? deployPrimary(config) : deploySecondary(config);
};
