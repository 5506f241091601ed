// The figure pages' tables as files: CSV (UTF-8 with a BOM, so Excel opens the Chinese
// as Chinese) and XLSX through exceljs. Texts from the bus are hostile: in a CSV a cell
// starting with = + - @ would be a formula to Excel, so it is written with a leading
// apostrophe; exceljs writes every text as a text, never a formula.

import ExcelJS from 'exceljs';
import type { Cell, Column, Table } from './pages-data.js';

const FORMULA_START = /^[=+\-@\t\r]/;

function csvText(cell: Cell, column: Column): string {
  if (cell === null) return '';
  if (typeof cell === 'number') {
    if (column.kind === 'rate') return `${(cell * 100).toFixed(1)}%`;
    return String(cell);
  }
  const text = FORMULA_START.test(cell) ? `'${cell}` : cell;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One table as CSV: a title line, the header, the rows; CRLF as Excel writes it. */
export function tableCsv(table: Table): Buffer {
  const lines = [
    csvText(table.title, { label: '', kind: 'text' }),
    table.columns.map((c) => csvText(c.label, { label: '', kind: 'text' })).join(','),
    ...table.rows.map((row) => row.map((cell, i) => csvText(cell, table.columns[i] as Column)).join(',')),
  ];
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
}

/** Sheet names: at most 31 characters, none of []:*?/\ (Excel's rules). */
function sheetName(title: string, used: Set<string>): string {
  const base = title.replace(/[[\]:*?/\\]/g, ' ').slice(0, 28);
  let name = base;
  for (let i = 2; used.has(name); i++) name = `${base.slice(0, 26)} ${i}`;
  used.add(name);
  return name;
}

/** The tables as one workbook, a sheet each: rates as numbers formatted 0.0%. */
export async function tablesXlsx(tables: readonly Table[]): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = 'haochaping-terminal hall';
  const used = new Set<string>();
  for (const table of tables) {
    const sheet = book.addWorksheet(sheetName(table.title.replace(/（.*$/, ''), used));
    sheet.addRow([table.title]).font = { bold: true };
    const header = sheet.addRow(table.columns.map((c) => c.label));
    header.font = { bold: true };
    for (const row of table.rows) sheet.addRow(row.map((cell) => (cell === null ? null : cell)));
    table.columns.forEach((column, i) => {
      const col = sheet.getColumn(i + 1);
      if (column.kind === 'rate') col.numFmt = '0.0%';
      const widest = Math.max(
        column.label.length * 2,
        ...table.rows.slice(0, 200).map((r) => String(r[i] ?? '').length * (column.kind === 'text' ? 2 : 1)),
      );
      col.width = Math.min(60, Math.max(8, widest + 2));
    });
    sheet.views = [{ state: 'frozen', ySplit: 2 }];
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}
