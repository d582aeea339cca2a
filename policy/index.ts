import { PolicyPack } from "@pulumi/policy";
import { policies } from "./rules";

// The entry point of `pulumi preview --policy-pack <this folder>`. Constructing the pack starts
// the gRPC server that the Pulumi CLI talks to and reads the version from ./package.json, so
// nothing else imports this file: `npm run policy` and the tests import ./rules.
new PolicyPack("aml-bcdr", { policies });
