// The id rule every contribution (data source, report section) follows; not part of the public index.
const ID_PATTERN = /^[a-z0-9][a-z0-9._-]*$/;

/** Throws unless `id` is lower-case letters, digits, '.', '_' or '-', naming what it is and an example. */
export function checkContributionId(what: string, id: unknown, example: string): void {
    if (typeof id !== 'string' || !ID_PATTERN.test(id)) {
        throw new Error(`${what} id '${String(id)}' is invalid: use lower-case letters, digits, '.', '_' or '-', e.g. '${example}'.`);
    }
}
