// An in-memory OutboxStore with the same rules as the SQLite one, for fake-time tests.
import type { RatingRecord } from '../../../src/core/model.js';
import type { OutboxItem, OutboxStore, RecordKey } from '../../../src/store/outbox.js';

interface Row {
  seq: number;
  record: RatingRecord;
  state: 'pending' | 'delivered' | 'rejected';
  leaseUntil: number | null;
  attempts: number;
  lastError: string | null;
  reject: { code: string; message: string } | null;
}

export class MemoryOutbox implements OutboxStore {
  readonly rows: Row[] = [];

  add(...records: RatingRecord[]): void {
    for (const record of records) {
      this.rows.push({
        seq: this.rows.length + 1,
        record,
        state: 'pending',
        leaseUntil: null,
        attempts: 0,
        lastError: null,
        reject: null,
      });
    }
  }

  state(id: string): Row['state'] | undefined {
    return this.rows.find((r) => r.record.id === id)?.state;
  }

  row(id: string): Row | undefined {
    return this.rows.find((r) => r.record.id === id);
  }

  claim(limit: number, now: number, leaseMs: number): OutboxItem[] {
    const free = this.rows
      .filter((r) => r.state === 'pending' && (r.leaseUntil === null || r.leaseUntil <= now))
      .slice(0, limit);
    for (const r of free) r.leaseUntil = now + leaseMs;
    return free.map((r) => ({ seq: r.seq, attempts: r.attempts, record: r.record }));
  }
  extendLease(keys: readonly RecordKey[], until: number): void {
    for (const r of this.find(keys)) r.leaseUntil = until;
  }
  markDelivered(keys: readonly RecordKey[]): void {
    for (const r of this.find(keys)) {
      r.state = 'delivered';
      r.leaseUntil = null;
    }
  }
  markRejected(key: RecordKey, code: string, message: string): void {
    for (const r of this.find([key])) {
      r.state = 'rejected';
      r.reject = { code, message };
      r.leaseUntil = null;
    }
  }
  release(keys: readonly RecordKey[], error: string): void {
    for (const r of this.find(keys)) {
      r.leaseUntil = null;
      r.attempts++;
      r.lastError = error;
    }
  }
  counts() {
    return {
      pending: this.rows.filter((r) => r.state === 'pending').length,
      rejected: this.rows.filter((r) => r.state === 'rejected').length,
    };
  }
  nextLeaseExpiry(now: number): number | null {
    const leases = this.rows
      .filter((r) => r.state === 'pending' && r.leaseUntil !== null && r.leaseUntil > now)
      .map((r) => r.leaseUntil as number);
    return leases.length ? Math.min(...leases) : null;
  }

  private find(keys: readonly RecordKey[]): Row[] {
    const ids = new Set(keys.map((k) => `${k.promptId}/${k.id}`));
    return this.rows.filter((r) => ids.has(`${r.record.promptId}/${r.record.id}`) && r.state === 'pending');
  }
}
