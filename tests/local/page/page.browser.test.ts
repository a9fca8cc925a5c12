/**
 * The score page as a person sees it: the local stack (as `npm start` runs it, in this process), 50 subaccounts
 * sent over five days, and `/` opened in a real headless Chromium (Debian's package, driven by playwright-core).
 * A screenshot is saved to .test-output/page/ for a person to look at. Skipped, saying why, where there is no
 * Chromium.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Browser, Page, chromium } from "playwright-core";
import { silentLogger } from "../../../handlers/logger";
import { generateDelivery, seededRandom } from "../../../local/generate";
import { BAND_COLOURS } from "../../../local/page/render";
import { LocalStack, startLocalStack } from "../../../local/stack";
import { HealthBand, healthBand } from "../../../shared/healthBands";
import { NOT_FOUND_BODY } from "../../../shared/limits";
import { expectedDrops } from "../../support/lake/expected";
import { Delivery, expectedRows } from "../../support/lake/lakeData";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
/** Without the background-networking flags Chromium tries to reach Google's services, which a closed network refuses. */
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const SCREENSHOTS = path.resolve(__dirname, "..", "..", "..", ".test-output", "page");
const SUBACCOUNTS = 50;
const DAYS = 5;

/** The five days before today (UTC): triggered_at may not be later than an hour after arrival. */
const days = Array.from({ length: DAYS }, (_, i) => new Date(Date.now() - (DAYS - i) * 86_400_000).toISOString().slice(0, 10));
const deliveries: Delivery[] = days.map((day, i) => {
    const triggeredAt = new Date(`${day}T09:00:00.000Z`);
    return { receivedAt: triggeredAt, elements: generateDelivery({ subaccounts: SUBACCOUNTS, triggeredAt, random: seededRandom(100 + i) }) };
});
const expected = expectedRows(deliveries);

/** The browser's DOM, as far as the checks below read it (the project compiles without TypeScript's DOM library). */
interface PageElement {
    innerText: string;
    textContent: string | null;
    querySelector(selector: string): PageElement | null;
    getAttribute(name: string): string | null;
    getBoundingClientRect(): { width: number; height: number };
}
declare function getComputedStyle(element: PageElement): { backgroundColor: string; borderLeftColor: string };

function rgb(hex: string): string {
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
    return `rgb(${r}, ${g}, ${b})`;
}

interface SeenRow {
    label: string;
    score: number;
    band: string;
    badgeColour: string;
    edgeColour: string;
    sparkline: { width: number; height: number; points: number } | undefined;
}

/** What the table shows, read from the rendered page (text and computed styles), not from the HTML source. */
function seenRows(page: Page): Promise<SeenRow[]> {
    return page.$$eval("#scores tbody tr", (rows: PageElement[]) => rows.map((row) => {
        const badge = row.querySelector(".badge")!;
        const svg = row.querySelector("svg.sparkline");
        const polyline = svg?.querySelector("polyline");
        const box = svg?.getBoundingClientRect();
        return {
            label: row.querySelector("th")!.innerText.trim(),
            score: Number(row.querySelector("td.score")!.innerText),
            band: badge.innerText.trim(),
            badgeColour: getComputedStyle(badge).backgroundColor,
            edgeColour: getComputedStyle(row.querySelector("th")!).borderLeftColor,
            sparkline: svg && box ? { width: box.width, height: box.height, points: polyline ? polyline.getAttribute("points")!.trim().split(/\s+/).length : 0 } : undefined,
        };
    }));
}

