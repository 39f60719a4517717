// The papikg query page: examples, run a query, show results as a table, offer downloads.
// Plain DOM, no dependencies; every value is inserted with textContent (never innerHTML).
"use strict";

const endpoint = document.body.dataset.endpoint;
const form = document.getElementById("query-form");
const editor = document.getElementById("query");
const runButton = document.getElementById("run");
const examples = document.getElementById("examples");
const statusLine = document.getElementById("status");
const downloads = document.getElementById("downloads");
const results = document.getElementById("results");

const ACCEPT = "application/sparql-results+json, text/turtle;q=0.9";
const DOWNLOADS = {
  solutions: [["json", "JSON", "srj"], ["csv", "CSV", "csv"], ["tsv", "TSV", "tsv"], ["xml", "XML", "srx"]],
  boolean: [["json", "JSON", "srj"], ["xml", "XML", "srx"]],
  graph: [["turtle", "Turtle", "ttl"], ["ntriples", "N-Triples", "nt"], ["rdfxml", "RDF/XML", "rdf"],
          ["jsonld", "JSON-LD", "jsonld"]],
};
const MAX_GET_URL = 6000;

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function setStatus(text, isError) {
  statusLine.textContent = text;
  statusLine.classList.toggle("error", Boolean(isError));
}

function declaredPrefixes(query) {
  const prefixes = [];
  const pattern = /PREFIX\s+([\w.-]*):\s*<([^>\s]*)>/gi;
  for (const match of query.matchAll(pattern)) prefixes.push([match[1], match[2]]);
  return prefixes.sort((a, b) => b[1].length - a[1].length);
}

function shorten(iri, prefixes) {
  for (const [name, base] of prefixes) {
    if (base && iri.startsWith(base) && /^[\w.-]*$/.test(iri.slice(base.length))) {
      return `${name}:${iri.slice(base.length)}`;
    }
  }
  return iri;
}

function getUrl(query, format) {
  const params = new URLSearchParams({ query });
  if (format) params.set("format", format);
  return `${endpoint}?${params}`;
}

function termCell(term, prefixes) {
  const cell = element("td");
  if (!term) return cell;
  if (term.type === "uri") {
    const link = element("a", shorten(term.value, prefixes));
    const describe = `DESCRIBE <${term.value}>`;
    link.href = getUrl(describe, "turtle");
    link.title = term.value;
    link.addEventListener("click", (event) => {
      event.preventDefault();
      editor.value = describe;
      run();
    });
    cell.append(link);
  } else if (term.type === "bnode") {
    cell.append(element("span", `_:${term.value}`, "bnode"));
  } else if (term.type === "triple") {
    const t = term.value;
    cell.textContent = `<< ${t.subject.value} ${t.predicate.value} ${t.object.value} >>`;
  } else {
    cell.append(document.createTextNode(term.value));
    if (term["xml:lang"]) cell.append(element("span", `@${term["xml:lang"]}`, "lang"));
    else if (term.datatype) cell.append(element("span", `^^${shorten(term.datatype, prefixes)}`, "datatype"));
  }
  return cell;
}

function renderTable(doc, prefixes) {
  const vars = doc.head.vars;
  const rows = doc.results.bindings;
  const table = element("table");
  const headRow = element("tr");
  vars.forEach((name) => headRow.append(element("th", `?${name}`)));
  table.append(element("thead"));
  table.tHead.append(headRow);
  const body = element("tbody");
  rows.forEach((row) => {
    const tr = element("tr");
    vars.forEach((name) => tr.append(termCell(row[name], prefixes)));
    body.append(tr);
  });
  table.append(body);
  results.replaceChildren(table);
  return rows.length;
}

function postForm(query, format) {
  const hidden = element("form");
  hidden.method = "post";
  hidden.action = endpoint;
  hidden.target = "_blank";
  for (const [name, value] of [["query", query], ["format", format]]) {
    const input = element("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    hidden.append(input);
  }
  document.body.append(hidden);
  hidden.submit();
  hidden.remove();
}

function renderDownloads(kind, query) {
  downloads.replaceChildren(element("span", "Download:"));
  for (const [format, label, extension] of DOWNLOADS[kind] || []) {
    const link = element("a", label);
    link.href = getUrl(query, format);
    link.download = `results.${extension}`;
    link.addEventListener("click", (event) => {
      if (link.href.length > MAX_GET_URL) {
        event.preventDefault();
        postForm(query, format);
      }
    });
    downloads.append(link);
  }
}

async function showError(response) {
  let message = `${response.status} ${response.statusText}`;
  try {
    const body = await response.json();
    if (body.error) message = `${body.error.status} ${body.error.type}: ${body.error.message}`;
  } catch (err) {
    // not the API's error shape: keep the status line
  }
  setStatus(message, true);
}

async function run() {
  const query = editor.value;
  const started = performance.now();
  runButton.disabled = true;
  setStatus("Running…");
  downloads.replaceChildren();
  try {
    const response = await fetch(endpoint, {
      method: "POST",
      headers: { Accept: ACCEPT, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ query }),
    });
    if (!response.ok) {
      results.replaceChildren();
      await showError(response);
      return;
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    const type = response.headers.get("Content-Type") || "";
    if (type.includes("sparql-results+json")) {
      const doc = await response.json();
      if ("boolean" in doc) {
        results.replaceChildren(element("p", String(doc.boolean), "boolean"));
        setStatus(`ASK answered in ${seconds} s`);
        renderDownloads("boolean", query);
      } else {
        const count = renderTable(doc, declaredPrefixes(query));
        setStatus(`${count} result${count === 1 ? "" : "s"} in ${seconds} s`);
        renderDownloads("solutions", query);
      }
    } else {
      results.replaceChildren(element("pre", await response.text(), "graph"));
      setStatus(`Graph answered in ${seconds} s`);
      renderDownloads("graph", query);
    }
  } catch (err) {
    setStatus(`The request failed: ${err.message}`, true);
  } finally {
    runButton.disabled = false;
  }
}

async function loadExamples() {
  try {
    const response = await fetch(`${endpoint}/examples`, { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    for (const example of await response.json()) {
      const option = element("option", example.title);
      option.value = example.query;
      examples.append(option);
    }
  } catch (err) {
    setStatus(`Could not load the example queries: ${err.message}`, true);
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  run();
});
editor.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    run();
  }
});
examples.addEventListener("change", () => {
  if (examples.value) editor.value = examples.value;
});
loadExamples();
