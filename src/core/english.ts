// English names for foreign citizens: the five levels and the national indicators
// (national-2020). Shown only when the citizen turns the screen to English; nothing
// here reaches a record (records carry level and indicator codes, never labels).
//
// GB/T 39734-2020 names the levels and indicators in Chinese only, so these are our
// own short, plain renderings: each must fit two lines of an indicator button.

import type { Level } from './levels.js';
import type { Reason } from './reasons.js';

/** The languages a citizen may turn a prompt's screens to (the bridge's `language` intent). */
export const SCREEN_LANGS = ['zh', 'en'] as const;
export type ScreenLang = (typeof SCREEN_LANGS)[number];

const LEVEL_EN: Record<Level, string> = {
  5: 'Very satisfied',
  4: 'Satisfied',
  3: 'Basically satisfied',
  2: 'Dissatisfied',
  1: 'Very dissatisfied',
};

export function levelEnglish(level: Level): string {
  return LEVEL_EN[level];
}

/** The national list (assets/reasons.json), code → [Chinese label, English name]. */
export const NATIONAL_ENGLISH: Readonly<Record<string, readonly [string, string]>> = {
  '510': ['一窗受理一次办结', 'One window, done in one go'],
  '511': ['可以先受理后补材料', 'Accepted first, papers added later'],
  '512': ['不用提交证明', 'No certificates needed'],
  '513': ['可以全程网上办理', 'Can be done fully online'],
  '514': ['可以使用手机办理', 'Can be done on a phone'],
  '515': ['可以就近办理', 'Can be done nearby'],
  '516': ['无需材料直接办理', 'Handled with no documents'],
  '517': ['服务热情效率高', 'Warm and efficient service'],
  '406': ['填写一张表单就可完成申报', 'One form was enough'],
  '407': ['在线提交材料窗口核验', 'Papers sent online, checked here'],
  '408': ['一张清单告知全部申报材料', 'One list of all papers needed'],
  '409': ['用告知承诺减免申报材料', 'Fewer papers with a signed pledge'],
  '410': ['可以在线预约办理', 'Can book an appointment online'],
  '411': ['跑大厅一次办完', 'Done in one visit to the hall'],
  '412': ['可以使用自助机办理', 'Can use a self-service machine'],
  '413': ['服务态度较好', 'Good service attitude'],
  '307': ['一次性告知需要补正的材料', 'Told all missing papers at once'],
  '308': ['提供申报材料样本', 'Sample documents provided'],
  '309': ['在承诺的时间内办结', 'Done within the promised time'],
  '310': ['办事指南指引准确', 'The service guide was accurate'],
  '311': ['按办事指南要求的材料即可办理', 'The papers in the guide were enough'],
  '312': ['可以快递送达', 'Results can be sent by courier'],
  '313': ['跑动次数与承诺的一致', 'Visits needed as promised'],
  '314': ['服务态度一般', 'Average service attitude'],
  '207': ['没有提供材料样本', 'No sample documents'],
  '208': ['没有提供材料清单', 'No list of documents needed'],
  '209': ['未在承诺时间内办结', 'Not done in the promised time'],
  '210': ['同样内容的证明材料被要求多次提交', 'Asked for the same papers again'],
  '211': ['承诺网办但无法在线办理', 'Said to be online, but it was not'],
  '212': ['在线预约办理后到实体大厅重复取号排队', 'Booked online, still had to queue'],
  '213': ['窗口人员业务不熟练', 'Staff did not know the work well'],
  '214': ['服务态度生硬', 'Curt, unfriendly staff'],
  '108': ['在办事指南之外增加新的审批条件', 'Conditions added beyond the guide'],
  '109': ['需提供办事指南之外的申报材料', 'Papers required beyond the guide'],
  '110': ['无理由超过法定办理时间', 'Legal time limit passed, no reason'],
  '111': ['办事指南提供样本有错', "Errors in the guide's samples"],
  '112': ['承诺在线收取申报材料实际无法收取', 'Online submission promised, failed'],
  '113': ['多头跑窗口和部门', 'Sent between many windows and offices'],
  '114': ['跑动次数与承诺的不一致', 'More visits than promised'],
  '115': ['服务态度差效率低', 'Rude and slow service'],
};

/**
 * A reason's English name: the catalogue's own (`labelEn`), else the national one when
 * the reason is that national indicator as it stands (same code and same Chinese label,
 * so a hall's own meaning of a code is never mistranslated), else null: the screen then
 * shows the Chinese label.
 */
export function reasonEnglish(reason: Reason): string | null {
  if (reason.labelEn) return reason.labelEn;
  const national = NATIONAL_ENGLISH[reason.code];
  return national && national[0] === reason.label ? national[1] : null;
}
