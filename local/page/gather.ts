/**
 * The page's data, read: the table's latest scores, and the lake's daily scores and drops. A thin adapter over
 * the reads it is given (the local stack's or a deployed stack's); everything it answers is shaped by
 * scorePage.ts. A lake that cannot be read costs the sparklines and drops, not the page: it becomes a notice.
 */
import { bindParameters, findNamedQuery } from "../../shared/lakeQueries";
import type { ScoreSources } from "../deployed";
import { dailyScoresOf, dropsOf } from "../lakeRows";
import { QueryResult } from "../queryResult";
import { ScorePageInput } from "./scorePage";

export const PAGE_DAYS = 30;
export const PAGE_DROPS = 10;

export interface GatherOptions {
    /** What to do when there is no score yet, for the empty page. */
    emptyHint: string;
    /** Why the lake is not read, when `sources.lake` is undefined. */
    noLake?: string;
    /** @default PAGE_DAYS */
    days?: number;
    /** @default PAGE_DROPS */
    drops?: number;
    now?: () => Date;
}

export async function gatherScorePage(sources: Pick<ScoreSources, "description" | "latest" | "lake">, options: GatherOptions): Promise<ScorePageInput> {
    const days = options.days ?? PAGE_DAYS;
    const latest = await sources.latest();
    const notices: string[] = [];
    let lakePart: Pick<ScorePageInput, "daily" | "drops"> = {};
    if (!sources.lake) {
        if (options.noLake) notices.push(options.noLake);
    } else {
        const lake = sources.lake;
        const run = async (key: string, values: Record<string, number>): Promise<QueryResult> => {
            const result = await lake.query(bindParameters(findNamedQuery(key), values));
            notices.push(...(result.warnings ?? []));
            return result;
        };
        try {
            // One after the other: a DuckDB connection runs one query at a time.
            const daily = dailyScoresOf(await run("daily", { days }));
            const drops = dropsOf(await run("drops", { limit: options.drops ?? PAGE_DROPS }));
            lakePart = { daily, drops };
            if (daily.length === 0 && latest.length > 0) {
                notices.push("The lake holds no health scores yet, so there are no sparklines or drops (a deployed lake shows a day once the Glue crawler has added it).");
            }
        } catch (err) {
            notices.push(`The lake could not be read, so there are no sparklines or drops: ${(err as Error).message}`);
        }
    }
    return {
        source: sources.description,
        generatedAt: (options.now ?? (() => new Date()))().toISOString(),
        latest,
        ...lakePart,
        days,
        notices: [...new Set(notices)],
        emptyHint: options.emptyHint,
    };
}
