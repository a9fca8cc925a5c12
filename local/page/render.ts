/**
 * The score page as one self-contained HTML document: no script, no request for anything else (inline CSS and
 * SVG only, and a Content-Security-Policy that says so), so the same text is served by `npm start` and written
 * to a file by `npm run report`. Pure: a function of the page's data.
 */
import { HEALTH_BANDS, HealthBand } from "../../shared/healthBands";
import { escapeHtml } from "./html";
import { ScorePage, ScoreRow } from "./scorePage";
import { sparklineSvg } from "./sparkline";

/** Each band's colour (red, amber, green, as SparkPost's UI shows them) and a text colour readable on it. */
export const BAND_COLOURS: Readonly<Record<HealthBand, { background: string; text: string }>> = {
    bad: { background: "#c62828", text: "#ffffff" },
    "needs improvement": { background: "#f0a202", text: "#1b1b1b" },
    good: { background: "#2e7d32", text: "#ffffff" },
};

/** The CSS class of a band: `band-needs-improvement`. */
export function bandClass(band: HealthBand): string {
    return `band-${band.replace(/ /g, "-")}`;
}

const STYLE = `
:root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1b1b; background: #fafafa; }
body { margin: 0 auto; padding: 1.5rem; max-width: 60rem; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
h2 { font-size: 1.1rem; margin: 1.75rem 0 .5rem; }
.meta, footer { color: #555; font-size: .875rem; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid #e4e4e4; vertical-align: middle; }
thead th { font-size: .8rem; text-transform: uppercase; letter-spacing: .03em; color: #555; border-bottom: 2px solid #ccc; }
td.number, th.number { text-align: right; font-variant-numeric: tabular-nums; }
tbody th { font-weight: 600; }
.badge { display: inline-block; padding: .1rem .5rem; border-radius: .75rem; font-size: .8rem; white-space: nowrap; }
.legend { list-style: none; display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; padding: 0; margin: .75rem 0; }
.legend .count { font-weight: 600; }
.notices { background: #fff8e1; border: 1px solid #f0d58a; padding: .5rem 1rem; }
.overall { display: flex; align-items: center; gap: 1rem; background: #fff; padding: .6rem 1rem; border-left: 6px solid transparent; }
.overall .score { font-size: 1.6rem; font-weight: 600; font-variant-numeric: tabular-nums; }
.sparkline .guide { stroke: #bbb; stroke-width: 1; stroke-dasharray: 2 2; }
.sparkline .trend { fill: none; stroke: #37474f; stroke-width: 1.5; stroke-linejoin: round; }
.empty { background: #fff; padding: 1rem; border: 1px dashed #bbb; }
${HEALTH_BANDS.map(({ band }) => {
    const { background, text } = BAND_COLOURS[band];
    const selector = `.${bandClass(band)}`;
    return `${selector} .badge { background: ${background}; color: ${text}; }\n` +
        `tr${selector} > th, .overall${selector} { border-left: 6px solid ${background}; }`;
}).join("\n")}
`;

export function renderScorePage(page: ScorePage): string {
    const title = "Health scores";
    const body = page.rows.length === 0 && !page.overall
        ? [renderNotices(page.notices), renderEmpty(page.emptyHint)]
        : [renderNotices(page.notices), renderSummary(page), renderOverall(page), renderScores(page), renderDrops(page)];
    return [
        "<!doctype html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
        `<title>${title}</title>`,
        `<style>${STYLE}</style>`,
        "</head>",
        "<body>",
        "<header>",
        `<h1>${title}</h1>`,
        `<p class="meta">${renderMeta(page)}</p>`,
        "</header>",
        "<main>",
        ...body.filter((part) => part !== ""),
        "</main>",
        "<footer>",
        "<p>SparkPost computes each score daily, from 0 to 100. Sparklines show each day's last score on a fixed 0 to 100 scale; " +
            `dashed lines mark the band boundaries (${HEALTH_BANDS.slice(0, -1).map((band) => band.below).join(" and ")}).</p>`,
        "</footer>",
        "</body>",
        "</html>",
        "",
    ].join("\n");
}

function renderMeta(page: ScorePage): string {
    const parts = [
        `From ${escapeHtml(page.source)}`,
        `generated <time datetime="${escapeHtml(page.generatedAt)}">${escapeHtml(page.generatedAt.replace("T", " ").replace(/\.\d+Z$/, "Z"))}</time>`,
        `${page.rows.length} subaccount${page.rows.length === 1 ? "" : "s"}`,
    ];
    if (page.window) parts.push(`daily scores from ${page.window.from} to ${page.window.to}`);
    return parts.join(" · ");
}

