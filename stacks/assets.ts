import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { DataAssetSpec, EnvironmentSpec } from "../components/workspaceAssets";
import { ConfigError, ConfigProblem } from "./config";

/** Where `assetsFile` paths are resolved from: the project root. */
export const PROJECT_ROOT_FOR_ASSETS = path.resolve(__dirname, "..");

/** The artifacts declared in the repository, read once for every workspace. */
export interface DeclaredAssets {
  readonly environments: readonly EnvironmentSpec[];
  readonly dataAssets: readonly DataAssetSpec[];
}

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,254}$/;
const VERSION = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,29}$/;

/**
 * Reads and checks the assets file (`artifacts/assets.yaml` unless the stack's `assetsFile`
 * names another). Conda files are read from paths relative to the assets file. A missing file
 * means no assets; a broken one is a configuration error naming the entry.
 */
export function loadAssets(
  stack: string,
  file: string,
  root: string,
  required = false,
): DeclaredAssets {
  const full = path.resolve(root, file);
  const problems: ConfigProblem[] = [];
  const report = (where: string, value: unknown, problem: string, fix: string) =>
    problems.push({ key: `assetsFile (${file}: ${where})`, value, problem, fix });
  if (!fs.existsSync(full)) {
    if (!required) return { environments: [], dataAssets: [] };
    // A misspelt path must not quietly remove every environment and data asset.
    report(
      "file",
      file,
      "does not exist.",
      "fix aml-bcdr:assetsFile, or remove it to use artifacts/assets.yaml.",
    );
    throw new ConfigError(stack, problems);
  }

  let doc: { environments?: unknown; dataAssets?: unknown } = {};
  try {
    doc = (YAML.parse(fs.readFileSync(full, "utf8")) ?? {}) as typeof doc;
    if (typeof doc !== "object" || Array.isArray(doc)) {
      throw new Error("it must be a map with environments and dataAssets");
    }
  } catch (err) {
    report("file", file, `is not valid YAML: ${(err as Error).message}`, "fix the file.");
    throw new ConfigError(stack, problems);
  }

  const list = (value: unknown, where: string): Record<string, unknown>[] => {
    if (value === undefined) return [];
    if (!Array.isArray(value) || value.some((v) => v === null || typeof v !== "object")) {
      report(where, value, "must be a list of entries.", "see the comments in the file.");
      return [];
    }
    return value as Record<string, unknown>[];
  };
  const named = (entry: Record<string, unknown>, where: string) => {
    if (typeof entry.name !== "string" || !NAME.test(entry.name)) {
      report(
        `${where}.name`,
        entry.name,
        "must be letters, digits, '-', '_' or '.'.",
        "rename it.",
      );
    }
    if (typeof entry.version !== "string" || !VERSION.test(entry.version)) {
      report(
        `${where}.version`,
        entry.version,
        'must be a string such as "1".',
        "quote the version.",
      );
    }
  };

  const environments: EnvironmentSpec[] = list(doc.environments, "environments").map((e, i) => {
    const where = `environments[${i}]`;
    named(e, where);
    let condaFile: string | undefined;
    if (e.condaFile !== undefined) {
      const conda = path.resolve(path.dirname(full), String(e.condaFile));
      if (path.relative(path.dirname(full), conda).startsWith("..")) {
        report(
          `${where}.condaFile`,
          e.condaFile,
          "must be inside the folder of the assets file.",
          "move the conda file next to it.",
        );
      } else if (!fs.existsSync(conda)) {
        report(
          `${where}.condaFile`,
          e.condaFile,
          "does not exist next to the assets file.",
          "add the file or fix the path.",
        );
      } else {
        condaFile = fs.readFileSync(conda, "utf8");
      }
    }
    const build = e.build as { contextUri?: unknown; dockerfilePath?: unknown } | undefined;
    if (!e.image && !build) {
      report(
        where,
        e.name,
        "needs an image (with an optional condaFile) or a build.",
        "add `image:` or `build: { contextUri }`.",
      );
    }
    if (build && typeof build.contextUri !== "string") {
      report(
        `${where}.build.contextUri`,
        build.contextUri,
        "must be the URI of the build context (a Git URL or a blob path).",
        "set it.",
      );
    }
    return {
      name: String(e.name),
      version: String(e.version),
      description: typeof e.description === "string" ? e.description : undefined,
      image: typeof e.image === "string" ? e.image : undefined,
      condaFile,
      build:
        build && typeof build.contextUri === "string"
          ? {
              contextUri: build.contextUri,
              dockerfilePath:
                typeof build.dockerfilePath === "string" ? build.dockerfilePath : undefined,
            }
          : undefined,
    };
  });

  const dataAssets: DataAssetSpec[] = list(doc.dataAssets, "dataAssets").map((d, i) => {
    const where = `dataAssets[${i}]`;
    named(d, where);
    if (
      typeof d.path !== "string" ||
      d.path === "" ||
      d.path.split("/").includes("..") ||
      /^[a-z][a-z0-9+.-]*:/i.test(d.path)
    ) {
      report(
        `${where}.path`,
        d.path,
        "must be a path on the training datastore, without '..'.",
        `e.g. "datasets/churn/".`,
      );
    }
    if (d.type !== undefined && d.type !== "uri_folder" && d.type !== "uri_file") {
      report(`${where}.type`, d.type, "must be uri_folder or uri_file.", "use one of those.");
    }
    return {
      name: String(d.name),
      version: String(d.version),
      description: typeof d.description === "string" ? d.description : undefined,
      path: String(d.path),
      type: (d.type as DataAssetSpec["type"]) ?? "uri_folder",
    };
  });

  for (const [kind, list] of [
    ["environments", environments],
    ["dataAssets", dataAssets],
  ] as const) {
    const ids = list.map((x) => `${x.name}:${x.version}`);
    const twice = ids.filter((id, i) => ids.indexOf(id) !== i);
    if (twice.length)
      report(
        kind,
        twice.join(", "),
        "declares the same name and version twice.",
        "remove or rename one.",
      );
  }
  if (problems.length > 0) throw new ConfigError(stack, problems);
  return { environments, dataAssets };
}
