// wxpay sandbox console. Values from requests go into the DOM with
// textContent only, never innerHTML.
"use strict";
(function () {
  const prefix = document.body.dataset.prefix;
  const token = document.body.dataset.token;
  const size = 50;
  let offset = 0;
  let total = 0;

  function cell(row, text, cls) {
    const td = document.createElement("td");
    td.textContent = text;
    if (cls) td.className = cls;
    row.appendChild(td);
    return td;
  }

  function ms(ns) { return (ns / 1e6).toFixed(1) + " ms"; }

  async function show(seq) {
    const res = await fetch(prefix + "api/requests/" + seq);
    const rec = await res.json();
    document.getElementById("detail").hidden = false;
    document.getElementById("detail-seq").textContent = String(seq);
    if (!res.ok) {
      document.getElementById("detail-header").textContent = rec.error;
      document.getElementById("detail-body").textContent = "";
      return;
    }
    const lines = [rec.method + " " + rec.uri,
      "→ " + (rec.status || "no answer") + " in " + rec.duration_ms.toFixed(1) + " ms" +
        (rec.outcome ? " (forced: " + rec.outcome + ")" : "") + (rec.authenticated ? "" : ", signature refused"), ""];
    for (const k of Object.keys(rec.header || {}).sort()) {
      for (const v of rec.header[k]) lines.push(k + ": " + v);
    }
    for (const n of rec.notes || []) lines.push("note: " + n);
    document.getElementById("detail-header").textContent = lines.join("\n");
    let body = rec.body || "";
    if (rec.truncated) body += "\n… (" + rec.body_size + " bytes in all)";
    document.getElementById("detail-body").textContent = body;
  }

  async function load() {
    const res = await fetch(prefix + "api/requests?offset=" + offset + "&limit=" + size);
    const page = await res.json();
    total = page.total;
    const tbody = document.querySelector("#log tbody");
    tbody.replaceChildren();
    for (const rec of page.records) {
      const tr = document.createElement("tr");
      cell(tr, String(rec.seq));
      cell(tr, rec.time);
      cell(tr, rec.method);
      cell(tr, rec.pattern || rec.uri);
      cell(tr, rec.status ? String(rec.status) : "no answer", rec.status >= 200 && rec.status < 300 ? "ok" : "bad");
      cell(tr, rec.authenticated ? "verified" : "refused", rec.authenticated ? "" : "bad");
      cell(tr, rec.duration_ms.toFixed(1) + " ms");
      cell(tr, rec.outcome || "");
      cell(tr, rec.request_id);
      tr.title = rec.uri;
      tr.addEventListener("click", () => show(rec.seq));
      tbody.appendChild(tr);
    }
    document.getElementById("pos").textContent =
      (total === 0 ? 0 : offset + 1) + "–" + (offset + page.records.length) + " of " + total;
  }

  function attemptText(a) {
    let s = a.time + (a.resend ? " resend " : " ");
    if (a.error) s += "failed: " + a.error;
    else s += a.status + " in " + ms(a.duration);
    return s;
  }

  async function loadNotifications() {
    const tbody = document.querySelector("#notifications tbody");
    if (!tbody) return;
    const res = await fetch(prefix + "api/notifications");
    const list = await res.json();
    tbody.replaceChildren();
    for (const n of list) {
      const tr = document.createElement("tr");
      cell(tr, n.created);
      cell(tr, n.event_type);
      cell(tr, n.id);
      cell(tr, n.object_id);
      cell(tr, n.url);
      let st = n.state;
      if (n.state === "pending" && n.next_attempt) st += ", next " + n.next_attempt;
      cell(tr, st, n.state === "delivered" ? "ok" : n.state === "failed" ? "bad" : "");
      cell(tr, (n.attempts || []).map(attemptText).join("\n"), "attempts");
      const td = cell(tr, "");
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = "resend";
      b.className = "resend";
      b.addEventListener("click", () => act("resend", { id: n.id }, null));
      td.appendChild(b);
      tbody.appendChild(tr);
    }
  }

  function option(select, value, text) {
    const o = document.createElement("option");
    o.value = value;
    o.textContent = text;
    select.appendChild(o);
  }

  let stateFilled = false;
  async function loadState() {
    if (!document.getElementById("actions")) return;
    const res = await fetch(prefix + "api/state");
    const st = await res.json();
    document.getElementById("clock-now").textContent = st.clock
      ? "business time " + st.clock.now + " (offset " + st.clock.offset + ")" : "";
    document.getElementById("faults-pending").textContent = st.faults + " pending";
    const rules = document.getElementById("rules");
    rules.replaceChildren();
    for (const r of st.rules) {
      const li = document.createElement("li");
      li.textContent = (r.route || "every route") + " → " + (r.status || "") + " " + (r.code || "") +
        " (" + (r.left < 0 ? "until cleared" : r.left + " left") + ")";
      rules.appendChild(li);
    }
    if (!stateFilled) {
      stateFilled = true;
      for (const e of st.triggers) option(document.getElementById("trigger-event"), e, e);
      for (const s of st.scenarios || []) option(document.getElementById("reset-scenario"), s, "scenario " + s);
    }
  }

  // act posts an action with the page's token; out shows its result.
  async function act(name, body, out) {
    const res = await fetch(prefix + "api/actions/" + name, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Wxpay-Console-Token": token },
      body: JSON.stringify(body),
    });
    const v = await res.json();
    if (out) {
      out.className = res.ok ? "result ok" : "result bad";
      out.textContent = res.ok ? name + ": done" + (v && v.id ? " (notification " + v.id + ")" : "") : v.error;
    }
    refresh();
  }

  const numbers = new Set(["times", "status", "total"]);
  for (const form of document.querySelectorAll("form.action")) {
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const button = ev.submitter;
      const body = {};
      for (const el of form.elements) {
        if (!el.name || el.tagName === "BUTTON") continue;
        if (el.type === "checkbox") body[el.name] = el.checked;
        else if (numbers.has(el.name)) { if (el.value !== "") body[el.name] = Number(el.value); }
        else body[el.name] = el.value;
      }
      if (button.name) body[button.name] = button.value === "true" ? true : button.value;
      act(button.dataset.action, body, form.querySelector("output.result"));
    });
  }

  // Live updates: the server sends a "change" event after each change (at
  // most a few a second); the page re-fetches what it shows. One fetch at a
  // time: a change during a fetch triggers one more.
  let busy = false, again = false;
  async function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    try {
      do { again = false; await Promise.all([load(), loadNotifications(), loadState()]); } while (again);
    } finally { busy = false; }
  }
  if (document.body.dataset.live === "true") {
    const es = new EventSource(prefix + "api/events");
    es.addEventListener("change", refresh);
    es.addEventListener("open", () => { document.getElementById("live").textContent = "live"; });
    es.addEventListener("error", () => {
      // The browser retries a dropped stream; a refused one (e.g. 503: too
      // many console tabs) stays closed.
      document.getElementById("live").textContent =
        es.readyState === EventSource.CLOSED ? "not live: reload to retry" : "reconnecting…";
    });
    // Leaving the page (or its entering the back-forward cache) frees the
    // server's stream slot at once.
    window.addEventListener("pagehide", () => es.close());
  }

  document.getElementById("prev").addEventListener("click", () => { offset = Math.max(0, offset - size); load(); });
  document.getElementById("next").addEventListener("click", () => { if (offset + size < total) { offset += size; load(); } });
  document.getElementById("reload").addEventListener("click", refresh);
  refresh();
})();
