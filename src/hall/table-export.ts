// The figure pages' tables as files, through the writer the terminal's report uses too
// (src/base/table-file.ts): CSV (UTF-8 with a BOM, so Excel opens the Chinese as
// Chinese; a text starting with = + - @ gets a leading apostrophe, never a formula) and
// XLSX through exceljs. A page's table keeps its title as the first line or row.

import { tableCsv as csvText, type Table as FileTable, tablesXlsx as xlsxBook } from '../base/table-file.js';
import type { Table } from './wire/page-types.js';

function fileTable(table: Table): FileTable {
  return {
    // The sheet is named by the title without its （…） part.
    name: table.title.replace(/（.*$/, ''),
    title: table.title,
    columns: table.columns.map((c) => ({ header: c.label, kind: c.kind === 'rate' ? 'percent' : c.kind })),
    rows: table.rows,
  };
}

/** One table as CSV: a title line, the header, the rows; CRLF as Excel writes it. */
export function tableCsv(table: Table): Buffer {
  return Buffer.from(csvText(fileTable(table)), 'utf8');
}

/** The tables as one workbook, a sheet each: rates as numbers formatted 0.0%. */
export function tablesXlsx(tables: readonly Table[]): Promise<Buffer> {
  return xlsxBook(tables.map(fileTable), { creator: 'haochaping-terminal hall' });
}
