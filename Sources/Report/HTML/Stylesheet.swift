// The page's only stylesheet, inlined in <head>. Calm colours, the system
// font stack, a light and a dark palette, and print rules. It must contain
// no `url(`, no `@import`, and (so the page parses as XML) no `<` or `&`.

enum Stylesheet {
  static let css = """

:root {
  color-scheme: light dark;
  --bg: #f5f6f8; --paper: #ffffff; --ink: #1c2230; --muted: #5d6675;
  --line: #e1e4ea; --soft: #f0f2f5; --code: #f4f5f7;
  --ok: #1c7c4f; --ok-bg: #e3f4ea; --err: #b42318; --err-bg: #fdecea;
  --warn: #8a5a00; --warn-bg: #fff4d6; --skip: #6b6f78; --skip-bg: #eceef1;
  --accent: #2f6db3; --heat: 47, 109, 179; --hot: 214, 96, 40;
  --on-heat: #ffffff;
  --c0: #2f6db3; --c1: #d9822b; --c2: #23946c; --c3: #c2382c;
  --c4: #8a5aa8; --c5: #3aa0d8; --c6: #a88a0b; --c7: #6b7280;
}
/* Screen only: a printout always uses the light palette. */
@media screen and (prefers-color-scheme: dark) {
  :root {
    --bg: #12151a; --paper: #1a1e25; --ink: #e4e7eb; --muted: #9aa3af;
    --line: #2c323c; --soft: #222731; --code: #151920;
    --ok: #5fd19a; --ok-bg: #173527; --err: #ff8a7a; --err-bg: #3d1d1b;
    --warn: #f2c94c; --warn-bg: #3a3016; --skip: #a7acb5; --skip-bg: #262a31;
    --accent: #74a9ec; --heat: 116, 169, 236; --hot: 240, 140, 90;
    --on-heat: #10141a;
    --c0: #74a9ec; --c1: #f0a45d; --c2: #4fc79a; --c3: #f27a6e;
    --c4: #c29be0; --c5: #7cc9f2; --c6: #e3c84f; --c7: #a3aab5;
  }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body {
  margin: 0; background: var(--bg); color: var(--ink);
  font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto,
    "Helvetica Neue", "Noto Sans", "Liberation Sans", Arial, sans-serif;
}
code, pre, .mono {
  font-family: ui-monospace, "SF Mono", "Cascadia Mono", Menlo, Consolas,
    "DejaVu Sans Mono", "Liberation Mono", monospace;
  font-size: 0.88em;
}
.page { max-width: 60rem; margin: 0 auto; padding: 2rem 1.25rem 3rem; }
h1 { font-size: 2rem; line-height: 1.2; margin: 0 0 0.4rem; }
h2 { font-size: 1.05rem; margin: 0; }
h3 { font-size: 1.05rem; margin: 0 0 0.5rem; }
.page-head { margin-bottom: 1.5rem; }
.page-head .meta { color: var(--muted); margin: 0; overflow-wrap: anywhere; }
.page-head .subtitle { font-size: 1.25rem; margin: -0.5rem 0 0.5rem; }
.page-head .byline { margin: 0 0 0.25rem; }
.toc { margin-top: 1rem; }
.toc h2 { font-size: 1rem; margin: 0 0 0.25rem; }
.toc ul { margin: 0; padding-left: 1.25rem; }
.prose { max-width: 44rem; }
.prose img { max-width: 100%; }
.prose .image-missing { display: inline-block; padding: 0.5rem 0.75rem;
  border: 1px dashed var(--err); color: var(--err); background: var(--err-bg); }
.prose pre { overflow-x: auto; background: var(--code); padding: 0.75rem;
  border-radius: 6px; }
.prose code { background: var(--code); padding: 0.1em 0.3em;
  border-radius: 4px; }
.prose pre code { background: none; padding: 0; }
/* A folded solution keeps the next heading at its usual distance. */
.prose details { margin: 0 0 1rem; }
/* A fenced block of another language names it in a small tab above. */
.prose div.code { margin: 1rem 0; }
.prose div.code pre { margin: 0; border-top-right-radius: 0; }
.prose .code-language { display: block; width: fit-content; margin-left: auto;
  padding: 0.05rem 0.6rem; font-size: 0.75rem; color: var(--muted);
  background: var(--code); border-radius: 6px 6px 0 0; }
.prose table { border-collapse: collapse; display: block; overflow-x: auto; }
.prose div.table { overflow-x: auto; margin: 0.8rem 0; }
.prose div.table table { display: table; }
.prose th, .prose td { border: 1px solid var(--line); padding: 0.3rem 0.6rem; }
.prose th { background: var(--code); }
.prose :is(th, td).left { text-align: left; }
.prose :is(th, td).center { text-align: center; }
.prose :is(th, td).right { text-align: right; font-variant-numeric: tabular-nums; }
.prose li:has(> input[type=checkbox]:first-child),
.prose li:has(> p:first-child > input[type=checkbox]:first-child) { list-style: none; }
.prose li > input[type=checkbox], .prose li > p > input[type=checkbox] { margin: 0 0.4em 0 -1.3em; }
.prose .footnote-ref a { text-decoration: none; }
.prose .footnotes { border-top: 1px solid var(--line); margin-top: 2rem; font-size: 0.9rem; }
.prose .footnote-back { text-decoration: none; }
/* Formulas: MathML Core, drawn by the browser with a math font the system
   has (macOS, Windows, Debian's DejaVu), none downloaded. A wide display
   formula scrolls on its own instead of widening the page. */
math { font-family: "STIX Two Math", "Cambria Math", "Latin Modern Math",
  "DejaVu Math TeX Gyre", math, serif; }
math[display="block"] { margin: 0.8rem 0; overflow-x: auto;
  overflow-y: hidden; padding: 0.1rem 0; }
mtd[columnalign="left"] { text-align: left; }
mtd[columnalign="right"] { text-align: right; }
/* Each heading links to itself (its id is GitHub's slug); the mark shows
   on hover and focus. */
.prose .anchor { float: left; margin-left: -1.1em; padding-right: 0.2em;
  color: var(--muted); text-decoration: none; opacity: 0; }
.prose :is(h1, h2, h3, h4, h5, h6):hover .anchor, .prose .anchor:focus {
  opacity: 1; }
.prose .tex-error { color: var(--err); background: var(--err-bg); }
.prose .tex-display { display: block; width: fit-content; margin: 0.8rem 0; }

.banner { padding: 0.6rem 0.9rem; border-radius: 6px; margin: 0.8rem 0; }
.banner.error { background: var(--err-bg); color: var(--err); }
.banner.warning { background: var(--warn-bg); color: var(--warn); }

/* Cells */
.cell {
  background: var(--paper); border: 1px solid var(--line);
  border-left: 4px solid var(--ok); border-radius: 8px;
  margin: 1.25rem 0; padding: 0.9rem 1.1rem 1.1rem;
  box-shadow: 0 1px 2px rgba(20, 30, 50, 0.04);
}
.cell.error { border-left-color: var(--err); }
.cell.skipped { border-left-color: var(--skip); }
.cell-head { display: flex; flex-wrap: wrap; align-items: baseline;
  gap: 0.35rem 0.7rem; margin-bottom: 0.6rem; }
.cell-head .where { margin-left: auto; color: var(--muted);
  font-size: 0.85rem; }
.status, .badge {
  font-size: 0.75rem; font-weight: 600; letter-spacing: 0.03em;
  text-transform: uppercase; padding: 0.1rem 0.5rem; border-radius: 999px;
}
.status.ok { background: var(--ok-bg); color: var(--ok); }
.status.error { background: var(--err-bg); color: var(--err); }
.status.skipped { background: var(--skip-bg); color: var(--skip); }
.badge.cached { background: var(--soft); color: var(--accent);
  border: 1px solid var(--line); }
.time { color: var(--muted); font-size: 0.88rem;
  font-variant-numeric: tabular-nums; }

.source {
  margin: 0 0 0.8rem; padding: 0.55rem 0; background: var(--code);
  border: 1px solid var(--line); border-radius: 6px; overflow-x: auto;
  line-height: 1.5;
}
.source code { font-size: 0.85rem; display: block; min-width: max-content; }
.source .line { display: block; padding-right: 0.9rem; }
.source .ln {
  display: inline-block; width: 3.2em; padding-right: 0.9em;
  margin-right: 0.6em; text-align: right; color: var(--muted);
  border-right: 1px solid var(--line); user-select: none;
  -webkit-user-select: none;
}
.source .marked.error { background: var(--err-bg); }
.source .marked.warning { background: var(--warn-bg); }
.source .caret { font-weight: 600; }
.source .caret.error { color: var(--err); }
.source .caret.warning { color: var(--warn); }
.source .caret.note { color: var(--accent); }

.diagnostics { list-style: none; margin: 0 0 0.8rem; padding: 0; }
.diagnostic { padding: 0.5rem 0.75rem; border-radius: 6px;
  margin-bottom: 0.4rem; overflow-wrap: anywhere; }
.diagnostic.error { background: var(--err-bg); }
.diagnostic.warning { background: var(--warn-bg); }
.diagnostic.note { background: var(--soft); }
.diagnostic .severity { font-weight: 700; }
.diagnostic.error .severity { color: var(--err); }
.diagnostic.warning .severity { color: var(--warn); }
.diagnostic .hint { display: block; margin-top: 0.2rem; color: var(--muted); }
.diagnostic .hint::before { content: "hint: "; font-weight: 600; }
.skip-reason { color: var(--skip); margin: 0 0 0.4rem; }

/* Results */
.result { border-top: 1px solid var(--line); padding-top: 0.9rem;
  margin-top: 0.9rem; }
.results > .result:first-child { border-top: none; margin-top: 0;
  padding-top: 0.2rem; }
.facts { color: var(--muted); margin: 0 0 0.6rem; font-size: 0.92rem; }
.facts span { white-space: nowrap; }
.facts code { overflow-wrap: anywhere; }
.headline { font-size: 1.1rem; margin: 0.3rem 0 0.8rem; }
.headline strong { font-size: 1.35rem; color: var(--accent); }
.choice { margin: 0.6rem 0 0; }
.check p { margin: 0 0 0.3rem; }
.check-passed .check-verdict { color: var(--ok); }
.check-failed .check-verdict { color: var(--err); }
.classes { color: var(--muted); font-size: 0.9rem; margin: 0.4rem 0; }
.class-name { color: var(--ink); }

.scroll { overflow-x: auto; max-width: 100%; margin: 0.4rem 0 0.8rem; }
.scroll.tall { max-height: 24rem; overflow-y: auto; }
.scroll.tall thead th { position: sticky; top: 0; background: var(--paper); }
table.data { border-collapse: collapse; font-size: 0.9rem;
  font-variant-numeric: tabular-nums; }
table.data th, table.data td { padding: 0.3rem 0.8rem; text-align: left;
  border-bottom: 1px solid var(--line); white-space: nowrap; }
table.data th { font-weight: 600; color: var(--muted); font-size: 0.8rem;
  text-transform: uppercase; letter-spacing: 0.03em; }
table.data .num { text-align: right; }
table.data tfoot td { font-weight: 600; border-bottom: none; }
table.data tr.chosen td { background: var(--ok-bg); font-weight: 600; }

/* Charts */
.charts { display: grid; grid-template-columns: repeat(auto-fit,
  minmax(min(100%, 22rem), 1fr)); gap: 0.5rem 1.5rem; margin: 0.6rem 0; }
figure { margin: 0; }
figure.chart figcaption, figure.digits figcaption,
figure.confusion figcaption {
  font-size: 0.85rem; font-weight: 600; color: var(--muted);
  margin-bottom: 0.2rem;
}
figure.chart svg { display: block; width: 100%; height: auto; }
.chart .grid line { stroke: var(--line); stroke-width: 1; }
.chart .axis { stroke: var(--muted); fill: none; stroke-width: 1; }
.chart .ticks line { stroke: var(--muted); }
.chart text { fill: var(--muted); font-size: 12px;
  font-variant-numeric: tabular-nums; }
.chart .ticks.y text { text-anchor: end; }
.chart .ticks.x text, .chart .title.x, .chart .empty { text-anchor: middle; }
.chart .title.y { text-anchor: middle; }
.chart .title { fill: var(--ink); font-size: 12px; }
.chart .series .line { fill: none; stroke-width: 1.8;
  stroke-linejoin: round; stroke-linecap: round; }
.chart .series.dashed .line { stroke-dasharray: 5 3; }
.chart .series .dot { stroke: var(--paper); stroke-width: 1; }
.chart .marker line { stroke: var(--muted); stroke-width: 1;
  stroke-dasharray: 3 3; }
.chart .marker.solid line { stroke-dasharray: none; }
.chart .marker text { font-size: 10px; }
.chart .series.dense .dot { stroke: none; }
.c0 { --c: var(--c0); } .c1 { --c: var(--c1); } .c2 { --c: var(--c2); }
.c3 { --c: var(--c3); } .c4 { --c: var(--c4); } .c5 { --c: var(--c5); }
.c6 { --c: var(--c6); } .c7 { --c: var(--c7); }
.series .line { stroke: var(--c); }
.series .dot { fill: var(--c); }
.legend { list-style: none; margin: 0.2rem 0 0; padding: 0; display: flex;
  flex-wrap: wrap; gap: 0.2rem 1.1rem; font-size: 0.85rem; }
.legend li { display: flex; align-items: center; gap: 0.4rem; }
.swatch { display: inline-block; width: 1.5rem; height: 0;
  border-top: 3px solid var(--c); }
.swatch.dashed { border-top-style: dashed; }
.chart-note { color: var(--muted); font-size: 0.8rem; margin: 0.2rem 0 0; }
/* A training of one epoch: its numbers, not a chart of one dot. */
figure.chart.values ul { list-style: none; margin: 0.3rem 0 0; padding: 0; }
figure.chart.values li { display: flex; align-items: center; gap: 0.4rem;
  font-variant-numeric: tabular-nums; }
figure.chart.values strong { font-size: 1.2rem; color: var(--accent); }

/* Network */
.network-layout { display: flex; flex-wrap: wrap; gap: 0.5rem 2rem;
  align-items: center; }
.network-layout > div { flex: 0 1 auto; min-width: 0; max-width: 100%; }
svg.network-diagram { display: block; flex: 1 1 16rem; max-width: 24rem;
  height: auto; }
.network-diagram .edges { stroke: var(--muted); stroke-width: 0.4;
  opacity: 0.35; fill: none; }
.network-diagram circle { fill: var(--paper); stroke: var(--c0);
  stroke-width: 1.6; }
.network-diagram .output circle { stroke: var(--c1); }
.network-diagram .input circle { stroke: var(--muted); }
.network-diagram text { fill: var(--muted); font-size: 12px;
  text-anchor: middle; }
.network-diagram .size { fill: var(--ink); font-weight: 600; font-size: 13px; }
.network-diagram .more { font-size: 16px; }

/* Digits: 24 images fill whole rows at 12, 8 and 6 per row (wide cards
   for class names: 6, 4, 3), the count chosen by the page's width. */
.digit-grid { display: grid; gap: 0.5rem;
  grid-template-columns: repeat(12, minmax(0, 1fr)); }
.digit-grid.wide { grid-template-columns: repeat(6, minmax(0, 1fr)); }
@media (max-width: 56rem) {
  .digit-grid { grid-template-columns: repeat(8, minmax(0, 1fr)); }
  .digit-grid.wide { grid-template-columns: repeat(4, minmax(0, 1fr)); }
}
@media (max-width: 36rem) {
  .digit-grid { grid-template-columns: repeat(6, minmax(0, 1fr));
    gap: 0.35rem; }
  .digit-grid.wide { grid-template-columns: repeat(3, minmax(0, 1fr)); }
}
.digit-card { display: flex; flex-direction: column; align-items: center;
  padding: 0.25rem; border: 1px solid var(--line); border-radius: 6px;
  background: var(--paper); min-width: 0; }
.digit-card.wrong { border-color: var(--line); }
svg.digit { width: 100%; max-width: 3.5rem; height: auto; aspect-ratio: 1;
  display: block; color: var(--ink); }
svg.digit .paper { fill: var(--paper); }
.digit-label { font-size: 0.85rem; margin-top: 0.15rem;
  font-variant-numeric: tabular-nums; text-align: center;
  overflow-wrap: break-word; }
.digit-card.wrong .predicted { color: var(--err); font-weight: 600; }
/* Weights, filters and maps shrink with their card on a phone. */
.weight-grid svg.weights { max-width: 100%; height: auto; }
/* Filters over many maps (show weights of a second convolution): strips. */
.weight-rows { display: flex; flex-direction: column; gap: 0.35rem;
  align-items: flex-start; }
.weight-rows .digit-card { max-width: 100%; }
.weight-rows svg.weights { max-width: 100%; height: auto; }

/* Confusion matrix */
table.heat { border-collapse: separate; border-spacing: 2px;
  font-size: 0.82rem; font-variant-numeric: tabular-nums; }
table.heat th { font-weight: 600; color: var(--muted); padding: 0.2rem 0.4rem;
  text-align: center; }
table.heat th.corner { font-weight: 400; font-size: 0.75rem;
  white-space: nowrap; }
table.heat td { min-width: 2.6rem; padding: 0.35rem 0.4rem;
  text-align: center; border-radius: 3px; background: var(--soft); }
table.heat td.hit { background: rgba(var(--heat), var(--a, 0)); }
table.heat td.miss { background: rgba(var(--hot), calc(var(--a, 0) * 0.85)); }
table.heat td.zero { background: var(--soft); color: var(--muted);
  opacity: 0.6; }
table.heat td.strong { color: var(--on-heat); font-weight: 600; }
table.heat td.recall { background: none; color: var(--muted); }

/* Footer */
.page-foot { margin-top: 2.5rem; padding-top: 1rem;
  border-top: 1px solid var(--line); color: var(--muted); font-size: 0.9rem; }
.page-foot h2 { color: var(--ink); margin-bottom: 0.5rem; }
.page-foot dl { display: grid; grid-template-columns: max-content 1fr;
  gap: 0.25rem 1rem; margin: 0; }
.page-foot dt { font-weight: 600; color: var(--ink); }
.page-foot dd { margin: 0; min-width: 0; }
.page-foot .files { list-style: none; margin: 0; padding: 0; }
.page-foot .hash { overflow-wrap: anywhere; word-break: break-all;
  color: var(--muted); }

@media (max-width: 36rem) {
  .page { padding: 1.2rem 0.75rem 2rem; }
  h1 { font-size: 1.55rem; }
  .cell { padding: 0.75rem 0.75rem 0.9rem; }
  .cell-head .where { margin-left: 0; }
  .page-foot dl { grid-template-columns: 1fr; }
  .page-foot dd { margin-bottom: 0.4rem; }
  table.data th { white-space: normal; min-width: 4.5rem; }
  table.data th, table.data td { padding: 0.3rem 0.45rem; }
  /* Ten classes fit across a phone without scrolling. */
  table.heat { font-size: 0.68rem; border-spacing: 1px; }
  table.heat td { min-width: 0; padding: 0.3rem 0.12rem; }
  table.heat th { padding: 0.2rem 0.12rem; }
  table.heat th.corner { white-space: normal; font-size: 0.6rem; }
}

@media print {
  :root {
    --bg: #ffffff; --paper: #ffffff; --ink: #000000; --muted: #444444;
    --line: #cccccc; --soft: #f3f3f3; --code: #f7f7f7;
  }
  body { background: #ffffff; color: #000000; font-size: 11pt; }
  .page { max-width: none; padding: 0; }
  .cell { box-shadow: none; break-inside: auto; }
  .cell-head, .source, figure, table, .diagnostic, .headline, .page-foot {
    break-inside: avoid; page-break-inside: avoid; }
  h1, h2, h3, .cell-head { break-after: avoid; page-break-after: avoid; }
  .scroll, .scroll.tall { overflow: visible; max-height: none; }
  /* A table taller than a page (a long epoch table) starts a page of its
     own where that keeps it whole; when it cannot, rows are not cut and
     the header row repeats on the next page. */
  table.data thead { display: table-header-group; }
  table.data tr { break-inside: avoid; page-break-inside: avoid; }
  .charts { grid-template-columns: 1fr 1fr; }
  /* Run metadata (times, the cache badge) is for the screen: a printed
     handout shows the results. */
  .cell-head .time, .cell-head .badge.cached { display: none; }
  table.heat td, svg.digit, .status, .badge, table.data tr.chosen td {
    -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}

"""
}
