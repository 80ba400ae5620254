'use strict';
/**
 * One Lambda sandbox of the local twin: a worker thread that loads a function's bundle once
 * (its init phase) and then runs one invocation at a time, like the Node.js Lambda runtime.
 *
 * Plain CommonJS on purpose: the bundles are CommonJS, and this file must run without tsx.
 * The worker's `process.env` is the function's configured environment (Worker `env` option).
 * Errors are reported as the Node.js runtime reports them: `errorType` from `error.name`,
 * `errorMessage`, `trace` (the stack, split into lines).
 */
const { parentPort, workerData } = require('node:worker_threads');
const path = require('node:path');

if (workerData.enableSourceMaps && typeof process.setSourceMapsEnabled === 'function') {
  process.setSourceMapsEnabled(true);
}

function toFunctionError(thrown) {
  if (thrown instanceof Error) {
    return {
      errorType: thrown.name,
      errorMessage: thrown.message,
      trace: String(thrown.stack || `${thrown.name}: ${thrown.message}`).split('\n'),
    };
  }
  return { errorType: typeof thrown === 'string' ? 'string' : 'Error', errorMessage: String(thrown), trace: [] };
}

let handler;
let initError;
try {
  const [file, exportName] = splitHandler(workerData.handler);
  const mod = require(path.join(workerData.codeDir, file));
  handler = mod[exportName];
  if (typeof handler !== 'function') {
    initError = {
      errorType: 'Runtime.HandlerNotFound',
      errorMessage: `${workerData.handler} is undefined or not exported`,
      trace: [],
    };
  }
} catch (error) {
  initError = error && error.code === 'MODULE_NOT_FOUND'
    ? { errorType: 'Runtime.ImportModuleError', errorMessage: `Error: ${error.message}`, trace: [] }
    : toFunctionError(error);
}

/** `index.handler` -> ['index.js', 'handler']. */
function splitHandler(value) {
  const dot = value.lastIndexOf('.');
  return [`${value.slice(0, dot)}.js`, value.slice(dot + 1)];
}

parentPort.on('message', async (message) => {
  const { id, event, context: fields } = message;
  if (initError) {
    parentPort.postMessage({ id, ok: false, error: initError });
    return;
  }
  const unsupported = (what) => () => {
    throw new Error(`context.${what}() is a deprecated Lambda API the local twin does not support: return or throw instead`);
  };
  const context = {
    ...fields,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, fields.deadline - Date.now()),
    done: unsupported('done'),
    fail: unsupported('fail'),
    succeed: unsupported('succeed'),
  };
  delete context.deadline;
  try {
    const result = await handler(JSON.parse(event), context);
    const text = JSON.stringify(result);
    parentPort.postMessage({ id, ok: true, result: text === undefined ? 'null' : text });
  } catch (error) {
    parentPort.postMessage({ id, ok: false, error: toFunctionError(error) });
  }
});
