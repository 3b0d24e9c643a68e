// The condition row editor: builds the rule's condition JSON from rows of selects, and writes it
// into the raw JSON textarea that the server reads. Without JavaScript the textarea is the editor.
(function () {
  "use strict";
  const schemaNode = document.getElementById("condition-schema");
  const textarea = document.getElementById("id_condition");
  const host = document.getElementById("condition-editor");
  if (!schemaNode || !textarea || !host) return;
  const schema = JSON.parse(schemaNode.textContent);
  const problemsNode = document.getElementById("condition-problems");
  const problems = problemsNode ? JSON.parse(problemsNode.textContent) : [];
  const OPS = schema.operators;
  const TOP_FIELDS = schema.fields;
  let root = null;

  function isGroup(node) {
    return node !== null && typeof node === "object" && !Array.isArray(node) &&
      (Array.isArray(node.all) || Array.isArray(node.any)) && Object.keys(node).length === 1;
  }
  function kindOf(group) { return Array.isArray(group.all) ? "all" : "any"; }
  function join(path, part) { return path ? path + "." + part : part; }
  function fieldByName(fields, name) { return fields.find((f) => f.name === name); }
  // "is at most", not "lte": the words the rules list uses for each operator.
  function words(op) { return schema.operator_words[op] || op.replace(/_/g, " "); }

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([key, value]) => node.setAttribute(key, value));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function select(label, options, current, cls) {
    const node = el("select", { "aria-label": label, class: cls || "form-select form-select-sm" });
    options.forEach(([value, text]) => {
      const option = el("option", { value: String(value) }, text);
      if (String(value) === String(current)) option.selected = true;
      node.append(option);
    });
    return node;
  }

  function defaultValue(kind, field) {
    const first = field.choices.length ? field.choices[0][0] : "";
    switch (kind) {
      case "bool": return true;
      case "integer": case "number": return 0;
      case "integer_list": return [0];
      case "choice": return first;
      case "choice_list": return first ? [first] : [];
      case "group": return { all: [newTest(field.items)] };
      default: return undefined;
    }
  }

  function newTest(fields) {
    const field = fields[0];
    const op = Object.keys(OPS[field.type])[0];
    return setOp({ field: field.name, op: op }, field, op);
  }

  function setOp(test, field, op) {
    const kind = OPS[field.type][op];
    const oldKind = test.op && OPS[field.type][test.op];
    test.op = op;
    if (kind === null || kind === undefined) delete test.value;
    else if (oldKind !== kind || !("value" in test)) test.value = defaultValue(kind, field);
    return test;
  }

  function sync() { textarea.value = JSON.stringify(root, null, 2); }
  function changed() { sync(); render(); }

  function valueWidget(test, field, kind) {
    const wrap = el("span", { class: "cond-value" });
    if (kind === "bool") {
      const node = select("Value", [["true", "yes"], ["false", "no"]], test.value);
      node.addEventListener("change", () => { test.value = node.value === "true"; sync(); });
      wrap.append(node);
    } else if (kind === "integer" || kind === "number") {
      const node = el("input", { type: "number", "aria-label": "Value", class: "form-control form-control-sm",
        step: kind === "integer" ? "1" : "any" });
      node.value = test.value;
      node.addEventListener("input", () => {
        const number = Number(node.value);
        test.value = node.value === "" || Number.isNaN(number) ? node.value : number;
        sync();
      });
      wrap.append(node);
    } else if (kind === "integer_list") {
      const node = el("input", { type: "text", "aria-label": "Values, separated by commas",
        class: "form-control form-control-sm", inputmode: "numeric" });
      node.value = Array.isArray(test.value) ? test.value.join(", ") : "";
      node.addEventListener("input", () => {
        test.value = node.value.split(",").map((s) => s.trim()).filter(Boolean)
          .map((s) => (Number.isNaN(Number(s)) ? s : Number(s)));
        sync();
      });
      wrap.append(node);
    } else if (kind === "choice") {
      const options = field.choices.slice();
      if (!options.some(([v]) => v === test.value)) options.unshift([test.value, String(test.value)]);
      const node = select("Value", options, test.value);
      node.addEventListener("change", () => { test.value = node.value; sync(); });
      wrap.append(node);
    } else if (kind === "choice_list") {
      const box = el("span", { class: "cond-values", role: "group", "aria-label": "Values" });
      const chosen = new Set(Array.isArray(test.value) ? test.value : []);
      field.choices.forEach(([value, label]) => {
        const id = "c" + Math.random().toString(36).slice(2);
        const item = el("span", { class: "form-check form-check-inline" });
        const input = el("input", { type: "checkbox", class: "form-check-input", id: id, value: value });
        input.checked = chosen.has(value);
        input.addEventListener("change", () => {
          const values = Array.from(box.querySelectorAll("input:checked")).map((i) => i.value);
          test.value = values;
          sync();
        });
        item.append(input, el("label", { class: "form-check-label", for: id }, label));
        box.append(item);
      });
      wrap.append(box);
    }
    return wrap;
  }

  function renderTest(test, fields, path, items, index) {
    const row = el("div", { class: "cond-row", "data-path": path });
    const known = fieldByName(fields, test.field);
    const fieldOptions = fields.map((f) => [f.name, f.label]);
    if (!known) fieldOptions.unshift([test.field, "(unknown: " + test.field + ")"]);
    const fieldSelect = select("Field", fieldOptions, test.field);
    fieldSelect.addEventListener("change", () => {
      const field = fieldByName(fields, fieldSelect.value);
      items[index] = setOp({ field: field.name }, field, Object.keys(OPS[field.type])[0]);
      changed();
    });
    row.append(fieldSelect);
    let nested = null;
    if (known) {
      const ops = OPS[known.type];
      const opOptions = Object.keys(ops).map((op) => [op, words(op)]);
      if (!(test.op in ops)) opOptions.unshift([test.op, "(unknown: " + test.op + ")"]);
      const opSelect = select("Operator", opOptions, test.op);
      opSelect.addEventListener("change", () => { setOp(test, known, opSelect.value); changed(); });
      row.append(opSelect);
      const kind = ops[test.op];
      if (kind === "group" && isGroup(test.value)) {
        nested = renderGroup(test.value, known.items, join(path, "value"), null, null, true);
      } else if (kind) {
        row.append(valueWidget(test, known, kind));
      }
    }
    const remove = el("button", { type: "button", class: "btn btn-outline-danger btn-sm" }, "Remove");
    remove.addEventListener("click", () => { items.splice(index, 1); changed(); });
    row.append(remove);
    if (!nested) return row;
    const wrap = el("div", { "data-path": path });
    wrap.append(row, nested);
    return wrap;
  }

  function renderGroup(group, fields, path, parentItems, index, itemGroup) {
    const kind = kindOf(group);
    const box = el("div", { class: "cond-group " + kind + (itemGroup ? " item-group" : ""), "data-path": path });
    const bar = el("div", { class: "cond-toolbar" });
    const match = select("Match", [["all", "All of these"], ["any", "Any of these"]], kind);
    match.addEventListener("change", () => {
      const items = group[kind];
      delete group[kind];
      group[match.value] = items;
      changed();
    });
    const addTest = el("button", { type: "button", class: "btn btn-outline-secondary btn-sm" }, "Add a test");
    addTest.addEventListener("click", () => { group[kind].push(newTest(fields)); changed(); });
    const addGroup = el("button", { type: "button", class: "btn btn-outline-secondary btn-sm" }, "Add a group");
    addGroup.addEventListener("click", () => { group[kind].push({ any: [newTest(fields)] }); changed(); });
    bar.append(match, addTest, addGroup);
    if (parentItems) {
      const remove = el("button", { type: "button", class: "btn btn-outline-danger btn-sm" }, "Remove group");
      remove.addEventListener("click", () => { parentItems.splice(index, 1); changed(); });
      bar.append(remove);
    }
    box.append(bar);
    group[kind].forEach((item, i) => {
      const childPath = join(path, kind + "[" + i + "]");
      if (isGroup(item)) box.append(renderGroup(item, fields, childPath, group[kind], i, itemGroup));
      else if (item && typeof item === "object") box.append(renderTest(item, fields, childPath, group[kind], i));
    });
    return box;
  }

  function showProblems() {
    const nodes = Array.from(host.querySelectorAll("[data-path]"));
    problems.forEach((problem) => {
      let best = null;
      nodes.forEach((node) => {
        const p = node.getAttribute("data-path");
        const fits = p === "" || problem.path === p || problem.path.startsWith(p + ".");
        if (fits && (!best || p.length > best.getAttribute("data-path").length)) best = node;
      });
      if (!best) return;
      const target = best.classList.contains("cond-group") ? best.querySelector(".cond-toolbar") :
        (best.classList.contains("cond-row") ? best : best.querySelector(".cond-row"));
      target.append(el("div", { class: "cond-problem", role: "alert" }, problem.message));
    });
  }

  function render() {
    host.replaceChildren(renderGroup(root, TOP_FIELDS, "", null, null, false));
  }

  function load() {
    try {
      const parsed = JSON.parse(textarea.value);
      if (!isGroup(parsed)) return false;
      root = parsed;
      return true;
    } catch (error) {
      return false;
    }
  }

  if (!load()) return;  // not a group: the raw JSON editor alone shows the problem
  render();
  showProblems();
  host.hidden = false;
  const details = document.getElementById("raw-condition");
  if (details && !problems.length) details.open = false;
  textarea.addEventListener("input", () => { if (load()) render(); });
})();
