/**
 * The library as an importer gets it: built with the project's build config into a package
 * directory laid out the way `npm install aml-bcdr` would leave it, then loaded by name from a
 * small consumer project, at run time with Node and at compile time with tsc.
 *
 * Everything is written below the OS temporary directory; the repository's `dist/` is never
 * touched, so the tests can run while someone else builds.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as ts from "typescript";

const ROOT = path.resolve(__dirname, "..");
const TSC = path.join(ROOT, "node_modules", ".bin", "tsc");
const MANIFEST = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
  name: string;
  main: string;
  types: string;
  files: string[];
};

/** The components an importer builds a deployment from. */
const COMPONENTS = [
  "Workspace",
  "SharedKeyVault",
  "GeoReplicatedAcr",
  "IsolatedDatastore",
  "DatastoreAttachment",
  "Networking",
];

/**
 * A consumer that uses the package the way the example README tells people to. The README's
 * import line is pasted in, so that a README naming something the package does not export
 * fails here.
 */
function consumerSource(readmeImport: string, redundancy: string): string {
  return `import * as pulumi from "@pulumi/pulumi";
${readmeImport}
import { GeoReplicatedAcr, IsolatedDatastore, SharedKeyVault, WorkspaceArgs } from "aml-bcdr";

const scope = "/subscriptions/s/resourceGroups/rg/providers";

export function addRegion(): pulumi.Output<string> {
  const naming = new Naming({ prefix: "amlbcdr", regionCode: "sec", suffix: "abcde" });
  const networking = new Networking("network", {
    location: "swedencentral",
    resourceGroupName: "rg",
    naming,
    addressSpace: "10.42.0.0/16",
  });
  const args: WorkspaceArgs = {
    location: "swedencentral",
    resourceGroupName: "rg",
    naming,
    keyVaultId: \`\${scope}/Microsoft.KeyVault/vaults/kv\`,
    containerRegistryId: \`\${scope}/Microsoft.ContainerRegistry/registries/acr\`,
    network: networking.privateEndpointTarget,
    defaultStorageRedundancy: ${JSON.stringify(redundancy)},
  };
  const workspace = new Workspace("workspace", args);
  new DatastoreAttachment("training-data", {
    accountId: \`\${scope}/Microsoft.Storage/storageAccounts/data\`,
    containerName: "training-data",
    workspace: {
      location: "swedencentral",
      workspaceName: workspace.workspaceName,
      resourceGroupName: "rg",
      principalId: workspace.principalId,
    },
  });
  return workspace.workspaceName;
}

export const shared = [SharedKeyVault, GeoReplicatedAcr, IsolatedDatastore];
`;
}

let work: string;
/** The consumer project. */
let consumer: string;
/** The installed package, `<consumer>/node_modules/aml-bcdr`. */
let pkg: string;

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "aml-bcdr-package-"));
  consumer = path.join(work, "consumer");
  pkg = path.join(consumer, "node_modules", MANIFEST.name);
  fs.mkdirSync(pkg, { recursive: true });

  // The package's dependencies, as npm would hoist them next to it. Links into the project's
  // own node_modules: nothing is downloaded.
  for (const dir of ["@pulumi", "@types"]) {
    fs.symlinkSync(path.join(ROOT, "node_modules", dir), path.join(consumer, "node_modules", dir));
  }

  fs.copyFileSync(path.join(ROOT, "package.json"), path.join(pkg, "package.json"));
  // `npm run build`, with the output moved from the project's dist/ to the package's.
  execFileSync(
    TSC,
    ["-p", path.join(ROOT, "tsconfig.build.json"), "--outDir", path.join(pkg, "dist")],
    { cwd: ROOT, stdio: "pipe" },
  );
});

afterAll(() => {
  // Removes the links, not what they point to.
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** Every file below `dir`, relative to `base`, with forward slashes. */
function listFiles(dir: string, base: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory()
      ? listFiles(full, base)
      : [path.relative(base, full).split(path.sep).join("/")];
  });
}

