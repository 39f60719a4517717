/* papikg: the planners' page. Plain JS, no build step, no external assets.
 * Views (hash routes): #/search?q=…, #/suggest, #/plans, #/plan/<key>, #/task/<id>.
 * Every text from the API is inserted as text, except the search highlights, which the server
 * HTML-escapes and marks with <mark> only (and which are sanitised again here). */
"use strict";

const LEVELS = { tinh: "tỉnh", huyen: "huyện", xa: "xã" };
const METHODS = { stated: "nêu trong kế hoạch", "stated-among": "chọn trong các chỉ số nêu", inferred: "suy luận" };
const PAGE = 20;
const state = { indicators: null, provinces: null, offset: 0, lastQuery: null, plans: null };

/* ---------- small helpers ---------- */

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function svg(tag, attrs, ...children) {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
  for (const child of children.flat(Infinity)) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const $ = (id) => document.getElementById(id);

async function api(path, options) {
  const response = await fetch(path, Object.assign({ headers: { Accept: "application/json" } }, options || {}));
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const message = body && body.error ? body.error.message : `HTTP ${response.status}`;
    throw new Error(message);
  }
  return body;
}

function marked(html) {
  /* the server escapes the text and adds <mark>…</mark>; allow nothing else */
  const span = el("span", { class: "hl" });
  span.innerHTML = String(html).replace(/<(?!\/?mark>)/g, "&lt;");
  return span;
}

function idOf(iri) {
  const base = "https://w3id.org/papikg/id/";
  return iri && iri.startsWith(base) ? iri.slice(base.length) : iri;
}

function idPath(id) {
  /* an id in a request path: each segment percent-encoded ('#', '?', '%' stay in the id) */
  return String(id).split("/").map(encodeURIComponent).join("/");
}

function localHref(iri) {
  const base = "https://w3id.org/papikg/";
  return iri && iri.startsWith(base) ? "/" + iri.slice(base.length) : iri;
}

function sourceHref(source) {
  /* the span IRI: id/source/<file stem>/L<start>-<end> */
  if (!source || !source.file) return null;
  const stem = source.file.replace(/\.[^.]+$/, "");
  return `/id/source/${encodeURIComponent(stem)}/L${source.lines}`;
}

function levelName(level) { return LEVELS[level] || level || ""; }

function provinceText(then, now) {
  if (!then) return now || "";
  return now && now !== then ? `${then} (nay thuộc ${now})` : then;
}

function showStatus(node, text, isError) {
  node.textContent = text;
  node.classList.toggle("error", Boolean(isError));
}

async function copyText(text, button) {
  let done = false;
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      done = true;
    }
  } catch (err) { done = false; }
  if (!done) {
    const area = el("textarea", { class: "offscreen", readonly: true });
    area.value = text;
    document.body.append(area);
    area.select();
    try { done = document.execCommand("copy"); } catch (err) { done = false; }
    area.remove();
  }
  if (button) {
    const label = button.textContent;
    button.textContent = done ? "Đã sao chép ✓" : "Không sao chép được";
    button.classList.add("copied");
    setTimeout(() => { button.textContent = label; button.classList.remove("copied"); }, 1800);
  }
  window.lastCopied = text;  /* for tests: what the last copy put on the clipboard */
  return done;
}

/* ---------- shared data ---------- */

async function indicators() {
  if (!state.indicators) state.indicators = await api("/indicators");
  return state.indicators;
}

async function provinces() {
  if (!state.provinces) state.provinces = await api("/provinces");
  return state.provinces;
}

async function loadFilters() {
  try {
    const [tree, places] = await Promise.all([indicators(), provinces()]);
    renderTree(tree);
    renderProvinces(places);
    renderSuggestOptions(tree, places);
  } catch (err) {
    $("papi-tree").textContent = `Không tải được bộ lọc: ${err.message}`;
  }
}

