export * from './workbench-protocol';
