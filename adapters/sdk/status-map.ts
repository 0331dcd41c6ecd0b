import type { PostingStatus } from './contract.js';

export interface StatusVocabulary {
  accepted: readonly string[];
  rejected: readonly string[];
  notFound?: readonly string[];
}

/**
 * Maps a biller's status word to the contract. Only an explicit success or failure is final:
 * anything unknown is pending, and the hub asks again later.
 */
export function mapBillerStatus(raw: unknown, vocabulary: StatusVocabulary): PostingStatus {
  const word = typeof raw === 'string' ? raw.trim().toUpperCase() : '';
  const has = (list?: readonly string[]) => list?.some((entry) => entry.toUpperCase() === word) ?? false;
  if (has(vocabulary.accepted)) return 'accepted';
  if (has(vocabulary.rejected)) return 'rejected';
  if (has(vocabulary.notFound)) return 'not_found';
  return 'pending';
}