function renderTree(tree) {
  const box = $("papi-tree");
  box.textContent = "";
  const radio = (value, label, count) => el("label", { class: "tree-item" },
    el("input", { type: "radio", name: "papi", value, onchange: () => runSearch(0) }),
    el("span", { text: label }), count !== null ? el("span", { class: "count", text: count }) : null);
  box.append(radio("", "Tất cả chỉ số", null));
  box.querySelector("input").checked = true;
  for (const dim of tree.dimensions) {
    const details = el("details", {},
      el("summary", { title: "Bấm ▸ để xem các chỉ số thành phần" }, radio(dim.notation, `${dim.notation}. ${dim.label}`, dim.tasks)),
      el("div", { class: "tree-children" },
        dim.children.map((c) => radio(c.notation, `${c.notation} ${c.label}`, c.tasks))));
    /* choosing a dimension also unfolds its sub-dimensions */
    details.querySelector("summary input").addEventListener("change", () => { details.open = true; });
    box.append(details);
  }
}

function renderProvinces(places) {
  const select = $("province");
  const option = (value, text) => el("option", { value, text });
  const withPlans = el("optgroup", { label: "Có kế hoạch trong dữ liệu" }, places.withPlans.map((p) => option(p, p)));
  const current = el("optgroup", { label: "34 tỉnh, thành phố từ 1/7/2025" }, places.current.map((p) => option(p.label, p.label)));
  const former = el("optgroup", { label: "63 tỉnh, thành phố trước 1/7/2025" },
    places.former.map((p) => option(p.label, p.now && p.now !== p.label ? `${p.label} (nay: ${p.now})` : p.label)));
  select.append(withPlans, current, former);
  const names = $("province-names");
  const seen = new Set();
  for (const p of [...places.current, ...places.former]) {
    if (!seen.has(p.label)) { seen.add(p.label); names.append(option(p.label, "")); }
  }
}

function renderSuggestOptions(tree) {
  const select = $("s-papi");
  for (const dim of tree.dimensions) {
    select.append(el("optgroup", { label: `${dim.notation}. ${dim.label}` },
      dim.children.map((c) => el("option", { value: c.notation, text: `${c.notation} ${c.label} (${c.tasks} nhiệm vụ)` }))));
  }
}

/* ---------- search ---------- */

function searchParams(offset) {
  const params = new URLSearchParams();
  params.set("q", $("q").value.trim());
  const papi = document.querySelector("input[name=papi]:checked");
  if (papi && papi.value) params.set("papi", papi.value);
  if ($("province").value) params.set("province", $("province").value);
  if ($("level").value) params.set("level", $("level").value);
  if ($("year-from").value) params.set("year_from", $("year-from").value);
  if ($("year-to").value) params.set("year_to", $("year-to").value);
  params.set("limit", PAGE);
  params.set("offset", offset);
  return params;
}

async function runSearch(offset) {
  const status = $("search-status");
  if (!$("q").value.trim()) {
    showStatus(status, "Nhập nội dung cần tìm (ví dụ: công khai hộ nghèo).");
    return;
  }
  const params = searchParams(offset);
  const shown = new URLSearchParams(params);
  shown.delete("limit"); shown.delete("offset");
  history.replaceState(null, "", `#/search?${shown}`);
  state.lastQuery = shown.toString();
  showStatus(status, "Đang tìm…");
  $("search-button").disabled = true;
  try {
    const data = await api(`/search?${params}`);
    if (offset === 0) $("results").textContent = "";
    state.offset = offset + data.hits.length;
    renderHits(data.hits, offset === 0);
    const plans = new Set([...$("results").querySelectorAll(".plan-group")].map((g) => g.dataset.plan));
    showStatus(status, state.offset
      ? `${state.offset} nhiệm vụ phù hợp nhất với “${data.query}”, thuộc ${plans.size} kế hoạch.`
      : `Không có nhiệm vụ nào phù hợp với “${data.query}”.`);
    $("more").hidden = data.hits.length < PAGE || state.offset >= data.total;
  } catch (err) {
    showStatus(status, `Lỗi: ${err.message}`, true);
  } finally {
    $("search-button").disabled = false;
  }
}

function groupFor(hit) {
  const box = $("results");
  let group = box.querySelector(`.plan-group[data-plan="${CSS.escape(hit.plan)}"]`);
  if (group) return group.querySelector(".hits");
  const meta = [levelName(hit.level) && `cấp ${levelName(hit.level)}`, hit.year,
    provinceText(hit.province, hit.provinceNow)].filter(Boolean).join(" · ");
  group = el("section", { class: "plan-group", "data-plan": hit.plan },
    el("header", {},
      el("h2", {}, el("a", { href: `#/plan/${hit.planKey}`, text: hit.planLabel })),
      el("p", { class: "muted", text: meta })),
    el("ol", { class: "hits" }));
  box.append(group);
  return group.querySelector(".hits");
}

