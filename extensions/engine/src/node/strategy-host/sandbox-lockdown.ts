// *****************************************************************************
// SES `lockdown()` for the thread that evaluates strategy and plugin code: freezes the shared
// intrinsics (Object.prototype, Function.prototype, Array.prototype, ...) and tames the Function
// constructor, so code in a Compartment cannot pollute a prototype the host uses or climb from a
// host object (`ctx.mtf.constructor.constructor`) to the host's global scope. The strategy worker
// imports this module first, before any module that could have changed an intrinsic. Only worker
// threads are locked down: a process that loaded other modules first (Theia's, reflect-metadata,
// which adds to Reflect) cannot be, and a strategy loaded there (a spec, a bench in one thread) gets
// a compartment's globals but not a security boundary.
// *****************************************************************************

import 'ses';

let locked = false;

/** True once this thread is locked down (a strategy worker; the worker's first import does it). */
export function isLockedDown(): boolean {
    return locked;
}

/** Locks this thread down (once; later calls do nothing). Errors keep their stacks, so user lines stay mapped. */
export function lockdownThread(): void {
    if (locked) {
        return;
    }
    locked = true;
    lockdown({
        // Stacks as V8 writes them (the worker maps the bundle's lines back to the user's files).
        errorTaming: 'unsafe', stackFiltering: 'verbose',
        // Host modules that assign to a property an intrinsic prototype has (toString, constructor) keep working.
        overrideTaming: 'severe',
        // The host's console is Node's, untouched (strategies get a bounded one of their own).
        consoleTaming: 'unsafe',
        // An uncaught error or rejection reaches Node (and the worker's 'error' event) as without SES.
        errorTrapping: 'none', unhandledRejectionTrapping: 'none'
    });
    // Intl is not one of SES's shared intrinsics: compartments get the host's, frozen.
    harden(Intl);
}
