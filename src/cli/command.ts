// What a `seccomp` subcommand is: a name, declarative options (usage text is generated from
// them), and a run() that returns its exit status and never exits the process, so commands can
// be tested in-process. Exit statuses follow `docker run` (125: the runner itself failed).
export const ExitCode = {
  OK: 0,
  /** check: the profile is invalid; lint: an error-level finding; diff: the profiles differ. */
  FAILED: 1,
  /** Usage errors and failures of the runner itself (docker run's 125). */
  RUNNER: 125,
  NOT_EXECUTABLE: 126,
  NOT_FOUND: 127,
  /** 128 + N: the command died of signal N. */
  SIGNAL_BASE: 128,
} as const;

export interface OptionSpec {
  /** `--profile`. */
  readonly flag: `--${string}`;
  /** `-o`. */
  readonly short?: `-${string}`;
  /** The value's placeholder in usage text (`CAP`); absent for a boolean flag. */
  readonly value?: string;
  /** The allowed values, checked by the parser. */
  readonly choices?: readonly string[];
  /** May be given more than once (every value is kept); otherwise the last one wins. */
  readonly repeat?: boolean;
  /** A boolean flag whose value is optional: `--report` or `--report=FILE`. */
  readonly optionalValue?: boolean;
  readonly help: string;
}

/** Parsed command line: option values by long flag, boolean flags, positionals. */
export interface Parsed {
  readonly values: ReadonlyMap<string, readonly string[]>;
  readonly flags: ReadonlySet<string>;
  readonly positional: readonly string[];
  /** The last value given for `flag`. */
  last(flag: string): string | undefined;
  /** Every value given for `flag`, in order. */
  all(flag: string): readonly string[];
  has(flag: string): boolean;
}

/** Where a command writes and what it sees; the dispatcher passes process's, tests their own. */
export interface CommandIO {
  stdout(text: string): void;
  stderr(text: string): void;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

export interface Command {
  readonly name: string;
  /** One line for `seccomp --help`. */
  readonly summary: string;
  /** After `seccomp NAME`: `[options] SYSCALL [ARG...]`. */
  readonly synopsis: string;
  /** Paragraphs after the option list in `seccomp NAME --help` (exit status etc.). */
  readonly description: string;
  readonly options: readonly OptionSpec[];
  /** The first positional ends the options (a command and its own arguments follow). */
  readonly stopAtPositional?: boolean;
  run(args: Parsed, io: CommandIO): Promise<number>;
}

/** A wrong command line: printed as `seccomp: MESSAGE (see seccomp NAME --help)`, exit 125. */
export class UsageError extends Error {}

/** A failure already described to the user's satisfaction: printed as is, exit `code`. */
export class CommandFailure extends Error {
  constructor(message: string, readonly exitCode: number = ExitCode.RUNNER) {
    super(message);
  }
}
