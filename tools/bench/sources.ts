import * as fs from "fs";
import * as path from "path";

/** A `dependsOn` in the project's source, with the comment that gives its reason. */
export interface DependsOnSite {
  /** Path relative to the project root. */
  readonly file: string;
  /** 1-based line of the `dependsOn`. */
  readonly line: number;
  /** Class names of the resources it applies to, e.g. `Subnet`. */
  readonly classes: readonly string[];
  /** The comment just above it, as one line; empty when there is none. */
  readonly reason: string;
}

const CONSTRUCTION = /new\s+\w+\.(\w+)\s*\(/;
const CALL = /(?:^|[=(\s])(\w+)\s*\(\s*$/;

/**
 * Every `dependsOn` in the TypeScript files of `dirs`. A site belongs to the nearest resource
 * construction above it (`new network.Subnet(`), or to a call of a helper function of these
 * files, which stands for the resources the helper constructs (`createPrivateEndpoint(` for
 * `PrivateEndpoint` and `PrivateDnsZoneGroup`). The reason is the last comment between the
 * construction and the `dependsOn`, which is where this project writes it.
 */
export function findDependsOnSites(
  root: string,
  dirs: readonly string[] = ["components", "stacks"],
): DependsOnSite[] {
  const files = dirs.flatMap((dir) => {
    const abs = path.join(root, dir);
    if (!fs.existsSync(abs)) return [];
    return fs
      .readdirSync(abs)
      .filter((f) => f.endsWith(".ts"))
      .sort()
      .map((f) => ({
        file: `${dir}/${f}`,
        lines: fs.readFileSync(path.join(abs, f), "utf8").split("\n"),
      }));
  });

  const helpers = new Map<string, string[]>();
  for (const { lines } of files) {
    for (const [name, classes] of helperConstructions(lines)) helpers.set(name, classes);
  }

  const sites: DependsOnSite[] = [];
  for (const { file, lines } of files) {
    lines.forEach((text, index) => {
      if (!/\bdependsOn\s*:/.test(text) || isComment(text)) return;
      let classes: string[] = [];
      let start = index;
      for (let i = index; i >= 0; i--) {
        const made = CONSTRUCTION.exec(lines[i]);
        const called = CALL.exec(lines[i]);
        if (made) {
          classes = [made[1]];
        } else if (called && helpers.has(called[1])) {
          classes = helpers.get(called[1]) as string[];
        } else {
          continue;
        }
        start = i;
        break;
      }
      sites.push({ file, line: index + 1, classes, reason: lastComment(lines, start, index) });
    });
  }
  return sites;
}

/** The sites that may have added an edge into a resource of `type` (an azure-native token). */
export function sitesFor(type: string, sites: readonly DependsOnSite[]): DependsOnSite[] {
  const className = type.split(":").pop() as string;
  return sites.filter((site) => site.classes.includes(className));
}

/** Top-level functions of a file and the resource classes each constructs. */
function helperConstructions(lines: readonly string[]): Map<string, string[]> {
  const result = new Map<string, string[]>();
  let current: string | undefined;
  for (const text of lines) {
    const start = /^export function (\w+)/.exec(text);
    if (start) {
      current = start[1];
      result.set(current, []);
    } else if (/^}/.test(text)) {
      current = undefined;
    } else if (current) {
      const made = CONSTRUCTION.exec(text);
      if (made) (result.get(current) as string[]).push(made[1]);
    }
  }
  for (const [name, classes] of result) if (classes.length === 0) result.delete(name);
  return result;
}

function isComment(text: string): boolean {
  return /^\s*(\/\/|\*|\/\*)/.test(text);
}

function lastComment(lines: readonly string[], from: number, to: number): string {
  let end = -1;
  for (let i = to; i >= from; i--) {
    if (/^\s*\/\//.test(lines[i])) {
      end = i;
      break;
    }
  }
  if (end < 0) return "";
  let begin = end;
  while (begin - 1 >= from && /^\s*\/\//.test(lines[begin - 1])) begin--;
  return lines
    .slice(begin, end + 1)
    .map((l) => l.replace(/^\s*\/\/\s?/, "").trim())
    .join(" ");
}
