// What the national simulator checks in one EVALUATION object, from the contract: the
// fields and their JSON types, the codes, the indicator list per level, the 差评 rule
// and personal fields all or none. Messages are the platform's kind (Chinese).

import { NATIONAL_INDICATOR_CODES } from './national-indicators.js';

const STRING_FIELDS = [
  'projectNo',
  'pf',
  'satisfaction',
  'evalDetail',
  'writingEvaluation',
  'assessTime',
  'dataSource',
  'taskCode',
  'taskName',
  'deptCode',
  'proDepart',
  'proStatus',
  'acceptDate',
] as const;
const INTEGER_FIELDS = ['serviceNumber', 'assessNumber'] as const;
const OPTIONAL_FIELDS = ['taskHandleItem'] as const;
const PERSONAL_FIELDS = ['userProp', 'userName', 'userPageType', 'certKey', 'mobile'] as const;
const DATE_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

/** Why the platform would refuse this EVALUATION; null when it is acceptable. */
export function evaluationProblem(item: unknown, dataSource: string): string | null {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return 'evaluate元素不是对象';
  const e = item as Record<string, unknown>;
  const known = new Set<string>([
    ...STRING_FIELDS,
    ...INTEGER_FIELDS,
    ...OPTIONAL_FIELDS,
    ...PERSONAL_FIELDS,
  ]);
  for (const k of Object.keys(e)) if (!known.has(k)) return `未知字段${k}`;
  for (const k of STRING_FIELDS) if (typeof e[k] !== 'string') return `${k}必须是字符串`;
  for (const k of INTEGER_FIELDS) if (!Number.isInteger(e[k])) return `${k}必须是整数`;
  if ('taskHandleItem' in e && typeof e.taskHandleItem !== 'string') return 'taskHandleItem必须是字符串';
  if (e.projectNo === '') return 'projectNo不能为空';
  if (e.taskCode === '') return 'taskCode不能为空';
  if (e.dataSource !== dataSource) return 'dataSource不正确';
  if (!/^[1-7]$/.test(e.pf as string)) return 'pf不正确';
  const level = e.satisfaction as string;
  if (!/^[1-5]$/.test(level)) return 'satisfaction不正确';
  if ((e.serviceNumber as number) < 1 || e.assessNumber !== 1) return 'serviceNumber或assessNumber不正确';
  if (!['1', '2', '3'].includes(e.proStatus as string)) return 'proStatus不正确';
  if (!DATE_TIME.test(e.assessTime as string)) return 'assessTime格式错误';
  if (e.acceptDate !== '' && !DATE_TIME.test(e.acceptDate as string)) return 'acceptDate格式错误';
  const codes = e.evalDetail === '' ? [] : (e.evalDetail as string).split(',');
  for (const c of codes)
    if (!NATIONAL_INDICATOR_CODES[level]?.includes(c)) return `评价指标${c}不属于该评价等级`;
  if (Number(level) <= 2 && codes.length === 0 && e.writingEvaluation === '') return '差评必须填写评价内容';
  const personal = PERSONAL_FIELDS.filter((k) => k in e && k !== 'userPageType');
  if (personal.length !== 0 && personal.length !== 4) return '实名信息不完整';
  if ('userPageType' in e && personal.length === 0) return '实名信息不完整';
  for (const k of PERSONAL_FIELDS) if (k in e && typeof e[k] !== 'string') return `${k}必须是字符串`;
  if (personal.length === 4 && e.userProp !== '1' && e.userProp !== '2') return 'userProp不正确';
  return null;
}