function papiBadge(papi) {
  if (!papi || !papi.notation) return el("span", { class: "badge none", text: "chưa gán chỉ số" });
  const how = papi.assigned === "inferred"
    ? `${METHODS.inferred}, độ tin cậy ${Math.round((papi.confidence || 0) * 100)}%`
    : METHODS[papi.assigned] || papi.assigned;
  return el("span", { class: `badge ${papi.assigned}`, title: how },
    `PAPI ${papi.notation} `, el("span", { class: "badge-label", text: papi.label || "" }),
    el("small", { text: ` (${how})` }));
}

function factLine(label, items) {
  if (!items || !items.length) return null;
  return el("p", { class: "fact" }, el("span", { class: "fact-label", text: `${label}: ` }), items.join("; "));
}

function renderHits(hits) {
  for (const hit of hits) {
    const item = el("li", { class: "hit", "data-task": hit.task },
      el("p", { class: "hit-text" }, marked(hit.highlights)),
      el("div", { class: "hit-meta" }, papiBadge(hit.papi)),
      factLine("Chủ trì", hit.leadUnits),
      factLine("Phối hợp", hit.supportUnits),
      factLine("Kết quả dự kiến", hit.expectedResults),
      factLine("Văn bản trích dẫn", hit.acts),
      hit.copies && hit.copies.length ? el("p", { class: "fact muted" },
        "Cùng cách viết ở: ", hit.copies.map((c, i) => [i ? "; " : "",
          el("a", { href: sourceHref(c.source), text: `${c.locality} (${c.source.file}:${c.source.lines})` })])) : null,
      el("div", { class: "hit-actions" },
        el("a", { href: sourceHref(hit.source), class: "source-link", text: `Dòng nguồn ${hit.source.file}:${hit.source.lines}` }),
        el("a", { href: `#/task/${idOf(hit.task)}`, text: "Chi tiết" }),
        el("button", { type: "button", class: "link similar-button", onclick: (e) => toggleSimilar(e.target, hit.task) },
          "Biện pháp tương tự ở địa phương khác")),
      el("div", { class: "similar", hidden: true }));
    groupFor(hit).append(item);
  }
}

async function toggleSimilar(button, task) {
  const box = button.closest(".hit, .task-detail").querySelector(".similar");
  if (!box.hidden && box.childElementCount) { box.hidden = true; return; }
  box.hidden = false;
  box.textContent = "Đang tìm biện pháp tương tự…";
  try {
    const data = await api(`/tasks/${idPath(idOf(task))}/similar?limit=5`);
    box.textContent = "";
    box.append(similarList(data.hits));
  } catch (err) {
    box.textContent = `Lỗi: ${err.message}`;
  }
}

function similarList(hits) {
  if (!hits.length) return el("p", { class: "muted", text: "Không có biện pháp tương tự ở địa phương khác." });
  return el("ol", { class: "similar-list" }, hits.map((h) => el("li", {},
    el("p", {}, h.text),
    el("p", { class: "muted" },
      el("a", { href: `#/plan/${h.planKey}`, text: h.planLabel }), " · ",
      provinceText(h.province, h.provinceNow), " · ",
      h.papi && h.papi.notation ? `PAPI ${h.papi.notation} · ` : "",
      el("a", { href: sourceHref(h.source), text: `${h.source.file}:${h.source.lines}` })),
    factLine("Chủ trì", h.leadUnits))));
}

/* ---------- suggest ---------- */

function suggestionText(s) {
  const lines = [`- ${s.text}`];
  if (s.leadUnits.length) lines.push(`  Chủ trì: ${s.leadUnits[0].label}`);
  if (s.results.length) lines.push(`  Kết quả: ${s.results[0]}`);
  if (s.cites.length) lines.push(`  Căn cứ: ${s.cites.join("; ")}`);
  return lines.join("\n");
}

