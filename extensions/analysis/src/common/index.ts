export * from './analysis-protocol';
export * from './statistics';
export * from './run-analysis';
export * from './report-sections';
export { lookAheadBadge, lookAheadText } from './report/look-ahead-text';
