// The Node types our public declarations mention, usable in a program without Node's types
// (TypeScript 6+ loads @types/node only when `types` lists it; a consumer may not have it at all).
// Where the program has Node's types (its globalThis has `process.versions.node`), each alias is
// Node's own type, so a consumer with @types/node sees exactly what child_process gives; without
// them it is a structural stand-in for what this package hands out. No `import ... from 'node:*'`
// reaches the emitted .d.ts: the one line per alias that names a node: module is covered by the
// `@ts-ignore` in the JSDoc right above it (declaration emit keeps JSDoc), and that branch is not
// taken when the module is missing. test/07-consumer-types checks both cases with two compilers.

type HasNode = typeof globalThis extends { process: { versions: { node: string } } } ? true : false;

/** Node's Buffer where the program has Node's types, else Uint8Array (a Buffer is one). */
export type Bytes = typeof globalThis extends { Buffer: { prototype: infer B } } ? B : Uint8Array;

type Listener = (...args: any[]) => void;

/** What the child's pipes offer without Node's types (they are net.Socket streams). */
export interface StreamShape extends AsyncIterable<any> {
  on(event: string, listener: Listener): this;
  once(event: string, listener: Listener): this;
  off(event: string, listener: Listener): this;
  pipe<T>(destination: T, options?: { end?: boolean }): T;
  setEncoding(encoding: string): this;
  write(chunk: string | Uint8Array, callback?: (err?: Error | null) => void): boolean;
  end(callback?: () => void): this;
  destroy(error?: Error): this;
}

/** child_process.ChildProcess as seen without Node's types. */
export interface ChildProcessShape {
  readonly pid?: number | undefined;
  readonly stdin: StreamShape | null;
  readonly stdout: StreamShape | null;
  readonly stderr: StreamShape | null;
  readonly stdio: readonly (StreamShape | null | undefined)[];
  readonly exitCode: number | null;
  readonly signalCode: string | null;
  readonly killed: boolean;
  readonly connected: boolean;
  kill(signal?: string | number): boolean;
  send?(message: unknown, callback?: (error: Error | null) => void): boolean;
  disconnect(): void;
  ref(): void;
  unref(): void;
  on(event: 'exit' | 'close', listener: (code: number | null, signal: string | null) => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
  on(event: 'spawn' | 'disconnect', listener: () => void): this;
  on(event: 'message', listener: (message: unknown) => void): this;
  on(event: string, listener: Listener): this;
  once(event: 'exit' | 'close', listener: (code: number | null, signal: string | null) => void): this;
  once(event: 'error', listener: (err: Error) => void): this;
  once(event: 'spawn' | 'disconnect', listener: () => void): this;
  once(event: 'message', listener: (message: unknown) => void): this;
  once(event: string, listener: Listener): this;
  off(event: string, listener: Listener): this;
  removeAllListeners(event?: string): this;
}

/** child_process.SpawnOptions as seen without Node's types. */
export interface SpawnOptionsShape {
  cwd?: string | { readonly href: string };
  env?: Record<string, string | undefined>;
  argv0?: string;
  stdio?: string | readonly unknown[];
  detached?: boolean;
  uid?: number;
  gid?: number;
  shell?: boolean | string;
  serialization?: 'json' | 'advanced';
  windowsVerbatimArguments?: boolean;
  windowsHide?: boolean;
  signal?: { readonly aborted: boolean };
  timeout?: number;
  killSignal?: string | number;
}

/** child_process.ForkOptions as seen without Node's types. */
export interface ForkOptionsShape extends SpawnOptionsShape {
  execPath?: string;
  execArgv?: string[];
  silent?: boolean;
}

/** @ts-ignore node:child_process exists only with Node's types, and this branch is taken only then. */
export type NodeChildProcess = HasNode extends true ? import('node:child_process').ChildProcess : ChildProcessShape;
/** @ts-ignore as for NodeChildProcess */
export type NodeSpawnOptions = HasNode extends true ? import('node:child_process').SpawnOptions : SpawnOptionsShape;
/** @ts-ignore as for NodeChildProcess */
export type NodeForkOptions = HasNode extends true ? import('node:child_process').ForkOptions : ForkOptionsShape;
/** @ts-ignore BufferEncoding is a global of Node's types */
export type NodeBufferEncoding = HasNode extends true ? BufferEncoding : string;

/**
 * The key of `[Symbol.dispose]` where the program's lib has it (ES2025 / esnext.disposable), so
 * `using` works there, and no member otherwise (naming Symbol.dispose would not compile).
 */
type DisposeKey = SymbolConstructor extends { readonly dispose: infer K extends symbol } ? K : never;
export type DisposableShape = { [K in DisposeKey]: () => void };
