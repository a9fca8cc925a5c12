import { strict as assert } from "assert";
import { SPARKLINE, sparklinePoint, sparklineSvg } from "../../../local/page/sparkline";

const window = { from: "2026-10-29", to: "2026-11-27" };
const options = { ...window, label: "17", colour: "#c62828" };
const { width, height, padding } = SPARKLINE;

function polylinePoints(svg: string): Array<[number, number]> {
    const match = /<polyline class="trend" points="([^"]*)"/.exec(svg);
    return match ? match[1].split(" ").map((pair) => pair.split(",").map(Number) as [number, number]) : [];
}

describe("local/page/sparkline", () => {
    it("places days by date across the window and scores on a fixed 0 to 100 scale", () => {
        assert.deepEqual(sparklinePoint({ dt: window.from, score: 100 }, window.from, window.to), { x: padding, y: padding });
        assert.deepEqual(sparklinePoint({ dt: window.to, score: 0 }, window.from, window.to), { x: width - padding, y: height - padding });
        const middle = sparklinePoint({ dt: "2026-11-12", score: 50 }, window.from, window.to);
        assert.ok(Math.abs(middle.x - width / 2) < 3, `x ${middle.x}`);
        assert.equal(middle.y, height / 2);
    });

    it("draws one point per day in the window, a missing day leaving a wider gap", () => {
        const svg = sparklineSvg([
            { dt: "2026-10-01", score: 99 }, // before the window
            { dt: "2026-11-24", score: 80 },
            { dt: "2026-11-25", score: 70 },
            { dt: "2026-11-27", score: 40 },
        ], options);
        const points = polylinePoints(svg);
        assert.equal(points.length, 3);
        assert.match(svg, /data-days="3"/);
        const [a, b, c] = points.map(([x]) => x);
        assert.ok(Math.abs((c - b) - 2 * (b - a)) < 0.05, "two days' gap is twice one day's");
        assert.ok(points[2][1] > points[0][1], "a lower score sits lower");
        assert.match(svg, /<circle class="last" cx="[\d.]+" cy="[\d.]+" r="2.5" fill="#c62828"\/>/);
    });

    it("draws a band guide at each boundary (55 and 80)", () => {
        const svg = sparklineSvg([], options);
        const guides = [...svg.matchAll(/<line class="guide" x1="0" x2="\d+" y1="([\d.]+)"/g)].map((match) => Number(match[1]));
        assert.deepEqual(guides, [55, 80].map((score) => sparklinePoint({ dt: window.from, score }, window.from, window.to).y));
    });

    it("one day: a dot, no line; no day: neither, and says so", () => {
        const one = sparklineSvg([{ dt: "2026-11-27", score: 60 }], options);
        assert.equal(polylinePoints(one).length, 0);
        assert.match(one, /<circle class="last"/);
        const none = sparklineSvg([], options);
        assert.doesNotMatch(none, /<circle|<polyline/);
        assert.match(none, /aria-label="17: no daily score from 2026-10-29 to 2026-11-27"/);
    });

    it("describes itself for screen readers, escaped", () => {
        const svg = sparklineSvg([{ dt: "2026-11-26", score: 70 }, { dt: "2026-11-27", score: 54.5 }], { ...options, label: `<b>"x"</b>` });
        assert.match(svg, /role="img" aria-label="&lt;b&gt;&quot;x&quot;&lt;\/b&gt;: 2 days, 70 on 2026-11-26 to 54.5 on 2026-11-27"/);
        assert.match(svg, /<title>&lt;b&gt;/);
    });
});
