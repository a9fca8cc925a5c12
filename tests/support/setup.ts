// Loaded by mocha before any test file (see .mocharc.json).
// The AWS SDK warns once per process that Node.js 20 support ends in 2027; the Lambda runs nodejs22.x.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
