/**
 * One timed run of the offline preview of both stacks, in a Node process of its own, so that
 * module loading is measured and no run reuses another's caches. tools/bench.ts starts it:
 *
 *   child.ts ours                 planStack("primary"), then planStack("secondary")
 *   child.ts baseline <fixture>   the same registrations from the recorded fixture
 *
 * It prints one JSON line: resources registered, milliseconds spent in the previews, and the
 * process's peak resident memory in kilobytes.
 */
import * as fs from "fs";
import { performance } from "perf_hooks";
import { planStack, runProgram } from "../harness";
import { BaselineFixture, baselineProgram } from "./baseline";

async function main(): Promise<void> {
  const [mode, fixtureFile] = process.argv.slice(2);
  const start = performance.now();
  let resources = 0;
  if (mode === "ours") {
    for (const stack of ["primary", "secondary"]) {
      resources += (await planStack(stack)).resources.length;
    }
  } else if (mode === "baseline" && fixtureFile) {
    const fixture = JSON.parse(fs.readFileSync(fixtureFile, "utf8")) as BaselineFixture;
    // planStack("secondary") runs the primary first to feed its stack reference; the baseline
    // registers the primary's resources that second time as well, uncounted like planStack's.
    const runs = [
      { stack: fixture.primary, counted: true },
      { stack: fixture.primary, counted: false },
      { stack: fixture.secondary, counted: true },
    ];
    for (const { stack, counted } of runs) {
      const plan = await runProgram({
        stack: stack.stack,
        config: {},
        program: baselineProgram(stack),
      });
      if (counted) resources += plan.resources.length;
    }
  } else {
    throw new Error("usage: child.ts ours | child.ts baseline <fixture.json>");
  }
  const previewMs = performance.now() - start;
  const maxRssKb = process.resourceUsage().maxRSS;
  process.stdout.write(`${JSON.stringify({ resources, previewMs, maxRssKb })}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  },
);
