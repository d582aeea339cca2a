import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { planStack, UserError } from "../tools/harness";
import {
  parseArguments,
  parseAssets,
  parseModels,
  parsePipelines,
  planTransfer,
  previewTransfer,
  renderCommand,
  shellQuote,
  Step,
  TransferPreview,
} from "../tools/transfer";

const ROOT = path.resolve(__dirname, "..");
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), "aml-transfer-test-"));
afterAll(() => fs.rmSync(TMP, { recursive: true, force: true }));

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the command as `npm run transfer --` would, without npm. */
function runTransfer(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [require.resolve("ts-node/dist/bin"), "--transpile-only", "tools/transfer.ts", ...args],
      { cwd: ROOT, env },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

/**
 * A folder with a fake `az`: it appends its arguments to `log` (one line a call) and answers
 * from `cases`, the arms of a shell `case "$*" in`. Anything else succeeds silently.
 */
function fakeAz(name: string, cases: string): { env: NodeJS.ProcessEnv; log: string; tmp: string } {
  const dir = path.join(TMP, name);
  const bin = path.join(dir, "bin");
  const tmp = path.join(dir, "tmp");
  fs.mkdirSync(bin, { recursive: true });
  fs.mkdirSync(tmp);
  const log = path.join(dir, "az.log");
  fs.writeFileSync(log, "");
  fs.writeFileSync(
    path.join(bin, "az"),
    `#!/bin/sh\nprintf '%s\\n' "$*" >> ${shellQuote(log)}\ncase "$*" in\n${cases}\nesac\nexit 0\n`,
    { mode: 0o755 },
  );
  // The fake comes first; /bin and /usr/bin give mkdir and sh. TMPDIR keeps the downloads here.
  const env = { ...process.env, PATH: `${bin}:/usr/bin:/bin`, TMPDIR: tmp };
  return { env, log, tmp };
}

const calls = (log: string) => fs.readFileSync(log, "utf8").split("\n").filter(Boolean);
const flag = (step: Step, name: string) => step.argv[step.argv.indexOf(name) + 1];
const command = (step: Step) => step.argv.slice(0, 4).join(" ");

// The child processes and the in-process previews all start at once; each run of the command
// takes a few seconds, mostly ts-node starting and the two offline previews.
let previews: Promise<TransferPreview>;
let offline: Promise<Run>;
let noAz: Promise<Run>;
let badModels: Promise<Run>;
let applied: Promise<{ run: Run; log: string; tmp: string; pipeline: string }>;
let automatic: Promise<{ run: Run; log: string }>;
let noExtension: Promise<{ run: Run; log: string }>;

/** What the fake answers for the two deployed workspaces, whose suffixes are not the preview's. */
function workspaceCases(p: TransferPreview): string {
  return [p.source, p.target]
    .map(
      (side) =>
        `  "ml workspace list --resource-group ${side.workspace.resourceGroup} -o json") ` +
        `echo '[{"name":"someone-elses-workspace"},{"name":"${deployed(side)}"}]' ;;`,
    )
    .join("\n");
}
const deployed = (side: TransferPreview["source"]) =>
  side.workspace.workspaceName.replace(side.previewSuffix as string, "zz9zz");

beforeAll(() => {
  const emptyPath = path.join(TMP, "empty-path");
  fs.mkdirSync(emptyPath);
  offline = runTransfer(["--from", "primary", "--to", "secondary", "--models", "scoring-model:1"]);
  noAz = runTransfer(["--from", "primary", "--to", "secondary", "--apply"], {
    ...process.env,
    PATH: emptyPath,
  });
  badModels = runTransfer(["--from", "primary", "--to", "secondary", "--models", "scoring-model"]);
  const fake = fakeAz("no-extension", `  "extension show --name ml") exit 1 ;;`);
  noExtension = runTransfer(["--from", "primary", "--to", "secondary", "--apply"], fake.env).then(
    (run) => ({ run, log: fake.log }),
  );

  previews = previewTransfer("primary", "secondary");
  const started = previews.then((p) => {
    const pipelineDir = path.join(TMP, "my pipelines");
    fs.mkdirSync(pipelineDir);
    const pipeline = path.join(pipelineDir, "it's train.yml");
    fs.writeFileSync(pipeline, "type: pipeline\n");

    const explicit = fakeAz(
      "explicit",
      `${workspaceCases(p)}\n  *"model list"*"-o json") echo '[]' ;;\n` +
        `  "ml environment show "*) echo 'name: e' ;;`,
    );
    const args = ["--from", "primary", "--to", "secondary", "--apply"];
    const select = ["--models", "m:1", "--environments", "e:1", "--pipelines", pipeline];

    // Without selections: pear and churn are missing from the target, scoring-model is there,
    // and the target has fraud:5 under a later latest version. Creating pear fails.
    const auto = fakeAz(
      "automatic",
      `${workspaceCases(p)}\n` +
        `  "ml model list --name fraud "*) echo '[{"version":"5"},{"version":"6"}]' ;;\n` +
        `  "ml model list --resource-group ${p.source.workspace.resourceGroup} "*) echo '[` +
        `{"name":"pear","latest_version":"1"},{"name":"scoring-model","latest_version":"2"},` +
        `{"name":"fraud","latest_version":"5"},{"name":"churn","latest_version":"3"}]' ;;\n` +
        `  "ml model list --resource-group ${p.target.workspace.resourceGroup} "*) echo '[` +
        `{"name":"scoring-model","latest_version":"2"},{"name":"fraud","latest_version":"6"}]' ;;\n` +
        `  "ml model show --name churn "*) echo '{"type":"mlflow_model"}' ;;\n` +
        `  "ml model show "*) echo '{"type":"custom_model"}' ;;\n` +
        `  "ml model create --name pear "*) echo 'ERROR: (UserError) boom' >&2; exit 1 ;;`,
    );

    applied = runTransfer([...args, ...select], explicit.env).then((run) => ({
      run,
      log: explicit.log,
      tmp: explicit.tmp,
      pipeline,
    }));
    automatic = runTransfer(args, auto.env).then((run) => ({ run, log: auto.log }));
  });
  return started;
});

describe("the transfer plan", () => {
  test("moves a model from the primary's workspace to the secondary's: download, then create", async () => {
    const { source, target } = await previews;
    expect(source.workspace.stack).toBe("primary");
    expect(target.workspace.stack).toBe("secondary");
    // The secondary's preview is fed from the primary's; it must match the harness's own.
    const plan = await planStack("secondary");
    expect(plan.outputs.workspaceConfigJson).toMatchObject({
      resource_group: target.workspace.resourceGroup,
      workspace_name: target.workspace.workspaceName,
    });
    expect(target.workspace.location).toBe(plan.outputs.location);
    expect(source.workspace.workspaceName).not.toBe(target.workspace.workspaceName);
    expect(source.workspace.resourceGroup).not.toBe(target.workspace.resourceGroup);

    const models = parseModels("m:1");
    const steps = planTransfer(
      source.workspace,
      target.workspace,
      { models, environments: [], pipelines: [] },
      "/work dir",
    );
    const download = steps.findIndex((s) => command(s) === "az ml model download");
    const create = steps.findIndex((s) => command(s) === "az ml model create");
    expect(download).toBeGreaterThanOrEqual(0);
    expect(create).toBe(download + 1);
    expect(flag(steps[download], "--resource-group")).toBe(source.workspace.resourceGroup);
    expect(flag(steps[download], "--workspace-name")).toBe(source.workspace.workspaceName);
    expect(flag(steps[create], "--resource-group")).toBe(target.workspace.resourceGroup);
    expect(flag(steps[create], "--workspace-name")).toBe(target.workspace.workspaceName);
    expect(flag(steps[create], "--path")).toBe(
      path.join(flag(steps[download], "--download-path"), "m"),
    );
    expect(flag(steps[create], "--type")).toBe("custom_model");
    // The folder exists before anything is downloaded into it.
    expect(steps[0].argv.slice(0, 2)).toEqual(["mkdir", "-p"]);
    expect(steps[0].argv).toContain(flag(steps[download], "--download-path"));
    expect(renderCommand(steps[download].argv)).toMatch(
      /^az ml model download --name 'm' --version '1' --resource-group '[^']+' /,
    );
  });

  test("without models, starts with the listing of the source's models", async () => {
    const { source, target } = await previews;
    const steps = planTransfer(
      source.workspace,
      target.workspace,
      { models: [], environments: [{ name: "e", version: "2" }], pipelines: [] },
      "w",
    );
    const list = steps.find((s) => command(s) === "az ml model list");
    expect(list?.argv).toEqual([
      "az", "ml", "model", "list",
      "--resource-group", source.workspace.resourceGroup,
      "--workspace-name", source.workspace.workspaceName,
      "-o", "table",
    ]); // prettier-ignore
    const show = steps.find((s) => command(s) === "az ml environment show");
    const create = steps.find((s) => command(s) === "az ml environment create");
    expect(show?.stdoutFile).toBeDefined();
    expect(flag(create as Step, "--file")).toBe(show?.stdoutFile);
    expect(flag(create as Step, "--workspace-name")).toBe(target.workspace.workspaceName);
  });
});

