// The view model: what each screen shows, as data. The renderer is a pure function of
// this; it never decides what happens next.

import { levelEnglish, reasonEnglish } from './english.js';
import { INDICATOR_KEYS, REASON_KEYS, SCOPE_KEYS } from './keypad-keys.js';
import { type Keymap, LEVELS, type Level, levelInfo, positionOfLevel } from './levels.js';
import { maskName } from './mask.js';
import type { Department, IdleSlides, QrCode, Scope } from './model.js';
import { type Reason, reasonsFor } from './reasons.js';
import { type CoreState, ratingAt, type Session } from './state.js';
import { canExtend } from './voice.js';

export interface ClerkCard {
  id: string;
  name: string;
  department: string;
  photo: string | null;
  stars: number | null;
}

/**
 * A label's English beside its Chinese, for a citizen who turns the screen to English
 * (the screens' own choice, see src/renderer/language.ts). `labelEn` null: there is no
 * English name (a hall's own indicator), and the Chinese label is shown.
 */
export interface Labelled {
  label: string;
  labelEn: string | null;
}

/** An indicator as a reasons or indicators screen offers it. */
export interface IndicatorItem extends Labelled {
  code: string;
  selected: boolean;
}

export interface LevelButton extends Labelled {
  level: Level;
  verdict: 'good' | 'bad';
  /** The keypad key that gives this level (1 = leftmost). */
  position: number;
}

export interface KeyHint extends Labelled {
  position: number;
}

/** A level as the thank-you confirms it: its name and nothing that shows from afar. */
export interface GivenLevel {
  level: Level;
  label: string;
  labelEn: string;
}

/**
 * Where a 并联审批 rated per department stands: the department on screen is `index` of
 * `total` (1-based), and `rated` names the one just rated before it (null for the first),
 * so the citizen sees plainly that the next rating is for another department.
 */
export interface DepartmentStep {
  index: number;
  total: number;
  rated: string | null;
}

export type Screen =
  | {
      kind: 'idle';
      clerk: ClerkCard | null;
      /** `kiosk`: no clerk at a self-service kiosk. */
      clerkStatus: 'serving' | 'paused' | 'absent' | 'kiosk';
      staticQr: { url: string; svg: string } | null;
      /** The hall's notices, shown in turn beside the clerk card; null when there are none. */
      slides: IdleSlides | null;
    }
  | {
      kind: 'choose_scope';
      promptId: string;
      service: string;
      departments: string[];
      options: ({ scope: 'overall' | 'department'; position: number } & Labelled)[];
      deadline: number;
    }
  | {
      kind: 'rate';
      promptId: string;
      service: string;
      /** Whom this rating is about: one department, all of them (总体), or the package's lead. */
      subject: { scope: Scope; departments: string[]; step: DepartmentStep | null };
      /** In the keypad's order, leftmost first. */
      buttons: LevelButton[];
      /** Changing a 差评's level: this is the level given before. */
      changingFrom: Level | null;
      canDecline: boolean;
      realName: { on: boolean; maskedName: string } | null;
      /** `caption` says whose page it opens: the province's (URL mode) or the terminal's link. */
      qr: { url: string; svg: string; caption: string; captionEn: string } | null;
      deadline: number;
    }
  | {
      kind: 'reasons';
      promptId: string;
      level: Level;
      levelLabel: string;
      levelLabelEn: string;
      subject: string[];
      reasons: IndicatorItem[];
      /** The reason the keypad's cursor is on. */
      cursor: number;
      keyHints: KeyHint[];
      deadline: number;
      /** Whether a key still gives more time: not once the screen had its longest time. */
      extendable: boolean;
    }
  | {
      /** After a 好评 (`prompt.goodIndicators: optional`): it is stored; indicators may be added. */
      kind: 'indicators';
      promptId: string;
      given: LevelButton;
      subject: string[];
      indicators: IndicatorItem[];
      cursor: number;
      keyHints: KeyHint[];
      /** When the 好评 becomes final on its own (10 s after the press). */
      deadline: number;
    }
  | {
      /** A web page shown as a QR code (GWQ type 90): large, with the clerk card; any key or touch closes it. */
      kind: 'page_qr';
      qr: { url: string; svg: string; caption: string; captionEn: string };
      clerk: ClerkCard | null;
      deadline: number;
    }
  | {
      kind: 'thanks';
      /**
       * The level last given, for one line of plain text (您的评价：满意). Only its words:
       * no colour, face or key, so the clerk and the queue cannot read it from afar.
       */
      given: GivenLevel | null;
    }
  | { kind: 'fault'; message: string };

