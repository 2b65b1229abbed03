// *****************************************************************************
// Imported first by strategy-worker.ts (imports run in order): locks the worker thread down
// before any other module runs, so none has changed an intrinsic that SES then freezes.
// *****************************************************************************

import { lockdownThread } from './sandbox-lockdown';

lockdownThread();
