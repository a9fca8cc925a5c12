/**
 * Structured logs: one JSON object per line, which CloudWatch Logs Insights reads field by field. The receiver and
 * the loader log through this interface only, so that their core stays free of any logging library and a test can
 * capture their lines; in Lambda and the local stack, handlers/lambdaLogger.ts puts Powertools' Logger behind it.
 * Never pass the webhook token, a request path, a body or an element's content to it: the receiver logs the route a
 * path took (token.ts routeOf) and counts.
 */
export interface Logger {
    info(message: string, fields?: Record<string, unknown>): void;
    warn(message: string, fields?: Record<string, unknown>): void;
    error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * What a function invocation hands its logger: Lambda's context (the request id, the function's name and memory),
 * and, where the caller knows it, which attempt at the event this is. Lambda does not say which attempt of an
 * asynchronous event it runs; the local stack, which plays Lambda's retries, does.
 */
export interface InvocationContext {
    functionName?: string;
    functionVersion?: string;
    invokedFunctionArn?: string;
    memoryLimitInMB?: string;
    awsRequestId?: string;
    /** 1 for the first attempt at an event, 2 and 3 for Lambda's retries. */
    attempt?: number;
}

/** A function's logger: told when an invocation starts, so that its lines carry the invocation's context. */
export interface FunctionLogger extends Logger {
    startInvocation(context?: InvocationContext): void;
}

export function jsonLogger(write: (line: string) => void = (line) => console.log(line)): Logger {
    const log = (level: string) => (message: string, fields: Record<string, unknown> = {}) =>
        write(JSON.stringify({ level, time: new Date().toISOString(), message, ...fields }));
    return { info: log("info"), warn: log("warn"), error: log("error") };
}

/** A logger that knows no invocation context (tests, the CLI): the context is ignored. */
export function functionLogger(logger: Logger): FunctionLogger {
    return "startInvocation" in logger ? logger as FunctionLogger : { ...bind(logger), startInvocation: () => undefined };
}

function bind(logger: Logger): Logger {
    return { info: logger.info.bind(logger), warn: logger.warn.bind(logger), error: logger.error.bind(logger) };
}

/** For tests and quiet CLI runs. */
export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
