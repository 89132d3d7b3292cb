/// The console's style sheet: plain, dense, readable on a counter's small screen, and a print
/// style that turns a dossier into a case-file page.
enum ConsoleStyle {
    static let css = #"""
:root { --ok: #1b7f3b; --warn: #a15c00; --bad: #b3261e; --muted: #5f6368; --line: #dadce0; --bg: #f6f7f9; --mark: #fff3c4; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0; font: 15px/1.45 "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", system-ui, sans-serif; color: #202124; background: var(--bg); }
header { padding: 12px 20px; background: #0b3d6b; color: #fff; display: flex; flex-wrap: wrap; gap: 12px; justify-content: space-between; align-items: center; }
header h1 { margin: 0; font-size: 20px; }
header .hint { margin: 2px 0 0; font-size: 13px; opacity: .85; }
.session { display: flex; gap: 10px; align-items: center; font-size: 14px; }
.session button { background: #fff; color: #0b3d6b; padding: 5px 12px; }
.en { color: inherit; opacity: .75; font-size: .85em; font-weight: normal; }
main { padding: 16px 20px; max-width: 1440px; margin: 0 auto; }
form.query { display: flex; flex-wrap: wrap; gap: 10px; align-items: flex-end; }
.field { display: flex; flex-direction: column; flex: 1 1 220px; }
label { font-size: 13px; color: var(--muted); margin-bottom: 3px; }
input, textarea { font: inherit; padding: 7px 9px; border: 1px solid #9aa0a6; border-radius: 4px; background: #fff; }
input:focus, textarea:focus, button:focus, summary:focus { outline: 3px solid #8ab4f8; outline-offset: 1px; }
button { font: inherit; padding: 8px 18px; border: 0; border-radius: 4px; background: #0b57d0; color: #fff; cursor: pointer; }
button:disabled { background: #9aa0a6; cursor: progress; }
details { margin: 10px 0; }
form.batch { display: flex; flex-direction: column; gap: 6px; max-width: 480px; }
.message { margin: 12px 0; padding: 10px 14px; border-radius: 4px; border-left: 5px solid var(--bad); background: #fce8e6; }
.message.info { border-color: #0b57d0; background: #e8f0fe; }
aside { margin: 8px 0 0; font-size: 13px; }
aside h2 { display: inline; font-size: 13px; margin: 0 8px 0 0; }
aside .hint { color: var(--muted); font-size: 12px; }
aside ol { list-style: none; margin: 4px 0 0; padding: 0; display: flex; flex-wrap: wrap; gap: 6px; }
.recent-entry { background: #fff; color: inherit; padding: 2px 8px; border: 1px solid var(--line); border-radius: 12px; font-size: 12px; }
.recent-status.good { color: var(--ok); } .recent-status.warn { color: var(--warn); } .recent-status.bad { color: var(--bad); }
.dossier, .batch { margin: 14px 0 24px; }
.dossier-head { display: flex; flex-wrap: wrap; gap: 12px; align-items: baseline; }
.dossier-head h2 { margin: 0; font-size: 18px; }
.dossier-head button.print { margin-left: auto; padding: 4px 12px; font-size: 13px; }
.meta { color: var(--muted); font-size: 13px; }
.overall { font-weight: bold; padding: 1px 8px; border-radius: 4px; }
.overall.complete { color: #fff; background: var(--ok); }
.overall.attention { color: #fff; background: var(--bad); }
.overall.incomplete { color: #fff; background: var(--warn); }
.overall.failed { color: #fff; background: var(--bad); }
.findings { list-style: none; margin: 10px 0; padding: 0; }
.finding { margin: 4px 0; padding: 7px 12px; border-radius: 4px; border-left: 5px solid; background: #fff; }
.finding.critical { border-color: var(--bad); background: #fce8e6; }
.finding.warning { border-color: var(--warn); background: #fef7e0; }
.finding.info { border-color: #0b57d0; background: #e8f0fe; }
.finding .severity { font-weight: bold; margin-right: 8px; }
.finding .where { color: var(--muted); font-size: 12px; margin-left: 8px; }
.finding .differs { display: inline-block; margin-left: 8px; font-weight: bold; color: var(--bad); }
.no-findings { margin: 8px 0; }
.no-findings.clean { color: var(--ok); }
.no-findings.partial, .no-findings.unknown { color: var(--muted); }
.skipped { color: var(--muted); font-size: 13px; margin: 4px 0 10px; }
.skipped-check { color: #3c4043; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 12px; margin-top: 8px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; overflow-x: auto; }
.card.odd-one-out { border: 2px solid var(--bad); }
.card h3 { margin: 0 0 6px; font-size: 16px; display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
.odd-tag { font-size: 12px; font-weight: bold; color: var(--bad); border: 1px solid var(--bad); border-radius: 10px; padding: 0 8px; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; color: #fff; background: var(--bad); }
.badge.ok { background: var(--ok); } .badge.not_found, .badge.not_permitted, .badge.pending { background: var(--muted); } .badge.timeout, .badge.circuit_open { background: var(--warn); }
.card.pending { opacity: .8; }
.waiting { color: var(--muted); }
.waiting::before { content: ""; display: inline-block; width: 10px; height: 10px; margin-right: 8px; border: 2px solid var(--muted); border-top-color: transparent; border-radius: 50%; animation: spin 1s linear infinite; }
@keyframes spin { to { transform: rotate(360deg); } }
.latency { color: var(--muted); font-size: 12px; font-weight: normal; }
.failure { margin: 6px 0; color: var(--bad); }
.failure .detail { display: block; color: var(--muted); font-size: 12px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; vertical-align: top; padding: 3px 5px; border-bottom: 1px solid #eee; }
th { color: var(--muted); font-weight: normal; width: 1%; min-width: 6em; }
th .en { display: block; font-size: 11px; }
/* Nested labels are narrower, so a value four levels down (an owner's ID card number) still fits
   its card; an array element's number needs no room for a label. */
td th { min-width: 4.5em; }
th.index { min-width: 0; white-space: nowrap; }
td table { background: #fafafa; }
/* Long text wraps, but a number such as an ID card's is never cut into a column of single
   characters: a value's longest word sets the least width of its column. */
td { overflow-wrap: break-word; }
tr.compared > th, tr.compared > td { background: var(--mark); }
tr.compared > th { border-left: 4px solid var(--warn); }
tr.differs > th, tr.differs > td { background: #fcd9d5; }
tr.differs > th { border-left: 4px solid var(--bad); font-weight: bold; color: var(--bad); }
.withheld { display: inline-block; font-size: 12px; color: #fff; background: var(--muted); border-radius: 10px; padding: 0 8px; white-space: nowrap; }
.withheld-note { font-size: 12px; color: var(--muted); margin: 4px 0 6px; }
.null { color: #b0b0b0; }
.batch-item-error { margin: 8px 0; }
.batch-summary { background: #fff; border: 1px solid var(--line); margin: 10px 0; }
.batch-summary th { color: #202124; font-weight: bold; }
.batch-summary td { vertical-align: middle; }
.batch-row.selected > td { background: #e8f0fe; }
.batch-row.bad > td:first-child { border-left: 4px solid var(--bad); }
.batch-row.warn > td:first-child { border-left: 4px solid var(--warn); }
.batch-row.good > td:first-child { border-left: 4px solid var(--ok); }
.open-dossier { padding: 2px 10px; font-size: 13px; background: #fff; color: #0b57d0; border: 1px solid #0b57d0; }
td.count.critical { color: var(--bad); font-weight: bold; } td.count.warning { color: var(--warn); font-weight: bold; }
.batch-waiting { columns: 3; color: var(--muted); }
.print-only { display: none; }
@media (max-width: 900px) { form.query > button { flex: 1 1 100%; } }

/* A printout is a case file: what was asked, by whom, when, and how to find it in the audit
   log; no inputs, buttons or lists of this page. */
@media print {
  @page { size: A4; margin: 14mm 12mm; }
  body { background: #fff; font-size: 11pt; }
  header, form, details, aside, #message, .screen-only, button, input, textarea { display: none !important; }
  /* The case-file header above already gives the time and the request id. */
  .dossier .dossier-head .meta { display: none; }
  main { padding: 0; max-width: none; }
  .print-only { display: block; }
  span.print-only { display: inline; }
  .case-file { border: 1px solid #000; padding: 6px 10px; margin-bottom: 10px; }
  .case-file h2 { font-size: 14pt; margin: 0 0 4px; }
  .case-file-table th { color: #000; width: 22%; }
  .case-file-table td { font-family: "Noto Sans Mono CJK SC", monospace; overflow-wrap: anywhere; }
  .cards { display: block; }
  /* A department's card, or a row holding a nested table, may run over a page (kept whole, it
     would leave the rest of the page before it blank); a row of one value never does, and a
     heading stays with what follows it. */
  .card { border: 1px solid #000; margin-bottom: 8px; overflow: visible; }
  .card h3, .dossier-head { break-after: avoid; }
  tr:not(:has(table)) { break-inside: avoid; }
  /* A card is the page's width on paper: room for a label on one line saves a page or two. */
  th { min-width: 10em; }
  td th { min-width: 8em; }
  th.index { min-width: 0; }
  .finding, tr.compared > th, tr.compared > td, .badge, .overall, .withheld { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
  .batch-summary { break-inside: avoid; }
}
"""#
}
