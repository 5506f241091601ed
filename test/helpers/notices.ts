// Hall notices for the idle screen's tests (ui.idleSlides), made the way hall staff make
// them: a slide of large text, exported as a PNG file (here, by Chromium itself).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { tempDir } from './temp.js';

/** A notice as hall staff make them: a slide of large text, 1600×900, saved as PNG. */
export async function makeNotice(b: Browser, file: string, title: string, lines: string[]): Promise<void> {
  const page = await b.newPage({ viewport: { width: 1600, height: 900 } });
  try {
    await page.setContent(
      `<html lang="zh-CN"><body style="margin:0;height:900px;display:flex;flex-direction:column;justify-content:center;align-items:center;background:#0d3d6e;color:#fff;font-family:'Noto Sans CJK SC',sans-serif">
        <h1 style="font-size:110px;margin:0 0 40px">${title}</h1>
        ${lines.map((l) => `<p style="font-size:64px;margin:12px">${l}</p>`).join('')}
      </body></html>`,
    );
    writeFileSync(file, await page.screenshot({ type: 'png' }));
  } finally {
    await page.close();
  }
}

/** A folder of three notices, named so that name order is not character order (2 before 10). */
export async function noticeFolder(b: Browser): Promise<string> {
  const folder = tempDir('hcp-notices-');
  await makeNotice(b, join(folder, '1-办事指南.png'), '办事指南', [
    '不动产登记请到 3 号窗口',
    '工作日 9:00–17:00',
  ]);
  await makeNotice(b, join(folder, '2-预约服务.png'), '预约服务', ['关注“闽政通”', '可提前预约办理']);
  await makeNotice(b, join(folder, '10-温馨提示.png'), '温馨提示', ['请保管好随身物品']);
  return folder;
}
