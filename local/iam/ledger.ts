/**
 * The permissions ledger: every IAM call the twin authorized, per principal, with counts; so a
 * test can assert "no call denied, no grant unused", and the docs can show which permission each
 * function uses for which calls.
 */
import { expandIamActions, invertIamActions, type InvalidActionBehavior } from '@cloud-copilot/iam-expand';
import type { Authorization, Grant } from './authorize';
import { listOf, statementsOf, type Principal } from './types';

/** One distinct call of one principal, with how often it was made. */
export interface LedgerEntry {
  /** The principal's name (the function). */
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly allowed: boolean;
  /** The request that needed the call: its `X-Amz-Target` (e.g. `SageMaker.CreateTrainingJob`), or `S3.<Operation>`. */
  readonly target: string;
  readonly count: number;
  /** The Allow statements that matched it. */
  readonly grants: readonly Grant[];
}

/** A request the twin could not authorize (an operation calls.ts does not know). */
export interface LedgerProblem {
  readonly principal: string;
  readonly target: string;
  readonly message: string;
}

type MutableEntry = { -readonly [K in keyof LedgerEntry]: LedgerEntry[K] };

/** Records the calls of every principal. */
export class PermissionsLedger {
  private readonly byKey = new Map<string, MutableEntry>();
  private readonly problemList: LedgerProblem[] = [];

  /** Records one authorization of `principal` (a function name) for the request `target`. */
  record(principal: string, target: string, authorization: Authorization): void {
    const { call, allowed, grants } = authorization;
    const key = JSON.stringify([principal, call.action, call.resource, allowed, target]);
    const entry = this.byKey.get(key);
    if (entry) entry.count += 1;
    else this.byKey.set(key, { principal, action: call.action, resource: call.resource, allowed, target, count: 1, grants });
  }

  /** Records a request that could not be authorized. */
  recordProblem(principal: string, target: string, message: string): void {
    this.problemList.push({ principal, target, message });
  }

  /** Every entry, or those of one principal, in recording order. */
  entries(principal?: string): LedgerEntry[] {
    return [...this.byKey.values()].filter((e) => principal === undefined || e.principal === principal).map((e) => ({ ...e }));
  }

  /** The denied entries. */
  denied(): LedgerEntry[] {
    return this.entries().filter((e) => !e.allowed);
  }

  /** The requests that could not be authorized. */
  problems(): LedgerProblem[] {
    return [...this.problemList];
  }

  /** Forgets everything. */
  clear(): void {
    this.byKey.clear();
    this.problemList.length = 0;
  }
}

/** Options of {@link unusedGrants} and {@link renderPermissionsMarkdown}. */
export interface GrantOptions {
  /**
   * Only actions of these service prefixes count (e.g. `['dynamodb', 'sagemaker', 'states',
   * 'iam', 's3']`: what the twin authorizes; CloudWatch Logs or X-Ray grants are never used
   * through it).
   *
   * @default - every service
   */
  readonly services?: readonly string[];
}

/** An Allow statement with actions that no recorded call used. */
export interface UnusedGrant {
  readonly principal: string;
  readonly policy: string;
  /** 0-based index in the policy's statements. */
  readonly statement: number;
  readonly sid?: string;
  /** The unused actions, wildcards expanded (service data of iam-data), sorted. */
  readonly actions: readonly string[];
  /** The statement's resources (`NotResource` is shown as `not <pattern>`). */
  readonly resources: readonly string[];
}

const serviceOf = (action: string): string => action.split(':')[0].toLowerCase();

/** The actions a statement allows, wildcards expanded; `NotAction` as its complement within `services`. */
async function actionsOfStatement(action: readonly string[], notAction: readonly string[], services: readonly string[] | undefined): Promise<string[]> {
  const inScope = (a: string): boolean => services === undefined || services.includes(serviceOf(a));
  if (notAction.length > 0) {
    const all = await invertIamActions([...notAction]);
    return all.filter(inScope);
  }
  const patterns = action.filter((a) => a === '*' || inScope(a));
  const expanded = await expandIamActions([...patterns], { expandAsterisk: true, invalidActionBehavior: 'Include' as InvalidActionBehavior });
  return [...new Set(expanded)].filter(inScope);
}

/**
 * For each Allow statement of each principal, the actions that no allowed call of the ledger
 * used through that statement.
 *
 * @param entries the ledger's entries (of all principals or some)
 * @returns one item per statement with at least one unused action
 */
