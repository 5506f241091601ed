// Tables of figures as files a hall opens in Excel or WPS: CSV (UTF-8 with a BOM, so
// Chinese reads right; RFC 4180 quoting; CRLF) and XLSX through exceljs, never built by
// hand. Shared by the terminal's `report` (src/report) and the hall console's exports
// (src/hall/table-export.ts); it knows nothing of ratings, only of columns and cells.
//
// A text cell starting with =, +, -, @ (or a tab or carriage return) would be run as a
// formula by a spreadsheet opening the CSV: such cells get a leading apostrophe (the
// usual defence; names come from business systems and the bus, hostile input). In XLSX
// every text is written as a string cell, never a formula, and needs no such mark.

import ExcelJS from 'exceljs';

export type Cell = string | number | null;

export interface Column {
  header: string;
  /** text (default), a whole number, or a share from 0 to 1 shown as a percentage. */
  kind?: 'text' | 'int' | 'percent';
  /** Width in characters in XLSX; default from the header. */
  width?: number;
}

export interface Table {
  /** The sheet's name in XLSX (made to Excel's rules: at most 31 characters, none of : \ / ? * [ ]). */
  name: string;
  /** A line above the header (CSV) or a first row (XLSX), e.g. what the table shows and for when. */
  title?: string;
  columns: Column[];
  rows: Cell[][];
}

const BOM = '\uFEFF';
const FORMULA_START = /^[=+\-@\t\r]/;

function csvCell(value: Cell, kind: Column['kind']): string {
  if (value === null) return '';
  let text: string;
  if (typeof value === 'number') {
    text = kind === 'percent' ? `${(value * 100).toFixed(1)}%` : String(value);
  } else {
    text = FORMULA_START.test(value) ? `'${value}` : value;
  }
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The table as CSV text: BOM, the title line if any, a header line, a line per row, CRLF line ends. */
export function tableCsv(table: Table): string {
  const lines = table.title === undefined ? [] : [[csvCell(table.title, 'text')]];
  lines.push(table.columns.map((c) => csvCell(c.header, 'text')));
  for (const row of table.rows) lines.push(table.columns.map((c, i) => csvCell(row[i] ?? null, c.kind)));
  return `${BOM}${lines.map((l) => l.join(',')).join('\r\n')}\r\n`;
}

const SHEET_NAME_FORBIDDEN = /[:\\/?*[\]]/g;

/** A sheet name Excel accepts: forbidden characters replaced, at most 31 characters, unique. */
function sheetName(name: string, taken: Set<string>): string {
  const base = (name.replace(SHEET_NAME_FORBIDDEN, '_').trim() || 'Sheet').slice(0, 31);
  let candidate = base;
  for (let n = 2; taken.has(candidate.toLowerCase()); n++) candidate = `${base.slice(0, 27)} (${n})`;
  taken.add(candidate.toLowerCase());
  return candidate;
}

/** Characters a column needs: its header and its first rows (a CJK character is two wide). */
function widthOf(table: Table, i: number): number {
  const wide = (text: string) => [...text].reduce((n, ch) => n + (ch.charCodeAt(0) > 0x2e7f ? 2 : 1), 0);
  const column = table.columns[i] as Column;
  const cells = table.rows.slice(0, 200).map((r) => {
    const v = r[i];
    return v === null || v === undefined ? 0 : typeof v === 'number' ? String(v).length : wide(v);
  });
  return Math.min(60, Math.max(8, wide(column.header), ...cells) + 2);
}

/** The tables as one XLSX workbook, a sheet each: the title, the header (bold, frozen), the rows. */
export async function tablesXlsx(tables: readonly Table[], meta: { creator?: string } = {}): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = meta.creator ?? 'haochaping-terminal';
  const taken = new Set<string>();
  for (const table of tables) {
    const headerRow = table.title === undefined ? 1 : 2;
    const sheet = book.addWorksheet(sheetName(table.name, taken), {
      views: [{ state: 'frozen', ySplit: headerRow }],
    });
    if (table.title !== undefined) sheet.addRow([table.title]).font = { bold: true };
    sheet.addRow(table.columns.map((c) => c.header)).font = { bold: true };
    for (const row of table.rows) sheet.addRow(table.columns.map((_, i) => row[i] ?? null));
    table.columns.forEach((c, i) => {
      const column = sheet.getColumn(i + 1);
      column.width = c.width ?? widthOf(table, i);
      if (c.kind === 'percent') column.numFmt = '0.0%';
    });
  }
  const out = await book.xlsx.writeBuffer();
  return Buffer.from(out as ArrayBuffer);
}
