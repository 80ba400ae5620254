/**
 * Text renderers of the CLI: the leaderboard, the jobs table, the live progress block and
 * job log lines of `hpo local`, and the helpers they share. Pure, no dependencies beyond Node.
 */
export { colorEnabled, stripAnsi, style, truncate, visibleLength, type Style } from './ansi';
export {
  csvField,
  formatClock,
  formatDateTime,
  formatDuration,
  formatHyperParameter,
  formatObjective,
  layoutTable,
  plural,
  toCsv,
  type Align,
  type Column,
} from './format';
export { describeJobChange } from './job-log';
export {
  bestJobNote,
  describeBest,
  describeBestTrial,
  highestResult,
  isMultiFidelity,
  leaderboardHeader,
  milestoneReached,
  rankingRule,
  rankTrials,
  renderJobsTable,
  renderLeaderboard,
  rungText,
  sortJobs,
  trialStatusName,
  tunableNames,
  TRIAL_STATUSES,
  type RankedTrial,
  type TrialStatusName,
} from './leaderboard';
export { LiveDisplay, type LiveDisplayOptions } from './live';
export {
  budgetLeft,
  colorStatus,
  inFlight,
  MAX_PROGRESS_LINES,
  renderProgress,
  runElapsedSeconds,
  type ProgressOptions,
  type ProgressView,
} from './progress';