function suggestionItem(s) {
  const units = (list) => list.map((u) => (u.count > 1 ? `${u.label} (${u.count})` : u.label));
  return el("li", { class: "suggestion card" },
    el("div", { class: "suggestion-head" },
      el("p", { class: "suggestion-text", text: s.text }),
      el("button", { type: "button", class: "secondary copy", onclick: (e) => copyText(s.text, e.target) }, "Sao chép")),
    el("p", { class: "muted" }, `PAPI ${s.papi.join(", ")} · dùng ở ${s.planCount} kế hoạch · ${s.provinces.join(", ")}`),
    factLine("Chủ trì", units(s.leadUnits)),
    factLine("Phối hợp", units(s.supportUnits).slice(0, 6)),
    factLine("Kết quả dự kiến", s.results.slice(0, 3)),
    factLine("Chỉ tiêu", s.targets.slice(0, 3)),
    factLine("Văn bản trích dẫn", s.cites),
    s.coveredBy ? factLine("Dự thảo đã có", [s.coveredBy]) : null,
    el("details", {}, el("summary", { text: "Nguồn trong các kế hoạch" }),
      el("ul", {}, s.plans.map((p) => el("li", {},
        el("a", { href: `#/plan/${p.plan.split("/").pop()}`, text: p.planLabel }), " — ",
        el("a", { href: sourceHref(p.source), text: `${p.source.file}:${p.source.lines}` }))))));
}

async function runSuggest(event) {
  event.preventDefault();
  const status = $("suggest-status");
  const body = { papi: $("s-papi").value || null, text: $("s-text").value.trim() || null,
    level: $("s-level").value || null, locality: $("s-locality").value.trim() || null,
    draft: $("s-draft").value.trim() || null, k: Number($("s-k").value) || 8 };
  if (!body.papi && !body.text) {
    showStatus(status, "Hãy chọn một chỉ số thành phần hoặc mô tả nhiệm vụ cần tìm.", true);
    return;
  }
  showStatus(status, "Đang tìm gợi ý…");
  $("suggest-button").disabled = true;
  try {
    const data = await api("/suggest-tasks", { method: "POST", body: JSON.stringify(body),
      headers: { "Content-Type": "application/json", Accept: "application/json" } });
    $("suggestions").textContent = "";
    $("suggestions").append(...data.suggestions.map(suggestionItem));
    $("covered").textContent = "";
    $("covered").append(...data.covered.map(suggestionItem));
    $("covered-box").hidden = !data.covered.length;
    $("copy-all").hidden = !data.suggestions.length;
    $("copy-all").onclick = (e) => copyText(data.suggestions.map(suggestionText).join("\n"), e.target);
    showStatus(status, data.suggestions.length
      ? `${data.suggestions.length} gợi ý${data.covered.length ? `; ${data.covered.length} nhiệm vụ dự thảo đã có` : ""}.`
      : "Không có gợi ý nào.");
    status.scrollIntoView({ block: "start" });
  } catch (err) {
    showStatus(status, `Lỗi: ${err.message}`, true);
  } finally {
    $("suggest-button").disabled = false;
  }
}

/* ---------- plans ---------- */

function heat(count, max) {
  /* fill colour of a cell, and whether its text must be light to stay readable */
  if (!count) return { fill: "#fde2e1", dark: false };
  const t = Math.min(1, Math.log1p(count) / Math.log1p(Math.max(max, 1)));
  const light = Math.round(92 - t * 55);
  return { fill: `hsl(212, 70%, ${light}%)`, dark: light < 62 };
}

function shorten(text, n) { return text.length > n ? text.slice(0, n - 1) + "…" : text; }

