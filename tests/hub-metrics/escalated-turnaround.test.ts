import { describe, expect, it } from 'vitest';
import { complaintFacts, complaintMetrics } from '../../hub/metrics/complaint-metrics.js';

const NOW = new Date('2026-11-30T12:00:00.000Z');
const HOUR = 3_600_000;
const at = (hoursFromNow: number) => new Date(NOW.getTime() + hoursFromNow * HOUR);
const bounds = { window: '24h' as const, from: at(-24), to: NOW };

describe('a complaint that escalated missed its turnaround, though escalation renewed its due time', () => {
  it('counts an escalated open complaint as overdue and a miss, and one closed after escalating as a miss', () => {
    // Raised 10 h ago with a 1-hour turnaround, escalated 9 h ago: its due time is now 63 h ahead.
    const escalatedOpen = complaintFacts({
      type: 'wrong_amount',
      status: 'escalated',
      createdAt: at(-10),
      dueAt: at(63),
      escalation: { level: 1, at: at(-9) },
    });
    // Escalated, then resolved before the renewed due time: still a promise missed.
    const escalatedClosed = complaintFacts({
      type: 'wrong_amount',
      status: 'resolved',
      createdAt: at(-10),
      closedAt: at(-2),
      dueAt: at(63),
      escalation: { level: 1, at: at(-9) },
    });
    // Answered inside its first turnaround.
    const inTime = complaintFacts({
      type: 'other',
      status: 'resolved',
      createdAt: at(-5),
      closedAt: at(-4),
      dueAt: at(100),
    });
    const metrics = complaintMetrics([escalatedOpen, escalatedClosed, inTime], bounds);
    expect(metrics).toMatchObject({ open: 1, overdueOpen: 1, closed: 2, turnaroundDecided: 3, withinTurnaround: 1 });
    expect(metrics.withinTurnaroundRate).toBeCloseTo(1 / 3, 12);
  });
});
