/// The console's HTML: who is signed in, the query form, an optional batch form, the place
/// results go and the page's recent lookups.
enum ConsolePage {
    static let html = #"""
<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>不动产信息共享查询 · Property dossier</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/console/app.css">
<script src="/console/app.js" defer></script>
</head>
<body>
<header>
  <div class="title">
    <h1>不动产信息共享查询 <span class="en">Property dossier</span></h1>
    <p class="hint">自然资源局 · 税务局 · 住建局 — 一次查询三个部门 <span class="en">one lookup, three departments</span></p>
  </div>
  <div id="session" class="session" hidden>
    <span id="signed-in-as"></span>
    <button id="sign-out" type="button">退出 <span class="en">Sign out</span></button>
  </div>
</header>
<main>
  <form id="query" class="query" autocomplete="off" novalidate>
    <div class="field" id="key-field">
      <label for="api-key">API 密钥 <span class="en">API key</span></label>
      <input id="api-key" name="api-key" type="password" autocomplete="off" spellcheck="false" required>
    </div>
    <div class="field">
      <label for="purpose">查询事由 <span class="en">Purpose (case no.)</span></label>
      <input id="purpose" name="purpose" type="text" maxlength="200" placeholder="登记案件 2026-0042" required>
    </div>
    <div class="field">
      <label for="property-id">不动产编号 <span class="en">Property id</span></label>
      <input id="property-id" name="property-id" type="text" maxlength="64" spellcheck="false" placeholder="LA2023001" required>
    </div>
    <button id="submit" type="submit">查询 <span class="en">Look up</span></button>
  </form>
  <details id="batch-panel">
    <summary>批量查询 <span class="en">Batch lookup</span></summary>
    <form id="batch" class="batch" autocomplete="off" novalidate>
      <label for="batch-ids">每行一个编号，最多 100 个 <span class="en">one id per line, up to 100</span></label>
      <textarea id="batch-ids" rows="4" spellcheck="false"></textarea>
      <button id="batch-submit" type="submit">批量查询 <span class="en">Look up all</span></button>
    </form>
  </details>
  <div id="message" class="message" role="alert" hidden></div>
  <aside id="recent-panel" hidden>
    <h2>本页最近查询 <span class="en">Recent lookups on this page</span></h2>
    <span class="hint">仅保存在本页内存中，退出或刷新即清除 <span class="en">kept in this page's memory only; gone on sign-out or reload</span></span>
    <ol id="recent"></ol>
  </aside>
  <div id="results" aria-live="polite" aria-busy="false"></div>
</main>
</body>
</html>
"""#
}
