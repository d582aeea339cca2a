import { ConfigError } from "../stacks/config";
import { UserError } from "./harness";

/** Parsed command-line flags: repeatable `--config`, boolean switches and `--key value`. */
export interface Flags {
  readonly values: Record<string, string>;
  readonly switches: Set<string>;
  readonly config: string[];
}

/** Takes every `--<flag> value` out of `argv`, for flags that repeat. */
export function takeRepeated(argv: readonly string[], flag: string): [string[], string[]] {
  const taken: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === `--${flag}`) {
      const value = argv[++i];
      if (value === undefined) throw new UserError(`--${flag} needs key=value.`);
      taken.push(value);
    } else if (argv[i].startsWith(`--${flag}=`)) {
      taken.push(argv[i].slice(flag.length + 3));
    } else {
      rest.push(argv[i]);
    }
  }
  return [taken, rest];
}

/** Parses `argv`, refusing flags that the command does not know. */
export function parseFlags(
  argv: readonly string[],
  known: { values: readonly string[]; switches: readonly string[] },
  usage: string,
): Flags {
  const values: Record<string, string> = {};
  const switches = new Set<string>();
  const config: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] =
      arg.startsWith("--") && arg.includes("=") ? splitOnce(arg) : [arg, undefined];
    const name = flag.replace(/^-+/, "");
    if (flag === "-c" || name === "config") {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new UserError(`--config needs key=value.\n${usage}`);
      config.push(value);
    } else if (known.values.includes(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined || value.startsWith("--")) {
        throw new UserError(`--${name} needs a value.\n${usage}`);
      }
      values[name] = value;
    } else if (known.switches.includes(name) && inline === undefined) {
      switches.add(name);
    } else if (name === "help" || flag === "-h") {
      process.stdout.write(`${usage}\n`);
      process.exit(0);
    } else {
      throw new UserError(`Unknown argument "${arg}".\n${usage}`);
    }
  }
  return { values, switches, config };
}

function splitOnce(arg: string): [string, string] {
  const at = arg.indexOf("=");
  return [arg.slice(0, at), arg.slice(at + 1)];
}

/**
 * Runs a command's main function: a user's mistake (bad config, bad flag) prints a short
 * message and exits with 2; anything else is a bug and keeps its stack trace.
 */
export function runCli(main: () => Promise<number>): void {
  main().then(
    (code) => exitAfterFlush(code),
    (err: unknown) => {
      if (err instanceof ConfigError || err instanceof UserError || isRunError(err)) {
        process.stderr.write(`${(err as Error).message}\n`);
        return exitAfterFlush(2);
      }
      process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
      return exitAfterFlush(1);
    },
  );
}

/**
 * Exits once stdout and stderr have been written out: a pipe takes 64 KiB at a time, and an
 * exit before it drains would cut a `--json` document short.
 */
function exitAfterFlush(code: number): void {
  let pending = 2;
  const done = () => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write("", done);
  process.stderr.write("", done);
}

function isRunError(err: unknown): boolean {
  return (
    typeof err === "object" &&
    err !== null &&
    ((err as { __pulumiRunError?: boolean }).__pulumiRunError === true ||
      (err as Error).name === "ConfigError")
  );
}
