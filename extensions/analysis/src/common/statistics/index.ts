export * from './statistics-types';
export * from './running-moments';
export * from './statistics-calendar';
export * from './trade-statistics-accumulator';
export * from './drawdown-tracker';
export * from './daily-returns-accumulator';
export * from './statistics-accumulator';
export * from './compute-statistics';