export async function unusedGrants(principals: Iterable<Principal>, entries: readonly LedgerEntry[], options: GrantOptions = {}): Promise<UnusedGrant[]> {
  const out: UnusedGrant[] = [];
  for (const principal of principals) {
    const used = new Set<string>();
    for (const entry of entries) {
      if (entry.principal !== principal.name || !entry.allowed) continue;
      for (const grant of entry.grants) used.add(JSON.stringify([grant.policy, grant.statement, entry.action.toLowerCase()]));
    }
    for (const policy of principal.policies) {
      const statements = statementsOf(policy.document);
      for (const [index, statement] of statements.entries()) {
        if (statement.Effect !== 'Allow') continue;
        const actions = await actionsOfStatement(listOf(statement.Action), listOf(statement.NotAction), options.services);
        const unused = actions.filter((a) => !used.has(JSON.stringify([policy.name, index, a.toLowerCase()]))).sort();
        if (unused.length === 0) continue;
        out.push({
          principal: principal.name,
          policy: policy.name,
          statement: index,
          ...(statement.Sid === undefined ? {} : { sid: statement.Sid }),
          actions: unused,
          resources: statement.NotResource !== undefined ? listOf(statement.NotResource).map((r) => `not ${r}`) : listOf(statement.Resource),
        });
      }
    }
  }
  return out;
}

/** Options of {@link renderPermissionsMarkdown}. */
export interface RenderOptions extends GrantOptions {
  /**
   * Rewrites a resource for display (e.g. the twin's placeholder account to `<account>`).
   *
   * @default - shown as recorded
   */
  readonly formatResource?: (resource: string) => string;
  /**
   * Heading level of each principal's section.
   *
   * @default 3
   */
  readonly headingLevel?: number;
}

const operationOf = (target: string): string => target.slice(target.lastIndexOf('.') + 1);
const code = (text: string): string => `\`${text.replace(/`/g, "'")}\``;

/**
 * A Markdown section per principal: a table of its permissions (action and the resource
 * pattern that granted it) with the operations that used each, how often; then the granted
 * actions no call used, and the denied calls, if any.
 */
export async function renderPermissionsMarkdown(principals: Iterable<Principal>, entries: readonly LedgerEntry[], options: RenderOptions = {}): Promise<string> {
  const show = options.formatResource ?? ((r: string) => r);
  const hashes = '#'.repeat(options.headingLevel ?? 3);
  const list = [...principals];
  const unused = await unusedGrants(list, entries, options);
  const sections: string[] = [];
  for (const principal of list) {
    const rows = new Map<string, { action: string; resource: string; uses: Map<string, number> }>();
    const denied: string[] = [];
    for (const entry of entries) {
      if (entry.principal !== principal.name) continue;
      if (options.services !== undefined && !options.services.includes(serviceOf(entry.action))) continue;
      if (!entry.allowed) {
        denied.push(`- ${code(entry.action)} on ${code(show(entry.resource))} (${operationOf(entry.target)} ×${entry.count})`);
        continue;
      }
      const patterns = [...new Set(entry.grants.flatMap((g) => g.resources))];
      for (const pattern of patterns) {
        const key = JSON.stringify([entry.action, pattern]);
        const row = rows.get(key) ?? { action: entry.action, resource: pattern, uses: new Map<string, number>() };
        const operation = operationOf(entry.target);
        row.uses.set(operation, (row.uses.get(operation) ?? 0) + entry.count);
        rows.set(key, row);
      }
    }
    const lines = [`${hashes} ${principal.name}`, '', '| Permission | Resource | Used by |', '| --- | --- | --- |'];
    const sorted = [...rows.values()].sort((a, b) => a.action.localeCompare(b.action) || a.resource.localeCompare(b.resource));
    for (const row of sorted) {
      const uses = [...row.uses].sort(([a], [b]) => a.localeCompare(b)).map(([op, n]) => `${op} ×${n}`).join(', ');
      lines.push(`| ${code(row.action)} | ${code(show(row.resource))} | ${uses} |`);
    }
    if (sorted.length === 0) lines.push('| (none) | | |');
    const mine = unused.filter((u) => u.principal === principal.name);
    if (mine.length > 0) {
      lines.push('', 'Granted, not used:', '');
      for (const u of mine) lines.push(`- ${u.actions.map(code).join(', ')} on ${u.resources.map((r) => code(show(r))).join(', ')}`);
    }
    if (denied.length > 0) lines.push('', 'Denied:', '', ...denied);
    sections.push(lines.join('\n'));
  }
  return `${sections.join('\n\n')}\n`;
}