describe("shell quoting", () => {
  const tricky = [
    "it's",
    'say "hi"',
    "two  spaces",
    "$HOME `id` $(id)",
    "back\\slash",
    "new\nline",
    "",
    "*",
    "'",
  ];

  test("a POSIX shell gets back exactly the arguments", () => {
    const argv = [
      process.execPath,
      "-e",
      "process.stdout.write(JSON.stringify(process.argv.slice(1)))",
      ...tricky,
    ];
    const result = spawnSync("/bin/sh", ["-c", renderCommand(argv)], { encoding: "utf8" });
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(tricky);
    for (const value of tricky) expect(shellQuote(value)).toMatch(/^'.*'$/s);
  });

  test("a planned folder and an output file with spaces and quotes survive the shell", async () => {
    const { source, target } = await previews;
    const workDir = path.join(TMP, `quoted "dir" it's`);
    const steps = planTransfer(
      source.workspace,
      target.workspace,
      {
        models: parseModels("m:1"),
        environments: parseAssets("e:1", "--environments"),
        pipelines: [],
      },
      workDir,
    );
    const mkdir = spawnSync("/bin/sh", ["-c", renderCommand(steps[0].argv)]);
    expect(mkdir.status).toBe(0);
    expect(fs.statSync(flag(steps[1], "--download-path")).isDirectory()).toBe(true);

    const file = steps.find((s) => s.stdoutFile !== undefined)?.stdoutFile as string;
    const echo = spawnSync("/bin/sh", ["-c", renderCommand(["echo", "name: e"], file)]);
    expect(echo.status).toBe(0);
    expect(fs.readFileSync(file, "utf8")).toBe("name: e\n");
  });
});

