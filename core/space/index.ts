/**
 * The search space: AMT scalings, the unit-cube encoding, SageMaker string rendering and
 * the Grid enumeration. Re-exports only.
 */
export { SearchSpaceError } from './errors';
export { assertValidSpace, parameterIssues, spaceIssues, valueIssue } from './validate';
export { AUTO_LOG_RATIO, fromUnit, resolveScaling, toUnit } from './scaling';
export type { NumericParameter, ResolvedScaling } from './scaling';
export { configurationIssues, configurationKey, contains, decode, decodeValue, describeSpace, encode } from './codec';
export { parseConfiguration, parseValue, renderConfiguration, renderValue } from './render';
export { GRID_POINTS_LIMIT, gridPoint, gridPoints, gridSize, iterateGrid } from './grid';