export interface ViewState {
  now: number;
  hallName: string;
  windowNo: string;
  /** A citizen-facing note that the keypad is not working; touch still works. */
  keypadBanner: string | null;
  /**
   * Whether the screens name keypad keys (按键 1 on the buttons, the key hints): not while
   * the keypad is offline, when only touch works and a key named would mislead.
   */
  keys: boolean;
  /** A training terminal: every screen shows 培训模式, so no one takes it for a live one. */
  training: boolean;
  screen: Screen;
}

export const FAULT_MESSAGE = '设备故障，请联系工作人员';
export const KEYPAD_OFFLINE_BANNER = '评价器按键暂不可用，请直接点击屏幕评价';

export function view(state: CoreState, now: number): ViewState {
  const cfg = state.config;
  const keypadDown = state.keypad.state === 'offline';
  return {
    now,
    hallName: cfg.hallName,
    windowNo: cfg.windowNo,
    keypadBanner: keypadDown ? KEYPAD_OFFLINE_BANNER : null,
    keys: !keypadDown,
    training: cfg.training,
    screen: screenOf(state),
  };
}

function screenOf(state: CoreState): Screen {
  const cfg = state.config;
  if (!state.storeOk) return { kind: 'fault', message: FAULT_MESSAGE };
  const s = state.session;
  if (s) return promptScreen(state, s);
  if (state.pageQr) {
    const { qr, until } = state.pageQr;
    return {
      kind: 'page_qr',
      qr: { url: qr.url, svg: qr.svg, caption: OWN_QR_CAPTION, captionEn: 'Scan to rate' },
      clerk: clerkCard(state),
      deadline: until,
    };
  }
  if (state.thanksUntil !== null) {
    const level = state.thanksLevel;
    return {
      kind: 'thanks',
      given: level ? { level, label: levelInfo(level).label, labelEn: levelEnglish(level) } : null,
    };
  }
  const clerk = state.clerk;
  return {
    kind: 'idle',
    clerk: clerkCard(state),
    clerkStatus: cfg.mode === 'kiosk' ? 'kiosk' : clerk ? clerk.status : 'absent',
    staticQr: cfg.staticQr,
    slides: cfg.idleSlides && cfg.idleSlides.slides.length > 0 ? cfg.idleSlides : null,
  };
}

function clerkCard(state: CoreState): ClerkCard | null {
  const clerk = state.clerk;
  return clerk
    ? {
        id: clerk.id,
        name: clerk.name,
        department: clerk.department.name,
        photo: clerk.photo,
        stars: clerk.stars,
      }
    : null;
}

export const PAGE_QR_CAPTION = '扫码到福建省好差评页面评价';
export const OWN_QR_CAPTION = '扫码评价';
export const PAGE_QR_CAPTION_EN = "Scan to rate on Fujian's rating page";

function qrView(qr: QrCode): { url: string; svg: string; caption: string; captionEn: string } {
  return qr.page
    ? {
        url: qr.url,
        svg: qr.svg,
        caption: PAGE_QR_CAPTION,
        captionEn: PAGE_QR_CAPTION_EN,
      }
    : { url: qr.url, svg: qr.svg, caption: OWN_QR_CAPTION, captionEn: 'Scan to rate' };
}

function buttonOf(level: Level, keymap: Keymap): LevelButton {
  const info = levelInfo(level);
  return {
    level,
    label: info.label,
    labelEn: levelEnglish(level),
    verdict: info.verdict,
    position: positionOfLevel(keymap, level),
  };
}

function indicatorItems(reasons: readonly Reason[], chosen: readonly string[]): IndicatorItem[] {
  return reasons.map((r) => ({
    code: r.code,
    label: r.label,
    labelEn: reasonEnglish(r),
    selected: chosen.includes(r.code),
  }));
}