describe("the built package", () => {
  test("has its entry points where package.json's main and types say", () => {
    const built = listFiles(path.join(pkg, "dist"), pkg);
    // Shown next to the expectation, so a failure says where the build put them instead.
    const entry = (file: string) => built.find((f) => path.posix.basename(f) === file);
    expect({ main: entry("index.js"), types: entry("index.d.ts") }).toEqual({
      main: MANIFEST.main,
      types: MANIFEST.types,
    });
  });

  test("publishes its entry points", () => {
    const published = (file: string) =>
      MANIFEST.files.some((entry) => file === entry || file.startsWith(`${entry}/`));
    expect({ main: published(MANIFEST.main), types: published(MANIFEST.types) }).toEqual({
      main: true,
      types: true,
    });
  });

  test("require('aml-bcdr') gives the components as component resource classes", () => {
    // A fresh Node process in the consumer project, so that nothing of jest's module system or
    // this repository's paths helps the package resolve.
    const probe = `
      const pulumi = require("@pulumi/pulumi");
      const lib = require(${JSON.stringify(MANIFEST.name)});
      const names = ${JSON.stringify(COMPONENTS)};
      console.log(JSON.stringify(Object.fromEntries(names.map((name) => {
        const value = lib[name];
        const isClass = typeof value === "function" &&
          /^class\\b/.test(Function.prototype.toString.call(value));
        return [name, isClass && value.prototype instanceof pulumi.ComponentResource];
      }))));`;
    const output = execFileSync(process.execPath, ["-e", probe], {
      cwd: consumer,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    expect(JSON.parse(output)).toEqual(Object.fromEntries(COMPONENTS.map((name) => [name, true])));
  });

  test("index.d.ts declares the components as classes, and its declarations check clean", () => {
    const entry = path.join(pkg, MANIFEST.types);
    const program = ts.createProgram([entry], {
      strict: true,
      module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10,
      target: ts.ScriptTarget.ES2022,
      types: ["node"],
      noEmit: true,
    });
    const checker = program.getTypeChecker();
    const source = program.getSourceFile(entry);
    expect({ types: MANIFEST.types, found: source !== undefined }).toEqual({
      types: MANIFEST.types,
      found: true,
    });
    const moduleSymbol = checker.getSymbolAtLocation(source!);
    const exported = new Map(
      checker.getExportsOfModule(moduleSymbol!).map((s) => {
        const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
        return [s.name, target.flags] as const;
      }),
    );
    for (const name of COMPONENTS) {
      expect({ name, isClass: ((exported.get(name) ?? 0) & ts.SymbolFlags.Class) !== 0 }).toEqual({
        name,
        isClass: true,
      });
    }
    expect(((exported.get("WorkspaceArgs") ?? 0) & ts.SymbolFlags.Interface) !== 0).toBe(true);

    // Only the package's own declarations: the SDKs' are theirs to keep clean.
    const ownFiles = program
      .getSourceFiles()
      .filter((f) => f.fileName.startsWith(pkg.split(path.sep).join("/")));
    expect(ownFiles.length).toBeGreaterThan(1);
    const problems = ownFiles
      .flatMap((f) => [...program.getSyntacticDiagnostics(f), ...program.getSemanticDiagnostics(f)])
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    expect(problems).toEqual([]);
  });

  describe("a TypeScript consumer", () => {
    /** tsc's error lines for the two consumer files, checked in one run to keep this quick. */
    let errors: string[];
    beforeAll(() => {
      const readme = fs.readFileSync(
        path.join(ROOT, "examples", "single-region", "README.md"),
        "utf8",
      );
      const readmeImport = /^import \{[^}]+\} from "aml-bcdr";$/m.exec(readme)?.[0];
      expect(readmeImport).toBeDefined();
      fs.writeFileSync(path.join(consumer, "good.ts"), consumerSource(readmeImport!, "ZRS"));
      // Geo-redundant default storage is not allowed: Azure ML cannot fail it over.
      fs.writeFileSync(path.join(consumer, "bad.ts"), consumerSource(readmeImport!, "GRS"));
      fs.writeFileSync(
        path.join(consumer, "tsconfig.json"),
        JSON.stringify({
          compilerOptions: {
            strict: true,
            target: "es2022",
            module: "commonjs",
            moduleResolution: "node",
            types: ["node"],
            noEmit: true,
            // The SDKs' declarations are not under test; the package's are (see above).
            skipLibCheck: true,
          },
          files: ["good.ts", "bad.ts"],
        }),
      );
      try {
        execFileSync(TSC, ["-p", "tsconfig.json", "--pretty", "false"], {
          cwd: consumer,
          stdio: "pipe",
        });
        errors = [];
      } catch (err) {
        const { stdout, stderr } = err as { stdout?: Buffer; stderr?: Buffer };
        errors = `${stdout ?? ""}${stderr ?? ""}`.split("\n").filter((l) => l.trim() !== "");
      }
    });

    test("compiles against the built declarations", () => {
      // Anything not in bad.ts, including errors of the setup itself, counts against this test.
      expect(errors.filter((line) => !line.startsWith("bad.ts("))).toEqual([]);
    });

    test("is refused when it passes an argument of the wrong type", () => {
      const refused = errors.filter((line) => line.startsWith("bad.ts("));
      expect(refused).toHaveLength(1);
      expect(refused[0]).toMatch(/^bad\.ts\(\d+,\d+\): error TS2322: .*"GRS"/);
    });
  });
});
