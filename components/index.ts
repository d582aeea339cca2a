/**
 * aml-bcdr: Azure Machine Learning across two (or more) Azure regions, so that a regional
 * outage does not stop the people who use it.
 */
export * from "./geoReplicatedAcr";
export * from "./isolatedDatastore";
export * from "./naming";
export * from "./networking";
export * from "./privateEndpoint";
export * from "./regions";
export * from "./roles";
export * from "./sharedKeyVault";
export * from "./storageAccount";
export * from "./types";
export * from "./workspace";
export { lockAgainstDeletion } from "./locks";
export * from "./cidr";
export * from "./createOnly";
export * from "./globalEntryPoint";
export * from "./onlineInference";
export * from "./trainingCompute";
export * from "./mlRegistry";
export * from "./workspaceAssets";
export * from "./diagnostics";
