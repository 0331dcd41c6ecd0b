import type { ComplaintNotifier } from './complaint-notices.js';
import type { ComplaintStore } from './complaint-store.js';
import type { ComplaintOptions } from './options.js';

export interface EscalateDeps {
  store: ComplaintStore;
  notify: ComplaintNotifier;
  options: Pick<ComplaintOptions, 'escalatedTurnaroundMs'>;
  log: { error(obj: object, msg: string): void };
}

/**
 * The `complaint-escalate` job: every complaint not closed whose promised time has passed becomes
 * escalated at the next level, with a new promised time (escalatedTurnaroundMs from now), and its
 * citizen is told. The owner is kept (see ComplaintStore.escalate). Each escalation is conditional
 * on the level the run read, so two runs escalate a complaint once per passed due time.
 */
export async function escalateOverdue(
  deps: EscalateDeps,
  now = new Date(),
): Promise<{ escalated: string[]; errors: number }> {
  const escalated: string[] = [];
  let errors = 0;
  let after: string | undefined;
  for (;;) {
    const page = await deps.store.findOverdue(now, after);
    for (const complaint of page) {
      try {
        const moved = await deps.store.escalate(
          complaint,
          now,
          new Date(now.getTime() + deps.options.escalatedTurnaroundMs),
        );
        if (!moved) continue;
        escalated.push(moved._id);
        await deps.notify(moved, 'escalated');
      } catch (error) {
        errors += 1;
        deps.log.error({ err: error, complaintId: complaint._id }, 'complaint escalation failed');
      }
    }
    after = page.at(-1)?._id;
    if (page.length < 100 || !after) return { escalated, errors };
  }
}
