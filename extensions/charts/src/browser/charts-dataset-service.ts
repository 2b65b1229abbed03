/** Charts' own proxy to the data layer's `DatasetService` (the data-import extension binds that Symbol itself). */
export const ChartsDatasetService = Symbol('ChartsDatasetService');
