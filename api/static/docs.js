/* A minimal offline renderer of /openapi.json (used when Swagger UI's assets are not installed):
 * every operation with its parameters and responses, and a form to try GET operations. */
"use strict";

function node(tag, attrs, ...children) {
  const n = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "text") n.textContent = v; else if (k.startsWith("on")) n.addEventListener(k.slice(2), v); else n.setAttribute(k, v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) n.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return n;
}

function schemaName(schema) {
  if (!schema) return "";
  if (schema.$ref) return schema.$ref.split("/").pop();
  if (schema.anyOf) return schema.anyOf.map(schemaName).join(" | ");
  if (schema.type === "array") return `${schemaName(schema.items)}[]`;
  return schema.type || "";
}

function tryForm(path, op) {
  const params = (op.parameters || []).filter((p) => p.in === "query" || p.in === "path");
  const out = node("pre", { class: "card" });
  const inputs = params.map((p) => node("input", { name: p.name, placeholder: `${p.name} (${p.in})` }));
  const run = async (e) => {
    e.preventDefault();
    let url = path;
    const query = new URLSearchParams();
    params.forEach((p, i) => {
      const v = inputs[i].value;
      if (p.in === "path") url = url.replace(`{${p.name}}`, v);
      else if (v) query.set(p.name, v);
    });
    const response = await fetch(`${url}${query.toString() ? "?" + query : ""}`, { headers: { Accept: "application/json" } });
    out.textContent = `${response.status}\n${(await response.text()).slice(0, 20000)}`;
  };
  return node("form", { onsubmit: run }, inputs, node("button", { type: "submit" }, "Try"), out);
}

function operation(path, method, op) {
  const rows = (op.parameters || []).map((p) => node("tr", {},
    node("td", {}, node("code", { text: p.name })), node("td", { text: p.in }),
    node("td", { text: schemaName(p.schema) }), node("td", { text: p.description || (p.schema && p.schema.description) || "" })));
  const body = op.requestBody ? node("p", {}, "Body: ", node("code", { text: schemaName(op.requestBody.content["application/json"].schema) })) : null;
  const responses = Object.entries(op.responses || {}).map(([code, r]) => `${code} ${r.description || ""}`).join(" · ");
  return node("details", { class: "card", id: op.operationId || `${method}-${path}` },
    node("summary", {}, node("strong", { text: method.toUpperCase() }), " ", node("code", { text: path }), " — ", op.summary || ""),
    op.description ? node("p", { text: op.description }) : null,
    rows.length ? node("table", { class: "facts" }, rows) : null, body,
    node("p", { class: "muted", text: `Responses: ${responses}` }),
    method === "get" ? tryForm(path, op) : null);
}

async function init() {
  const spec = await (await fetch("/openapi.json")).json();
  document.getElementById("api-title").textContent = `${spec.info.title} ${spec.info.version} · API`;
  document.getElementById("api-description").textContent = spec.info.description || "";
  const box = document.getElementById("operations");
  box.textContent = "";
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(item)) box.append(operation(path, method, op));
  }
}

document.addEventListener("DOMContentLoaded", init);
