/**
 * The report's inline stylesheet and its one small script (table sorting). Charts are plain
 * SVG styled by class and need no script; tooltips are SVG `<title>` elements.
 */
import { createHash } from 'node:crypto';

/** The stylesheet: system fonts, light cards, colour-blind-friendly accents. */
export const REPORT_CSS = `
:root{--bg:#f4f6f8;--card:#fff;--text:#17212b;--muted:#5b6775;--border:#e1e6ec;--accent:#2563eb;--best:#e8590c;--ok:#2b8a3e;--bad:#d6336c;--warn:#e67700;--grid:#edf0f3}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--text);font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1240px;margin:0 auto;padding:32px 24px 40px}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:12.5px}
h1{font-size:28px;line-height:1.2;margin:4px 0 10px;letter-spacing:-.01em;word-break:break-word}
h2{font-size:17px;margin:0 0 2px}
.eyebrow{text-transform:uppercase;font-size:11.5px;letter-spacing:.09em;color:var(--muted);font-weight:650}
.status-line{display:flex;flex-wrap:wrap;align-items:center;gap:10px}
.status-reason{color:var(--muted)}
.generated{color:var(--muted);font-size:12.5px;margin:8px 0 0}
.muted{color:var(--muted)}
.card{background:var(--card);border:1px solid var(--border);border-radius:12px;padding:20px 24px;margin-top:20px;box-shadow:0 1px 2px rgba(16,24,40,.05)}
.lead{color:var(--muted);margin:0 0 16px;max-width:880px}
.summary{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:20px;margin-top:24px}
.summary .card{margin-top:0}
@media (max-width:900px){.summary{grid-template-columns:minmax(0,1fr)}}
.stats{display:grid;grid-template-columns:repeat(3,minmax(0,1fr));gap:10px;margin-bottom:18px}
.stat{background:#f8f9fb;border:1px solid var(--border);border-radius:9px;padding:10px 12px}
.stat-value{font-size:22px;font-weight:650;font-variant-numeric:tabular-nums;line-height:1.25}
.stat-label{font-size:12px;color:var(--muted)}
.stat.ok .stat-value{color:var(--ok)}.stat.bad .stat-value{color:var(--bad)}.stat.warn .stat-value{color:var(--warn)}
.facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(190px,1fr));gap:10px 24px;margin:0}
.fact dt{font-size:12px;color:var(--muted)}.fact dd{margin:0;font-weight:550}
.best-value{margin:6px 0 2px}.best-value .big{font-size:32px;font-weight:700;color:var(--best);font-variant-numeric:tabular-nums}
.best-meta{margin:0 0 12px;color:var(--muted)}
.hp-table{border-collapse:collapse;width:100%;font-size:13px}
.hp-table th,.hp-table td{text-align:left;padding:4px 8px;border-top:1px solid var(--border)}
.hp-table th{font-weight:400;color:var(--muted);width:45%}
.hp-table tr.tunable th{font-weight:650;color:var(--text)}
.badge{display:inline-block;padding:1px 9px;border-radius:999px;font-size:12px;font-weight:650;background:#eef1f4;color:#44505e;white-space:nowrap}
.status-Completed{background:#e3f5e8;color:#2b8a3e}.status-Running,.status-InProgress{background:#e4edfd;color:#1d4ed8}
.status-Failed{background:#fde7ef;color:#c2255c}.status-Stopped,.status-Stopping{background:#fff1db;color:#b35900}.status-Pending{background:#eef1f4;color:#5b6775}
.badge-best{background:#ffe8d9;color:#c04b06}
.chart-grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,440px),1fr));gap:20px 28px}
.split{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:20px 28px;align-items:start}
@media (max-width:900px){.split{grid-template-columns:minmax(0,1fr)}}
.rungs{border-collapse:collapse;width:100%;font-size:13px}
.rungs th,.rungs td{padding:6px 8px;border-bottom:1px solid var(--border);text-align:right;font-variant-numeric:tabular-nums}
.rungs th{color:#44505e;font-weight:650;background:#f8f9fb}
.rungs th:first-child,.rungs td:first-child{text-align:left}
.chart-figure{margin:0;min-width:0}
figcaption{font-weight:650;font-size:13px;margin-bottom:4px}
.figure-note{color:var(--muted);font-size:12px;margin:2px 0 0}
svg.chart{width:100%;height:auto;display:block}
svg .plot-bg{fill:#fbfcfd}
svg .grid{stroke:var(--grid);stroke-width:1}
svg .axis-line,svg .tick{stroke:#97a3b0;stroke-width:1}
svg .tick-label{fill:var(--muted);font-size:11px;font-variant-numeric:tabular-nums}
svg .axis-label{fill:#36414e;font-size:12px;font-weight:600}
svg .band{fill:#f1f4f7}
svg .line{fill:none;stroke-width:1.5;stroke-linejoin:round;stroke-linecap:round}
svg .best-line{stroke:var(--best);stroke-width:2.5}
svg .point{stroke:#fff;stroke-width:1.2}
svg .point:hover{stroke:#17212b;stroke-width:2}
svg .point.observed{fill:#a9b3be}
svg .point.improved{fill:var(--best)}
svg .failure-mark{stroke:var(--bad);stroke-width:2;fill:none}
svg .line.curve-stopped{stroke:#c3cad2}svg .point.curve-stopped{fill:#b3bcc6}
svg .line.curve-promoted{stroke:var(--accent);stroke-width:2;stroke-opacity:.85}svg .point.curve-promoted{fill:var(--accent)}
svg .line.curve-best{stroke:var(--best);stroke-width:3.2}svg .point.curve-best{fill:var(--best)}
svg .rung-0{fill:#c6d7f7}svg .rung-1{fill:#93b3ef}svg .rung-2{fill:#5e8de4}svg .rung-3{fill:#2f66d0}svg .rung-4{fill:#173f94}
svg .point.best{stroke:var(--best);stroke-width:2.6}
.legend{display:flex;flex-wrap:wrap;gap:6px 18px;font-size:12px;color:var(--muted);margin-top:12px}
.legend-item{display:inline-flex;align-items:center}
.swatch{display:inline-block;width:11px;height:11px;border-radius:50%;margin-right:6px}
.sw-best,.sw-improved{background:var(--best)}.sw-best{border-radius:2px;height:4px;width:16px}
.sw-observed,.sw-stopped{background:#b3bcc6}.sw-promoted{background:var(--accent)}
.sw-failed{background:var(--bad);border-radius:2px;transform:rotate(45deg);width:9px;height:9px}
.sw-rung-0{background:#c6d7f7}.sw-rung-1{background:#93b3ef}.sw-rung-2{background:#5e8de4}.sw-rung-3{background:#2f66d0}.sw-rung-4{background:#173f94}
.placeholder{display:flex;align-items:center;justify-content:center;min-height:150px;border:1px dashed #cdd5de;border-radius:9px;color:var(--muted);background:#fafbfc;text-align:center;padding:16px}
.table-wrap{overflow-x:auto;border:1px solid var(--border);border-radius:9px}
table.data{width:100%;border-collapse:collapse;font-size:13px}
table.data th{background:#f8f9fb;text-align:left;font-weight:650;color:#44505e;border-bottom:1px solid var(--border);padding:8px 10px;white-space:nowrap;cursor:pointer;user-select:none}
table.data th[aria-sort=ascending]::after{content:" ▲";font-size:9px}
table.data th[aria-sort=descending]::after{content:" ▼";font-size:9px}
table.data td{padding:7px 10px;border-bottom:1px solid var(--border);vertical-align:top}
table.data tbody tr:last-child td{border-bottom:0}
table.data tbody tr:hover{background:#f7f9fc}
table.data td:first-child{white-space:nowrap}
table.data .num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.pager{display:flex;align-items:center;gap:10px;margin-top:10px;font-size:13px;color:var(--muted)}
.pager[hidden]{display:none}
.pager button{font:inherit;color:var(--text);background:#f8f9fb;border:1px solid var(--border);border-radius:7px;padding:3px 10px;cursor:pointer}
.pager button:disabled{color:#aab3bd;cursor:default}
.trial-completed{background:#e3f5e8;color:#2b8a3e}.trial-running,.trial-paused{background:#e4edfd;color:#1d4ed8}
.trial-failed{background:#fde7ef;color:#c2255c}.trial-stopped,.trial-no-result{background:#fff1db;color:#b35900}.trial-not-promoted{background:#eef1f4;color:#5b6775}
.failure{color:var(--bad);word-break:break-word}
.note{color:var(--muted);font-size:12.5px;margin:10px 0 0;max-width:880px}
svg .pc-axis{stroke:#97a3b0;stroke-width:1}
svg .pc-line{fill:none;stroke-width:1.3;stroke-opacity:.75}
svg .pc-line:hover{stroke-width:3;stroke-opacity:1}
svg .pc-q0{stroke:#c3cad2}svg .pc-q1{stroke:#93b3ef}svg .pc-q2{stroke:#5e8de4}svg .pc-q3{stroke:#2f66d0}svg .pc-best{stroke:var(--best);stroke-width:3;stroke-opacity:1}
.sw-pc-q0{background:#c3cad2}.sw-pc-q1{background:#93b3ef}.sw-pc-q2{background:#5e8de4}.sw-pc-q3{background:#2f66d0}
svg .bar{fill:var(--accent)}svg .bar.top{fill:var(--best)}
.importance svg.chart{max-width:680px}
svg.pc .tick-label{paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}
svg .bar-label{fill:var(--text);font-size:12px}svg .bar-value{fill:var(--muted);font-size:11.5px;font-variant-numeric:tabular-nums}
footer{color:var(--muted);font-size:12px;margin-top:28px;text-align:center}
@media print{body{background:#fff}.card{box-shadow:none}.chart-figure,.summary .card{break-inside:avoid}.pager{display:none!important}table.data tbody tr[hidden]{display:table-row!important}table.data th{cursor:auto}.table-wrap{overflow:visible}}
`;