function coverageSvg(coverage, dims) {
  /* rows: the 8 dimensions; columns: their sub-dimensions; a cell: tasks under it */
  const cell = 64, gap = 6, left = 330, top = 8;
  const byDim = dims.map((d) => ({ dim: d, cells: coverage.filter((c) => c.dimension === d.notation) }));
  const cols = Math.max(...byDim.map((r) => r.cells.length), 1);
  const max = Math.max(...coverage.map((c) => c.tasks), 1);
  const width = left + cols * (cell + gap) + 10, height = top + byDim.length * (cell + gap) + 30;
  const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, width, height, role: "img",
    class: "coverage", "aria-label": "Số nhiệm vụ theo chỉ số thành phần PAPI; ô đỏ là chỉ số chưa có nhiệm vụ" });
  byDim.forEach((row, r) => {
    const y = top + r * (cell + gap);
    const words = `${row.dim.notation}. ${row.dim.label}`;
    const split = words.length > 40 ? words.lastIndexOf(" ", 40) : -1;
    const lines = split > 0 ? [words.slice(0, split), shorten(words.slice(split + 1), 40)] : [words];
    lines.forEach((line, i) => root.append(svg("text", { x: 0, y: y + cell / 2 + 5 + (i - (lines.length - 1) / 2) * 16, class: "dim-label" }, line)));
    row.cells.forEach((c, i) => {
      const x = left + i * (cell + gap);
      const colour = heat(c.tasks, max);
      const ink = c.tasks ? (colour.dark ? "#ffffff" : "#1d2733") : "#c0392b";
      root.append(svg("g", { class: c.tasks ? "cell" : "cell gap", "data-notation": c.notation },
        svg("title", {}, `${c.notation} ${c.label}: ${c.tasks} nhiệm vụ${c.tasks ? ` (${c.stated} nêu trong kế hoạch)` : " — chưa có nhiệm vụ"}`),
        svg("rect", { x, y, width: cell, height: cell, rx: 6, fill: colour.fill,
          stroke: c.tasks ? "#9fb6cf" : "#c0392b", "stroke-width": c.tasks ? 1 : 2.5,
          "stroke-dasharray": c.tasks ? "none" : "5 3" }),
        svg("text", { x: x + cell / 2, y: y + 24, "text-anchor": "middle", class: "cell-code", fill: ink }, c.notation),
        svg("text", { x: x + cell / 2, y: y + 48, "text-anchor": "middle", class: "cell-count", fill: ink }, String(c.tasks))));
    });
  });
  const ly = height - 14;
  root.append(svg("rect", { x: left, y: ly - 10, width: 14, height: 14, fill: "#fde2e1", stroke: "#c0392b", "stroke-dasharray": "4 2" }),
    svg("text", { x: left + 20, y: ly + 2, class: "legend" }, "chưa có nhiệm vụ"),
    svg("rect", { x: left + 150, y: ly - 10, width: 14, height: 14, fill: heat(1, max).fill }),
    svg("text", { x: left + 170, y: ly + 2, class: "legend" }, "ít"),
    svg("rect", { x: left + 200, y: ly - 10, width: 14, height: 14, fill: heat(max, max).fill }),
    svg("text", { x: left + 220, y: ly + 2, class: "legend" }, `nhiều nhiệm vụ (tối đa ${max})`));
  return root;
}

async function showPlan(key) {
  const box = $("plan");
  box.textContent = "Đang tải kế hoạch…";
  try {
    const [plan, tree] = await Promise.all([api(`/plans/${encodeURIComponent(key)}?gap_suggestions=2`), indicators()]);
    box.textContent = "";
    box.append(planHeader(plan), planCoverage(plan, tree), planGaps(plan), planTasks(plan));
  } catch (err) {
    box.textContent = `Lỗi: ${err.message}`;
  }
}

function planHeader(plan) {
  const loc = plan.locality;
  return el("header", { class: "plan-header" },
    el("p", { class: "muted", text: plan.label }),
    el("h1", { text: plan.title || plan.label }),
    el("p", {}, [loc.label, levelName(loc.level) && `cấp ${levelName(loc.level)}`, plan.year,
      provinceText(loc.province, loc.provinceNow)].filter(Boolean).join(" · ")),
    plan.signer ? el("p", { class: "muted", text: `Người ký: ${plan.signer}${plan.signerRole ? `, ${plan.signerRole}` : ""}` }) : null,
    el("p", {}, `${plan.tasks} nhiệm vụ · nguồn: `,
      plan.source ? el("a", { href: `/id/${idOf(plan.source.iri)}`, text: `${plan.source.file}` }) : plan.sourceFile, " · ",
      el("a", { href: `/id/${plan.id}`, text: "Dữ liệu liên kết (RDF)" })),
    factLine("Văn bản trích dẫn", plan.cites.map((a) => `${a.idLocal || idOf(a.iri)}${a.outOfForce ? " (đã hết hiệu lực)" : ""}`)));
}

function planCoverage(plan, tree) {
  const gaps = plan.coverage.filter((c) => !c.tasks).length;
  return el("section", { class: "card" },
    el("h2", { text: "Bao phủ các chỉ số thành phần PAPI" }),
    el("p", { class: "muted", text: `${plan.coverage.length - gaps}/${plan.coverage.length} chỉ số thành phần có nhiệm vụ; ${gaps} chỉ số còn trống (ô đỏ).` }),
    el("div", { class: "matrix-wrap", id: "coverage" }, coverageSvg(plan.coverage, tree.dimensions)));
}

