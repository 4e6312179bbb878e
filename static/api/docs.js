// Lists the operations of the OpenAPI schema on the documentation page.
// Builds DOM nodes with textContent only: nothing from the schema is parsed as HTML.
"use strict";

(function () {
  const target = document.getElementById("schema-reference");
  if (!target || !window.fetch) return;

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  function render(schema) {
    target.textContent = "";
    target.appendChild(el("p", schema.info.title + ", version " + schema.info.version, "muted"));
    Object.keys(schema.paths).sort().forEach(function (path) {
      const item = schema.paths[path];
      Object.keys(item).forEach(function (method) {
        const op = item[method];
        if (!op || !op.responses) return;
        const box = el("div", undefined, "operation");
        const title = el("h3");
        title.appendChild(el("span", method, "method"));
        title.appendChild(el("code", path));
        box.appendChild(title);
        if (op.description) box.appendChild(el("p", op.description));
        const params = (op.parameters || []).map(function (p) {
          return p.name + " (" + p.in + (p.required ? ", required" : "") + ")";
        });
        if (params.length) box.appendChild(el("p", "Parameters: " + params.join(", ")));
        const scopes = (op.security || []).length ? "Needs an API key." : "No key needed.";
        box.appendChild(el("p", scopes + " Answers: " + Object.keys(op.responses).join(", ") + "."));
        target.appendChild(box);
      });
    });
  }

  fetch("/api/v1/schema/?format=json", { headers: { Accept: "application/json" } })
    .then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    })
    .then(render)
    .catch(function (error) {
      target.appendChild(el("p", "The schema could not be loaded (" + error.message + ").", "muted"));
    });
})();
