// Tables as files (src/base/table-file.ts): CSV as Excel reads it (BOM, quoting, CRLF,
// no formula from a name), XLSX written and read back with exceljs.
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { type Table, tableCsv, tablesXlsx } from '../../../src/base/table-file.js';

const table: Table = {
  name: '明细',
  columns: [{ header: '事项' }, { header: '评价数', kind: 'int' }, { header: '好评率', kind: 'percent' }],
  rows: [
    ['食品经营许可', 12, 0.9166],
    ['含,逗号 "引号"\n换行', 0, null],
    ['=HYPERLINK("http://x")', 3, 1],
    ['-1+2', 1, 0],
  ],
};

describe('table files', () => {
  it('CSV: UTF-8 with BOM, quoted where needed, CRLF, percentages, no formulas', () => {
    const text = tableCsv(table);
    expect(text.startsWith('\uFEFF事项,评价数,好评率\r\n')).toBe(true);
    expect(text).toBe(
      '\uFEFF事项,评价数,好评率\r\n' +
        '食品经营许可,12,91.7%\r\n' +
        '"含,逗号 ""引号""\n换行",0,\r\n' +
        `"'=HYPERLINK(""http://x"")",3,100.0%\r\n` +
        "'-1+2,1,0.0%\r\n",
    );
  });

  it('XLSX: a sheet per table, numbers as numbers, text as text (never a formula)', async () => {
    const bad: Table = { ...table, name: `a/b:c?*[d]${'x'.repeat(40)}` };
    const buffer = await tablesXlsx([table, bad, { ...table }]);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(buffer as unknown as ArrayBuffer);
    expect(book.worksheets.map((w) => w.name)).toEqual(['明细', `a_b_c___d_${'x'.repeat(21)}`, '明细 (2)']);
    const sheet = book.worksheets[0] as ExcelJS.Worksheet;
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(['事项', '评价数', '好评率']);
    expect((sheet.getRow(2).values as unknown[]).slice(1)).toEqual(['食品经营许可', 12, 0.9166]);
    const formula = sheet.getCell('A4');
    expect(formula.type).toBe(ExcelJS.ValueType.String);
    expect(formula.value).toBe('=HYPERLINK("http://x")');
    expect(sheet.getColumn(3).numFmt).toBe('0.0%');
    expect(sheet.getRow(1).font?.bold).toBe(true);
  });

  it('a title goes above the header: the first CSV line, the first XLSX row (the header frozen under it)', async () => {
    const titled: Table = { ...table, title: '按部门统计（2026-11-01 至 2026-11-30）' };
    expect(
      tableCsv(titled).startsWith('\uFEFF按部门统计（2026-11-01 至 2026-11-30）\r\n事项,评价数,好评率\r\n'),
    ).toBe(true);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await tablesXlsx([titled])) as unknown as ArrayBuffer);
    const sheet = book.worksheets[0] as ExcelJS.Worksheet;
    expect(sheet.getCell(1, 1).value).toBe(titled.title);
    expect((sheet.getRow(2).values as unknown[]).slice(1)).toEqual(['事项', '评价数', '好评率']);
    expect((sheet.getRow(3).values as unknown[]).slice(1)).toEqual(['食品经营许可', 12, 0.9166]);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 2 });
  });
});