function planGaps(plan) {
  if (!plan.gaps.length) return null;
  return el("section", { class: "card gaps" },
    el("h2", { text: "Chỉ số còn trống và gợi ý từ các kế hoạch khác" }),
    el("ul", {}, plan.gaps.map((g) => el("li", {},
      el("strong", { text: `${g.notation} ${g.label}` }),
      g.suggestions.length ? el("ul", {}, g.suggestions.map((s) => el("li", {}, s.text,
        el("span", { class: "muted", text: ` — ${s.plans.map((p) => p.planLabel).join("; ")}` }),
        " ", el("button", { type: "button", class: "link copy", onclick: (e) => copyText(s.text, e.target) }, "Sao chép"))))
        : el("span", { class: "muted", text: " — chưa kế hoạch nào có nhiệm vụ cho chỉ số này" })))));
}

function planTasks(plan) {
  const taskItem = (t) => el("li", {},
    el("a", { href: `#/task/${t.id}`, text: t.text }),
    el("span", { class: "muted", text: ` (${METHODS[t.method] || ""}${t.method === "inferred" ? ` ${Math.round(t.confidence * 100)}%` : ""})` }),
    t.source ? [" ", el("a", { href: sourceHref(t.source), class: "source-link", text: `dòng ${t.source.lines}` })] : null);
  return el("section", { class: "card" },
    el("h2", { text: "Nhiệm vụ theo chỉ số PAPI" }),
    plan.tasksByConcept.map((c) => el("details", {},
      el("summary", {}, `${c.notation} ${c.label} `, el("span", { class: "count", text: c.tasks.length })),
      el("ol", {}, c.tasks.map(taskItem)))),
    plan.unassigned.length ? el("details", {}, el("summary", { text: `Chưa gán chỉ số (${plan.unassigned.length})` }),
      el("ol", {}, plan.unassigned.map(taskItem))) : null);
}

async function showPlans() {
  const list = $("plans-list");
  list.textContent = "Đang tải…";
  try {
    const [data, tree] = await Promise.all([api("/plans"), indicators()]);
    list.textContent = "";
    for (const p of data.plans) {
      list.append(el("a", { class: "plan-card card", href: `#/plan/${p.key}` },
        el("strong", { text: p.title || p.label }),
        el("span", { class: "muted", text: p.label }),
        el("span", { text: `${p.locality.label} · cấp ${levelName(p.locality.level)} · ${p.tasks} nhiệm vụ` })));
    }
    const details = await Promise.all(data.plans.map((p) => api(`/plans/${encodeURIComponent(p.key)}`)));
    $("plans-matrix").textContent = "";
    $("plans-matrix").append(plansMatrix(details, tree));
  } catch (err) {
    list.textContent = `Lỗi: ${err.message}`;
  }
}

function plansMatrix(plans, tree) {
  const subs = tree.dimensions.flatMap((d) => d.children);
  const max = Math.max(1, ...plans.flatMap((p) => p.coverage.map((c) => c.tasks)));
  const heads = plans.map((p) => el("th", {},
    el("a", { href: `#/plan/${p.key}`, text: p.locality.label }), el("br"), el("small", { text: p.year })));
  const table = el("table", { class: "matrix" },
    el("thead", {}, el("tr", {}, el("th", { text: "Chỉ số thành phần" }), heads)));
  const body = el("tbody");
  for (const s of subs) {
    body.append(el("tr", {}, el("th", { text: `${s.notation} ${s.label}` }), plans.map((p) => {
      const c = p.coverage.find((x) => x.notation === s.notation) || { tasks: 0 };
      const colour = heat(c.tasks, max);
      const td = el("td", { class: c.tasks ? (colour.dark ? "dark" : "") : "gap", title: `${p.label} · ${s.notation}: ${c.tasks} nhiệm vụ`, text: c.tasks });
      td.style.background = colour.fill;
      return td;
    })));
  }
  table.append(body);
  return table;
}

/* ---------- task ---------- */

