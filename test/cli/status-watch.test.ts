/**
 * `hpo status <run> --watch`: follows a run that another process (a stand-in for `hpo local`)
 * is driving in a real dynalite store, until it ends; redraws on a terminal, prints only changes
 * otherwise; exits like `hpo status`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { runStatus, type WatchClock } from '../../cli/commands/status';
import { tick } from '../../core/orchestrator/tick';
import { hpoHome, LOCAL_TABLE_NAME, openLocalStore, runPaths, type OpenedLocalStore } from '../../local/workspace';
import { createWorld, deliverEvents, runToEnd, type World } from '../helpers/simulated-world';
import { captureIo, commaInput, objective, recordLocalRun, runCommand, tempWorkspace } from './results-world';

const CLEAR = '\x1b[H\x1b[2J';

/** A run in progress: its store held open (as hpo local holds it) and its run.json naming the live endpoint. */
async function liveRun(cwd: string, name: string, meta: { pid?: number } = {}): Promise<{ world: World<OpenedLocalStore['store']>; opened: OpenedLocalStore }> {
  const paths = runPaths(hpoHome(cwd, { HPO_HOME: '.hpo' }), name);
  const opened = await openLocalStore(paths.dynamodb);
  const world = await createWorld(commaInput({ name, maxJobs: 6, maxParallel: 2 }), objective, { store: opened.store });
  mkdirSync(dirname(paths.meta), { recursive: true });
  writeFileSync(paths.meta, JSON.stringify({ input: 'tuning.json', pid: meta.pid ?? process.pid, dynamodbEndpoint: opened.endpoint }));
  return { world, opened };
}

/** A clock whose sleeps run the given steps (one per sleep) instead of waiting. */
function steppingClock(steps: Array<() => Promise<unknown>>): WatchClock & { sleeps: number[] } {
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => new Date('2026-02-01T12:00:00Z'),
    sleep: async (ms) => {
      sleeps.push(ms);
      const step = steps.shift();
      if (step === undefined) throw new Error(`slept ${sleeps.length} times; the watch should have ended`);
      await step();
    },
  };
}