describe("the command line", () => {
  test("reads both stacks, --apply, the selections and --config", () => {
    const args = parseArguments(
      ["--from", "secondary", "--to", "primary", "--apply", "--models", "m:1", "-c", "a=b"],
      TMP,
    );
    expect(args).toMatchObject({ from: "secondary", to: "primary", apply: true, config: ["a=b"] });
    expect(args.selections).toEqual({
      models: [{ name: "m", version: "1", type: "custom_model" }],
      environments: [],
      pipelines: [],
    });
  });

  test.each([
    [["--from", "secondary", "--to", "secondary"], /--from and --to are both secondary/],
    [["--from", "tertiary", "--to", "secondary"], /--from must be primary or secondary/],
    [["--from", "primary"], /--to must be primary or secondary/],
    [["--from", "primary", "--to", "secondary", "--models"], /--models needs a value/],
  ])("refuses %j", (argv, message) => {
    const parse = () => parseArguments(argv, TMP);
    expect(parse).toThrow(UserError);
    expect(parse).toThrow(message);
  });
});

describe("selections", () => {
  test("reads models with an optional type, environments and pipeline files", () => {
    expect(parseModels("a:1, b.c:2:mlflow_model")).toEqual([
      { name: "a", version: "1", type: "custom_model" },
      { name: "b.c", version: "2", type: "mlflow_model" },
    ]);
    expect(parseAssets("env:3", "--environments")).toEqual([{ name: "env", version: "3" }]);
    const file = path.join(TMP, "p.yml");
    fs.writeFileSync(file, "type: pipeline\n");
    expect(parsePipelines("p.yml", TMP)).toEqual([file]);
  });

  test.each([
    ["--models", () => parseModels("scoring-model")],
    ["--models", () => parseModels("m:1:tensorflow")],
    ["--models", () => parseModels("m:1,,n:2")],
    ["--models", () => parseModels("m:1,m:1")],
    ["--models", () => parseModels("my model:1")],
    ["--models", () => parseModels("m:1:custom_model:x")],
    ["--environments", () => parseAssets("env", "--environments")],
    ["--environments", () => parseAssets("env:", "--environments")],
    ["--pipelines", () => parsePipelines("no-such-pipeline.yml", TMP)],
  ])("refuses a malformed %s, naming the flag", (name, parse) => {
    expect(parse).toThrow(UserError);
    expect(parse).toThrow(name);
  });
});

