// The launcher protocol: native/launcher_protocol.h and src/launch/protocol.ts agree value for
// value, launcher.c takes its stages from the header, and error records round-trip (also the
// ones the real launcher writes).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { launcherPath } from '../dist/launch/prepare.js';
import * as P from '../dist/launch/protocol.js';
import { root } from './helpers/child.js';

const header = readFileSync(join(root, 'native', 'launcher_protocol.h'), 'utf8');
const launcherC = readFileSync(join(root, 'native', 'launcher.c'), 'utf8');

/** Every `#define LP_NAME value` of the header: numbers as numbers, "strings" as strings. */
function defines(text: string): Map<string, number | string> {
  const out = new Map<string, number | string>();
  for (const m of text.matchAll(/^#define (LP_[A-Z0-9_]+) (.+)$/gm)) {
    const v = m[2].trim();
    out.set(m[1], v.startsWith('"') ? JSON.parse(v) : Number(v));
  }
  return out;
}

/** The header's values as protocol.ts names them. */
function fromTs(): Map<string, number | string> {
  const out = new Map<string, number | string>();
  for (const [k, v] of Object.entries(P.LaunchArg)) out.set(`LP_ARG_${k}`, v);
  for (const [k, v] of Object.entries(P.ExtraFd)) out.set(`LP_EXTRA_${k}`, v);
  for (const [k, v] of Object.entries(P.Stage)) out.set(`LP_STAGE_${k}`, v);
  out.set('LP_MIN_ARGC', P.LAUNCH_MIN_ARGC);
  out.set('LP_EXTRA_FDS', P.EXTRA_FDS);
  out.set('LP_LISTENER_BYTE', P.LISTENER_BYTE);
  out.set('LP_EXIT_FAILURE', P.EXIT_FAILURE);
  out.set('LP_FIELD_SEP', P.FIELD_SEP);
  out.set('LP_RECORD_END', P.RECORD_END);
  out.set('LP_STAGE_MAX', P.STAGE_MAX);
  return out;
}

/** Runs the launcher with raw argv (after argv[0]), its ERR_FD being stderr. */
function launcher(args: string[]) {
  const r = spawnSync(launcherPath(), args, { encoding: 'utf8' });
  return { status: r.status, record: r.stderr };
}

describe('launcher protocol: bad input', () => {
  it('parseRecord takes text that is no record as an exec failure with errno 0', () => {
    expect(P.parseRecord('')).toEqual({ stage: 'exec', errno: 0, message: '' });
    expect(P.parseRecord('garbage')).toEqual({ stage: 'garbage', errno: 0, message: '' });
    expect(P.parseRecord('seccomp\tnot-a-number\tmsg\n')).toEqual({ stage: 'seccomp', errno: 0, message: 'msg' });
  });

  it('the launcher refuses a malformed argv with a usage record and exit 127', () => {
    const base = ['-', '2', '0', '-', '-', '-', 'true', 'true'];
    const at = (i: number, v: string) => base.map((a, j) => (j === i - 1 ? v : a));
    const cases: [string[], string][] = [
      [at(P.LaunchArg.FLAGS, 'x'), 'bad FLAGS'],
      [at(P.LaunchArg.CAPS, 'zz'), 'bad CAPS'],
      [at(P.LaunchArg.ISOLATE, '1:2'), 'bad ISOLATE'],
      [at(P.LaunchArg.LISTEN_FD, 'x'), 'bad LISTEN_FD'],
      // a listener socket without a filter that makes a listener, and the reverse
      [at(P.LaunchArg.LISTEN_FD, '0'), 'LISTEN_FD without a NEW_LISTENER filter'],
      [at(P.LaunchArg.FLAGS, '8'), 'a NEW_LISTENER filter needs LISTEN_FD'],
    ];
    for (const [args, message] of cases) {
      const r = launcher(args);
      expect(r.status).toBe(P.EXIT_FAILURE);
      expect(P.parseRecord(r.record)).toEqual({ stage: P.Stage.USAGE, errno: 22, message });
    }
    // Too few arguments: usage text on stderr, no record.
    const short = launcher(base.slice(0, P.LAUNCH_MIN_ARGC - 2));
    expect(short.status).toBe(P.EXIT_FAILURE);
    expect(short.record).toMatch(/^usage: seccomp-launcher BPF_FD ERR_FD FLAGS CAPS ISOLATE LISTEN_FD FILE ARGV0/);
  });
});

describe('launcher protocol: header and TypeScript agree', () => {
  it('every value of launcher_protocol.h is in protocol.ts with the same value, and nothing more', () => {
    const h = defines(header);
    expect(h.size).toBeGreaterThan(20);
    expect(Object.fromEntries(fromTs())).toEqual(Object.fromEntries(h));
  });

  it('launcher.c names argv positions and stages only through the header', () => {
    expect(launcherC).toContain('#include "launcher_protocol.h"');
    expect(launcherC.match(/fail\("/g)).toBeNull(); // no stage spelled as a literal
    expect(launcherC.match(/argv\[\d\]/g)).toBeNull(); // no argv position as a number
  });

  it('launcherArgs puts each field at its argv position', () => {
    const args = P.launcherArgs({
      bpfIndex: 3, errIndex: 4, flags: 8, caps: 0x1fn, isolate: '1:0:1', listenIndex: 5, file: '/bin/x', argv: ['x', 'a'],
    });
    const argv = ['launcher', ...args];
    expect(argv[P.LaunchArg.BPF_FD]).toBe('3');
    expect(argv[P.LaunchArg.ERR_FD]).toBe('4');
    expect(argv[P.LaunchArg.FLAGS]).toBe('8');
    expect(argv[P.LaunchArg.CAPS]).toBe('1f');
    expect(argv[P.LaunchArg.ISOLATE]).toBe('1:0:1');
    expect(argv[P.LaunchArg.LISTEN_FD]).toBe('5');
    expect(argv[P.LaunchArg.FILE]).toBe('/bin/x');
    expect(argv.slice(P.LaunchArg.ARGV0)).toEqual(['x', 'a']);
    const none = ['launcher', ...P.launcherArgs({ bpfIndex: undefined, errIndex: 3, flags: 0, caps: undefined, isolate: '-', listenIndex: undefined, file: 'f', argv: ['f'] })];
    expect([none[P.LaunchArg.BPF_FD], none[P.LaunchArg.CAPS], none[P.LaunchArg.LISTEN_FD]]).toEqual(['-', '-', '-']);
    expect(none.length).toBe(P.LAUNCH_MIN_ARGC);
  });
});

describe('launcher protocol: error records', () => {
  it('round-trip through formatRecord and parseRecord (tabs in the message kept, newlines flattened)', () => {
    for (const stage of Object.values(P.Stage)) {
      const r = { stage, errno: 13, message: `why\tnot ${stage}` };
      expect(P.parseRecord(P.formatRecord(r))).toEqual(r);
    }
    expect(P.parseRecord(P.formatRecord({ stage: 'exec', errno: -2, message: 'a\nb' }))).toEqual({ stage: 'exec', errno: 2, message: 'a b' });
    expect(P.formatRecord({ stage: 'x'.repeat(40), errno: 1, message: '' }).split('\t')[0]).toHaveLength(P.STAGE_MAX);
  });

  it('the launcher writes the record parseRecord reads: a missing command is stage exec, ENOENT', () => {
    const r = launcher(['-', '2', '0', '-', '-', '-', '/nonexistent/cmd', 'cmd']);
    expect(r.status).toBe(P.EXIT_FAILURE);
    expect(r.record).toBe(P.formatRecord({ stage: P.Stage.EXEC, errno: 2, message: '/nonexistent/cmd' }));
  });
});
