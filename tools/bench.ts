import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import { parseFlags, runCli } from "./cli";
import { planStack, PROJECT_ROOT, runProgram, UserError } from "./harness";
import { BaselineFixture, toFixture } from "./bench/baseline";
import { analyzeGraph } from "./bench/graph";
import { regionsProgram } from "./bench/regions";
import { findDependsOnSites, sitesFor } from "./bench/sources";
import { Summary, summarize } from "./bench/stats";

const USAGE = `Usage: npm run bench -- [--runs N] [--skip-tests] [--json]

Measures the project offline and prints a table for the README's "Performance" section. Every
timed figure is the median of N runs (default 5; type-checking at most 3) with min and max; the
test suite runs once. Nothing here passes or fails on timing: the benchmark reports.
  --runs N       runs per timed figure
  --skip-tests   leave out the test suite (the longest figure)
  --json         print the figures as JSON, and nothing else on stdout`;

const DEFAULT_RUNS = 5;
const MAX_TYPECHECK_RUNS = 3;
const SCALING_COUNTS = [1, 2, 4, 8] as const;
const TARGETS = { previewRatio: 1.5, testsMs: 60_000 } as const;
const TIME = "/usr/bin/time";

/** The machine the figures were taken on. */
export interface Machine {
  readonly date: string;
  readonly cores: number;
  readonly cpu: string;
  readonly memoryGiB: number;
  readonly node: string;
  readonly os: string;
  /** One-minute load average when the benchmark started and ended: other work skews figures. */
  readonly loadAtStart: number;
  readonly loadAtEnd: number;
}

/** One kind of offline preview, measured in fresh processes. */
export interface PreviewRuns {
  /** Whole process, start-up and module loading included. */
  readonly wallMs: Summary;
  /** Inside the process, from the first preview to the last (program modules load here). */
  readonly previewMs: Summary;
  readonly maxRssKb: Summary;
}

/** Figure 1: our preview of both stacks against a bare program with the same resources. */
export interface PreviewFigure {
  /** Resources registered by the primary and the secondary preview together. */
  readonly resources: number;
  readonly ours: PreviewRuns;
  readonly baseline: PreviewRuns;
  /** Ours over baseline, of the medians. */
  readonly ratio: { readonly wallMs: number; readonly previewMs: number; readonly maxRss: number };
  /** Ours over baseline for each pair of runs taken back to back. */
  readonly pairedWallRatio: Summary;
}

/** A command run under `/usr/bin/time`. */
export interface CommandFigure {
  readonly command: string;
  readonly wallMs: Summary;
  /** Peak resident memory of the largest process (GNU time's %M). */
  readonly maxRssKb?: Summary;
  readonly exitCode: number;
  /** What the command reported: type errors, or the test counts. */
  readonly outcome: string;
}

/** Figure 4: one stack's resource graph. */
export interface GraphFigure {
  readonly stack: string;
  readonly resources: number;
  readonly customResources: number;
  readonly criticalPath: readonly string[];
  readonly requiredChain: readonly string[];
  readonly dependsOnOnlyEdges: readonly {
    readonly dependency: string;
    readonly dependent: string;
    readonly dependentType: string;
    /** The `dependsOn` in our code that can have added the edge, with its comment. */
    readonly sources: readonly { file: string; line: number; reason: string }[];
  }[];
}

/** Figure 5: previews of one program with more and more regions. */
export interface ScalingFigure {
  readonly rows: readonly {
    readonly regions: number;
    readonly resources: number;
    /** Dependency edges (entries of `dependencies`) over all resources. */
    readonly dependencies: number;
    readonly wallMs: Summary;
    readonly perResourceMs: number;
  }[];
  /** time(8) / time(1), of the medians. */
  readonly timeRatio: number;
  /** count(8) / count(1). */
  readonly countRatio: number;
}

export interface BenchReport {
  readonly machine: Machine;
  readonly runs: number;
  readonly preview: PreviewFigure;
  readonly typecheck: CommandFigure;
  /** Undefined with --skip-tests. */
  readonly tests?: CommandFigure;
  readonly graphs: readonly GraphFigure[];
  readonly scaling: ScalingFigure;
}

interface Options {
  readonly runs: number;
  readonly skipTests: boolean;
}

