/**
 * The report's data tables (the leaderboard, the training jobs): complete in the markup, so
 * they read and print in full without script; the page's script adds sorting (click a
 * header) and pages of {@link PAGE_SIZE} rows with "previous", "next" and "show all".
 */
import { esc } from './svg';

/** Rows per page when script runs. Printing always shows every row. */
export const PAGE_SIZE = 25;

/** One column: its title, whether it is numeric (right-aligned), and each row's cell. */
export interface TableColumn<T> {
  readonly title: string;
  readonly numeric?: boolean;
  /** Cell HTML (escaped) and sort key. */
  readonly cell: (row: T) => { readonly html: string; readonly sort: string | number };
}

/** What a table needs besides its columns and rows. */
export interface TableOptions<T> {
  /** `data-table` value, which tests and the script find the table by (`jobs`, `leaderboard`). */
  readonly id: string;
  /** The class of every row (`job-row`, `trial-row`). */
  readonly rowClass: string;
  /** Extra attributes of a row, e.g. `data-job="..."` (escaped by the caller). */
  readonly rowAttributes: (row: T) => string;
  /** What a row is called in the pager: `job`, `trial`. */
  readonly noun: string;
}

/**
 * A sortable table, paged when it has more than {@link PAGE_SIZE} rows. The pager is hidden
 * until the script shows it, so without script the page shows the whole table and no dead
 * buttons.
 */
export function dataTable<T>(columns: readonly TableColumn<T>[], rows: readonly T[], options: TableOptions<T>): string {
  const head = columns.map((c, k) => `<th scope="col" data-col="${k}"${c.numeric ? ' class="num"' : ''}>${esc(c.title)}</th>`).join('');
  const body = rows.map((row) => {
    const cells = columns.map((c) => {
      const { html, sort } = c.cell(row);
      return `<td${c.numeric ? ' class="num"' : ''} data-sort="${esc(sort)}">${html}</td>`;
    });
    return `<tr class="${esc(options.rowClass)}"${options.rowAttributes(row)}>${cells.join('')}</tr>`;
  });
  const paged = rows.length > PAGE_SIZE;
  const table = `<div class="table-wrap"><table class="data" data-table="${esc(options.id)}"${paged ? ` data-page-size="${PAGE_SIZE}"` : ''}><thead><tr>${head}</tr></thead><tbody>${body.join('')}</tbody></table></div>`;
  if (!paged) return table;
  const pager =
    `<div class="pager" data-pager="${esc(options.id)}" data-noun="${esc(options.noun)}" hidden>` +
    '<button type="button" data-go="prev">‹ previous</button>' +
    `<span class="pager-status">${esc(`${rows.length} ${options.noun}s`)}</span>` +
    '<button type="button" data-go="next">next ›</button>' +
    `<button type="button" data-go="all">show all ${rows.length}</button>` +
    '</div>';
  return table + pager;
}