function renderNotices(notices: readonly string[]): string {
    if (notices.length === 0) return "";
    return `<section id="notices" class="notices" aria-label="Notices"><ul>${notices.map((notice) => `<li>${escapeHtml(notice)}</li>`).join("")}</ul></section>`;
}

function renderEmpty(hint: string): string {
    return `<section id="empty" class="empty"><h2>No health scores yet</h2><p>${escapeHtml(hint)}</p></section>`;
}

function renderSummary(page: ScorePage): string {
    const items = page.bands.map(({ band, range, subaccounts }) =>
        `<li class="${bandClass(band)}" data-band="${band}"><span class="badge">${band}</span> ${range}: ` +
        `<span class="count">${subaccounts}</span> subaccount${subaccounts === 1 ? "" : "s"}</li>`);
    return `<section id="summary" aria-label="Subaccounts per band"><ul class="legend">${items.join("")}</ul></section>`;
}

function renderOverall(page: ScorePage): string {
    if (!page.overall) return "";
    const row = page.overall;
    return [
        `<section id="overall"><h2>Account overall</h2>`,
        `<div class="overall ${bandClass(row.band)}" data-subaccount="${row.subaccountId}" data-band="${row.band}" data-score="${row.score}">`,
        `<span class="score">${row.score}</span><span class="badge">${row.band}</span>`,
        renderTrend(row, page),
        `<span class="meta">latest alert ${renderTime(row)}</span>`,
        "</div></section>",
    ].join("");
}

function renderScores(page: ScorePage): string {
    const days = page.window?.days;
    const head = `<tr><th scope="col">Subaccount</th><th scope="col" class="number">Score</th><th scope="col">Band</th>` +
        `<th scope="col">${days ? `Last ${days} days` : "Trend"}</th><th scope="col">Latest alert</th></tr>`;
    const rows = page.rows.map((row) =>
        `<tr class="${bandClass(row.band)}" data-subaccount="${row.subaccountId}" data-band="${row.band}" data-score="${row.score}">` +
        `<th scope="row">${escapeHtml(row.label)}</th><td class="number score">${row.score}</td>` +
        `<td class="band"><span class="badge">${row.band}</span></td><td class="trend">${renderTrend(row, page)}</td><td>${renderTime(row)}</td></tr>`);
    const caption = page.rows.length === 0 ? "<p>No subaccount has a score yet; only the account overall has.</p>" : "";
    return `<section id="scores"><h2>Subaccounts, worst first</h2>${caption}<table><thead>${head}</thead><tbody>${rows.join("\n")}</tbody></table></section>`;
}

function renderTrend(row: ScoreRow, page: ScorePage): string {
    if (row.series === undefined) return `<span class="meta">not read</span>`;
    if (!page.window) return `<span class="meta">no daily scores</span>`;
    return sparklineSvg(row.series, { from: page.window.from, to: page.window.to, label: row.label, colour: BAND_COLOURS[row.band].background });
}

function renderTime(row: ScoreRow): string {
    return `<time datetime="${escapeHtml(row.triggeredAt)}">${escapeHtml(row.dt)}</time>`;
}

function renderDrops(page: ScorePage): string {
    const heading = "<h2>Biggest day-over-day drops</h2>";
    if (page.drops === undefined) return `<section id="drops">${heading}<p class="meta">Not read: the drops come from the lake.</p></section>`;
    if (page.drops.length === 0) return `<section id="drops">${heading}<p>No score fell from one day to the next in the lake.</p></section>`;
    const head = `<tr><th scope="col">Subaccount</th><th scope="col">From</th><th scope="col">To</th>` +
        `<th scope="col" class="number">Score before</th><th scope="col" class="number">Score after</th><th scope="col" class="number">Drop</th></tr>`;
    const rows = page.drops.map((drop) =>
        `<tr data-subaccount="${drop.subaccount_id}"><th scope="row">${escapeHtml(drop.label)}</th><td>${escapeHtml(drop.previous_dt)}</td><td>${escapeHtml(drop.dt)}</td>` +
        `<td class="number">${drop.previous_score}</td><td class="number">${drop.score}</td><td class="number drop">${drop.score_drop}</td></tr>`);
    return `<section id="drops">${heading}<table><thead>${head}</thead><tbody>${rows.join("\n")}</tbody></table></section>`;
}
