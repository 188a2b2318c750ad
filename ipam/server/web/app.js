// The aksnet address registry page: plain JavaScript over the JSON API.
// The token lives in sessionStorage (this tab only) and is sent as a
// bearer token; every value from the API is put in the page as text,
// never as HTML.
"use strict";

const TOKEN_KEY = "aksnet-ipam-token";
const SVG = "http://www.w3.org/2000/svg";
const MAP_WIDTH = 1024;

const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

function svg(tag, attrs) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  return e;
}

function token() { return sessionStorage.getItem(TOKEN_KEY) || ""; }

function showError(msg) {
  const p = $("error");
  p.textContent = msg;
  p.hidden = !msg;
}

// api fetches a path of the API and returns its JSON; errors are shown.
async function api(path) {
  const res = await fetch(path, { headers: { Authorization: "Bearer " + token(), Accept: "application/json" } });
  let body = null;
  try { body = await res.json(); } catch (_) { /* not JSON */ }
  if (!res.ok) {
    const msg = body && body.error ? body.error + (body.hint ? " (" + body.hint + ")" : "") : res.status + " " + res.statusText;
    throw new Error(msg);
  }
  return body;
}

function when(t) {
  if (!t) return "";
  return t.replace("T", " ").replace(/\.\d+Z$/, "Z");
}

function fmt(n) { return Number(n).toLocaleString("en"); }

function pct(n, of) { return of > 0 ? (100 * n / of) : 0; }

// PALETTE holds clearly different colours; palette gives each key (owner,
// purpose or cluster) of a map one of them, in sorted order, and spreads
// further keys around the colour wheel.
const PALETTE = ["#2563eb", "#16a34a", "#db2777", "#ea580c", "#7c3aed", "#0891b2",
  "#ca8a04", "#dc2626", "#4f46e5", "#059669", "#c026d3", "#65a30d"];

function palette(keys) {
  const m = new Map();
  [...new Set(keys)].sort().forEach((k, i) => {
    m.set(k, i < PALETTE.length ? PALETTE[i] : "hsl(" + Math.round(i * 137.508) % 360 + ", 60%, 45%)");
  });
  return m;
}

// ---- views

let current = "pools";

function show(view, noLoad) {
  current = view;
  for (const b of document.querySelectorAll("nav button")) b.classList.toggle("active", b.dataset.view === view);
  for (const v of ["pools", "search", "designs", "audit"]) $("view-" + v).hidden = v !== view;
  showError("");
  if (!token() || noLoad) return;
  const load = { pools: loadPools, search: async () => {}, designs: loadDesigns, audit: () => loadAudit(0) }[view];
  load().catch((e) => showError(e.message));
}

// ---- pools and the map

let selectedPool = "";
let lastMap = null;

async function loadPools() {
  const data = await api("/api/v1/pools");
  const box = $("pools");
  box.replaceChildren();
  if (data.pools.length === 0) {
    box.append(el("p", { class: "muted" }, "No pools yet. Create one with: aksnet ipam pools create NAME CIDR --purpose vnet"));
  }
  for (const p of data.pools) {
    const u = p.usage;
    const bar = el("div", { class: "bar", title: "allocated, reserved, avoided, free" });
    for (const [cls, n] of [["allocated", u.allocated], ["reserved", u.reserved], ["avoided", u.avoided]]) {
      const s = el("span", { class: cls, title: cls + ": " + fmt(n) + " addresses" });
      s.style.width = pct(n, u.size) + "%";
      bar.append(s);
    }
    const used = pct(u.allocated + u.reserved, u.size);
    const card = el("div", { class: "pool", "data-pool": p.name },
      el("div", { class: "pool-head" },
        el("span", { class: "pool-name" }, p.name),
        el("code", {}, p.cidr),
        el("span", { class: "muted" }, p.purpose),
        el("span", { class: "util" }, used.toFixed(1) + "% used"),
        el("span", { class: "muted" }, u.allocations + " allocations, " + u.reservations + " reservations")),
      bar,
      el("div", { class: "muted" }, "Free: " + fmt(u.free) + " addresses; largest free block: " + (u.largest || "none")));
    card.addEventListener("click", () => selectPool(p.name));
    box.append(card);
  }
  const keep = data.pools.find((p) => p.name === selectedPool) || data.pools[0];
  if (keep) await selectPool(keep.name);
  else $("map-panel").hidden = true;
}

async function selectPool(name) {
  selectedPool = name;
  for (const c of document.querySelectorAll(".pool")) c.classList.toggle("selected", c.dataset.pool === name);
  lastMap = await api("/api/v1/pools/" + encodeURIComponent(name) + "/map");
  drawMap(lastMap);
}