/** Runs every figure, in an order that keeps the in-process ones away from the heavy commands. */
async function bench(options: Options): Promise<BenchReport> {
  const loadAtStart = os.loadavg()[0];
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "aml-bcdr-bench-"));
  try {
    progress("planning both stacks for the graph and the baseline fixture");
    const plans = [await planStack("primary"), await planStack("secondary")];
    const graphs = plans.map((plan) => graphFigure(plan.stack, plan.resources));
    const fixtureFile = path.join(work, "baseline-fixture.json");
    const fixture: BaselineFixture = {
      primary: toFixture(plans[0]),
      secondary: toFixture(plans[1]),
    };
    fs.writeFileSync(fixtureFile, JSON.stringify(fixture));

    const scaling = await scalingFigure(options.runs);
    const preview = previewFigure(options.runs, fixtureFile);
    const typecheck = commandFigure(
      "tsc --noEmit -p .",
      [path.join(PROJECT_ROOT, "node_modules", ".bin", "tsc"), "--noEmit", "-p", "."],
      Math.min(MAX_TYPECHECK_RUNS, options.runs),
      work,
      tscOutcome,
    );
    const tests = options.skipTests
      ? undefined
      : // With the node options that `npm test` gives jest.
        commandFigure(
          "jest",
          ["env", "NODE_OPTIONS=--max-semi-space-size=128", "npx", "jest"],
          1,
          work,
          jestOutcome,
        );

    return {
      machine: machine(loadAtStart),
      runs: options.runs,
      preview,
      typecheck,
      tests,
      graphs,
      scaling,
    };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function machine(loadAtStart: number): Machine {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    cores: cpus.length,
    cpu: cpus[0]?.model.trim() ?? "unknown",
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAtStart,
    loadAtEnd: os.loadavg()[0],
  };
}

function graphFigure(stack: string, resources: Parameters<typeof analyzeGraph>[0]): GraphFigure {
  const report = analyzeGraph(resources);
  const sites = findDependsOnSites(PROJECT_ROOT);
  return {
    stack,
    resources: report.resources,
    customResources: report.customResources,
    criticalPath: report.criticalPath.map((r) => r.name),
    requiredChain: report.requiredChain.map((r) => r.name),
    dependsOnOnlyEdges: report.dependsOnOnlyEdges.map((edge) => ({
      dependency: edge.dependency.name,
      dependent: edge.dependent.name,
      dependentType: edge.dependent.type,
      sources: sitesFor(edge.dependent.type, sites).map(({ file, line, reason }) => ({
        file,
        line,
        reason,
      })),
    })),
  };
}

interface ChildResult {
  readonly wallMs: number;
  readonly previewMs: number;
  readonly maxRssKb: number;
  readonly resources: number;
}

/**
 * Figure 1. Each run is a fresh Node process under ts-node, as `npm run plan` runs. Ours and the
 * baseline alternate, and which goes first alternates too, so that drift in the machine's load
 * falls on both; one untimed run of each first brings the files into the page cache.
 */
function previewFigure(runs: number, fixtureFile: string): PreviewFigure {
  const child = path.join(__dirname, "bench", "child.ts");
  const run = (mode: "ours" | "baseline"): ChildResult => {
    const start = performance.now();
    const result = spawnSync(
      process.execPath,
      ["-r", require.resolve("ts-node/register"), child, mode, fixtureFile],
      {
        cwd: PROJECT_ROOT,
        encoding: "utf8",
        env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" },
        maxBuffer: 16 * 2 ** 20,
      },
    );
    const wallMs = performance.now() - start;
    if (result.status !== 0) {
      throw new Error(`The ${mode} preview failed (exit ${result.status}):\n${result.stderr}`);
    }
    const last = result.stdout.trim().split("\n").pop() as string;
    return { wallMs, ...(JSON.parse(last) as Omit<ChildResult, "wallMs">) };
  };

  progress("preview: warming up");
  run("ours");
  run("baseline");
  const ours: ChildResult[] = [];
  const baseline: ChildResult[] = [];
  for (let i = 0; i < runs; i++) {
    progress(`preview: run ${i + 1} of ${runs}`);
    if (i % 2 === 0) {
      ours.push(run("ours"));
      baseline.push(run("baseline"));
    } else {
      baseline.push(run("baseline"));
      ours.push(run("ours"));
    }
  }
  if (ours[0].resources !== baseline[0].resources) {
    throw new Error(
      `The baseline registered ${baseline[0].resources} resources, ours ${ours[0].resources}: ` +
        `the comparison would be unfair. Check tools/bench/baseline.ts.`,
    );
  }

  const summarizeRuns = (results: ChildResult[]): PreviewRuns => ({
    wallMs: summarize(results.map((r) => r.wallMs)),
    previewMs: summarize(results.map((r) => r.previewMs)),
    maxRssKb: summarize(results.map((r) => r.maxRssKb)),
  });
  const o = summarizeRuns(ours);
  const b = summarizeRuns(baseline);
  return {
    resources: ours[0].resources,
    ours: o,
    baseline: b,
    ratio: {
      wallMs: o.wallMs.median / b.wallMs.median,
      previewMs: o.previewMs.median / b.previewMs.median,
      maxRss: o.maxRssKb.median / b.maxRssKb.median,
    },
    pairedWallRatio: summarize(ours.map((r, i) => r.wallMs / baseline[i].wallMs)),
  };
}

