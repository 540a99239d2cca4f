// Where export and merge write: -o FILE (relative to the command's cwd), else stdout.
import { fs, path } from '../../builtins.js';
import { CommandFailure, type CommandIO } from '../command.js';

export function writeOutput(io: CommandIO, file: string | undefined, data: string | Uint8Array): void {
  if (file === undefined || file === '-') {
    if (typeof data !== 'string') throw new CommandFailure('binary output needs -o FILE');
    io.stdout(data);
    return;
  }
  try {
    fs.writeFileSync(path.resolve(io.cwd, file), data);
  } catch (err) {
    throw new CommandFailure(`cannot write ${file}: ${(err as Error).message}`);
  }
}
