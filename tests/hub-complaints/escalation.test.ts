import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_COMPLAINT_OPTIONS } from '../../hub/complaints/index.js';
import { type ComplaintHarness, startComplaintHarness } from './harness.js';

const HOUR = 3_600_000;

describe('the turnaround clock: complaints past their promised time escalate', () => {
  let h: ComplaintHarness;

  beforeAll(async () => {
    h = await startComplaintHarness('complaints_escalate');
  });
  afterAll(async () => {
    await h.close();
  });

  const raiseOpen = () => h.raiseOpen();

  it('a complaint past its turnaround escalates', async () => {
    const complaint = await raiseOpen();
    const due = new Date(complaint.dueAt).getTime();
    // The job's clock is passed in: an hour before the promised time nothing happens.
    const early = await h.complaints.escalate(new Date(due - HOUR));
    expect(early.escalated).not.toContain(complaint._id);
    expect((await h.complaints.store.findById(complaint._id))?.status).toBe('open');

    const late = new Date(due + 1_000);
    const run = await h.complaints.escalate(late);
    expect(run.escalated).toContain(complaint._id);
    const escalated = await h.complaints.store.findById(complaint._id);
    expect(escalated?.status).toBe('escalated');
    expect(escalated?.escalation).toEqual({ level: 1, at: late });
    expect(escalated?.dueAt).toEqual(new Date(late.getTime() + DEFAULT_COMPLAINT_OPTIONS.escalatedTurnaroundMs));
    expect(escalated?.timeline.at(-1)).toMatchObject({ event: 'escalated', status: 'escalated' });
    expect(h.events.at(-1)).toMatchObject({
      kind: 'complaint_escalated',
      complaintId: complaint._id,
      level: 1,
      dueAt: escalated?.dueAt,
    });
  });

  it('two runs at the same moment (two replicas) escalate it once; past the new time it goes up a level', async () => {
    const complaint = await raiseOpen();
    const late = new Date(new Date(complaint.dueAt).getTime() + 1_000);
    const [a, b] = await Promise.all([h.complaints.escalate(late), h.complaints.escalate(late)]);
    expect([...a.escalated, ...b.escalated].filter((id) => id === complaint._id)).toHaveLength(1);
    const told = h.events.filter((e) => e.kind === 'complaint_escalated' && e.complaintId === complaint._id);
    expect(told).toHaveLength(1);

    const later = new Date(late.getTime() + DEFAULT_COMPLAINT_OPTIONS.escalatedTurnaroundMs + 1_000);
    await h.complaints.escalate(later);
    expect((await h.complaints.store.findById(complaint._id))?.escalation?.level).toBe(2);
  });

  it('a closed complaint never escalates', async () => {
    const complaint = await raiseOpen();
    await h.complaints.actions.reject(complaint._id, { sub: 'op-1' }, { reason: 'Charged exactly the bill amount' });
    const run = await h.complaints.escalate(new Date(new Date(complaint.dueAt).getTime() + 10 * HOUR));
    expect(run.escalated).not.toContain(complaint._id);
    expect((await h.complaints.store.findById(complaint._id))?.status).toBe('rejected');
  });
});