describe("npm run transfer", () => {
  test("previews offline: exit 0, the numbered steps for both workspaces", async () => {
    const { status, stdout, stderr } = await offline;
    const { source, target } = await previews;
    expect(stderr).toBe("");
    expect(status).toBe(0);
    const download = stdout.indexOf("  2. Download model scoring-model:1 from the primary");
    const create = stdout.indexOf(
      "  3. Create model scoring-model:1 (custom_model) in the secondary",
    );
    expect(download).toBeGreaterThan(0);
    expect(create).toBeGreaterThan(download);
    expect(stdout).toContain(
      `az ml model download --name 'scoring-model' --version '1' --resource-group ` +
        `'${source.workspace.resourceGroup}' --workspace-name '${source.workspace.workspaceName}'`,
    );
    expect(stdout).toContain(
      `--resource-group '${target.workspace.resourceGroup}' --workspace-name ` +
        `'${target.workspace.workspaceName}'`,
    );
    expect(stdout).toMatch(/Data assets .*register them again/);
    expect(stdout).toMatch(/Environments declared in this repo are created in both workspaces/);
    expect(stdout).toContain("az ml model share");
  });

  test("refuses a malformed --models with a short message and exit code 2", async () => {
    const { status, stderr } = await badModels;
    expect(status).toBe(2);
    expect(stderr.split("\n")[0]).toMatch(/^--models "scoring-model" is not name:version/);
    expect(stderr).not.toMatch(/^\s+at /m);
  });

  test("--apply without the Azure CLI says so in one line and changes nothing", async () => {
    const { status, stdout, stderr } = await noAz;
    expect(status).toBe(1);
    expect(stdout).toBe("");
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(/Azure CLI \(az\) is not installed.*nothing was changed/);
  });

  test("--apply without the ml extension says to add it, in one line", async () => {
    const { run, log } = await noExtension;
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain("az extension add --name ml");
    expect(calls(log)).toEqual(["extension show --name ml"]);
  });

  test("--apply runs the planned commands in order, in the deployed workspaces", async () => {
    const { run, log, tmp, pipeline } = await applied;
    const { source, target } = await previews;
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const [workDir] = fs.readdirSync(tmp).map((d) => path.join(tmp, d));
    const src = `--resource-group ${source.workspace.resourceGroup} --workspace-name ${deployed(source)}`;
    const tgt = `--resource-group ${target.workspace.resourceGroup} --workspace-name ${deployed(target)}`;
    const env = path.join(workDir, "environments", "e", "1.yaml");
    expect(calls(log)).toEqual([
      "extension show --name ml",
      `ml workspace list --resource-group ${source.workspace.resourceGroup} -o json`,
      `ml workspace list --resource-group ${target.workspace.resourceGroup} -o json`,
      `ml model download --name m --version 1 ${src} --download-path ${workDir}/models/m/1`,
      `ml model create --name m --version 1 --path ${workDir}/models/m/1/m --type custom_model ${tgt}`,
      `ml environment show --name e --version 1 ${src} -o yaml`,
      `ml environment create --file ${env} ${tgt}`,
      `ml job create --file ${pipeline} ${tgt}`,
    ]);
    expect(fs.readFileSync(env, "utf8")).toBe("name: e\n");
    // After the look-up, nothing names the offline previews' workspaces.
    expect(run.stdout).not.toContain(source.workspace.workspaceName);
    expect(run.stdout).not.toContain(target.workspace.workspaceName);
    // Each command is printed before it runs.
    expect(run.stdout).toContain(
      `  $ az ml job create --file ${shellQuote(pipeline)} --resource-group ` +
        `'${target.workspace.resourceGroup}' --workspace-name '${deployed(target)}'`,
    );
  });

  test("--apply alone picks the models the target lacks and stops at the first failure", async () => {
    const { run, log } = await automatic;
    const { source, target } = await previews;
    const src = `--resource-group ${source.workspace.resourceGroup} --workspace-name ${deployed(source)}`;
    const tgt = `--resource-group ${target.workspace.resourceGroup} --workspace-name ${deployed(target)}`;
    expect(
      calls(log)
        .slice(3)
        .map((c) => c.replace(/ --(download-)?path \S+/, "")),
    ).toEqual([
      `ml model list ${src} -o json`,
      `ml model list ${tgt} -o json`,
      `ml model show --name pear --version 1 ${src} -o json`,
      `ml model list --name fraud ${tgt} -o json`,
      `ml model show --name churn --version 3 ${src} -o json`,
      `ml model download --name pear --version 1 ${src}`,
      `ml model create --name pear --version 1 --type custom_model ${tgt}`,
    ]);
    expect(run.stdout).toContain("To move: pear:1 (custom_model), churn:3 (mlflow_model)");

    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      /^Step 3 of 5 failed \(exit code 1\):\n {2}az ml model create --name 'pear' /,
    );
    expect(run.stderr).toContain("ERROR: (UserError) boom");
    expect(run.stderr).toContain("Steps 1 to 2 are done. Steps 4 to 5 did not run.");
  });
});
