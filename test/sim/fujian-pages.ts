// The Fujian gateway simulator's URL mode (getSaveEvaluationUrl): what a page request
// must carry, per contracts/platform-profiles.md, checked as the gateway would.

/** One getSaveEvaluationUrl call that passed the envelope's checks. */
export interface PageCall {
  /** The document's elements in the order sent. */
  order: string[];
  elements: Record<string, string>;
  /** The page issued, or null when refused. */
  url: string | null;
}

/** The contract's elements of a page request, in its order. */
export const PAGE_ELEMENTS = [
  'sysNO',
  'businessCode',
  'businessName',
  'projectNo',
  'proStatus',
  'projectName',
  'nodeName',
  'regionCode',
  'acceptDate',
  'userProp',
  'userName',
  'userPageType',
  'certKey',
  'handleUserName',
  'handleUserPageType',
  'handleUserPageCode',
  'resultDate',
  'serviceTime',
  'evaluateType',
  'pf',
  'type',
  'contactMobile',
  'backUrl',
  'customFields',
  'pf5urltype',
];
const PAGE_PERSONAL = [
  'userProp',
  'userName',
  'userPageType',
  'certKey',
  'handleUserName',
  'handleUserPageType',
  'handleUserPageCode',
  'contactMobile',
  'resultDate',
];

/** Why the gateway refuses a page request's document, or null. */
export function pageProblem(xml: Record<string, string>, sysNo: string): string | null {
  if (Object.keys(xml).join(',') !== PAGE_ELEMENTS.join(',')) return 'Case元素不正确';
  if (xml.sysNO !== sysNo) return 'sysNO不正确';
  if (!xml.projectNo || !xml.businessCode) return 'projectNo不能为空';
  if (PAGE_PERSONAL.some((k) => xml[k])) return '个人信息应在页面登录后填写';
  if (xml.pf5urltype !== '2' || !/^[123]$/.test(xml.type ?? '')) return 'type不正确';
  return null;
}
