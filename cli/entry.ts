/**
 * The `hpo` process: runs {@link main} on the command line's arguments and exits with its code.
 *
 * Two launchers: `bin/hpo.js` runs it from the TypeScript sources in a repository checkout
 * (`npx hpo` there); the `sagemaker-hpo-cli` package runs the bundle `cli/dist/hpo.js` that
 * `npm run build:cli` makes of it.
 */
import { processIo } from './io';
import { main } from './main';

// The pinned AWS SDK supports Node 20 but warns about future releases on every run: the CLI
// is not the place for that warning (Lambda runs Node 22).
if (process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED === undefined) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
}

main(process.argv.slice(2), processIo()).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // main() never rejects; this is the last line of defence.
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`error: ${message}\nthis is a bug, please report it\n`);
    process.exitCode = 1;
  },
);