/**
 * The tables' behaviour: a click on a header sorts by that column (numbers numerically, text
 * alphabetically, blanks last; again to reverse); a table with `data-page-size` shows one
 * page of rows at a time, with its pager ("previous", "next", "show all"). Without script
 * every row shows, and printing always shows every row (the stylesheet's print rules).
 */
export const REPORT_SCRIPT = `
function paginate(table) {
  var size = Number(table.dataset.pageSize || 0), rows = table.tBodies[0].rows, n = rows.length;
  var pager = document.querySelector('[data-pager="' + table.dataset.table + '"]');
  if (!size || !pager) return;
  var all = table.dataset.all === '1', pages = Math.max(1, Math.ceil(n / size));
  var page = Math.min(Math.max(0, Number(table.dataset.page || 0)), pages - 1);
  table.dataset.page = String(page);
  for (var i = 0; i < n; i++) rows[i].hidden = !all && (i < page * size || i >= (page + 1) * size);
  var first = all ? 1 : page * size + 1, last = all ? n : Math.min(n, (page + 1) * size);
  pager.querySelector('.pager-status').textContent = pager.dataset.noun + 's ' + first + '\u2013' + last + ' of ' + n;
  pager.querySelector('[data-go="prev"]').disabled = all || page === 0;
  pager.querySelector('[data-go="next"]').disabled = all || page === pages - 1;
  pager.querySelector('[data-go="all"]').textContent = all ? 'show ' + size + ' per page' : 'show all ' + n;
  pager.hidden = false;
}
document.querySelectorAll('table[data-table]').forEach(function (table) {
  paginate(table);
  var pager = document.querySelector('[data-pager="' + table.dataset.table + '"]');
  if (pager) pager.addEventListener('click', function (e) {
    var go = e.target.closest('button') && e.target.closest('button').dataset.go;
    if (go === 'prev') table.dataset.page = String(Number(table.dataset.page) - 1);
    if (go === 'next') table.dataset.page = String(Number(table.dataset.page) + 1);
    if (go === 'all') table.dataset.all = table.dataset.all === '1' ? '0' : '1';
    paginate(table);
  });
  table.querySelectorAll('th').forEach(function (th) {
    th.addEventListener('click', function () {
      var body = table.tBodies[0], col = Number(th.dataset.col);
      var asc = th.getAttribute('aria-sort') !== 'ascending';
      table.querySelectorAll('th').forEach(function (h) { h.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (r1, r2) {
        var a = r1.cells[col].dataset.sort, b = r2.cells[col].dataset.sort, x = parseFloat(a), y = parseFloat(b);
        if (a === '' || b === '') return (a === '' ? 1 : 0) - (b === '' ? 1 : 0); // blanks last
        var d = !isNaN(x) && !isNaN(y) ? x - y : a.localeCompare(b);
        return asc ? d : -d;
      });
      rows.forEach(function (r) { body.appendChild(r); });
      table.dataset.page = '0';
      paginate(table);
    });
  });
});
`;

/**
 * The page's Content-Security-Policy: nothing may be loaded from anywhere, inline styles are
 * allowed, and the only script that may run is {@link REPORT_SCRIPT} (by its hash), so even a
 * value that escaped escaping could not run.
 */
export const REPORT_CSP = `default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-${createHash('sha256').update(REPORT_SCRIPT).digest('base64')}'; base-uri 'none'; form-action 'none'`;
