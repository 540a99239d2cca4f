// `seccomp export --format F`: a profile, compiled for one context, in the form another tool
// takes (Kubernetes localhost profiles, the Security Profiles Operator, OCI runtimes, bwrap).
import { CommandFailure, UsageError, type Command, ExitCode } from '../command.js';
import { compileFromOptions, PROFILE_OPTIONS } from '../profile-options.js';
import { writeOutput } from './output.js';

const FORMATS = ['docker', 'oci', 'spo', 'bpf', 'pfc'];

export const command: Command = {
  name: 'export',
  summary: 'write a profile as docker/oci JSON, SPO YAML, raw BPF or a listing',
  synopsis: '[options] --format docker|oci|spo|bpf|pfc [-o FILE]',
  description:
    'formats:\n' +
    '  docker  flat Docker/OCI JSON for the context (includes/excludes resolved), byte-stable:\n' +
    '          for /var/lib/kubelet/seccomp/ (Kubernetes Localhost profiles)\n' +
    '  oci     the runtime-spec linux.seccomp object (flattened, the same JSON as docker)\n' +
    '  spo     a Security Profiles Operator SeccompProfile (YAML), with the Pod snippet using it\n' +
    '  bpf     the program, struct sock_filter[] in host byte order, for bwrap --seccomp FD (needs -o)\n' +
    '  pfc     a readable listing of what the program decides, per arch and syscall\n\n' +
    'exit status: 0 written, 1 the profile cannot be written in that format, 125 a profile or an option is wrong.\n',
  options: [
    ...PROFILE_OPTIONS,
    { flag: '--format', value: 'FORMAT', choices: FORMATS, help: 'docker, oci, spo, bpf or pfc' },
    { flag: '--name', value: 'NAME', help: 'spo: metadata.name (default: from the profile)' },
    { flag: '--namespace', value: 'NS', help: 'spo: metadata.namespace' },
    { flag: '--output', short: '-o', value: 'FILE', help: 'write to FILE (default: stdout; bpf needs a file)' },
  ],
  async run(args, io) {
    const format = args.last('--format');
    if (format === undefined) throw new UsageError('--format is required');
    if (args.positional.length) throw new UsageError(`unexpected argument ${args.positional[0]} (the profile goes to --profile)`);
    if (format === 'bpf' && (args.last('--output') ?? '-') === '-') throw new UsageError('--format bpf writes binary: give -o FILE');
    const compiled = await compileFromOptions(args, io);
    const { exportProfile } = await import('../../export/formats.js');
    let out;
    try {
      out = exportProfile(compiled, format as 'docker', { name: args.last('--name'), namespace: args.last('--namespace') });
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'ERR_OUT_OF_RANGE') throw new UsageError((err as Error).message);
      throw new CommandFailure(`error (${code ?? 'ERR'}): ${(err as Error).message}`, ExitCode.FAILED);
    }
    writeOutput(io, args.last('--output'), out);
    return ExitCode.OK;
  },
};
