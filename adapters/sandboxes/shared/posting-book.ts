import { randomUUID } from 'node:crypto';

export interface SandboxPosting {
  reference: string;
  billerReference: string;
  consumerKey: string;
  billNumber: string;
  amountMinor: number;
  state: 'accepted' | 'pending' | 'rejected';
  /** When a pending posting turns accepted. */
  confirmAt?: number;
  rejectCode?: string;
  createdAt: string;
}

/** Postings a sandbox received, deduplicated on the hub's reference as a real biller must. */
export class PostingBook {
  private readonly byReference = new Map<string, SandboxPosting>();

  /** Records a posting once; a repeat of the reference returns the first record unchanged. */
  record(posting: Omit<SandboxPosting, 'billerReference' | 'createdAt'>, billerPrefix: string): SandboxPosting {
    const existing = this.byReference.get(posting.reference);
    if (existing) return existing;
    const created: SandboxPosting = {
      ...posting,
      billerReference: `${billerPrefix}${randomUUID().replace(/-/g, '').slice(0, 12).toUpperCase()}`,
      createdAt: new Date().toISOString(),
    };
    this.byReference.set(posting.reference, created);
    return created;
  }

  /** The posting with a pending state resolved by the clock. */
  find(reference: string): SandboxPosting | undefined {
    const posting = this.byReference.get(reference);
    if (posting?.state === 'pending' && posting.confirmAt !== undefined && Date.now() >= posting.confirmAt) {
      posting.state = 'accepted';
    }
    return posting;
  }

  /** Every posting, pending ones resolved by the clock first: what a daily collection file is read from. */
  list(): SandboxPosting[] {
    return [...this.byReference.keys()].flatMap((reference) => this.find(reference) ?? []);
  }

  count(reference: string): number {
    return this.byReference.has(reference) ? 1 : 0;
  }

  get size(): number {
    return this.byReference.size;
  }
}
