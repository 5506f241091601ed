import type { PromptRecord, RatingRecord } from '../../src/core/model.js';

export function promptRecord(overrides: Partial<PromptRecord> = {}): PromptRecord {
  return {
    id: 'p-1',
    transactionId: 'TX-1',
    service: { code: 'S-1', name: '个体工商户登记' },
    departments: [{ code: 'D-1', name: '县市场监管局' }],
    mode: 'single',
    citizen: null,
    clerk: { id: '0107', name: '林晓' },
    facts: {
      serviceNumber: 1,
      proStatus: '3',
      acceptDate: null,
      serviceTime: '1970-01-01 08:00:01',
      taskHandleItem: null,
    },
    source: 'api',
    status: 'open',
    openedAt: 1_000,
    expiresAt: 61_000,
    endedAt: null,
    ...overrides,
  };
}

export function ratingRecord(overrides: Partial<RatingRecord> = {}): RatingRecord {
  return {
    id: 'r-1',
    promptId: 'p-1',
    transactionId: 'TX-1',
    assessNumber: 1,
    channel: 4,
    level: 5,
    reasons: [],
    comment: '',
    ratedAt: 2_000,
    areaCode: '350521',
    service: { code: 'S-1', name: '个体工商户登记' },
    department: { code: 'D-1', name: '县市场监管局' },
    clerk: { id: '0107', name: '林晓' },
    scope: 'single',
    terminalId: 'HA-0001',
    windowNo: '12',
    citizen: null,
    flags: [],
    catalogueVersion: '2026.1',
    final: true,
    ...overrides,
  };
}

export const citizen = {
  name: '陈美英',
  idNumber: '350521199001011234',
  phone: '13812345678',
  type: 1 as const,
};
