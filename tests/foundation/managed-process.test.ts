import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { startManaged } from '../../scripts/local-services/managed-process.js';

/** The process group a pid belongs to, as `ps` reports it. */
function groupOf(pid: number): number {
  return Number(execFileSync('ps', ['-o', 'pgid=', '-p', String(pid)], { encoding: 'utf8' }).trim());
}

describe('managed processes', () => {
  it('a child leads its own process group, so a Ctrl-C at the terminal reaches only npm start, which stops services before Redis', async () => {
    const child = startManaged('sleeper', process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    try {
      // With setpriv in front, the child's pid is setpriv's until it execs: both share the group.
      const pid = child.child.pid;
      expect(pid).toBeTypeOf('number');
      expect(groupOf(pid as number)).toBe(pid);
      expect(groupOf(pid as number)).not.toBe(groupOf(process.pid));
    } finally {
      await child.stop();
    }
    expect(child.child.exitCode !== null || child.child.signalCode !== null).toBe(true);
  });
});
