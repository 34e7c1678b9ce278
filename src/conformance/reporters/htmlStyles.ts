/** The HTML report's only stylesheet, inlined (the report must open from a CI artefact with no network). */
export const htmlStyles = `
:root { --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --soft: #f6f8fa; --ok: #1a7f37; --ok-bg: #dafbe1; --bad: #cf222e; --bad-bg: #ffebe9; --warn: #9a6700; --warn-bg: #fff8c5; --info: #0969da; --info-bg: #ddf4ff; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.5 -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; color: var(--ink); background: #fff; }
code, pre { font-family: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12.5px; }
.wrap { max-width: 1240px; margin: 0 auto; padding: 0 28px; }
.page-header { padding: 24px 0 18px; border-bottom: 1px solid var(--line); }
.page-header.dirty { background: linear-gradient(180deg, #fff1f0, #fff); border-top: 5px solid var(--bad); }
.page-header.clean { background: linear-gradient(180deg, #effbf1, #fff); border-top: 5px solid var(--ok); }
.eyebrow { margin: 0; text-transform: uppercase; letter-spacing: .08em; font-size: 11.5px; color: var(--muted); font-weight: 600; }
h1 { margin: 4px 0 14px; font-size: 26px; }
.dirty h1 { color: var(--bad); } .clean h1 { color: var(--ok); }
.meta { display: flex; flex-wrap: wrap; gap: 6px 28px; margin: 0; }
.meta dt { font-size: 11.5px; color: var(--muted); text-transform: uppercase; letter-spacing: .05em; }
.meta dd { margin: 0; font-weight: 600; }
.options { margin: 12px 0 0; display: flex; flex-wrap: wrap; gap: 6px; }
.option { background: var(--soft); border: 1px solid var(--line); border-radius: 999px; padding: 1px 10px; font-size: 12px; }
.option span { color: var(--muted); }
h2 { font-size: 19px; margin: 34px 0 10px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
h3 { font-size: 15px; margin: 22px 0 8px; }
h4 { margin: 0 0 6px; font-size: 15px; }
h5 { margin: 10px 0 4px; font-size: 11.5px; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); }
.count { display: inline-block; min-width: 22px; padding: 0 7px; border-radius: 999px; background: var(--bad-bg); color: var(--bad); font-size: 12px; text-align: center; vertical-align: middle; }
.muted { color: var(--muted); }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: 12px; margin-top: 22px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; display: flex; flex-direction: column; background: #fff; }
.card .value { font-size: 28px; font-weight: 700; line-height: 1.1; }
.card .label { font-weight: 600; }
.card .detail { color: var(--muted); font-size: 12px; }
.card.ok { border-left: 5px solid var(--ok); } .card.ok .value { color: var(--ok); }
.card.bad { border-left: 5px solid var(--bad); } .card.bad .value { color: var(--bad); }
.card.neutral { border-left: 5px solid var(--line); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 7px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th { background: var(--soft); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); position: sticky; top: 0; }
td.num, th.num { text-align: right; }
tr.failed td { background: #fffafa; }
a { color: var(--info); text-decoration: none; } a:hover { text-decoration: underline; }
.badge { display: inline-block; padding: 1px 9px; border-radius: 999px; font-size: 12px; font-weight: 600; border: 1px solid transparent; white-space: nowrap; }
.badge.passed { background: var(--ok-bg); color: var(--ok); }
.badge.failed, .badge.error { background: var(--bad-bg); color: var(--bad); }
.badge.skipped { background: var(--soft); color: var(--muted); border-color: var(--line); }
.badge.warning { background: var(--warn-bg); color: var(--warn); }
.badge.basis-documented { background: #fff; color: var(--bad); border-color: #ffcecb; }
.badge.basis-inferred { background: #fff; color: var(--info); border-color: #b6e3ff; }
.scroll { overflow-x: auto; border: 1px solid var(--line); border-radius: 8px; }
table.coverage th, table.coverage td { border-right: 1px solid #eaeef2; }
table.coverage tbody th { font-weight: 400; min-width: 320px; }
table.coverage th.code { text-align: center; font-family: ui-monospace, monospace; }
.cell { text-align: center; font-weight: 700; width: 58px; }
.cell.observed { background: var(--ok-bg); color: var(--ok); }
.cell.unobserved { background: #fff; color: #8c959f; }
.cell.none { background: repeating-linear-gradient(45deg, #f6f8fa, #f6f8fa 4px, #eef1f4 4px, #eef1f4 8px); }
td.undocumented { min-width: 130px; }
td.undocumented.seen { background: var(--bad-bg); }
tr.has-undocumented th { box-shadow: inset 4px 0 0 var(--bad); }
.status { display: inline-block; font-family: ui-monospace, monospace; font-weight: 700; color: #fff; background: var(--bad); border-radius: 4px; padding: 0 6px; }
.ref { font-weight: 700; }
.method { display: inline-block; font-family: ui-monospace, monospace; font-size: 11px; font-weight: 700; padding: 0 5px; border-radius: 4px; background: var(--soft); border: 1px solid var(--line); }
.method.get { color: var(--info); } .method.post { color: var(--ok); } .method.delete { color: var(--bad); } .method.patch, .method.put { color: var(--warn); }
.legend { color: var(--muted); display: flex; flex-wrap: wrap; align-items: center; gap: 6px 8px; }
.cell-key { display: inline-block; min-width: 26px; height: 20px; text-align: center; border: 1px solid var(--line); border-radius: 4px; font-weight: 700; margin-left: 10px; }
.cell-key.observed { background: var(--ok-bg); color: var(--ok); }
.cell-key.unobserved { color: #8c959f; }
.cell-key.none { background: repeating-linear-gradient(45deg, #f6f8fa, #f6f8fa 4px, #eef1f4 4px, #eef1f4 8px); }
.cell-key.undocumented { background: var(--bad); color: #fff; border-color: var(--bad); padding: 0 4px; font-family: ui-monospace, monospace; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.finding { border: 1px solid var(--line); border-left: 5px solid var(--bad); border-radius: 8px; padding: 14px 16px; margin: 12px 0; }
.finding.warning { border-left-color: #d4a72c; }
.tags { margin: 0 0 8px; }
.facts { display: grid; grid-template-columns: repeat(auto-fit, minmax(220px, 1fr)); gap: 4px 18px; margin: 0; }
.facts dt { font-size: 11.5px; color: var(--muted); text-transform: uppercase; letter-spacing: .05em; }
.facts dd { margin: 0; overflow-wrap: anywhere; }
.compare { display: grid; grid-template-columns: 1fr 1fr; gap: 14px; }
pre { margin: 0; padding: 9px 11px; border-radius: 6px; background: var(--soft); border: 1px solid var(--line); white-space: pre-wrap; overflow-wrap: anywhere; max-height: 360px; overflow: auto; }
pre.expected { background: #f3fbf5; border-color: #aceebb; }
pre.received { background: #fff5f4; border-color: #ffcecb; }
pre.curl { background: #1f2328; color: #f0f3f6; border-color: #1f2328; }
details.exchange { margin-top: 10px; }
details.exchange summary { cursor: pointer; color: var(--info); }
details.exchange pre { margin-top: 6px; }
.callout { margin-top: 22px; padding: 4px 18px 8px; border: 1px solid #eed888; border-left: 5px solid #d4a72c; border-radius: 8px; background: var(--warn-bg); }
.callout h2 { border: 0; margin: 10px 0 0; padding: 0; font-size: 16px; color: var(--warn); }
.callout p { margin: 4px 0; }
.all-clear { padding: 14px 16px; border-radius: 8px; background: var(--ok-bg); color: var(--ok); font-weight: 600; }
ul { padding-left: 20px; }
footer { color: var(--muted); font-size: 12px; padding-top: 30px; padding-bottom: 30px; }
@media (max-width: 800px) { .compare { grid-template-columns: 1fr; } }
@media print { .page-header { background: none; } pre { max-height: none; } details.exchange { display: none; } }
`;
