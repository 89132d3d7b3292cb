/// The console's script: sends the clerk's lookups to this gateway and renders the answers.
/// The API key lives only in a variable of this script (never in storage, cookies or URLs);
/// every text from an answer is set with `textContent`, never parsed as HTML.
enum ConsoleScript {
    static let javaScript = #"""
"use strict";
(() => {
  const SOURCE_NAMES = {
    land: ["自然资源局", "Natural resources"],
    tax: ["税务局", "Tax bureau"],
    house: ["住建局", "Housing construction"],
  };
  const STATUS_TEXT = {
    ok: ["正常", "OK"],
    timeout: ["超时：该部门未在时限内答复", "Timed out: the department did not answer in time"],
    unavailable: ["无法连接该部门", "The department could not be reached"],
    not_found: ["该部门无此不动产记录", "The department has no record of this property"],
    upstream_error: ["该部门系统出错", "The department's system reported an error"],
    invalid_response: ["该部门返回的数据无法识别", "The department's answer could not be read"],
    circuit_open: ["该部门近期连续故障，已暂停查询", "Paused after repeated failures of this department"],
    not_permitted: ["您的角色无权查看该部门数据", "Your role may not see this department's data"],
  };
  const SEVERITY_TEXT = { critical: ["严重", "Critical"], warning: ["注意", "Warning"], info: ["提示", "Info"] };
  const SEVERITY_RANK = { critical: 0, warning: 1, info: 2 };
  const SKIP_TEXT = {
    source_not_requested: ["未查询相关部门", "source not requested"],
    source_not_permitted: ["无权查看相关部门", "source not permitted"],
    source_failed: ["相关部门未正常答复", "source did not answer"],
    value_missing: ["数据缺少该项", "value missing"],
    value_not_comparable: ["数据格式无法比对", "value not comparable"],
  };
  const PROBLEM_TEXT = {
    400: ["请求有误", "Bad request"],
    401: ["API 密钥缺失或无效", "API key missing or not valid"],
    403: ["您的角色无权查询这些部门", "Your role may not query these departments"],
    404: ["接口不存在", "No such route"],
    413: ["请求内容过大", "Request too large"],
    415: ["请求格式不受支持", "Unsupported request format"],
    429: ["请求过于频繁，请稍后重试", "Too many requests, retry later"],
    503: ["服务暂不可用（维护中或审计日志不可写）", "Service unavailable (shutting down or audit log unavailable)"],
  };
  const DOSSIER_STATUS_TEXT = {
    404: ["各部门均无此不动产记录", "No department has a record of this property"],
    502: ["必需的部门未能答复，档案不完整", "A required department failed; the dossier is not usable"],
    504: ["部门答复超时", "The departments did not answer in time"],
  };

  let apiKey = "";
  const $ = (id) => document.getElementById(id);

  function el(tag, className, ...children) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }
  const bilingual = ([zh, en]) => el("span", null, zh + " ", el("span", "en", en));

  /// Header values must be bytes: send the purpose as its UTF-8 bytes, which the gateway reads as UTF-8.
  function utf8Bytes(text) {
    return Array.from(new TextEncoder().encode(text), (byte) => String.fromCharCode(byte)).join("");
  }

  function showMessage(parts, kind) {
    const box = $("message");
    box.replaceChildren(...parts);
    box.className = "message" + (kind ? " " + kind : "");
    box.hidden = false;
  }
  const clearMessage = () => { $("message").hidden = true; $("message").replaceChildren(); };

  function problemMessage(status, problem, retryAfter) {
    const text = PROBLEM_TEXT[status] || ["网关错误 " + status, "Gateway error " + status];
    const parts = [el("strong", null, bilingual(text))];
    if (status === 429 && retryAfter) parts.push(el("div", null, bilingual([retryAfter + " 秒后可重试", "retry in " + retryAfter + " s"])));
    if (problem && problem.detail) parts.push(el("div", "meta", problem.detail));
    if (problem && problem.request_id) parts.push(el("div", "meta", "request_id: " + problem.request_id));
    return parts;
  }

  function renderValue(value) {
    if (value === null || value === undefined) return el("span", "null", "—");
    if (Array.isArray(value)) {
      if (value.length === 0) return el("span", "null", "（无 / none）");
      const table = el("table");
      value.forEach((item, index) => table.append(el("tr", null, el("th", null, "#" + (index + 1)), el("td", null, renderValue(item)))));
      return table;
    }
    if (typeof value === "object") {
      const table = el("table");
      for (const [key, member] of Object.entries(value)) {
        table.append(el("tr", null, el("th", null, key), el("td", null, renderValue(member))));
      }
      return table;
    }
    return document.createTextNode(String(value));
  }

  function renderSource(name, section) {
    const label = SOURCE_NAMES[name] || [name, name];
    const card = el("article", "card source-card");
    card.dataset.source = name;
    card.dataset.status = section.status;
    const statusText = STATUS_TEXT[section.status] || [section.status, section.status];
    card.append(el("h3", null, bilingual(label),
      el("span", "badge " + section.status, section.status === "ok" ? statusText[0] + " " + statusText[1] : section.status),
      el("span", "latency", section.latency_ms + " ms")));
    if (section.status === "ok") {
      card.append(renderValue(section.data));
    } else {
      card.append(el("p", "failure", bilingual(statusText), section.error ? el("span", "detail", section.error) : null));
    }
    return card;
  }

  function renderFindings(dossier) {
    const findings = (dossier.findings || []).slice().sort((a, b) => (SEVERITY_RANK[a.severity] ?? 3) - (SEVERITY_RANK[b.severity] ?? 3));
    const parts = [];
    if (findings.length === 0) {
      parts.push(el("p", "no-findings", bilingual(["未发现需要注意的不一致", "No inconsistencies found"])));
    } else {
      const list = el("ul", "findings");
      for (const finding of findings) {
        const item = el("li", "finding " + finding.severity,
          el("span", "severity", bilingual(SEVERITY_TEXT[finding.severity] || [finding.severity, finding.severity])),
          finding.message,
          el("span", "where", (finding.sources || []).map((s) => (SOURCE_NAMES[s] || [s])[0]).join(" · ")));
        item.dataset.code = finding.code;
        list.append(item);
      }
      parts.push(list);
    }
    const skipped = dossier.skipped_checks || [];
    if (skipped.length > 0) {
      const reasons = skipped.map((s) => s.code + "（" + (SKIP_TEXT[s.reason] || [s.reason])[0] + "）");
      parts.push(el("p", "skipped", "未能核对 / not checked: " + reasons.join("，")));
    }
    return parts;
  }

  function renderDossier(dossier, httpStatus) {
    const section = el("section", "dossier");
    section.dataset.propertyId = dossier.property_id;
    let overall;
    if (httpStatus === 200) {
      overall = dossier.complete ? el("span", "overall complete", bilingual(["档案完整", "complete"]))
        : el("span", "overall incomplete", bilingual(["档案不完整", "incomplete"]));
    } else {
      overall = el("span", "overall failed", bilingual(DOSSIER_STATUS_TEXT[httpStatus] || ["档案不可用 " + httpStatus, "dossier failed " + httpStatus]));
    }
    section.append(el("div", "dossier-head", el("h2", null, dossier.property_id), overall,
      el("span", "meta", dossier.generated_at + " · request_id " + dossier.request_id)));
    section.append(...renderFindings(dossier));
    const cards = el("div", "cards");
    for (const [name, source] of Object.entries(dossier.sources || {})) cards.append(renderSource(name, source));
    section.append(cards);
    return section;
  }

  function credentials() {
    apiKey = $("api-key").value.trim() || apiKey;
    const purpose = $("purpose").value.trim();
    if (!apiKey) { showMessage([el("strong", null, bilingual(["请输入 API 密钥", "Enter your API key"]))]); $("api-key").focus(); return null; }
    if (!purpose) { showMessage([el("strong", null, bilingual(["请输入查询事由", "Enter the purpose"]))]); $("purpose").focus(); return null; }
    return { "Authorization": "Bearer " + apiKey, "X-Purpose": utf8Bytes(purpose) };
  }

  async function call(url, init) {
    try {
      const response = await fetch(url, Object.assign({ cache: "no-store", credentials: "omit", referrerPolicy: "no-referrer" }, init));
      const type = response.headers.get("Content-Type") || "";
      const body = type.includes("json") ? await response.json() : null;
      return { status: response.status, problem: type.startsWith("application/problem+json"), body, retryAfter: response.headers.get("Retry-After") };
    } catch (error) {
      return { status: 0, error };
    }
  }

  function networkFailure() {
    showMessage([el("strong", null, bilingual(["无法连接网关，请检查网络", "Cannot reach the gateway; check the network"]))]);
  }

  function busy(button, on) {
    button.disabled = on;
    $("results").setAttribute("aria-busy", on ? "true" : "false");
  }

  async function lookUp(event) {
    event.preventDefault();
    const idField = $("property-id");
    const id = idField.value.trim();
    const headers = credentials();
    if (!headers) return;
    if (!/^[A-Za-z0-9-]{1,64}$/.test(id)) {
      showMessage([el("strong", null, bilingual(["不动产编号格式有误：1–64 位字母、数字或连字符", "A property id is 1–64 letters, digits or '-'"]))]);
      idField.focus();
      return;
    }
    busy($("submit"), true);
    clearMessage();
    const result = await call("/v1/properties/" + encodeURIComponent(id) + "/dossier", { headers });
    busy($("submit"), false);
    if (result.status === 0) networkFailure();
    else if (result.problem || !result.body) showMessage(problemMessage(result.status, result.body, result.retryAfter));
    else $("results").replaceChildren(renderDossier(result.body, result.status));
    idField.focus();
    idField.select();
  }

  async function lookUpBatch(event) {
    event.preventDefault();
    const headers = credentials();
    if (!headers) return;
    const ids = $("batch-ids").value.split(/[\s,，]+/).filter((id) => id.length > 0);
    if (ids.length === 0) { $("batch-ids").focus(); return; }
    busy($("batch-submit"), true);
    clearMessage();
    headers["Content-Type"] = "application/json";
    const result = await call("/v1/dossiers:batch", { method: "POST", headers, body: JSON.stringify({ property_ids: ids }) });
    busy($("batch-submit"), false);
    if (result.status === 0) { networkFailure(); return; }
    if (result.problem || !result.body) { showMessage(problemMessage(result.status, result.body, result.retryAfter)); return; }
    const items = result.body.dossiers.map((item) => item.error
      ? el("div", "message batch-item-error", el("strong", null, item.property_id + "："), ...problemMessage(item.error.status, item.error))
      : renderDossier(item, item.http_status));
    $("results").replaceChildren(...items);
    $("batch-ids").focus();
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("query").addEventListener("submit", lookUp);
    $("batch").addEventListener("submit", lookUpBatch);
    $(apiKey ? "property-id" : "api-key").focus();
  });
})();
"""#
}
