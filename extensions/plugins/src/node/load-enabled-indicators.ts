// *****************************************************************************
// For the engine's strategy worker: the indicator definitions of the enabled plugins, loaded
// in the calling thread (the strategy worker, never the backend's main thread) by the loader the
// caller gives (the worker's sandbox: each plugin in a compartment of its own, as strategies)
// and wrapped so that a malformed value (wrong shape, NaN) throws an error naming the plugin and indicator.
// *****************************************************************************
import type { Bar, IndicatorDefinition, IndicatorState } from '@backtestr/plugins-sdk';
import { checkIndicatorValue, isPlainObject } from './plugin-output-validation';
import { readPluginPackage } from './plugin-manifest-reader';
import { PluginStore } from './plugin-store';

/** Evaluates a plugin's engine entry and returns its exports (the strategy worker's sandbox; tests may `require`). */
export type PluginModuleLoader = (entry: string, pluginId: string) => unknown;

export type PluginIndicatorDefinition = IndicatorDefinition<Record<string, unknown>, unknown>;

export interface PluginIndicator {
    readonly pluginId: string;
    readonly definition: PluginIndicatorDefinition;
}

export interface EnabledIndicators {
    /** By indicator id. */
    readonly indicators: ReadonlyMap<string, PluginIndicator>;
    /** Plugins that could not be loaded here (each is skipped, the others are loaded). */
    readonly problems: readonly { readonly pluginId: string; readonly message: string }[];
}

/** An indicator state whose values are checked: a wrong shape or NaN throws, naming the plugin. */
function checked(pluginId: string, definition: PluginIndicatorDefinition): PluginIndicatorDefinition {
    return Object.freeze({
        ...definition,
        create(options: Readonly<Record<string, unknown>>): IndicatorState<unknown> {
            const state = definition.create({ ...definition.defaultOptions, ...options });
            let bar = 0;
            const check = (value: unknown): unknown => {
                try {
                    checkIndicatorValue(definition.id, definition.outputs, value, bar);
                } catch (error) {
                    throw new Error(`Plugin ${pluginId}: ${error instanceof Error ? error.message : String(error)}`);
                }
                return value;
            };
            return {
                update: (b: Bar) => {
                    const value = check(state.update(b));
                    bar++;
                    return value;
                },
                peek: state.peek ? (b: Bar) => check(state.peek?.(b)) : undefined
            };
        }
    });
}

/**
 * Loads the indicators of every plugin enabled in `pluginDir` (its `plugins.json`) through `load`. Synchronous;
 * call it once when a strategy worker starts, then look indicators up by id.
 */
export function loadEnabledIndicators(pluginDir: string, load: PluginModuleLoader): EnabledIndicators {
    const store = new PluginStore(pluginDir);
    const indicators = new Map<string, PluginIndicator>();
    const problems: { pluginId: string; message: string }[] = [];
    for (const [pluginId, record] of Object.entries(store.read())) {
        if (record.state !== 'enabled') {
            continue;
        }
        try {
            const pkg = readPluginPackage(store.folderOf(pluginId));
            if (!(pkg.manifest.contributes.indicators?.length)) {
                continue;
            }
            const loaded: unknown = load(pkg.engineEntry, pluginId);
            const exports = isPlainObject(loaded) && isPlainObject(loaded.default) ? loaded.default : loaded;
            const list = isPlainObject(exports) && Array.isArray(exports.indicators) ? exports.indicators as PluginIndicatorDefinition[] : [];
            for (const id of pkg.manifest.contributes.indicators) {
                const definition = list.find(d => isPlainObject(d) && d.id === id);
                if (!definition || typeof definition.create !== 'function') {
                    throw new Error(`${pkg.manifest.engine} does not export indicator '${id}'.`);
                }
                if (indicators.has(id)) {
                    throw new Error(`indicator '${id}' is also contributed by plugin ${indicators.get(id)?.pluginId}.`);
                }
                indicators.set(id, { pluginId, definition: checked(pluginId, definition) });
            }
        } catch (error) {
            problems.push({ pluginId, message: error instanceof Error ? error.message : String(error) });
        }
    }
    return { indicators, problems };
}
