// Narrow typing for the parts of dynalite 4 (plain JavaScript, no bundled types) the local twin uses.
// Options documented in node_modules/dynalite/index.js; defaults in node_modules/dynalite/db/index.js.
declare module 'dynalite' {
  import type { Server } from 'node:http';

  interface DynaliteOptions {
    /** LevelDB folder; in memory when absent. */
    path?: string;
    /** How long a new table stays CREATING. @default 500 */
    createTableMs?: number;
    /** How long a deleted table stays DELETING. @default 500 */
    deleteTableMs?: number;
    /** How long an updated table stays UPDATING. @default 500 */
    updateTableMs?: number;
    /** Largest item, in KB. @default 400 */
    maxItemSizeKb?: number;
    verbose?: boolean;
    debug?: boolean;
    ssl?: boolean;
  }

  function dynalite(options?: DynaliteOptions): Server;
  export = dynalite;
}
