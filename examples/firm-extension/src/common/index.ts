// The firm's own protocol: ids other parts of the firm's code refer to.
export const DESK_EXTENSION = '@acme-capital/backtestr-desk';
export const DESK_FEED_SOURCE_ID = 'acme.desk-feed';
