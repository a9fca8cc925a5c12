/**
 * Structured logs: one JSON object per line, which CloudWatch Logs Insights reads field by field.
 * Never pass the webhook token or a request path to it: the receiver logs the route a path took (token.ts routeOf).
 */
export interface Logger {
    info(message: string, fields?: Record<string, unknown>): void;
    warn(message: string, fields?: Record<string, unknown>): void;
    error(message: string, fields?: Record<string, unknown>): void;
}

export function jsonLogger(write: (line: string) => void = (line) => console.log(line)): Logger {
    const log = (level: string) => (message: string, fields: Record<string, unknown> = {}) =>
        write(JSON.stringify({ level, time: new Date().toISOString(), message, ...fields }));
    return { info: log("info"), warn: log("warn"), error: log("error") };
}

/** For tests and quiet CLI runs. */
export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