describe('hpo status --watch', () => {
  const ws = tempWorkspace();
  const savedHome = process.env.HPO_HOME;
  beforeAll(() => {
    delete process.env.HPO_HOME;
  });
  afterAll(() => {
    if (savedHome !== undefined) process.env.HPO_HOME = savedHome;
    ws.cleanup();
  });

  it('without a terminal: prints the run, then again only when it changed, until it ends (exit 0)', async () => {
    // Prepare: a run with jobs in flight; the clock advances it between reads.
    const { world, opened } = await liveRun(ws.cwd, 'live-pipe');
    await tick(world.deps, world.runId);
    const clock = steppingClock([
      async () => undefined, // nothing changes: nothing printed
      async () => {
        world.clock.ms = world.backend.nextEndTime() ?? world.clock.ms;
        await deliverEvents(world);
        await tick(world.deps, world.runId);
      },
      () => runToEnd(world),
    ]);
    const io = captureIo(ws.cwd, false);
    try {
      // Act
      const code = await runCommand((args, i) => runStatus(args, i, clock), ['live-pipe', '--watch', '--interval', '2'], io);

      // Assess
      expect({ code, err: io.err }).toEqual({ code: 0, err: '' });
      expect(clock.sleeps).toEqual([2000, 2000, 2000]);
      const blocks = io.out.split(/\n(?=run live-pipe: )/);
      expect(blocks.map((b) => b.split('\n')[0])).toEqual(['run live-pipe: Running', 'run live-pipe: Running', 'run live-pipe: Completed']);
      expect(blocks[0]).toContain('in flight:');
      expect(io.out).not.toContain(CLEAR);
    } finally {
      await opened.close();
    }
  });

  it('on a terminal: redraws in place every interval, says when the run ended', async () => {
    const { world, opened } = await liveRun(ws.cwd, 'live-tty');
    await tick(world.deps, world.runId);
    const clock = steppingClock([async () => undefined, () => runToEnd(world)]);
    const io = captureIo(ws.cwd, true);
    try {
      const code = await runCommand((args, i) => runStatus(args, i, clock), ['live-tty', '--watch'], io);

      expect(code).toBe(0);
      expect(clock.sleeps).toEqual([5000, 5000]);
      const frames = io.out.split(CLEAR).slice(1);
      expect(frames).toHaveLength(3);
      expect(frames[0]).toMatch(/^hpo status live-tty --watch: every 5 s until the run ends \(Ctrl-C stops watching, not the run\), .+\n\nrun live-tty: Running\n/);
      expect(frames[1]).toMatch(/\n\nrun live-tty: Running\n/);
      expect(frames[2]).toMatch(/^hpo status live-tty --watch: the run ended \(Completed\), .+\n\nrun live-tty: Completed\n/);
    } finally {
      await opened.close();
    }
  });

  it('follows a deployed tuner\'s run (--table) on one connection', async () => {
    // Prepare: a results table reached through the SDK's endpoint variable, as in AWS.
    const { world, opened } = await liveRun(ws.cwd, 'deployed-run');
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_ENDPOINT_URL_DYNAMODB: opened.endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x' });
    const clock = steppingClock([() => runToEnd(world)]);
    const io = captureIo(ws.cwd, false);
    try {
      // Act
      const code = await runCommand((args, i) => runStatus(args, i, clock), ['deployed-run', '--watch', '--table', LOCAL_TABLE_NAME], io);

      // Assess
      expect(code).toBe(0);
      expect(io.out.split(/\n(?=run deployed-run: )/).map((b) => b.split('\n')[0])).toEqual(['run deployed-run: Running', 'run deployed-run: Completed']);
      expect(io.out).toContain(`records:     table ${LOCAL_TABLE_NAME} (us-east-1)`);
    } finally {
      for (const key of ['AWS_ENDPOINT_URL_DYNAMODB', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
      await opened.close();
    }
  });

  it('a run that has ended: shown once, no waiting', async () => {
    await recordLocalRun(ws.cwd, { name: 'done-run' });
    const clock = steppingClock([]);
    const io = captureIo(ws.cwd, false);
    const code = await runCommand((args, i) => runStatus(args, i, clock), ['done-run', '--watch'], io);
    expect(code).toBe(0);
    expect(clock.sleeps).toEqual([]);
    expect(io.out.split('\n')[0]).toBe('run done-run: Completed');
    // The same text as hpo status.
    const plain = captureIo(ws.cwd, false);
    await runCommand((args, i) => runStatus(args, i, clock), ['done-run'], plain);
    expect(io.out).toBe(plain.out);
  });

  it('a local run whose process died: the note, then the watch ends (it will not move on by itself)', async () => {
    const { opened } = await liveRun(ws.cwd, 'orphan', { pid: 2 ** 22 + 12345 });
    await opened.close(); // the process is gone: its store is no longer held
    const clock = steppingClock([]);
    const io = captureIo(ws.cwd, false);
    const code = await runCommand((args, i) => runStatus(args, i, clock), ['orphan', '--watch'], io);
    expect(code).toBe(0);
    expect(clock.sleeps).toEqual([]);
    expect(io.out).toMatch(/^run orphan: Running\n/);
    expect(io.out).toContain('note: the hpo local process that ran it (pid 4206649) ended without a clean stop; continue the run with: npx hpo local tuning.json --resume');
  });

  it('retries a read that fails mid-watch, with a warning on stderr', async () => {
    // Prepare: the "hpo local" process restarts its store on a new endpoint; run.json names the
    // old one for a while, so reads fail until it is updated.
    const name = 'flaky';
    const paths = runPaths(hpoHome(ws.cwd, { HPO_HOME: '.hpo' }), name);
    const first = await liveRun(ws.cwd, name);
    let second: OpenedLocalStore | undefined;
    const restart = async (): Promise<void> => {
      await first.opened.close();
      second = await openLocalStore(paths.dynamodb);
    };
    const announce = async (): Promise<void> => {
      writeFileSync(paths.meta, JSON.stringify({ input: 'tuning.json', pid: process.pid, dynamodbEndpoint: second!.endpoint }));
    };
    const stop = async (): Promise<void> => {
      await second!.store.setRunStatus(first.world.runId, 'Stopped', 'stopped by the test', new Date().toISOString(), 'Stopped');
    };
    const clock = steppingClock([restart, announce, stop]);
    const io = captureIo(ws.cwd, false);
    try {
      // Act
      const code = await runCommand((args, i) => runStatus(args, i, clock), [name, '--watch', '--interval', '1'], io);

      // Assess
      expect(code).toBe(0);
      expect(io.err).toMatch(/^warning: could not read run 'flaky' \(.+\); trying again in 1 s\n$/);
      expect(io.out.split(/\n(?=run flaky: )/).map((b) => b.split('\n')[0])).toEqual(['run flaky: Running', 'run flaky: Stopped']);
    } finally {
      await second?.close();
    }

  });

  it('gives up after 3 failed reads in a row (exit 1, as hpo status for a store it cannot read)', async () => {
    // Prepare: the store comes back on an endpoint run.json never names.
    const name = 'flaky-dead';
    const paths = runPaths(hpoHome(ws.cwd, { HPO_HOME: '.hpo' }), name);
    const { opened } = await liveRun(ws.cwd, name);
    let stale: OpenedLocalStore | undefined;
    const breakIt = async (): Promise<void> => {
      await opened.close();
      stale = await openLocalStore(paths.dynamodb);
    };
    const giveUp = steppingClock([breakIt, async () => undefined, async () => undefined]);
    const failing = captureIo(ws.cwd, false);
    try {
      const code = await runCommand((args, i) => runStatus(args, i, giveUp), [name, '--watch', '--interval', '1'], failing);

      // Assess
      expect(code).toBe(1);
      expect(giveUp.sleeps).toEqual([1000, 1000, 1000]);
      expect(failing.out).toMatch(/^run flaky-dead: Running\n/);
      expect(failing.err.split('\n').filter((l) => l.startsWith('warning: could not read run'))).toHaveLength(2);
      expect(failing.err).toMatch(/\nerror: .+\n$/);
    } finally {
      await stale?.close();
    }
  });

  it('exits like hpo status: 1 for a run that does not exist', async () => {
    const io = captureIo(ws.cwd, false);
    const code = await runCommand((args, i) => runStatus(args, i, steppingClock([])), ['no-such-run', '--watch'], io);
    expect(code).toBe(1);
    expect(io.err).toMatch(/^error: no local run 'no-such-run'/);
  });

  it.each([
    [['--watch'], /--watch follows one run: name it/],
    [['done-run', '--interval', '3'], /--interval goes with --watch/],
    [['done-run', '--watch', '--interval', '0'], /--interval must be a number of seconds from 1 to 3600, got '0'/],
    [['done-run', '--watch', '--interval', 'soon'], /--interval must be a number of seconds from 1 to 3600, got 'soon'/],
    [['done-run', '--watch', '--limit', '3'], /use either, not both/],
  ])('exits 2 for bad arguments: %j', async (args, message) => {
    const io = captureIo(ws.cwd, false);
    const code = await runCommand((a, i) => runStatus(a, i, steppingClock([])), args, io);
    expect(code).toBe(2);
    expect(io.err).toMatch(message);
  });
});