describe("the score page in a real browser (Chromium)", function () {
    this.timeout(60_000);
    let dataDir: string;
    let stack: LocalStack | undefined;
    let browser: Browser | undefined;
    let origin: string;

    before(async function () {
        if (!fs.existsSync(CHROMIUM)) {
            process.stdout.write(`      skipped: no Chromium at ${CHROMIUM}; install Debian's package (apt-get install -y chromium, as .ci/run does) or set CHROMIUM_PATH\n`);
            this.skip();
        }
        dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "healthscore-page-"));
        stack = await startLocalStack({ dataDir, port: 0, logger: silentLogger });
        origin = new URL(stack.outputs.endpointUrl).origin;
        // launch() gives the browser a new, empty profile of its own.
        browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
        fs.mkdirSync(SCREENSHOTS, { recursive: true });
    });

    after(async () => {
        await browser?.close();
        await stack?.stop();
        if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    });

    async function open(): Promise<Page> {
        const page = await browser!.newPage({ viewport: { width: 1100, height: 900 } });
        const response = await page.goto(`${origin}/`);
        assert.equal(response?.status(), 200);
        assert.equal(response?.headers()["content-type"], "text/html; charset=utf-8");
        return page;
    }

    it("before any score: the empty state, saying how to send some", async () => {
        const page = await open();
        await page.screenshot({ path: path.join(SCREENSHOTS, "empty.png"), fullPage: true });
        assert.ok(await page.isVisible("#empty"));
        assert.match(await page.innerText("#empty"), /No health scores yet\s+Send some with `npm run send -- --subaccounts 50`/);
        assert.equal(await page.locator("#scores").count(), 0);
        await page.close();
    });

    it("only GET / is the page: other paths and methods still get the load balancer's 404", async () => {
        for (const [method, url] of [["GET", "/other"], ["POST", "/"], ["GET", "/hooks"]]) {
            const response = await fetch(`${origin}${url}`, { method });
            assert.equal(response.status, 404, `${method} ${url}`);
            assert.equal(await response.text(), NOT_FOUND_BODY);
        }
    });

    describe(`after ${SUBACCOUNTS} subaccounts were sent on ${DAYS} days`, () => {
        let page: Page;
        let rows: SeenRow[];

        before(async () => {
            for (const delivery of deliveries) {
                const response = await fetch(stack!.outputs.endpointUrl, {
                    method: "POST",
                    headers: { "content-type": "application/json;charset=utf-8" },
                    body: JSON.stringify(delivery.elements),
                });
                assert.equal(response.status, 202, await response.text());
            }
            // The receiver answers once the body is archived; the loader stores the scores right after.
            await stack!.loader.idle();
            page = await open();
            await page.screenshot({ path: path.join(SCREENSHOTS, "scores.png"), fullPage: true });
            rows = await seenRows(page);
        });
        after(() => page?.close());

        it("50 rows, one per subaccount (0 labelled primary); the account overall shown apart, not as a row", async () => {
            assert.equal(rows.length, SUBACCOUNTS);
            assert.deepEqual(rows.map((row) => row.label).sort(), ["0 (primary)", ...Array.from({ length: SUBACCOUNTS - 1 }, (_, i) => String(i + 1))].sort());
            const overall = expected.find((row) => row.subaccount_id === -1 && row.dt === days[DAYS - 1])!;
            assert.match(await page.innerText("#overall"), new RegExp(`Account overall\\s+${overall.score}\\s+${healthBand(overall.score)}`));
        });

        it("each row shows the subaccount's latest score, worst first", async () => {
            const latest = new Map(expected.filter((row) => row.dt === days[DAYS - 1]).map((row) => [row.subaccount_id, row.score]));
            for (const row of rows) assert.equal(row.score, latest.get(row.label === "0 (primary)" ? 0 : Number(row.label)), row.label);
            for (let i = 1; i < rows.length; i++) assert.ok(rows[i - 1].score <= rows[i].score, `row ${i} is worse than the one above it`);
        });

        it("each row's colour is its band's: the badge and the row's edge", async () => {
            const bands = new Set<string>();
            for (const row of rows) {
                const band = healthBand(row.score);
                bands.add(band);
                assert.equal(row.band, band, `${row.label}: ${row.score}`);
                assert.equal(row.badgeColour, rgb(BAND_COLOURS[band].background), `${row.label}'s badge`);
                assert.equal(row.edgeColour, rgb(BAND_COLOURS[band].background), `${row.label}'s edge`);
            }
            assert.equal(bands.size, 3, "the data shows every band");
        });

        it("the legend counts each band's rows", async () => {
            const counts = await page.$$eval("#summary li", (items: PageElement[]) => items.map((item) => [item.getAttribute("data-band"), Number(item.querySelector(".count")!.textContent)]));
            assert.deepEqual(counts, (["bad", "needs improvement", "good"] as HealthBand[]).map((band) => [band, rows.filter((row) => row.band === band).length]));
        });

        it("a visible sparkline in every row, one point per day sent", async () => {
            for (const row of rows) {
                assert.ok(row.sparkline, `${row.label} has a sparkline`);
                assert.ok(row.sparkline.width > 100 && row.sparkline.height > 20, `${row.label}'s sparkline is drawn`);
                assert.equal(row.sparkline.points, DAYS, `${row.label}'s sparkline has a point per day`);
            }
        });

        it("the biggest day-over-day drops, biggest first, as computed from what was sent", async () => {
            assert.ok(await page.isVisible("#drops table"));
            const seen = await page.$$eval("#drops tbody tr", (trs: PageElement[]) => trs.map((tr) => [
                tr.querySelector("th")!.innerText.trim(),
                Number(tr.querySelector("td.drop")!.innerText),
            ]));
            const want = expectedDrops(expected, 10).map((drop) => [drop.subaccount_id === -1 ? "account overall" : drop.subaccount_id === 0 ? "0 (primary)" : String(drop.subaccount_id), Math.round(drop.score_drop * 1000) / 1000]);
            assert.equal(seen.length, 10);
            assert.deepEqual(seen, want);
        });
    });
});
