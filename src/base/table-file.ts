// Tables of figures as files a hall opens in Excel or WPS: CSV (UTF-8 with a BOM, so
// Chinese reads right; RFC 4180 quoting; CRLF) and XLSX through exceljs, never built by
// hand. Shared by the terminal's `report` and the hall console's exports; it knows
// nothing of ratings, only of columns and cells.
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
  /** The sheet's name in XLSX (at most 31 characters, none of : \ / ? * [ ]). */
  name: string;
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

/** The table as CSV text: BOM, a header line, a line per row, CRLF line ends. */
export function tableCsv(table: Table): string {
  const lines = [table.columns.map((c) => csvCell(c.header, 'text'))];
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

/** The tables as one XLSX workbook, a sheet each, headers bold and frozen. */
export async function tablesXlsx(tables: readonly Table[], meta: { creator?: string } = {}): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = meta.creator ?? 'haochaping-terminal';
  const taken = new Set<string>();
  for (const table of tables) {
    const sheet = book.addWorksheet(sheetName(table.name, taken), {
      views: [{ state: 'frozen', ySplit: 1 }],
    });
    sheet.columns = table.columns.map((c, i) => ({
      key: `c${i}`,
      header: c.header,
      width: c.width ?? Math.max(8, Math.min(40, [...c.header].length * 2 + 2)),
      ...(c.kind === 'percent' ? { style: { numFmt: '0.0%' } } : {}),
    }));
    sheet.getRow(1).font = { bold: true };
    for (const row of table.rows) {
      sheet.addRow(table.columns.map((_, i) => row[i] ?? null));
    }
  }
  const out = await book.xlsx.writeBuffer();
  return Buffer.from(out as ArrayBuffer);
}