/** Figure 5, in this process: one untimed run first, then each size in turn, `runs` times. */
async function scalingFigure(runs: number): Promise<ScalingFigure> {
  const preview = async (regions: number) => {
    const start = performance.now();
    const plan = await runProgram({
      stack: `regions-${regions}`,
      config: {},
      program: regionsProgram(regions),
    });
    const dependencies = plan.resources.reduce((sum, r) => sum + r.dependencies.length, 0);
    return { ms: performance.now() - start, resources: plan.resources.length, dependencies };
  };

  progress("scaling: warming up");
  await preview(1);
  const times = new Map<number, number[]>(SCALING_COUNTS.map((n) => [n, []]));
  const counts = new Map<number, { resources: number; dependencies: number }>();
  for (let i = 0; i < runs; i++) {
    progress(`scaling: run ${i + 1} of ${runs}`);
    // Every other round runs the sizes largest first, so that neither end always runs on the
    // heap the previous sizes left behind.
    const order = i % 2 === 0 ? [...SCALING_COUNTS] : [...SCALING_COUNTS].reverse();
    for (const regions of order) {
      const { ms, ...count } = await preview(regions);
      (times.get(regions) as number[]).push(ms);
      counts.set(regions, count);
    }
  }

  const rows = SCALING_COUNTS.map((regions) => {
    const wallMs = summarize(times.get(regions) as number[]);
    const { resources, dependencies } = counts.get(regions) as {
      resources: number;
      dependencies: number;
    };
    return { regions, resources, dependencies, wallMs, perResourceMs: wallMs.median / resources };
  });
  const first = rows[0];
  const last = rows[rows.length - 1];
  return {
    rows,
    timeRatio: last.wallMs.median / first.wallMs.median,
    countRatio: last.resources / first.resources,
  };
}

/** Figures 2 and 3: a command's wall time and peak memory, `runs` times. */
function commandFigure(
  label: string,
  argv: readonly string[],
  runs: number,
  work: string,
  outcome: (output: string, exitCode: number) => string,
): CommandFigure {
  const haveTime = fs.existsSync(TIME);
  const memoryFile = path.join(work, "time.txt");
  const walls: number[] = [];
  const memories: number[] = [];
  let exitCode = 0;
  let output = "";
  for (let i = 0; i < runs; i++) {
    progress(`${label}: run ${i + 1} of ${runs}`);
    const [command, args] = haveTime
      ? [TIME, ["-f", "%M", "-o", memoryFile, ...argv]]
      : [argv[0], argv.slice(1)];
    const start = performance.now();
    const result = spawnSync(command, args, {
      cwd: PROJECT_ROOT,
      encoding: "utf8",
      maxBuffer: 64 * 2 ** 20,
    });
    walls.push(performance.now() - start);
    if (result.error) throw result.error;
    exitCode = result.status ?? 1;
    output = `${result.stdout}\n${result.stderr}`;
    if (haveTime) {
      // GNU time puts "Command exited with non-zero status N" before the figure.
      const lines = fs.readFileSync(memoryFile, "utf8").trim().split("\n");
      const kb = Number(lines[lines.length - 1]);
      if (Number.isFinite(kb)) memories.push(kb);
    }
  }
  return {
    command: label,
    wallMs: summarize(walls),
    maxRssKb: memories.length > 0 ? summarize(memories) : undefined,
    exitCode,
    outcome: outcome(output, exitCode),
  };
}

