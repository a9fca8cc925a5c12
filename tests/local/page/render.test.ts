import { strict as assert } from "assert";
import { BAND_COLOURS, bandClass, renderScorePage } from "../../../local/page/render";
import { buildScorePage } from "../../../local/page/scorePage";
import { input, record } from "./pageData";

const render = (extra: Parameters<typeof input>[0] = {}) => renderScorePage(buildScorePage(input(extra)));

/** The `<tr>` opening tags of the subaccounts' table, in document order. */
function scoreRows(html: string): string[] {
    const table = /<section id="scores">([\s\S]*?)<\/section>/.exec(html)?.[1] ?? "";
    return [...table.matchAll(/<tr class="[^"]*" data-subaccount[^>]*>/g)].map((match) => match[0]);
}

describe("local/page/render renderScorePage", () => {
    const drop = { previous_dt: "2026-11-26", dt: "2026-11-27", previous_score: 91.5, score: 51.25, score_drop: 40.25 };
    const full = () => render({
        latest: [record(-1, 77.7), record(17, 82), record(0, 41.5), record(9, 60)],
        daily: [{ subaccount_id: 17, dt: "2026-11-26", score: 90 }, { subaccount_id: 17, dt: "2026-11-27", score: 82 }, { subaccount_id: 0, dt: "2026-11-27", score: 41.5 }],
        drops: [{ subaccount_id: 0, ...drop }],
    });

    it("a standalone document that loads nothing: no script, no link, no src, and a CSP that forbids them", () => {
        const html = full();
        assert.match(html, /^<!doctype html>\n<html lang="en">/);
        assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">/);
        assert.doesNotMatch(html, /<script|<link|\ssrc=|\shref=|url\(/i);
    });

    it("lists subaccounts worst first, each row carrying its band's class, label and score", () => {
        const rows = scoreRows(full());
        assert.deepEqual(rows, [
            '<tr class="band-bad" data-subaccount="0" data-band="bad" data-score="41.5">',
            '<tr class="band-needs-improvement" data-subaccount="9" data-band="needs improvement" data-score="60">',
            '<tr class="band-good" data-subaccount="17" data-band="good" data-score="82">',
        ]);
        assert.match(full(), /<th scope="row">0 \(primary\)<\/th><td class="number score">41.5<\/td><td class="band"><span class="badge">bad<\/span>/);
    });

    it("colours each band as BAND_COLOURS says, in the badge and the row's edge", () => {
        const html = full();
        for (const [band, { background, text }] of Object.entries(BAND_COLOURS)) {
            const cls = bandClass(band as keyof typeof BAND_COLOURS);
            assert.ok(html.includes(`.${cls} .badge { background: ${background}; color: ${text}; }`), band);
            assert.ok(html.includes(`tr.${cls} > th, .overall.${cls} { border-left: 6px solid ${background}; }`), band);
        }
    });

    it("shows the account overall apart, a legend with each band's range and count, and the window", () => {
        const html = full();
        assert.match(html, /<section id="overall"><h2>Account overall<\/h2><div class="overall band-needs-improvement" data-subaccount="-1"[^>]*><span class="score">77.7<\/span>/);
        assert.match(html, /<span class="badge">bad<\/span> below 55: <span class="count">1<\/span> subaccount</);
        assert.match(html, /<span class="badge">good<\/span> 80 and above: <span class="count">1<\/span> subaccount</);
        assert.match(html, /3 subaccounts · daily scores from 2026-10-29 to 2026-11-27/);
        assert.match(html, /<th scope="col">Last 30 days<\/th>/);
    });

    it("draws a sparkline in every row, with the row's days", () => {
        const html = full();
        const trends = [...html.matchAll(/<td class="trend">(<svg class="sparkline"[^>]*data-days="(\d+)")?/g)].map((match) => match[2]);
        assert.deepEqual(trends, ["1", "0", "2"]);
    });

    it("lists the drops, labelled, with both days and both scores", () => {
        assert.match(full(), /<section id="drops"><h2>Biggest day-over-day drops<\/h2><table>[\s\S]*<tr data-subaccount="0"><th scope="row">0 \(primary\)<\/th><td>2026-11-26<\/td><td>2026-11-27<\/td><td class="number">91.5<\/td><td class="number">51.25<\/td><td class="number drop">40.25<\/td><\/tr>/);
        assert.match(render({ latest: [record(1, 50)], daily: [], drops: [] }), /No score fell from one day to the next in the lake/);
        assert.match(render({ latest: [record(1, 50)] }), /<section id="drops">.*Not read: the drops come from the lake/);
    });

    it("without the lake, says the trend was not read instead of drawing an empty sparkline", () => {
        const html = render({ latest: [record(1, 50)], notices: ["Sparklines and drops come from the lake: add --athena."] });
        assert.match(html, /<td class="trend"><span class="meta">not read<\/span><\/td>/);
        assert.match(html, /<section id="notices" class="notices" aria-label="Notices"><ul><li>Sparklines and drops come from the lake: add --athena.<\/li><\/ul><\/section>/);
    });

    it("an empty state with the hint when there is no score at all", () => {
        const html = render({ emptyHint: "Send some with `npm run send -- --subaccounts 50`." });
        assert.match(html, /<section id="empty" class="empty"><h2>No health scores yet<\/h2><p>Send some with `npm run send -- --subaccounts 50`.<\/p><\/section>/);
        assert.doesNotMatch(html, /<table/);
        assert.match(html, /0 subaccounts/);
    });

    it("escapes every text it did not write itself", () => {
        const html = render({ source: `stack <img src=x onerror=alert(1)>`, latest: [record(1, 50)], notices: [`a "quoted" <b>notice</b>`] });
        assert.doesNotMatch(html, /<img|<b>/);
        assert.match(html, /From stack &lt;img src=x onerror=alert\(1\)&gt;/);
        assert.match(html, /a &quot;quoted&quot; &lt;b&gt;notice&lt;\/b&gt;/);
    });
});
