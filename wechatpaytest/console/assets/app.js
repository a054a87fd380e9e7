// wxpay sandbox console. Values from requests go into the DOM with
// textContent only, never innerHTML.
"use strict";
(function () {
  const prefix = document.body.dataset.prefix;
  const size = 50;
  let offset = 0;
  let total = 0;

  function cell(row, text, cls) {
    const td = document.createElement("td");
    td.textContent = text;
    if (cls) td.className = cls;
    row.appendChild(td);
  }

  function show(rec) {
    document.getElementById("detail").hidden = false;
    document.getElementById("detail-seq").textContent = String(rec.seq);
    const lines = [];
    for (const k of Object.keys(rec.header).sort()) {
      for (const v of rec.header[k]) lines.push(k + ": " + v);
    }
    document.getElementById("detail-header").textContent = lines.join("\n");
    let body = rec.body;
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
      cell(tr, rec.uri);
      cell(tr, rec.authenticated ? "verified" : "refused", rec.authenticated ? "" : "bad");
      cell(tr, rec.request_id);
      tr.addEventListener("click", () => show(rec));
      tbody.appendChild(tr);
    }
    document.getElementById("pos").textContent =
      (total === 0 ? 0 : offset + 1) + "–" + (offset + page.records.length) + " of " + total;
  }

  async function loadNotifications() {
    const tbody = document.querySelector("#notifications tbody");
    if (!tbody) return;
    const res = await fetch(prefix + "api/notifications");
    const list = await res.json();
    tbody.replaceChildren();
    for (const n of list) {
      const tr = document.createElement("tr");
      cell(tr, n.time);
      cell(tr, n.event_type);
      cell(tr, n.id);
      cell(tr, n.url);
      cell(tr, n.error ? n.error : String(n.status), n.error || n.status >= 300 ? "bad" : "ok");
      tbody.appendChild(tr);
    }
  }

  const payForm = document.getElementById("pay-form");
  if (payForm) {
    payForm.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const res = await fetch(prefix + "api/actions/pay", {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Wxpay-Console-Token": document.body.dataset.token },
        body: JSON.stringify({ out_trade_no: document.getElementById("pay-no").value }),
      });
      const out = await res.json();
      document.getElementById("pay-result").textContent = res.ok ? "paid; notification " + (out.error || out.status) : out.error;
      loadNotifications();
      load();
    });
  }
  loadNotifications();

  document.getElementById("prev").addEventListener("click", () => { offset = Math.max(0, offset - size); load(); });
  document.getElementById("next").addEventListener("click", () => { if (offset + size < total) { offset += size; load(); } });
  document.getElementById("reload").addEventListener("click", load);
  load();
})();
