// The admin console: plain JavaScript against the JSON routes of /__admin, on this origin only.
// Everything shown comes from the server (journal URLs and bodies are whatever apps sent), so it
// is written with textContent, never as HTML.

const token = readToken();
const $ = (selector) => document.querySelector(selector);

/** The bearer token from the URL fragment (#token=…, never sent to the server), kept for this tab. */
function readToken() {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (match) {
    sessionStorage.setItem("admin-token", decodeURIComponent(match[1]));
    history.replaceState(null, "", location.pathname);
  }
  return sessionStorage.getItem("admin-token");
}

/** One admin call: JSON in and out; a 404 means this server has no such route (yet). */
async function admin(method, path, body) {
  const headers = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const answer = await fetch(`/__admin${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await answer.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = text; }
  if (answer.status === 404 && (data === null || typeof data !== "object" || !("error" in data) || /No API is mounted/.test(data.error))) {
    return { ok: false, missing: true, status: 404, data };
  }
  return { ok: answer.ok, status: answer.status, data };
}

function say(message, isError = false) {
  const status = $("#status");
  status.textContent = message;
  status.className = isError ? "error" : "";
}

function failure(what, result) {
  if (result.missing) return `${what}: not available on this server.`;
  return `${what}: ${result.status} ${result.data && result.data.error ? result.data.error : ""}`.trim();
}

function cell(row, text, className) {
  const td = row.insertCell();
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function button(label, onClick) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = label;
  b.addEventListener("click", onClick);
  return b;
}

async function loadApis() {
  const result = await admin("GET", "");
  if (!result.ok) return say(failure("APIs", result), true);
  const body = $("#apis tbody");
  body.replaceChildren();
  for (const [api, info] of Object.entries(result.data.apis)) {
    const row = body.insertRow();
    row.dataset.api = api;
    cell(row, api);
    cell(row, info.baseUrl, "mono");
    cell(row, info.keys.length ? info.keys.map((k) => `${k.key} (${k.label})`).join("\n") : "no authentication", "mono");
    for (const select of document.querySelectorAll("select[name=api]")) {
      if (![...select.options].some((o) => o.value === api)) select.add(new Option(api, api));
    }
  }
}

async function loadJournal() {
  const form = new FormData($("#journal-filter"));
  const query = new URLSearchParams({ limit: "100" });
  if (form.get("api")) query.set("api", String(form.get("api")));
  if (form.get("operation")) query.set("operation", String(form.get("operation")));
  const result = await admin("GET", `/requests?${query}`);
  if (!result.ok) return say(failure("Journal", result), true);
  const body = $("#journal tbody");
  body.replaceChildren();
  for (const entry of result.data.requests) {
    const row = body.insertRow();
    cell(row, entry.at.slice(11, 23));
    cell(row, entry.api);
    cell(row, entry.operationId ?? "—");
    cell(row, `${entry.method} ${entry.url}`, "mono");
    cell(row, String(entry.status), `s${String(entry.status)[0]}`);
    cell(row, String(entry.durationMs));
    row.insertCell().append(button("details", () => {
      const detail = $("#journal-detail");
      detail.hidden = false;
      detail.textContent = JSON.stringify(entry, null, 2);
    }));
  }
}

async function loadFaults() {
  const result = await admin("GET", "/faults");
  if (!result.ok) return say(failure("Fault rules", result), true);
  const body = $("#faults tbody");
  body.replaceChildren();
  for (const rule of result.data.faults) {
    const row = body.insertRow();
    row.dataset.id = rule.id;
    const { id, applied, ...shown } = rule;
    cell(row, JSON.stringify(shown), "mono");
    cell(row, String(applied));
    row.insertCell().append(button("Remove", async () => {
      const removed = await admin("DELETE", `/faults/${encodeURIComponent(id)}`);
      if (!removed.ok) say(failure("Remove rule", removed), true);
      await loadFaults();
    }));
  }
}

async function addFault(event) {
  event.preventDefault();
  const form = new FormData(event.target);
  const rule = {};
  for (const name of ["api", "operationId", "pathPattern"]) if (form.get(name)) rule[name] = String(form.get(name));
  for (const name of ["status", "delayMs", "times", "share", "seed"]) if (form.get(name)) rule[name] = Number(form.get(name));
  if (form.get("drop")) rule.drop = true;
  const result = await admin("POST", "/faults", rule);
  if (!result.ok) return say(failure("Add rule", result), true);
  say("Fault rule added.");
  event.target.reset();
  await loadFaults();
}

async function scenario(what, method, path, body) {
  const result = await admin(method, path, body);
  $("#scenario-result").textContent = result.ok ? JSON.stringify(result.data, null, 2) : failure(what, result);
  if (!result.ok) say(failure(what, result), true);
  return result;
}

async function loadScenarioState() {
  const clock = await admin("GET", "/clock");
  $("#clock-state").textContent = clock.ok ? JSON.stringify(clock.data) : clock.missing ? "(not available on this server)" : "";
  const snapshots = await admin("GET", "/snapshots");
  $("#snapshots").textContent = snapshots.ok ? JSON.stringify(snapshots.data) : snapshots.missing ? "(not available on this server)" : "";
}

function wire() {
  $("#reset").addEventListener("click", async () => {
    if (!confirm("Reset every API's data to the seed?")) return;
    const result = await admin("POST", "/reset", {});
    say(result.ok ? `Reset: ${result.data.apis.join(", ")} are back to the seed data.` : failure("Reset", result), !result.ok);
    await loadJournal();
  });
  $("#journal-filter").addEventListener("submit", (event) => { event.preventDefault(); void loadJournal(); });
  $("#journal-clear").addEventListener("click", async () => { await admin("DELETE", "/requests"); await loadJournal(); });
  $("#fault-form").addEventListener("submit", addFault);
  $("#faults-clear").addEventListener("click", async () => { await admin("DELETE", "/faults"); await loadFaults(); });
  for (const b of document.querySelectorAll("[data-clock]")) {
    b.addEventListener("click", async () => { await scenario("Clock", "POST", "/clock", JSON.parse(b.dataset.clock)); await loadScenarioState(); });
  }
  $("#clock-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    await scenario("Clock", "POST", "/clock", { advanceMs: Number(new FormData(event.target).get("advanceMs")) });
    await loadScenarioState();
  });
  const stateForm = (selector, what, pathOf) =>
    $(selector).addEventListener("submit", async (event) => {
      event.preventDefault();
      const form = new FormData(event.target);
      await scenario(what, "POST", pathOf(encodeURIComponent(String(form.get("id")))), { state: String(form.get("state")) });
    });
  stateForm("#vern-run-form", "Vern run", (id) => `/scenarios/vern/runs/${id}`);
  stateForm("#wexa-execution-form", "Wexa execution", (id) => `/scenarios/wexa/executions/${id}`);
  $("#snapshot-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    await scenario("Save snapshot", "POST", "/snapshots", { name: String(new FormData(event.target).get("name")) });
    await loadScenarioState();
  });
  $("#snapshot-restore").addEventListener("click", async () => {
    const name = String(new FormData($("#snapshot-form")).get("name"));
    if (name) await scenario("Restore snapshot", "POST", `/snapshots/${encodeURIComponent(name)}/restore`, {});
  });
  $("#account-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    await scenario("Create account", "POST", "/accounts", { label: String(new FormData(event.target).get("label")) });
  });
  setInterval(() => {
    if (new FormData($("#journal-filter")).get("follow")) void loadJournal();
  }, 2000);
}

wire();
await loadApis();
await Promise.all([loadJournal(), loadFaults(), loadScenarioState()]);
say("Ready.");
