/** Command-line values the commands share, checked as commander parses them. */
import { InvalidArgumentError } from "commander";

/** A day, `YYYY-MM-DD`, that exists. */
export function parseDay(value: string): string {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
        throw new InvalidArgumentError(`not a day (YYYY-MM-DD): ${value}`);
    }
    return value;
}
