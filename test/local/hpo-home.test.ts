/** Where `hpo` keeps local runs, whatever folder it runs from (local/workspace.ts). */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeHpoHome, displayPath, hpoHome, locateHpoHome } from '../../local/workspace';

describe('hpoHome', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'hpo-home-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('is ~/.hpo by default, from any folder', () => {
    const env = { HOME: join(root, 'me') };
    mkdirSync(join(root, 'a', 'b'), { recursive: true });
    expect(locateHpoHome(join(root, 'a', 'b'), env)).toEqual({ path: join(root, 'me', '.hpo'), why: 'the default; HPO_HOME overrides' });
    expect(hpoHome(root, env)).toBe(join(root, 'me', '.hpo'));
    expect(describeHpoHome(join(root, 'a'), env)).toBe('~/.hpo (the default; HPO_HOME overrides)');
  });

  it("is a project's .hpo when the folder or a parent has one", () => {
    const env = { HOME: join(root, 'me') };
    mkdirSync(join(root, 'project', '.hpo'), { recursive: true });
    mkdirSync(join(root, 'project', 'src', 'deep'), { recursive: true });
    expect(hpoHome(join(root, 'project', 'src', 'deep'), env)).toBe(join(root, 'project', '.hpo'));
    expect(describeHpoHome(join(root, 'project'), env)).toBe('.hpo');
    expect(describeHpoHome(join(root, 'project', 'src'), env)).toBe(`${join(root, 'project', '.hpo')} (the nearest .hpo folder)`);
  });

  it('is $HPO_HOME when set (relative to the working directory), over everything else', () => {
    mkdirSync(join(root, 'project', '.hpo'), { recursive: true });
    expect(hpoHome(join(root, 'project'), { HOME: root, HPO_HOME: 'runs-here' })).toBe(join(root, 'project', 'runs-here'));
    expect(hpoHome(join(root, 'project'), { HPO_HOME: '/abs/hpo' })).toBe('/abs/hpo');
    // An empty HPO_HOME is unset.
    expect(hpoHome(join(root, 'project'), { HOME: root, HPO_HOME: '' })).toBe(join(root, 'project', '.hpo'));
  });
});

describe('displayPath', () => {
  it('is relative under the working directory, ~/ under the home directory, else absolute', () => {
    const env = { HOME: '/home/me' };
    expect(displayPath('/work/project', '/work/project/.hpo/runs/a', env)).toBe('.hpo/runs/a');
    expect(displayPath('/work/project', '/home/me/.hpo/runs/a', env)).toBe('~/.hpo/runs/a');
    expect(displayPath('/work/project', '/srv/hpo/runs/a', env)).toBe('/srv/hpo/runs/a');
    expect(displayPath('/work/project', '/work/project', env)).toBe('/work/project');
  });
});
