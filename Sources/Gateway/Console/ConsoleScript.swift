/// The console's script: sends the clerk's lookups to this gateway and renders the answers.
/// The API key lives only in a variable of this script (never in storage, cookies or URLs) and
/// is forgotten on sign-out and after `console.idle_sign_out_s` without activity; every text
/// from an answer is set with `textContent`, never parsed as HTML.
enum ConsoleScript {
    static let javaScript = #"""
"use strict";
(() => {
  const SOURCE_NAMES = {
    land: ["自然资源局", "Natural resources"],
    tax: ["税务局", "Tax bureau"],
    house: ["住建局", "Housing construction"],
  };
  const STATUS_BADGE = {
    ok: ["正常", "OK"],
    timeout: ["超时", "Timed out"],
    unavailable: ["无法连接", "Unreachable"],
    not_found: ["无记录", "No record"],
    upstream_error: ["部门系统出错", "Department error"],
    invalid_response: ["答复无法识别", "Unreadable answer"],
    circuit_open: ["已暂停查询", "Paused"],
    not_permitted: ["无权查看", "Not permitted"],
  };
  const STATUS_TEXT = {
    timeout: ["超时：该部门未在时限内答复", "Timed out: the department did not answer in time"],
    unavailable: ["无法连接该部门", "The department could not be reached"],
    not_found: ["该部门无此不动产记录", "The department has no record of this property"],
    upstream_error: ["该部门系统出错", "The department's system reported an error"],
    invalid_response: ["该部门返回的数据无法识别", "The department's answer could not be read"],
    circuit_open: ["该部门近期连续故障，已暂停查询", "Paused after repeated failures of this department"],
    not_permitted: ["您的角色无权查看该部门数据", "Your role may not see this department's data"],
  };
  /// The gateway's English error details (README, per-source status), each with its Chinese.
  const DETAIL_TEXT = [
    [/^no response within the dossier deadline \((\d+) ms left\)$/, "在档案时限内未答复（剩余 $1 毫秒）"],
    [/^no response within (\d+) ms$/, "$1 毫秒内未答复"],
    [/^could not connect within (\d+) ms$/, "$1 毫秒内未能建立连接"],
    [/^connection refused$/, "连接被拒绝"],
    [/^the department's host name could not be resolved$/, "无法解析该部门的主机名"],
    [/^the department closed the connection without answering$/, "该部门未答复即关闭了连接"],
    [/^the connection was reset$/, "连接被重置"],
    [/^TLS handshake or certificate check failed$/, "TLS 握手或证书校验失败"],
    [/^the department's answer is larger than (\d+) bytes$/, "该部门的答复超过 $1 字节"],
    [/^the department has no record of this property$/, "该部门无此不动产记录"],
    [/^the department answered HTTP (\d+)$/, "该部门答复 HTTP $1"],
    [/^the department's answer is JSON but not an object$/, "该部门的答复是 JSON，但不是对象"],
    [/^the department's answer is not valid JSON \(line (\d+), column (\d+)\)$/, "该部门的答复不是有效的 JSON（第 $1 行，第 $2 列）"],
    [/^role (\S+) may not read this department's data$/, "角色 $1 无权查看该部门数据"],
    [/^calls to this department are paused after repeated failures; next try in (\d+) s$/, "该部门连续故障，已暂停调用；$1 秒后重试"],
    [/^the gateway already has (\d+) calls in flight to this department and none finished before the deadline$/,
      "网关对该部门已有 $1 个调用在进行，时限前均未结束"],
    [/^transfer failed: (.*)$/, "传输失败：$1"],
    // Details of the gateway's own problems (README "Errors of the gateway itself") a clerk can meet.
    [/^the API key is not valid$/, "API 密钥无效"],
    [/^send Authorization: Bearer <API key>$/, "请提供 API 密钥"],
    [/^every dossier request needs an X-Purpose header naming the case or reason$/, "每次查询都须填写查询事由（案件编号或原因）"],
    [/^X-Purpose must be 1 to (\d+) characters \(at most (\d+) bytes of UTF-8\) with at least one letter or digit, and no control or invisible formatting characters$/,
      "查询事由须为 1–$1 个字符（UTF-8 至多 $2 字节），至少含一个字母或数字，不含控制字符或不可见的格式字符"],
    [/^a property id is 1 to (\d+) characters of A-Z, a-z, 0-9 and '-'$/, "不动产编号须为 1–$1 位字母、数字或连字符"],
    [/^this client's request rate is limited; retry after (\d+) s$/, "本客户端的查询频率受限；$1 秒后可重试"],
    [/^the gateway is building (\d+) dossiers at once and none finished in time for this one; try again shortly$/,
      "网关正同时生成 $1 份档案，未能及时处理本次查询；请稍后重试"],
    [/^the audit log cannot be written, so no data is served; the gateway retries by itself$/, "审计日志无法写入，因此不提供数据；网关会自动重试"],
    [/^this gateway instance is shutting down; retry on another instance$/, "该网关实例正在停止；请稍后重试"],
    [/^this address sent too many invalid requests; retry later$/, "本机发送的无效请求过多；请稍后重试"],
    [/^role (\S+) is not configured$/, "角色 $1 未配置"],
  ];
  /// Gateway problems by kind (`urn:exchange-gateway:problem:<kind>`, README "Errors of the gateway itself").
  const PROBLEM_TEXT = {
    "invalid-property-id": ["不动产编号格式有误：1–64 位字母、数字或连字符", "A property id is 1–64 letters, digits or '-'"],
    "invalid-parameter": ["请求参数有误", "A parameter of the request is not valid"],
    "missing-purpose": ["请输入查询事由", "Enter the purpose"],
    "invalid-purpose": ["查询事由无效：须为 1–200 个可打印字符", "The purpose must be 1–200 printable characters"],
    "unauthorized": ["API 密钥缺失或无效", "API key missing or not valid"],
    "forbidden": ["您的角色无权查询这些部门", "Your role may not query these departments"],
    "not-found": ["接口不存在", "No such route"],
    "method-not-allowed": ["不支持该请求方法", "Method not allowed"],
    "payload-too-large": ["请求内容过大", "Request too large"],
    "uri-too-long": ["请求地址过长", "Request address too long"],
    "rate-limited": ["请求过于频繁，请稍后重试", "Too many requests, retry later"],
    "too-many-malformed-requests": ["无效请求过多，请稍后重试", "Too many invalid requests from this computer, retry later"],
    "shutting-down": ["网关正在停止，请稍后重试", "The gateway is shutting down, retry shortly"],
    "audit-unavailable": ["审计日志暂不可写，暂不提供数据；网关会自动重试", "The audit log cannot be written, so no data is served; the gateway retries by itself"],
    "overloaded": ["网关繁忙，请稍后重试", "The gateway is busy, retry shortly"],
    "invalid-body": ["批量请求内容有误", "The batch request is not valid"],
    "unsupported-media-type": ["请求格式不受支持", "Unsupported request format"],
  };
  const SEVERITY_TEXT = { critical: ["严重", "Critical"], warning: ["注意", "Warning"], info: ["提示", "Info"] };
  const SEVERITY_RANK = { critical: 0, warning: 1, info: 2 };
  const SKIP_TEXT = {
    source_not_requested: ["未查询相关部门", "source not requested"],
    source_not_permitted: ["无权查看相关部门", "source not permitted"],
    source_failed: ["相关部门未提供数据", "no data from the department"],
    value_missing: ["数据缺少该项", "value missing"],
    value_not_comparable: ["数据格式无法比对", "value not comparable"],
  };
  const RECENT_LIMIT = 20;
  /// What the gateway accepts as a property id (README, The dossier).
  const PROPERTY_ID = /^[A-Za-z0-9-]{1,64}$/;

  /// What the page holds, in memory only: the key, who it belongs to, and the last lookups
  /// (ids, statuses and counts; never a department's data).
  const state = {
    apiKey: "",
    client: null,
    settings: { idle_sign_out_s: 300, sources: {}, checks: {} },
    recent: [],
    /// Bumped by every lookup and by sign-out: an answer for an older generation is dropped.
    generation: 0,
    idleTimer: null,
  };
  const $ = (id) => document.getElementById(id);

  function el(tag, className, ...children) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      node.append(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }
  const bilingual = ([zh, en]) => el("span", "bi", zh + " ", el("span", "en", en));
  const sourceName = (name) => SOURCE_NAMES[name] || [name, name];

  /// Header values must be bytes: send the purpose as its UTF-8 bytes, which the gateway reads as UTF-8.
  function utf8Bytes(text) {
    return Array.from(new TextEncoder().encode(text), (byte) => String.fromCharCode(byte)).join("");
  }

  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  /// An instant in the browser's time zone, with the zone shown (`2026-11-29 20:54:25 GMT+8 (Asia/Shanghai)`).
  function localTime(value) {
    const date = value instanceof Date ? value : new Date(value);
    if (Number.isNaN(date.getTime())) return String(value);
    const parts = {};
    for (const part of new Intl.DateTimeFormat("en-GB", {
      year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit",
      hourCycle: "h23", timeZoneName: "short",
    }).formatToParts(date)) parts[part.type] = part.value;
    const text = parts.year + "-" + parts.month + "-" + parts.day + " " + parts.hour + ":" + parts.minute + ":" + parts.second
      + " " + parts.timeZoneName;
    return zone ? text + " (" + zone + ")" : text;
  }

  /// An error detail of the gateway in Chinese and English; the English as sent when it is not a known one.
  function detailText(detail) {
    for (const [pattern, chinese] of DETAIL_TEXT) {
      if (pattern.test(detail)) return [detail.replace(pattern, chinese), detail];
    }
    return ["详情（英文）：", detail];
  }

  /// `Content-Digest: sha-256=:<base64>:` (RFC 9530) as hex, or null.
  function digestHex(header) {
    const match = /sha-256=:([A-Za-z0-9+/=]+):/.exec(header || "");
    if (!match) return null;
    try {
      return Array.from(atob(match[1]), (c) => c.charCodeAt(0).toString(16).padStart(2, "0")).join("");
    } catch (error) {
      return null;
    }
  }

  // MARK: messages

  function showMessage(parts, kind) {
    const box = $("message");
    box.replaceChildren(...parts);
    box.className = "message" + (kind ? " " + kind : "");
    box.hidden = false;
  }
  const clearMessage = () => { $("message").hidden = true; $("message").replaceChildren(); };

  function problemMessage(status, problem, retryAfter) {
    const kind = problem && typeof problem.type === "string" ? problem.type.split(":").pop() : "";
    const text = PROBLEM_TEXT[kind] || ["网关错误 " + status, "Gateway error " + status];
    const parts = [el("strong", null, bilingual(text))];
    if (retryAfter) parts.push(el("div", null, bilingual([retryAfter + " 秒后可重试", "retry in " + retryAfter + " s"])));
    if (problem && problem.detail) parts.push(el("div", "meta", bilingual(detailText(problem.detail))));
    if (problem && problem.request_id) parts.push(el("div", "meta", "request_id: " + problem.request_id));
    return parts;
  }

  // MARK: session

  function showSession() {
    const signedIn = state.client !== null;
    $("session").hidden = !signedIn;
    $("key-field").hidden = signedIn;
    if (signedIn) {
      $("signed-in-as").replaceChildren(bilingual(["已登录：" + state.client.id + "（" + state.client.role + "）",
        "signed in as " + state.client.id + " (" + state.client.role + ")"]));
    }
  }

  /// Forgets the key, who it belongs to, the results and the recent lookups; the page is as loaded.
  function signOut(reason) {
    state.apiKey = "";
    state.client = null;
    state.recent = [];
    state.generation += 1;
    for (const id of ["api-key", "purpose", "property-id", "batch-ids"]) $(id).value = "";
    $("results").replaceChildren();
    setBusy(false);
    renderRecent();
    showSession();
    if (reason === "idle") {
      const seconds = state.settings.idle_sign_out_s;
      const minutes = Math.round(seconds / 60);
      showMessage([el("strong", null, bilingual(["长时间未操作，已自动退出", "Signed out after a while without activity"])),
        el("div", "meta", bilingual(seconds < 120 ? [seconds + " 秒无操作", "no activity for " + seconds + " s"]
          : ["约 " + minutes + " 分钟无操作", "no activity for about " + minutes + " min"]))], "info");
    } else {
      showMessage([el("strong", null, bilingual(["已退出，密钥已从本页清除", "Signed out; the key is gone from this page"]))], "info");
    }
    $("api-key").focus();
  }

  function restartIdleTimer() {
    clearTimeout(state.idleTimer);
    state.idleTimer = setTimeout(() => {
      const somethingHeld = state.apiKey || $("api-key").value || $("results").childElementCount > 0 || state.recent.length > 0;
      if (somethingHeld) signOut("idle");
    }, state.settings.idle_sign_out_s * 1000);
  }

  /// The caller the gateway names in its answer (`X-Client-Id`, `X-Client-Role`): from then on the key is held.
  function noteCaller(result) {
    if (result.clientID) {
      state.client = { id: result.clientID, role: result.clientRole || "?" };
      $("api-key").value = "";
    } else if (result.status === 401) {
      state.apiKey = "";
      state.client = null;
    }
    showSession();
  }

  function credentials() {
    if (!state.client) state.apiKey = $("api-key").value.trim();
    const purpose = $("purpose").value.trim();
    if (!state.apiKey) { showMessage([el("strong", null, bilingual(["请输入 API 密钥", "Enter your API key"]))]); $("api-key").focus(); return null; }
    if (!purpose) { showMessage([el("strong", null, bilingual(["请输入查询事由", "Enter the purpose"]))]); $("purpose").focus(); return null; }
    return { headers: { "Authorization": "Bearer " + state.apiKey, "X-Purpose": utf8Bytes(purpose) }, purpose };
  }

  async function call(url, init) {
    try {
      const response = await fetch(url, Object.assign({ cache: "no-store", credentials: "omit", referrerPolicy: "no-referrer" }, init));
      const type = response.headers.get("Content-Type") || "";
      const body = type.includes("json") ? await response.json() : null;
      return {
        status: response.status, problem: type.startsWith("application/problem+json"), body,
        retryAfter: response.headers.get("Retry-After"),
        clientID: response.headers.get("X-Client-Id"), clientRole: response.headers.get("X-Client-Role"),
        digest: digestHex(response.headers.get("Content-Digest")), requestID: response.headers.get("X-Request-Id"),
        date: response.headers.get("Date"),
      };
    } catch (error) {
      return { status: 0, error };
    }
  }

  // MARK: rendering a dossier

  const escapeKey = (key) => key.replace(/~/g, "~0").replace(/\//g, "~1");
  const unescapeKey = (key) => key.replace(/~1/g, "/").replace(/~0/g, "~");

  function labelOf(source, viewPath) {
    const labels = (state.settings.sources[source] || {}).labels || {};
    return labels[viewPath] || null;
  }

  /// A view-style path in words: each member's label where the config has one, its key otherwise
  /// (`/ownership/owners/*/spouse` → `权属 › 所有权人 › spouse`).
  function pathInWords(source, path) {
    const words = [];
    let prefix = "";
    for (const segment of path.split("/").slice(1)) {
      prefix += "/" + segment;
      if (segment === "*") continue;
      const label = labelOf(source, prefix);
      words.push(label ? label.zh : unescapeKey(segment));
    }
    return words.join(" › ");
  }

  /// A table row's heading: the label in both languages, the raw key on hover.
  function fieldHeading(source, key, viewPath) {
    const label = labelOf(source, viewPath);
    const heading = el("th", null, label ? bilingual([label.zh, label.en]) : key);
    heading.title = key + "  (" + viewPath + ")";
    heading.dataset.key = key;
    return heading;
  }

  /// Values as nested tables. Every row knows its field's pointer (`data-pointer`, RFC 6901, as
  /// findings name it) and its view-style path (`*` for array elements, as labels and `withheld` do).
  function renderValue(source, value, pointer, viewPath, withheld) {
    if (value === null || value === undefined) return el("span", "null", "—");
    if (Array.isArray(value)) {
      if (value.length === 0) return el("span", "null", "（无 / none）");
      const table = el("table");
      value.forEach((item, index) => {
        const row = el("tr", null, el("th", "index", "#" + (index + 1)),
          el("td", null, renderValue(source, item, pointer + "/" + index, viewPath + "/*", withheld)));
        row.dataset.pointer = pointer + "/" + index;
        table.append(row);
      });
      return table;
    }
    if (typeof value === "object") {
      const table = el("table");
      for (const [key, member] of Object.entries(value)) {
        const memberPath = viewPath + "/" + escapeKey(key);
        const row = el("tr", null, fieldHeading(source, key, memberPath),
          el("td", null, renderValue(source, member, pointer + "/" + escapeKey(key), memberPath, withheld)));
        row.dataset.pointer = pointer + "/" + escapeKey(key);
        table.append(row);
      }
      for (const path of withheld.filter((path) => path.slice(0, path.lastIndexOf("/")) === viewPath)) {
        const key = unescapeKey(path.slice(path.lastIndexOf("/") + 1));
        const row = el("tr", "withheld-row", fieldHeading(source, key, path),
          el("td", null, el("span", "withheld", bilingual(["已隐去", "withheld"]))));
        table.append(row);
      }
      return table;
    }
    if (typeof value === "boolean") {
      const flag = el("span", "boolean", bilingual(value ? ["是", "yes"] : ["否", "no"]));
      flag.title = String(value);
      return flag;
    }
    return document.createTextNode(String(value));
  }

  /// Where fields of this section were withheld from the caller's role (`withheld`, `withheld_more`);
  /// nothing when the gateway sends no such list.
  function withheldNote(name, section) {
    const withheld = Array.isArray(section.withheld) ? section.withheld : [];
    const more = Number.isInteger(section.withheld_more) ? section.withheld_more : 0;
    if (withheld.length === 0 && more === 0) return null;
    const names = withheld.map((path) => pathInWords(name, path));
    const count = withheld.length + more;
    const note = el("p", "withheld-note", el("span", "withheld", bilingual(["已隐去 " + count + " 项", count + " withheld"])), " ",
      bilingual(["您的角色无权查看：", "not shown to your role: "]), names.join("，") + (more ? "，… +" + more : ""));
    note.title = withheld.join("\n");
    return note;
  }

  function renderSource(name, section) {
    const card = el("article", "card source-card");
    card.dataset.source = name;
    card.dataset.status = section.status;
    const badge = el("span", "badge " + section.status, bilingual(STATUS_BADGE[section.status] || [section.status, section.status]));
    badge.title = section.status;
    card.append(el("h3", null, bilingual(sourceName(name)), badge, el("span", "latency", section.latency_ms + " ms")));
    if (section.status === "ok") {
      const withheld = Array.isArray(section.withheld) ? section.withheld : [];
      card.append(withheldNote(name, section) || "", renderValue(name, section.data, "", "", withheld));
    } else {
      const text = STATUS_TEXT[section.status] || [section.status, section.status];
      const detail = section.error ? detailText(section.error) : null;
      card.append(el("p", "failure", bilingual(text),
        detail && detail[0] !== text[0] ? el("span", "detail", bilingual(detail)) : null));
    }
    return card;
  }

  function pendingCard(name) {
    const card = el("article", "card source-card pending");
    card.dataset.source = name;
    card.dataset.status = "pending";
    card.append(el("h3", null, bilingual(sourceName(name)), el("span", "badge pending", bilingual(["查询中", "waiting"]))),
      el("p", "waiting", bilingual(["正在等待该部门答复…", "Waiting for the department's answer…"])));
    return card;
  }

  const isAttention = (finding) => finding.severity === "critical" || finding.severity === "warning";
  const allNotFound = (dossier) => {
    const sections = Object.values(dossier.sources || {}).filter((s) => s.status !== "not_permitted");
    return sections.length > 0 && sections.every((s) => s.status === "not_found");
  };

  function renderFindings(dossier) {
    const findings = (dossier.findings || []).slice().sort((a, b) => (SEVERITY_RANK[a.severity] ?? 3) - (SEVERITY_RANK[b.severity] ?? 3));
    const skipped = dossier.skipped_checks || [];
    const parts = [];
    if (findings.length > 0) {
      const list = el("ul", "findings");
      for (const finding of findings) {
        const differing = finding.differing_sources || [];
        const item = el("li", "finding " + finding.severity,
          el("span", "severity", bilingual(SEVERITY_TEXT[finding.severity] || [finding.severity, finding.severity])),
          finding.message,
          el("span", "where", bilingual(["核对：", "compared: "]), (finding.sources || []).map((s) => sourceName(s)[0]).join(" · ")),
          differing.length > 0
            ? el("span", "differs", bilingual(["与其他部门不一致：", "differs from the others: "]),
              differing.map((s) => sourceName(s)[0] + " " + sourceName(s)[1]).join("，"))
            : null);
        item.dataset.code = finding.code;
        item.dataset.differing = differing.join(" ");
        list.append(item);
      }
      parts.push(list);
    } else if (allNotFound(dossier)) {
      parts.push(el("p", "no-findings unknown", bilingual(["各部门均无记录，无可核对", "Nothing to check: no department has a record"])));
    } else if (skipped.length > 0) {
      parts.push(el("p", "no-findings partial", bilingual(["已进行的核对未发现不一致，另有 " + skipped.length + " 项未能核对",
        "No inconsistency in the checks that ran; " + skipped.length + " could not run"])));
    } else {
      parts.push(el("p", "no-findings clean", bilingual(["未发现需要注意的不一致", "No inconsistencies found"])));
    }
    // A property no department knows has nothing to check: the list of skipped checks would only repeat it.
    if (skipped.length > 0 && !allNotFound(dossier)) {
      const list = el("p", "skipped", bilingual(["未能核对：", "not checked: "]));
      skipped.forEach((check, index) => {
        const reason = SKIP_TEXT[check.reason] || [check.reason, check.reason];
        const known = (state.settings.checks || {})[check.code];
        const item = el("span", "skipped-check", known ? known.message : check.code, "（" + reason[0] + " / " + reason[1] + "）");
        item.title = check.code + ": " + check.reason + " (" + (check.sources || []).join(", ") + ")";
        item.dataset.code = check.code;
        list.append(index > 0 ? "；" : "", item);
      });
      parts.push(list);
    }
    return parts;
  }

  /// Marks the fields each finding compared in its departments' cards, and the cards (and
  /// fields) of the departments whose value differs from the others.
  function highlightFindings(section, dossier) {
    for (const finding of dossier.findings || []) {
      const differing = finding.differing_sources || [];
      for (const { source, pointer } of finding.pointers || []) {
        const card = section.querySelector('.source-card[data-source="' + CSS.escape(source) + '"]');
        if (!card) continue;
        const row = card.querySelector('tr[data-pointer="' + CSS.escape(pointer) + '"]');
        if (row) {
          row.classList.add("compared", "compared-" + finding.severity);
          if (differing.includes(source)) row.classList.add("differs");
          row.dataset.findings = ((row.dataset.findings || "") + " " + finding.code).trim();
        }
      }
      for (const source of differing) {
        const card = section.querySelector('.source-card[data-source="' + CSS.escape(source) + '"]');
        if (card && !card.classList.contains("odd-one-out")) {
          card.classList.add("odd-one-out");
          card.querySelector("h3").append(el("span", "odd-tag", bilingual(["与其他部门不一致", "differs from the others"])));
        }
      }
    }
  }

  function overallBadge(dossier, httpStatus) {
    const attention = (dossier.findings || []).filter(isAttention).length;
    if (httpStatus === 200 && dossier.complete && attention === 0) {
      return el("span", "overall complete", bilingual(["档案完整", "complete"]));
    }
    if (httpStatus === 200 && dossier.complete) {
      return el("span", "overall attention", bilingual(["档案完整，但有 " + attention + " 项需核实", "complete, " + attention + " finding(s) to resolve"]));
    }
    if (httpStatus === 200 && attention > 0) {
      return el("span", "overall attention", bilingual(["档案不完整，且有 " + attention + " 项需核实", "incomplete, " + attention + " finding(s) to resolve"]));
    }
    if (httpStatus === 200) return el("span", "overall incomplete", bilingual(["档案不完整", "incomplete"]));
    if (allNotFound(dossier)) return el("span", "overall failed", bilingual(["各部门均无此不动产记录", "The property was not found in any department"]));
    if (httpStatus === 404) return el("span", "overall failed", bilingual(["必需的部门无此记录", "A required department has no record"]));
    if (httpStatus === 504) return el("span", "overall failed", bilingual(["部门答复超时", "The departments did not answer in time"]));
    return el("span", "overall failed", bilingual(["部门未能答复，档案不可用", "The departments failed; no usable dossier"]));
  }

  /// The case-file header a printout carries (print style sheet): enough to find this answer in
  /// the audit log and check the paper against it.
  function caseFile(dossier, context) {
    const own = [[["时间", "Time"], localTime(dossier.generated_at)], [["请求编号", "Request id"], dossier.request_id]];
    // A dossier of a batch is printed under the batch's header (batchCaseFile), which names the
    // case, the client, and the batch's own audit record (its request id and SHA-256).
    const rows = context.batch ? own
      : [[["案件 / 事由", "Case (purpose)"], context.purpose], [["查询人", "Client"], clientText(context.client)], ...own];
    if (context.digest && !context.batch) rows.push([["答复 SHA-256", "SHA-256 of the answer"], context.digest]);
    return caseFileBox(["不动产信息共享查询结果", "Property dossier"], " · " + dossier.property_id, rows);
  }

  /// The case-file header of a batch's summary table: printed without any dossier opened, it
  /// still says what was asked, by whom, when, and which audit record holds the answer.
  function batchCaseFile(count, context) {
    return caseFileBox(["批量查询结果", "Batch lookup"], " · " + count, [
      [["案件 / 事由", "Case (purpose)"], context.purpose],
      [["查询人", "Client"], clientText(context.client)],
      [["时间", "Time"], context.date ? localTime(context.date) : "—"],
      [["批量请求编号", "Batch request id"], context.batch],
      [["批量答复 SHA-256", "SHA-256 of the batch answer"], context.digest || "—"],
    ]);
  }

  const clientText = (client) => client ? client.id + "（" + client.role + "）" : "—";

  function caseFileBox(title, suffix, rows) {
    const table = el("table", "case-file-table");
    for (const [label, value] of rows) table.append(el("tr", null, el("th", null, bilingual(label)), el("td", null, value)));
    return el("div", "case-file print-only", el("h2", null, bilingual(title), suffix), table);
  }

  function renderDossier(dossier, httpStatus, context) {
    const section = el("section", "dossier");
    section.dataset.propertyId = dossier.property_id;
    section.append(caseFile(dossier, context));
    const print = el("button", "print screen-only", bilingual(["打印", "Print"]));
    print.type = "button";
    print.addEventListener("click", () => window.print());
    const time = el("span", "meta time", localTime(dossier.generated_at));
    time.title = dossier.generated_at;
    section.append(el("div", "dossier-head", el("h2", null, dossier.property_id), overallBadge(dossier, httpStatus),
      time, el("span", "meta", "request_id " + dossier.request_id), print));
    section.append(...renderFindings(dossier));
    const cards = el("div", "cards");
    for (const [name, source] of Object.entries(dossier.sources || {})) cards.append(renderSource(name, source));
    section.append(cards);
    highlightFindings(section, dossier);
    return section;
  }

  function configuredSources() {
    const names = Object.keys(state.settings.sources);
    return names.length > 0 ? names : Object.keys(SOURCE_NAMES);
  }

  /// One lookup at a time: while one runs both buttons wait, and the answer that is still
  /// current frees them both (a lookup another one superseded must not leave its button waiting).
  function setBusy(busy) {
    $("submit").disabled = busy;
    $("batch-submit").disabled = busy;
    if (!busy) $("results").setAttribute("aria-busy", "false");
  }

  function showPending(title, content) {
    const results = $("results");
    results.setAttribute("aria-busy", "true");
    results.replaceChildren(el("section", "dossier pending", el("div", "dossier-head", el("h2", null, title)), content));
  }

  // MARK: recent lookups

  function remember(entry) {
    state.recent.unshift(Object.assign({ time: new Date() }, entry));
    state.recent.length = Math.min(state.recent.length, RECENT_LIMIT);
    renderRecent();
  }

  function renderRecent() {
    const list = $("recent");
    list.replaceChildren(...state.recent.map((entry) => {
      const button = el("button", "recent-entry", el("span", "meta", localTime(entry.time).split(" ")[1]), " ",
        el("strong", null, entry.label), " ", el("span", "recent-status " + entry.tone, entry.summary));
      button.type = "button";
      button.addEventListener("click", () => {
        if (entry.ids.length === 1 && !entry.batch) {
          $("property-id").value = entry.ids[0];
          $("query").requestSubmit();
        } else {
          $("batch-panel").open = true;
          $("batch-ids").value = entry.ids.join("\n");
          $("batch-ids").focus();
        }
      });
      return el("li", null, button);
    }));
    $("recent-panel").hidden = state.recent.length === 0;
  }

  function summaryOf(dossier, httpStatus) {
    const counts = { critical: 0, warning: 0, info: 0 };
    for (const finding of dossier.findings || []) counts[finding.severity] = (counts[finding.severity] || 0) + 1;
    const failed = Object.entries(dossier.sources || {}).filter(([, s]) => s.status !== "ok").map(([name]) => name);
    return { counts, failed, complete: dossier.complete === true, httpStatus, notFound: allNotFound(dossier) };
  }

  // MARK: lookups

  async function lookUp(event) {
    event.preventDefault();
    const idField = $("property-id");
    const id = idField.value.trim();
    const request = credentials();
    if (!request) return;
    const generation = ++state.generation;
    clearMessage();
    if (!PROPERTY_ID.test(id)) {
      $("results").replaceChildren();
      setBusy(false);
      showMessage([el("strong", null, bilingual(PROBLEM_TEXT["invalid-property-id"]))]);
      idField.focus();
      return;
    }
    setBusy(true);
    const cards = el("div", "cards");
    for (const name of configuredSources()) cards.append(pendingCard(name));
    showPending("正在查询 " + id + " … / Fetching " + id + " …", cards);
    const result = await call("/v1/properties/" + encodeURIComponent(id) + "/dossier", { headers: request.headers });
    if (generation !== state.generation) return;
    setBusy(false);
    restartIdleTimer();
    noteCaller(result);
    if (result.status === 0) {
      $("results").replaceChildren();
      showMessage([el("strong", null, bilingual(["无法连接网关，请检查网络", "Cannot reach the gateway; check the network"]))]);
    } else if (result.problem || !result.body) {
      $("results").replaceChildren();
      showMessage(problemMessage(result.status, result.body, result.retryAfter));
      // A refused key looked nothing up: nothing to remember (nor to show the next clerk who signs in).
      if (result.status !== 401) remember({ label: id, ids: [id], summary: "HTTP " + result.status, tone: "bad" });
    } else {
      const dossier = result.body;
      $("results").replaceChildren(renderDossier(dossier, result.status,
        { purpose: request.purpose, client: state.client, digest: result.digest }));
      const summary = summaryOf(dossier, result.status);
      remember({ label: id, ids: [id], tone: recentTone(summary), summary: recentSummary(summary) });
    }
    if (state.client) {
      idField.focus();
      idField.select();
    } else {
      $("api-key").focus();
    }
  }

  const recentTone = (summary) => summary.counts.critical > 0 || summary.httpStatus !== 200 ? "bad"
    : summary.counts.warning > 0 || !summary.complete ? "warn" : "good";
  function recentSummary(summary) {
    const parts = [summary.httpStatus === 200 ? (summary.complete ? "完整 complete" : "不完整 incomplete")
      : summary.notFound ? "无此记录 not found" : "HTTP " + summary.httpStatus];
    if (summary.counts.critical) parts.push(summary.counts.critical + " 严重 critical");
    if (summary.counts.warning) parts.push(summary.counts.warning + " 注意 warning");
    return parts.join(" · ");
  }

  function batchTable(items, context) {
    const head = el("tr", null, ...[["编号", "Property id"], ["状态", "Status"], ["完整", "Complete"], ["严重", "Critical"],
      ["注意", "Warning"], ["提示", "Info"], ["未提供数据的部门", "Departments without data"]].map((label) => el("th", null, bilingual(label))));
    const table = el("table", "batch-summary", el("thead", null, head));
    const body = el("tbody");
    items.forEach((item, index) => {
      const row = el("tr", "batch-row");
      row.dataset.propertyId = item.property_id;
      const open = el("button", "open-dossier", item.property_id);
      open.type = "button";
      // On paper the id stays, as text: a printout has no buttons.
      const idCell = el("td", null, open, el("span", "print-only", item.property_id));
      if (item.error) {
        const kind = typeof item.error.type === "string" ? item.error.type.split(":").pop() : "";
        row.classList.add("bad");
        row.append(idCell, el("td", null, bilingual(PROBLEM_TEXT[kind] || ["错误 " + item.error.status, "error " + item.error.status])),
          el("td", null, "—"), el("td", null, "—"), el("td", null, "—"), el("td", null, "—"), el("td", null, "—"));
        open.addEventListener("click", () => openBatchItem(row, el("div", "message batch-item-error", ...problemMessage(item.error.status, item.error))));
      } else {
        const summary = summaryOf(item, item.http_status);
        row.classList.add(recentTone(summary));
        const status = item.http_status === 200 ? ["已答复", "answered"] : allNotFound(item) ? ["各部门均无记录", "not found anywhere"]
          : ["档案不可用 " + item.http_status, "failed " + item.http_status];
        row.append(idCell, el("td", null, bilingual(status)),
          el("td", null, bilingual(summary.complete ? ["是", "yes"] : ["否", "no"])),
          el("td", summary.counts.critical ? "count critical" : "count", String(summary.counts.critical)),
          el("td", summary.counts.warning ? "count warning" : "count", String(summary.counts.warning)),
          el("td", "count", String(summary.counts.info)),
          el("td", null, summary.failed.map((name) => sourceName(name)[0] + "（" + (STATUS_BADGE[item.sources[name].status] || [item.sources[name].status])[0] + "）").join("，") || "—"));
        open.addEventListener("click", () => openBatchItem(row, renderDossier(item, item.http_status, context)));
      }
      open.setAttribute("aria-controls", "batch-detail");
      open.dataset.index = String(index);
      body.append(row);
    });
    table.append(body);
    return table;
  }

  function openBatchItem(row, content) {
    for (const other of document.querySelectorAll(".batch-row.selected")) {
      other.classList.remove("selected");
      other.querySelector(".open-dossier").removeAttribute("aria-current");
    }
    row.classList.add("selected");
    row.querySelector(".open-dossier").setAttribute("aria-current", "true");
    $("batch-detail").replaceChildren(content);
    restartIdleTimer();
  }

  async function lookUpBatch(event) {
    event.preventDefault();
    const request = credentials();
    if (!request) return;
    const ids = $("batch-ids").value.split(/[\s,，]+/).filter((id) => id.length > 0);
    if (ids.length === 0) { $("batch-ids").focus(); return; }
    // Named here, by what the clerk typed: the gateway would refuse the whole batch by an index.
    const malformed = ids.filter((id) => !PROPERTY_ID.test(id));
    if (malformed.length > 0) {
      ++state.generation;
      $("results").replaceChildren();
      setBusy(false);
      showMessage([el("strong", null, bilingual(PROBLEM_TEXT["invalid-property-id"])),
        el("div", "meta", bilingual(["格式有误的编号：", "not a property id: "]), malformed.join("，"))]);
      $("batch-ids").focus();
      return;
    }
    const generation = ++state.generation;
    clearMessage();
    setBusy(true);
    const waiting = el("ul", "batch-waiting", ...ids.slice(0, 100).map((id) => el("li", null, id + " … ", bilingual(["等待", "waiting"]))));
    showPending("正在查询 " + ids.length + " 个编号 … / Fetching " + ids.length + " properties …", waiting);
    request.headers["Content-Type"] = "application/json";
    const result = await call("/v1/dossiers:batch", { method: "POST", headers: request.headers, body: JSON.stringify({ property_ids: ids }) });
    if (generation !== state.generation) return;
    setBusy(false);
    restartIdleTimer();
    noteCaller(result);
    if (result.status === 0 || result.problem || !result.body || !Array.isArray(result.body.dossiers)) {
      $("results").replaceChildren();
      if (result.status === 0) showMessage([el("strong", null, bilingual(["无法连接网关，请检查网络", "Cannot reach the gateway; check the network"]))]);
      else showMessage(problemMessage(result.status, result.body, result.retryAfter));
      return;
    }
    const items = result.body.dossiers;
    const context = { purpose: request.purpose, client: state.client, digest: result.digest, batch: result.requestID || "—", date: result.date };
    const attention = items.filter((item) => !item.error && (item.findings || []).some(isAttention)).length;
    const failed = items.filter((item) => item.error || item.http_status !== 200).length;
    const incomplete = items.filter((item) => !item.error && item.http_status === 200 && item.complete !== true).length;
    $("results").replaceChildren(el("section", "batch",
      batchCaseFile(items.length, context),
      el("div", "dossier-head", el("h2", null, bilingual(["批量查询：" + items.length + " 个", "Batch: " + items.length + " properties"])),
        el("span", "meta batch-counts", bilingual([attention + " 个需核实，" + incomplete + " 个不完整，" + failed + " 个无可用档案",
          attention + " with findings to resolve, " + incomplete + " incomplete, " + failed + " without a usable dossier"]))),
      batchTable(items, context),
      el("div", null, el("p", "hint screen-only", bilingual(["点击编号查看该档案", "Choose an id to open its dossier"]))),
      Object.assign(el("div", "batch-detail"), { id: "batch-detail" })));
    remember({ label: "批量 " + items.length + " 个 / batch of " + items.length, ids, batch: true,
      tone: failed > 0 ? "bad" : attention > 0 || incomplete > 0 ? "warn" : "good",
      summary: attention + " 需核实 to resolve · " + incomplete + " 不完整 incomplete · " + failed + " 无档案 failed" });
    const first = document.querySelector(".open-dossier");
    if (first) first.focus();
  }

  async function loadSettings() {
    try {
      const response = await fetch("/console/settings.json", { cache: "no-store", credentials: "omit" });
      if (response.ok) {
        const settings = await response.json();
        if (settings && typeof settings === "object" && settings.sources) state.settings = settings;
      }
    } catch (error) {
      // The page works without labels (raw keys) and with the default idle time.
    }
    restartIdleTimer();
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("query").addEventListener("submit", lookUp);
    $("batch").addEventListener("submit", lookUpBatch);
    $("sign-out").addEventListener("click", () => signOut("button"));
    for (const kind of ["keydown", "pointerdown"]) document.addEventListener(kind, restartIdleTimer, { passive: true });
    showSession();
    renderRecent();
    loadSettings();
    $("api-key").focus();
  });
})();
"""#
}