function tscOutcome(output: string, exitCode: number): string {
  const errors = [...output.matchAll(/^(.+?)\(\d+,\d+\): error TS\d+/gm)].map((m) => m[1]);
  if (errors.length === 0) return exitCode === 0 ? "no type errors" : `exit ${exitCode}`;
  const files = [...new Set(errors)];
  const shown = files.slice(0, 3).join(", ") + (files.length > 3 ? ", ..." : "");
  return `${errors.length} type error${errors.length === 1 ? "" : "s"} (${shown})`;
}

function jestOutcome(output: string, exitCode: number): string {
  const tests = /^Tests:\s+(.+)$/m.exec(output)?.[1]?.trim();
  const suites = /^Test Suites:\s+(.+)$/m.exec(output)?.[1]?.trim();
  if (!tests) {
    const last = output.trim().split("\n").pop()?.trim() ?? "";
    return `exit ${exitCode}, no jest summary; last line: ${last.slice(0, 120)}`;
  }
  return `tests: ${tests}; suites: ${suites}`;
}

/** The report as the plain-text (markdown) table the README's "Performance" section takes. */
export function renderReport(report: BenchReport): string {
  const { machine: m, preview: p, scaling: s } = report;
  const lines: string[] = [];
  lines.push(
    `aml-bcdr benchmark, ${m.date}: ${m.cores} cores (${m.cpu}), ${m.memoryGiB} GiB memory, ` +
      `Node ${m.node}, ${m.os}.`,
    `Load average ${m.loadAtStart.toFixed(1)} at start, ${m.loadAtEnd.toFixed(1)} at end` +
      (Math.max(m.loadAtStart, m.loadAtEnd) > m.cores
        ? ` (above ${m.cores}: other work shared the machine and inflates the times).`
        : "."),
    `Timed figures: median of ${plural(report.runs, "run")} (min, max); type-check ` +
      `${plural(report.typecheck.wallMs.runs, "run")}; the test suite is run once.`,
    "",
    "| Figure | Median | Min | Max | Peak memory | Target | Result |",
    "| --- | ---: | ---: | ---: | ---: | --- | --- |",
  );
  const row = (cells: readonly string[]) => lines.push(`| ${cells.join(" | ")} |`);
  const timed = (label: string, t: Summary, kb: Summary | undefined, target = "", result = "") =>
    row([label, seconds(t.median), seconds(t.min), seconds(t.max), megabytes(kb), target, result]);

  timed(
    `Offline preview, both stacks: ours (${p.resources} resources)`,
    p.ours.wallMs,
    p.ours.maxRssKb,
  );
  timed(
    "Offline preview: baseline (same resources, none of our logic)",
    p.baseline.wallMs,
    p.baseline.maxRssKb,
  );
  row([
    "Ratio ours / baseline, wall time (min, max: run pairs)",
    p.ratio.wallMs.toFixed(2),
    p.pairedWallRatio.min.toFixed(2),
    p.pairedWallRatio.max.toFixed(2),
    `${p.ratio.maxRss.toFixed(2)}x`,
    `<= ${TARGETS.previewRatio}`,
    p.ratio.wallMs <= TARGETS.previewRatio ? "met" : "missed",
  ]);
  row([
    "Preview only, start-up excluded: ours / baseline",
    `${seconds(p.ours.previewMs.median)} / ${seconds(p.baseline.previewMs.median)}`,
    "",
    "",
    "",
    "",
    `ratio ${p.ratio.previewMs.toFixed(2)}`,
  ]);
  const t = report.typecheck;
  timed(`Type-check (${t.command})`, t.wallMs, t.maxRssKb, "", t.outcome);
  if (report.tests) {
    const j = report.tests;
    timed(
      `Test suite (${j.command}), run once`,
      j.wallMs,
      j.maxRssKb,
      `< ${TARGETS.testsMs / 1000} s`,
      `${j.wallMs.median < TARGETS.testsMs ? "met" : "missed"}; ${j.outcome}`,
    );
  } else {
    row([
      "Test suite (jest, as npm test runs it)",
      "skipped",
      "",
      "",
      "",
      `< ${TARGETS.testsMs / 1000} s`,
      "--skip-tests",
    ]);
  }

  lines.push(
    "",
    `Preview: \`planStack\` of the primary, then of the secondary (which previews the primary ` +
      `again to feed its stack reference), in a fresh Node process under ts-node per run. ` +
      `Baseline: the same resources, types, names, parents and final inputs, registered by bare ` +
      `SDK constructors from a recorded fixture under the same mock runtime.`,
  );
  lines.push(
    "",
    "| Stack | Resources (in Azure) | Critical path | Required chain | Target | Result |",
    "| --- | ---: | ---: | ---: | --- | --- |",
  );
  for (const g of report.graphs) {
    const extra = g.criticalPath.length - g.requiredChain.length;
    row([
      g.stack,
      `${g.resources} (${g.customResources})`,
      String(g.criticalPath.length),
      String(g.requiredChain.length),
      "<= required chain",
      extra <= 0 ? "met" : `missed: ${extra} longer`,
    ]);
  }
  lines.push(
    "",
    "Critical path: the longest chain of dependencies between resources that exist in Azure, " +
      "that is, resources Pulumi creates one after another. Required chain: the same with data " +
      "dependencies only (an input made from another resource's output), what Azure requires.",
  );
  for (const g of report.graphs) {
    lines.push(
      "",
      `${g.stack} critical path (${g.criticalPath.length}): ${g.criticalPath.join(" -> ")}`,
      `${g.stack} required chain (${g.requiredChain.length}): ${g.requiredChain.join(" -> ")}`,
    );
    if (g.dependsOnOnlyEdges.length === 0) {
      lines.push(`${g.stack}: no dependsOn-only edge on the critical path.`);
      continue;
    }
    lines.push(`${g.stack} dependsOn-only edges on the critical path:`);
    for (const e of g.dependsOnOnlyEdges) {
      const where =
        e.sources.length === 0
          ? "no dependsOn found in components/ or stacks/ for this type"
          : e.sources.map((src) => `${src.file}:${src.line} "${src.reason}"`).join("; ");
      lines.push(`- ${e.dependency} -> ${e.dependent}: ${where}`);
    }
  }

  lines.push(
    "",
    "| Regions in one program | Resources | Dependencies per resource | Median | Min | Max | Per resource |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  );
  for (const r of s.rows) {
    row([
      String(r.regions),
      String(r.resources),
      (r.dependencies / r.resources).toFixed(2),
      seconds(r.wallMs.median),
      seconds(r.wallMs.min),
      seconds(r.wallMs.max),
      `${r.perResourceMs.toFixed(1)} ms`,
    ]);
  }
  const first = s.rows[0].regions;
  const last = s.rows[s.rows.length - 1].regions;
  const growth = s.timeRatio / s.countRatio;
  lines.push(
    "",
    `From ${first} to ${last} regions: time x${s.timeRatio.toFixed(2)} for resources ` +
      `x${s.countRatio.toFixed(2)}, so ${growth.toFixed(2)} times the cost per resource ` +
      `(${growthWords(growth)}).`,
  );
  return lines.join("\n");
}

function growthWords(growth: number): string {
  if (growth > 1.1) return "faster than linear: compare the dependencies per resource";
  if (growth < 0.9) return "below linear: fixed costs weigh on the smallest program";
  return "linear";
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(2)} s` : `${(ms / 1000).toFixed(1)} s`;
}

function megabytes(kb: Summary | undefined): string {
  return kb === undefined ? "n/a" : `${Math.round(kb.median / 1024)} MB`;
}

/** One line on stderr per step when a person watches, so a minutes-long run shows it is alive. */
function progress(message: string): void {
  if (process.stderr.isTTY) process.stderr.write(`bench: ${message}\n`);
}

if (require.main === module) {
  runCli(async () => {
    const flags = parseFlags(
      process.argv.slice(2),
      { values: ["runs"], switches: ["skip-tests", "json"] },
      USAGE,
    );
    if (flags.config.length > 0) {
      throw new UserError(
        `The benchmark measures the stack files as they are; drop --config.\n${USAGE}`,
      );
    }
    const runs = Number(flags.values.runs ?? DEFAULT_RUNS);
    if (!Number.isInteger(runs) || runs < 1) {
      throw new UserError(
        `--runs "${flags.values.runs}" must be a whole number, 1 or more.\n${USAGE}`,
      );
    }
    const report = await bench({ runs, skipTests: flags.switches.has("skip-tests") });
    process.stdout.write(
      flags.switches.has("json")
        ? `${JSON.stringify(report, null, 2)}\n`
        : `${renderReport(report)}\n`,
    );
    return 0;
  });
}
