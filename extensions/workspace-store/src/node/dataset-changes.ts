// *****************************************************************************
// Changes of a workspace's datasets within this process, by database file: an import committed, a dataset
// replaced or deleted. Whoever made the change (the Datasets view, the import wizard, a `backtestr import`
// sent to the workspace's owner) announces it here once it is committed, and the Datasets view's service
// pushes it to its clients: the view is told, never polls. Like RunStore.onDidChangeRuns for runs, but keyed
// by the database file, since importers open their own connections on it.
// *****************************************************************************

import * as path from 'path';
import { Disposable } from '@theia/core/lib/common/disposable';
import { Emitter } from '@theia/core/lib/common/event';

export interface DatasetsChange {
    /** The database file, resolved. */
    readonly database: string;
}

const emitter = new Emitter<DatasetsChange>();

export namespace DatasetChanges {
    /** Tells the listeners of `databasePath` that its datasets changed (after the change is committed). */
    export function announce(databasePath: string): void {
        emitter.fire({ database: path.resolve(databasePath) });
    }

    /** Calls `listener` after each committed change of the datasets of `databasePath`'s database, until disposed. */
    export function onDidChange(databasePath: () => string | undefined, listener: () => void): Disposable {
        return emitter.event(change => {
            const watched = databasePath();
            if (watched !== undefined && path.resolve(watched) === change.database) {
                listener();
            }
        });
    }
}