async function showTask(id) {
  const box = $("task");
  box.textContent = "Đang tải nhiệm vụ…";
  try {
    const t = await api(`/tasks/${idPath(id)}`);
    box.textContent = "";
    const lines = !t.source ? null : t.source.note
      ? el("p", { class: "muted source-note", text: `Không hiển thị được dòng nguồn: ${t.source.note}` })
      : el("pre", { class: "source-lines" }, t.source.text.map((l) => [el("span", { class: "ln", text: l.number }), ` ${l.text}\n`]));
    box.append(el("article", { class: "task-detail card" },
      el("p", { class: "muted" }, el("a", { href: `#/plan/${t.plan.id.split("/").pop()}`, text: t.plan.label })),
      el("h1", { class: "task-text", text: t.text }),
      el("div", { class: "hit-meta" }, t.papi.map((a) => papiBadge({ notation: a.notation, label: a.label, assigned: a.method, confidence: a.confidence }))),
      factLine("Chủ trì", t.leadUnits.map((u) => u.label)),
      factLine("Phối hợp", t.supportUnits.map((u) => u.label)),
      factLine("Kết quả dự kiến", t.results),
      factLine("Chỉ tiêu", t.targets),
      factLine("Thời gian", t.timeframe ? [t.timeframe] : []),
      factLine("Văn bản trích dẫn", t.citations.map((c) => `${c.idLocal || c.rawText}${c.outOfForce ? " (đã hết hiệu lực)" : ""}`)),
      t.section ? factLine("Mục", [t.section]) : null,
      t.source ? el("h2", {}, "Dòng nguồn ", el("a", { href: `/id/${idOf(t.source.iri)}`, text: `${t.source.file}:${t.source.lines}` })) : null,
      lines,
      el("p", {}, el("a", { href: `/id/${t.id}`, text: "Dữ liệu liên kết (RDF)" }), " · ",
        el("button", { type: "button", class: "link similar-button", onclick: (e) => toggleSimilar(e.target, t.iri) }, "Biện pháp tương tự ở địa phương khác")),
      el("div", { class: "similar", hidden: true })));
  } catch (err) {
    box.textContent = `Lỗi: ${err.message}`;
  }
}

/* ---------- routing ---------- */

function route() {
  const [rawPath, query] = location.hash.replace(/^#\/?/, "").split("?");
  let path = rawPath;
  try { path = decodeURIComponent(rawPath); } catch (err) { /* a malformed escape: keep it as typed */ }
  const [view, ...rest] = path.split("/");
  const name = ["suggest", "plans", "plan", "task"].includes(view) ? view : "search";
  for (const section of document.querySelectorAll(".view")) section.hidden = section.id !== `view-${name}`;
  for (const link of document.querySelectorAll("nav a[data-view]")) {
    link.classList.toggle("active", link.dataset.view === name || (name === "plan" && link.dataset.view === "plans"));
  }
  if (name === "plan") showPlan(rest.join("/"));
  else if (name === "task") showTask(rest.join("/"));
  else if (name === "plans") showPlans();
  else if (name === "search" && query) {
    const params = new URLSearchParams(query);
    if (params.get("q") && params.toString() !== state.lastQuery) {
      state.lastQuery = params.toString();
      applyParams(params);
      runSearch(0);
    }
  }
}

function applyParams(params) {
  /* a shared link (#/search?q=…&papi=…&province=…) restores the query and its filters */
  $("q").value = params.get("q") || "";
  const fields = { province: "province", level: "level", "year-from": "year_from", "year-to": "year_to" };
  for (const [id, name] of Object.entries(fields)) $(id).value = params.get(name) || "";
  const papi = document.querySelector(`input[name=papi][value="${CSS.escape(params.get("papi") || "")}"]`);
  if (papi) {
    papi.checked = true;
    const details = papi.closest("details");
    if (details) details.open = true;
  }
}

function init() {
  $("search-form").addEventListener("submit", (e) => { e.preventDefault(); runSearch(0); });
  for (const id of ["province", "level", "year-from", "year-to"]) $(id).addEventListener("change", () => $("q").value.trim() && runSearch(0));
  $("more").addEventListener("click", () => runSearch(state.offset));
  $("clear-filters").addEventListener("click", () => {
    for (const id of ["province", "level", "year-from", "year-to"]) $(id).value = "";
    const all = document.querySelector("input[name=papi][value='']");
    if (all) all.checked = true;
    if ($("q").value.trim()) runSearch(0);
  });
  $("suggest-form").addEventListener("submit", runSuggest);
  window.addEventListener("hashchange", route);
  loadFilters().then(route);  /* filters first: a shared link may name them */
}

document.addEventListener("DOMContentLoaded", init);
