// govreport review site: decisions kept in localStorage, offered as corrections.json.
// No framework and no build step; every flagged value carries data-review-key,
// every failed check data-check (tests and tools find them by these).
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("review-data").textContent);
  const storageKey = data.storage_key;

  // -- decisions: {"<name>.json": {"<key>": {"value": number|null, "action": "accept"|"correct"}}}
  function loadDecisions() {
    try { return JSON.parse(localStorage.getItem(storageKey) || "{}") || {}; }
    catch (e) { return {}; }
  }
  let decisions = loadDecisions();
  function saveDecisions() {
    localStorage.setItem(storageKey, JSON.stringify(decisions));
    showCount();
  }
  function countOf(output) { return Object.keys(decisions[output] || {}).length; }
  function showCount() {
    const n = Object.values(decisions).reduce((s, d) => s + Object.keys(d).length, 0);
    const el = document.getElementById("decision-count");
    if (el) el.textContent = n + (n === 1 ? " decision" : " decisions");
    document.querySelectorAll("tr.report[data-output]").forEach(function (tr) {
      tr.querySelector("td.decided").textContent = countOf(tr.dataset.output);
    });
  }
  function download() {
    const kept = {};
    Object.keys(decisions).sort().forEach(function (name) {
      if (Object.keys(decisions[name]).length) kept[name] = decisions[name];
    });
    const a = document.createElement("a");
    // a data: URL, not a blob: one; headless Chromium downloads only the former
    a.href = "data:application/json;charset=utf-8," + encodeURIComponent(JSON.stringify(kept, null, 2) + "\n");
    a.download = "corrections.json";
    document.body.appendChild(a);
    a.click();
    a.remove();
  }
  const dl = document.getElementById("download");
  if (dl) dl.addEventListener("click", download);
  showCount();
  if (!data.output) return;  // the index page ends here

  // -- report page
  const output = data.output;
  const viewer = document.getElementById("viewer");
  const items = Array.from(document.querySelectorAll("#flags li.flag"));
  const checks = Array.from(document.querySelectorAll("#checks li.check"));
  let current = -1;

  function rectsOf(key) {
    return Array.from(viewer.querySelectorAll("rect.field")).filter((r) => r.dataset.key === key);
  }
  function setZoom(z) {
    z = Math.max(1, Math.min(8, z));
    viewer.style.setProperty("--zoom", z);
    viewer.dataset.zoom = z;
  }
  function zoom() { return parseFloat(viewer.dataset.zoom || "1"); }
  function show(rect, z) {
    if (z !== undefined) setZoom(z);
    if (rect) rect.scrollIntoView({ block: "center", inline: "center" });
  }
  function clearMarks() {
    viewer.querySelectorAll("rect.current, rect.highlight").forEach(function (r) {
      r.classList.remove("current", "highlight");
    });
    document.querySelectorAll("#side li.current").forEach((li) => li.classList.remove("current"));
  }
  function select(i) {
    if (!items.length) return;
    current = (i + items.length) % items.length;
    const item = items[current];
    clearMarks();
    item.classList.add("current");
    item.scrollIntoView({ block: "nearest" });
    const rects = rectsOf(item.dataset.reviewKey);
    rects.forEach((r) => r.classList.add("current"));
    show(rects[0], data.zoom);
  }
  function selectCheck(li) {
    clearMarks();
    li.classList.add("current");
    const keys = li.dataset.keys.split(" ");
    const rects = keys.flatMap(rectsOf);
    rects.forEach((r) => r.classList.add("highlight"));
    show(rects[0], Math.max(1, data.zoom / 2));
  }

  function valueText(v) { return v === null ? "blank" : String(v); }
  function readValue(item) { return item.dataset.value === "" ? null : Number(item.dataset.value); }
  function showDecision(item) {
    const key = item.dataset.reviewKey;
    const d = (decisions[output] || {})[key];
    const out = item.querySelector(".decision");
    out.classList.remove("invalid");
    item.classList.toggle("decided", !!d);
    rectsOf(key).forEach((r) => r.classList.toggle("corrected", !!d));
    out.textContent = !d ? "" : d.action === "accept" ? "accepted: " + valueText(d.value)
      : "corrected → " + valueText(d.value);
  }
  function decide(item, value, action) {
    item.querySelector("input.edit").value = "";
    (decisions[output] = decisions[output] || {})[item.dataset.reviewKey] = { value: value, action: action };
    saveDecisions();
    showDecision(item);
  }
  function undo(item) {
    if (decisions[output]) delete decisions[output][item.dataset.reviewKey];
    saveDecisions();
    showDecision(item);
  }
  // "1,234", "１２", " 3 " are numbers; anything else is refused, never guessed
  function parseNumber(text) {
    const t = text.replace(/[０-９．]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xFEE0))
      .replace(/[,，\s]/g, "");
    if (!/^-?\d+(\.\d+)?$/.test(t)) return undefined;
    return Number(t);
  }
  function save(item) {
    const input = item.querySelector("input.edit");
    const v = parseNumber(input.value);
    if (v === undefined) {
      const out = item.querySelector(".decision");
      out.textContent = "not a number: " + input.value;
      out.classList.add("invalid");
      return false;
    }
    decide(item, v, "correct");
    input.value = "";
    input.blur();
    return true;
  }
  function next() { select(current + 1); }

  items.forEach(function (item, i) {
    showDecision(item);
    item.addEventListener("click", function (ev) {
      if (current !== i) select(i);
      const b = ev.target.closest("button");
      if (!b) return;
      if (b.classList.contains("accept")) { decide(item, readValue(item), "accept"); next(); }
      else if (b.classList.contains("save")) { if (save(item)) next(); }
      else if (b.classList.contains("blank")) { decide(item, null, "correct"); next(); }
      else if (b.classList.contains("undo")) undo(item);
    });
    item.querySelector("input.edit").addEventListener("keydown", function (ev) {
      if (ev.key === "Enter") { ev.preventDefault(); if (save(item)) next(); }
      else if (ev.key === "Escape") { ev.target.blur(); }
      ev.stopPropagation();
    });
  });
  checks.forEach((li) => li.addEventListener("click", () => selectCheck(li)));
  viewer.querySelectorAll("rect.field[data-review-key]").forEach(function (r) {
    r.addEventListener("click", function () {
      const i = items.findIndex((it) => it.dataset.reviewKey === r.dataset.key);
      if (i >= 0) select(i);
    });
  });
  document.getElementById("zoom-in").addEventListener("click", () => setZoom(zoom() * 1.25));
  document.getElementById("zoom-out").addEventListener("click", () => setZoom(zoom() / 1.25));
  document.getElementById("zoom-fit").addEventListener("click", () => setZoom(1));

  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.target.tagName === "INPUT") return;
    const item = items[current];
    switch (ev.key) {
      case "j": case "n": case "ArrowDown": next(); break;
      case "k": case "p": case "ArrowUp": select(current < 0 ? items.length - 1 : current - 1); break;
      case "a": if (item) { decide(item, readValue(item), "accept"); next(); } break;
      case "b": if (item) { decide(item, null, "correct"); next(); } break;
      case "e": if (item) item.querySelector("input.edit").focus(); break;
      case "u": if (item) undo(item); break;
      case "+": case "=": setZoom(zoom() * 1.25); break;
      case "-": setZoom(zoom() / 1.25); break;
      case "f": setZoom(1); break;
      default: return;
    }
    ev.preventDefault();
  });
  setZoom(1);
})();
