import * as fs from "fs";
import * as path from "path";
import { diffPlans, renderChanges } from "./diff";
import { PlannedResource, PROJECT_ROOT } from "./harness";
import { PreviewDocument } from "./preview";

/** Where the committed plan snapshot of a stack lives. */
export function snapshotPath(stack: string, root = PROJECT_ROOT): string {
  return path.join(root, "plans", `${stack}.json`);
}

/** The bytes of a snapshot: the preview document, stable key order, trailing newline. */
export function serializeSnapshot(doc: PreviewDocument): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** Rebuilds the comparable part of planned resources from a preview document. */
export function resourcesOf(doc: PreviewDocument): PlannedResource[] {
  return doc.steps.map((step) => ({
    ...step.newState,
    name: step.urn.split("::").pop() as string,
    ignoreChanges: [],
    propertyDependencies: {},
    replaceOnChanges: [],
    outputs: {},
  }));
}

/** What `--check` found. */
export interface SnapshotCheck {
  readonly upToDate: boolean;
  /** A readable account of what changed, when the snapshot is out of date. */
  readonly report: string;
}

/** Compares the current preview with the committed snapshot of the stack. */
export function checkSnapshot(
  stack: string,
  current: PreviewDocument,
  root = PROJECT_ROOT,
): SnapshotCheck {
  const file = snapshotPath(stack, root);
  if (!fs.existsSync(file)) {
    return {
      upToDate: false,
      report: `There is no snapshot ${path.relative(root, file)}; write it with npm run plan -- --stack ${stack} --update.`,
    };
  }
  const committed = fs.readFileSync(file, "utf8");
  if (committed === serializeSnapshot(current)) return { upToDate: true, report: "" };

  let before: PreviewDocument;
  try {
    before = JSON.parse(committed) as PreviewDocument;
    if (!Array.isArray(before?.steps)) throw new Error("it has no steps");
  } catch (err) {
    return {
      upToDate: false,
      report:
        `${path.relative(root, file)} is not a plan snapshot (${(err as Error).message}); ` +
        `write it again with npm run plan -- --stack ${stack} --update.`,
    };
  }
  const resourceChanges = diffPlans(resourcesOf(before), resourcesOf(current));
  const outputLines = diffOutputs(before.outputs ?? {}, current.outputs);
  return {
    upToDate: false,
    report: [
      `The program no longer produces ${path.relative(root, file)}:`,
      "",
      renderChanges(resourceChanges),
      ...(outputLines.length ? ["", "  Stack outputs:", ...outputLines] : []),
      "",
      `If the change is intended: npm run plan -- --stack ${stack} --update, and commit the file.`,
    ].join("\n"),
  };
}

function diffOutputs(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return keys
    .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    .map((k) => `    ${k}: ${JSON.stringify(before[k])} => ${JSON.stringify(after[k])}`);
}

/** Writes the snapshot of a stack. */
export function writeSnapshot(stack: string, doc: PreviewDocument, root = PROJECT_ROOT): string {
  const file = snapshotPath(stack, root);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, serializeSnapshot(doc));
  return file;
}
