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

  document.getElementById("prev").addEventListener("click", () => { offset = Math.max(0, offset - size); load(); });
  document.getElementById("next").addEventListener("click", () => { if (offset + size < total) { offset += size; load(); } });
  document.getElementById("reload").addEventListener("click", load);
  load();
})();
