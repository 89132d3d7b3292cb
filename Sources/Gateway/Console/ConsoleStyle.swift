/// The console's style sheet: plain, dense, readable on a counter's small screen.
enum ConsoleStyle {
    static let css = #"""
:root { --ok: #1b7f3b; --warn: #a15c00; --bad: #b3261e; --muted: #5f6368; --line: #dadce0; --bg: #f6f7f9; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", system-ui, sans-serif; color: #202124; background: var(--bg); }
header { padding: 12px 20px; background: #0b3d6b; color: #fff; }
header h1 { margin: 0; font-size: 20px; }
header .hint { margin: 2px 0 0; font-size: 13px; opacity: .85; }
.en { color: inherit; opacity: .75; font-size: .85em; font-weight: normal; }
main { padding: 16px 20px; max-width: 1280px; margin: 0 auto; }
form.query { display: grid; grid-template-columns: 1fr 1.4fr 1.4fr auto; gap: 10px; align-items: end; }
.field { display: flex; flex-direction: column; }
label { font-size: 13px; color: var(--muted); margin-bottom: 3px; }
input, textarea { font: inherit; padding: 7px 9px; border: 1px solid #9aa0a6; border-radius: 4px; background: #fff; }
input:focus, textarea:focus, button:focus, summary:focus { outline: 3px solid #8ab4f8; outline-offset: 1px; }
button { font: inherit; padding: 8px 18px; border: 0; border-radius: 4px; background: #0b57d0; color: #fff; cursor: pointer; }
button:disabled { background: #9aa0a6; cursor: progress; }
details { margin: 10px 0; }
form.batch { display: flex; flex-direction: column; gap: 6px; max-width: 480px; }
.message { margin: 12px 0; padding: 10px 14px; border-radius: 4px; border-left: 5px solid var(--bad); background: #fce8e6; }
.message.info { border-color: #0b57d0; background: #e8f0fe; }
.dossier { margin: 14px 0 24px; }
.dossier-head { display: flex; flex-wrap: wrap; gap: 12px; align-items: baseline; }
.dossier-head h2 { margin: 0; font-size: 18px; }
.meta { color: var(--muted); font-size: 13px; }
.overall { font-weight: bold; }
.overall.complete { color: var(--ok); } .overall.incomplete { color: var(--warn); } .overall.failed { color: var(--bad); }
.findings { list-style: none; margin: 10px 0; padding: 0; }
.finding { margin: 4px 0; padding: 7px 12px; border-radius: 4px; border-left: 5px solid; background: #fff; }
.finding.critical { border-color: var(--bad); background: #fce8e6; }
.finding.warning { border-color: var(--warn); background: #fef7e0; }
.finding.info { border-color: #0b57d0; background: #e8f0fe; }
.finding .severity { font-weight: bold; margin-right: 8px; }
.finding .where { color: var(--muted); font-size: 12px; margin-left: 8px; }
.no-findings { color: var(--ok); margin: 8px 0; }
.skipped { color: var(--muted); font-size: 13px; margin: 4px 0 10px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 12px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; overflow-x: auto; }
.card h3 { margin: 0 0 6px; font-size: 16px; display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; color: #fff; background: var(--bad); }
.badge.ok { background: var(--ok); } .badge.not_found, .badge.not_permitted { background: var(--muted); } .badge.timeout, .badge.circuit_open { background: var(--warn); }
.latency { color: var(--muted); font-size: 12px; font-weight: normal; }
.failure { margin: 6px 0; color: var(--bad); }
.failure .detail { display: block; color: var(--muted); font-size: 12px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; vertical-align: top; padding: 3px 6px; border-bottom: 1px solid #eee; }
th { color: var(--muted); font-weight: normal; white-space: nowrap; width: 1%; }
td table { background: #fafafa; }
td { overflow-wrap: anywhere; }
.null { color: #b0b0b0; }
.batch-item-error { margin: 8px 0; }
@media (max-width: 800px) { form.query { grid-template-columns: 1fr; } }
"""#
}