function hint(position: number, label: string, labelEn: string): KeyHint {
  return { position, label, labelEn };
}

function names(s: Session, indexes: number[]): string[] {
  return indexes.map((i) => (s.departments[i] as Department).name);
}

function promptScreen(state: CoreState, s: Session): Screen {
  const cfg = state.config;
  const phase = s.phase;
  switch (phase.kind) {
    case 'choose_scope':
      return {
        kind: 'choose_scope',
        promptId: s.id,
        service: s.service.name,
        departments: s.departments.map((d) => d.name),
        options: [
          { scope: 'overall', label: '总体评价', labelEn: 'Rate overall', position: SCOPE_KEYS.overall },
          {
            scope: 'department',
            label: '分部门评价',
            labelEn: 'Rate each department',
            position: SCOPE_KEYS.department,
          },
        ],
        deadline: s.deadline,
      };
    case 'rate':
    case 'change': {
      const changing = phase.kind === 'change' ? ratingAt(s, phase.rating) : null;
      let subject: Extract<Screen, { kind: 'rate' }>['subject'];
      if (changing) {
        subject = { scope: changing.scope, departments: names(s, changing.departments), step: null };
      } else if (phase.kind === 'rate' && phase.target !== 'all') {
        // The department rated just before this one: the last rating given, when it was
        // one department's (a per-department sequence rates them in order).
        const last = s.ratings[s.ratings.length - 1];
        subject = {
          scope: 'department',
          departments: names(s, [phase.target]),
          step: {
            index: phase.target + 1,
            total: s.departments.length,
            rated: last?.scope === 'department' ? names(s, last.departments).join('、') : null,
          },
        };
      } else {
        const scope: Scope = s.mode === 'parallel' ? 'overall' : s.mode === 'package' ? 'package' : 'single';
        subject = { scope, departments: s.departments.map((d) => d.name), step: null };
      }
      return {
        kind: 'rate',
        promptId: s.id,
        service: s.service.name,
        subject,
        buttons: LEVELS.map((level) => buttonOf(level, cfg.keymap)).sort((a, b) => a.position - b.position),
        changingFrom: changing ? changing.level : null,
        canDecline: !changing,
        realName: s.citizen && !changing ? { on: s.realName, maskedName: maskName(s.citizen.name) } : null,
        // The QR code is for rating instead of here: never shown once a rating is given.
        qr: s.ratings.length === 0 && s.qr ? qrView(s.qr) : null,
        deadline: s.deadline,
      };
    }
    case 'reasons': {
      const rating = ratingAt(s, phase.rating);
      return {
        kind: 'reasons',
        promptId: s.id,
        level: rating.level,
        levelLabel: levelInfo(rating.level).label,
        levelLabelEn: levelEnglish(rating.level),
        subject: names(s, rating.departments),
        reasons: indicatorItems(reasonsFor(cfg.catalogue, rating.level), rating.reasons),
        cursor: phase.cursor,
        keyHints: [
          hint(REASON_KEYS.previous, '上一项', 'Previous'),
          hint(REASON_KEYS.next, '下一项', 'Next'),
          hint(REASON_KEYS.toggle, '选择', 'Select'),
          hint(REASON_KEYS.change, '返回修改', 'Change rating'),
          hint(REASON_KEYS.submit, '提交', 'Submit'),
        ],
        deadline: s.deadline,
        extendable: canExtend(state, s),
      };
    }
    case 'indicators': {
      const rating = ratingAt(s, phase.rating);
      return {
        kind: 'indicators',
        promptId: s.id,
        given: buttonOf(rating.level, cfg.keymap),
        subject: names(s, rating.departments),
        indicators: indicatorItems(reasonsFor(cfg.catalogue, rating.level), rating.reasons),
        cursor: phase.cursor,
        keyHints: [
          hint(INDICATOR_KEYS.previous, '上一项', 'Previous'),
          hint(INDICATOR_KEYS.next, '下一项', 'Next'),
          hint(INDICATOR_KEYS.toggle, '选择', 'Select'),
          hint(INDICATOR_KEYS.done, '完成', 'Finish'),
        ],
        deadline: s.deadline,
      };
    }
  }
}