// layout places a block, given as an offset and size in addresses from
// the pool's start, on a grid of rows: a pool of 2^H addresses has
// 2^min(8, floor(H/2)) rows; a block at least a row long fills whole rows,
// a shorter one (which never crosses a row, being aligned) part of one.
function layout(hostBits) {
  const rowLog = Math.min(8, Math.floor(hostBits / 2));
  const rows = 2 ** rowLog;
  const rowSize = 1n << BigInt(hostBits - rowLog);
  const rowH = Math.max(3, Math.min(40, Math.floor(512 / rows)));
  return {
    height: rows * rowH,
    place(offset, sizeLog2) {
      const off = BigInt(offset);
      const size = 1n << BigInt(sizeLog2);
      const row = Number(off / rowSize);
      if (size >= rowSize) {
        return { x: 0, y: row * rowH, w: MAP_WIDTH, h: Number(size / rowSize) * rowH };
      }
      const x = Number(off % rowSize) / Number(rowSize) * MAP_WIDTH;
      const w = Math.max(1, Number(size) / Number(rowSize) * MAP_WIDTH);
      return { x: x, y: row * rowH, w: w, h: rowH };
    },
  };
}

function drawMap(m) {
  $("map-panel").hidden = false;
  const u = m.usage;
  $("map-title").textContent = "Pool " + m.pool.name + " " + m.pool.cidr;
  $("map-facts").textContent = u.allocations + " allocations, " + pct(u.allocated, u.size).toFixed(1) +
    "% allocated; largest free block " + (u.largest || "none");
  const by = $("colour-by").value;
  const lay = layout(m.hostBits);
  const root = svg("svg", { id: "pool-map", viewBox: "0 0 " + MAP_WIDTH + " " + lay.height, role: "img",
    "aria-label": "address map of pool " + m.pool.name, "data-pool": m.pool.name });
  const defs = svg("defs");
  const pat = svg("pattern", { id: "hatch", width: 6, height: 6, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" });
  pat.append(svg("rect", { width: 6, height: 6, fill: "#d1d5db" }), svg("line", { x1: 0, y1: 0, x2: 0, y2: 6, stroke: "#6b7280", "stroke-width": 2 }));
  defs.append(pat);
  root.append(defs);
  const keyOf = (b) => (by === "owner" ? b.owner : by === "purpose" ? b.purpose : b.cluster) || "(none)";
  const legend = palette(m.blocks.filter((b) => b.kind === "allocation").map(keyOf));
  for (const b of m.blocks) {
    const r = lay.place(b.offset, b.sizeLog2);
    const rect = svg("rect", { x: r.x, y: r.y, width: r.w, height: r.h, class: b.kind, "data-cidr": b.cidr });
    let label = b.cidr + " " + b.kind;
    if (b.kind === "allocation") {
      rect.setAttribute("fill", legend.get(keyOf(b)));
      rect.setAttribute("data-id", b.id);
      label = b.cidr + ": allocation " + b.id + " of " + b.owner + (b.cluster ? ", cluster " + b.cluster : "") + (b.purpose ? ", " + b.purpose : "");
    } else if (b.kind === "reservation") {
      rect.setAttribute("data-id", b.id);
      label = b.cidr + ": reserved for " + b.owner + (b.purpose ? ", " + b.purpose : "");
    } else if (b.kind === "avoid") {
      label = b.cidr + ": avoid (" + b.name + ")" + (b.reason ? ": " + b.reason : "");
    } else {
      label = b.cidr + ": free";
    }
    const t = svg("title");
    t.textContent = label;
    rect.append(t);
    rect.addEventListener("mouseenter", () => { $("map-hover").textContent = label; });
    root.append(rect);
  }
  $("map").replaceChildren(root);
  const ul = $("legend");
  ul.replaceChildren();
  for (const [key, colour] of legend) {
    const sw = el("i");
    sw.style.background = colour;
    ul.append(el("li", {}, sw, key));
  }
  for (const [cls, text] of [["reservation", "reserved"], ["avoid", "avoid"], ["free", "free"]]) {
    const sw = el("i", { class: "legend-" + cls });
    sw.style.background = { reservation: "#fde7c2", avoid: "#9ca3af", free: "#e8ecf1" }[cls];
    ul.append(el("li", { class: "muted" }, sw, text));
  }
}

function highlight(id) {
  for (const r of document.querySelectorAll("#pool-map rect.hit")) r.classList.remove("hit");
  const r = document.querySelector('#pool-map rect.allocation[data-id="' + Number(id) + '"]');
  if (r) r.classList.add("hit");
}

// ---- search

async function search(ev) {
  if (ev) ev.preventDefault();
  const q = $("q").value.trim();
  const params = new URLSearchParams({ state: $("state").value, limit: "200" });
  if (q) params.set("q", q);
  try {
    const data = await api("/api/v1/allocations?" + params.toString());
    const body = $("results").querySelector("tbody");
    body.replaceChildren();
    for (const a of data.allocations) {
      const tr = el("tr", { class: "pick", "data-id": a.id },
        el("td", {}, a.id), el("td", {}, a.pool), el("td", {}, el("code", {}, a.cidr)), el("td", {}, a.owner),
        el("td", {}, a.cluster || "-"), el("td", {}, a.purpose || "-"), el("td", {}, a.state), el("td", {}, when(a.createdAt)));
      tr.addEventListener("click", async () => {
        show("pools", true);
        try {
          await selectPool(a.pool);
          highlight(a.id);
        } catch (e) {
          showError(e.message);
        }
      });
      body.append(tr);
    }
    $("results").hidden = data.allocations.length === 0;
    $("results-note").textContent = data.allocations.length === 0 ? "No allocation matches." :
      data.allocations.length + " allocations" + (data.next ? " (more: narrow the search)" : "") + ". Click one to see it on its pool's map.";
    showError("");
  } catch (e) {
    showError(e.message);
  }
}

// ---- designs

async function loadDesigns() {
  const data = await api("/api/v1/designs");
  const body = $("designs").querySelector("tbody");
  body.replaceChildren();
  for (const d of data.designs) {
    const tr = el("tr", { class: "pick" }, el("td", {}, d.name), el("td", {}, when(d.importedAt)), el("td", {}, d.importedBy),
      el("td", {}, d.rangeCount), el("td", { class: d.errors ? "sev-error" : "" }, d.errors),
      el("td", { class: d.warnings ? "sev-warning" : "" }, d.warnings), el("td", {}, d.infos));
    tr.addEventListener("click", () => loadDesign(d.name).catch((e) => showError(e.message)));
    body.append(tr);
  }
  if (data.designs.length === 0) {
    body.append(el("tr", {}, el("td", { colspan: 7, class: "muted" }, "No designs imported yet: aksnet ipam import design.yaml")));
  }
}

async function loadDesign(name) {
  const d = await api("/api/v1/designs/" + encodeURIComponent(name));
  $("design-detail").hidden = false;
  $("design-title").textContent = d.name + ": " + d.errors + " errors, " + d.warnings + " warnings, " + d.infos + " info";
  $("design-problem").hidden = !d.problem;
  $("design-problem").textContent = d.problem || "";
  const rb = $("design-ranges").querySelector("tbody");
  rb.replaceChildren();
  for (const r of d.ranges) {
    rb.append(el("tr", {}, el("td", {}, r.line || ""), el("td", {}, el("code", {}, r.path)), el("td", {}, el("code", {}, r.cidr)),
      el("td", {}, r.pool || "-"), el("td", {}, r.status), el("td", {}, r.allocation || "-")));
  }
  const ul = $("findings");
  ul.replaceChildren();
  for (const f of d.findings) {
    ul.append(el("li", {},
      el("span", { class: "sev-" + f.severity }, f.severity), " ", el("code", {}, f.rule), " ",
      el("span", { class: "muted" }, (f.location.line ? "line " + f.location.line + ", " : "") + f.subject), el("br"),
      f.message, el("br"), el("span", { class: "muted" }, "Fix: " + f.remediation)));
  }
  if (d.findings.length === 0) ul.append(el("li", { class: "muted" }, "No findings."));
}

// ---- audit

let auditNext = 0;

async function loadAudit(before) {
  const params = new URLSearchParams({ limit: "100" });
  if (before) params.set("before", String(before));
  const data = await api("/api/v1/audit?" + params.toString());
  const body = $("audit").querySelector("tbody");
  if (!before) body.replaceChildren();
  for (const e of data.entries) {
    body.append(el("tr", {}, el("td", {}, e.id), el("td", {}, when(e.at)), el("td", {}, e.actor.name),
      el("td", {}, e.actor.remote || "-"), el("td", {}, e.action), el("td", {}, el("code", {}, e.subject)),
      el("td", {}, el("code", {}, e.actor.requestId || "-"))));
  }
  auditNext = data.next || 0;
  $("older").hidden = !auditNext;
}

// ---- start

async function useToken() {
  if (!token()) {
    $("who").textContent = "Enter a token (read scope is enough). It is kept in this tab only.";
    return;
  }
  try {
    const me = await api("/api/v1/whoami");
    $("who").textContent = "Signed in as token " + me.name + " (" + me.scopes.join(", ") + ").";
    show(current);
  } catch (e) {
    $("who").textContent = "";
    showError(e.message);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("token-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const t = $("token").value.trim();
    if (t) sessionStorage.setItem(TOKEN_KEY, t);
    $("token").value = "";
    useToken();
  });
  $("forget").addEventListener("click", () => {
    sessionStorage.removeItem(TOKEN_KEY);
    location.reload();
  });
  for (const b of document.querySelectorAll("nav button")) b.addEventListener("click", () => show(b.dataset.view));
  $("search-form").addEventListener("submit", search);
  $("colour-by").addEventListener("change", () => { if (lastMap) drawMap(lastMap); });
  $("older").addEventListener("click", () => loadAudit(auditNext).catch((e) => showError(e.message)));
  useToken();
});
