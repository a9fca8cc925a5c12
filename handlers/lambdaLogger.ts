/**
 * The functions' logger: Powertools for AWS Lambda's Logger behind the project's Logger interface. It writes one
 * JSON object per line straight to stdout (not through Lambda's patched console.log, whose text format would
 * prefix each line), with `level`, `message`, `timestamp`, `service`, and, once an invocation has started, Lambda's
 * context: `cold_start` (true on the first invocation of an instance: Powertools reads it from
 * AWS_LAMBDA_INITIALIZATION_TYPE=on-demand, which Lambda sets; elsewhere it is always false), `function_name`,
 * `function_request_id`, `function_arn`, `function_memory_size`.
 *
 * Build it inside a callback factory, never at module scope: Pulumi's function serializer cannot capture a Logger
 * instance (it captures the module as a require, which is what the archive needs).
 */
import { Logger as PowertoolsLogger } from "@aws-lambda-powertools/logger";
import type { Context } from "aws-lambda";
import { SERVICE_NAME } from "../shared/observability";
import type { FunctionLogger, InvocationContext } from "./logger";

export function powertoolsLogger(): FunctionLogger {
    const logger = new PowertoolsLogger({ serviceName: SERVICE_NAME });
    return {
        info: (message, fields = {}) => logger.info(message, fields),
        warn: (message, fields = {}) => logger.warn(message, fields),
        error: (message, fields = {}) => logger.error(message, fields),
        startInvocation(context?: InvocationContext) {
            // Only Lambda's own fields: the attempt is the handler's to log, next to what it did.
            if (context) logger.addContext(lambdaContextOf(context));
        },
    };
}

/** The part of Lambda's context that Powertools reads; the rest is never used by addContext. */
function lambdaContextOf(context: InvocationContext): Context {
    const { functionName = "", functionVersion = "$LATEST", invokedFunctionArn = "", memoryLimitInMB = "", awsRequestId = "" } = context;
    return { functionName, functionVersion, invokedFunctionArn, memoryLimitInMB, awsRequestId } as Context;
}
