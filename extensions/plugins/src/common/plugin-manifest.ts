// *****************************************************************************
// The `backtestr` manifest a run-time plugin carries in its package.json.
// *****************************************************************************

/** What a plugin can contribute, in the order the Plugins view lists them. */
export const CONTRIBUTION_KINDS = ['indicators', 'dataSources', 'strategies', 'reportSections'] as const;
export type ContributionKind = typeof CONTRIBUTION_KINDS[number];

/** Human names of the contribution kinds (singular), for messages and the view. */
export const CONTRIBUTION_KIND_LABELS: Readonly<Record<ContributionKind, string>> = {
    indicators: 'indicator',
    dataSources: 'data source',
    strategies: 'strategy',
    reportSections: 'report section'
};

/**
 * The `backtestr` field of a plugin's package.json, e.g.
 * ```json
 * "backtestr": {
 *   "id": "acme.keltner", "publisher": "Acme", "sdk": "^0.1.0",
 *   "contributes": { "indicators": ["acme.keltner"] },
 *   "engine": "lib/index.js", "chart": "lib/chart.js"
 * }
 * ```
 */
export interface PluginManifest {
    /** Unique id of the plugin: lower-case letters, digits, '.', '_' and '-', e.g. `acme.keltner`. */
    readonly id: string;
    /** Semantic version; defaults to the package's `version` and must equal it when both are given. */
    readonly version: string;
    readonly publisher: string;
    /** Shown in the Plugins view; defaults to the package's name. */
    readonly displayName: string;
    readonly description?: string;
    /** The semver range of `@backtestr/plugins-sdk` the plugin was built against, e.g. `^0.1.0`. */
    readonly sdk: string;
    /** The ids of what the plugin contributes; its engine module must export exactly these. */
    readonly contributes: Readonly<Partial<Record<ContributionKind, readonly string[]>>>;
    /** CommonJS module (relative to the package folder) exporting the contributions; run in the plugin host. */
    readonly engine: string;
    /** Optional module (relative to the package folder) with the chart-side drawing code of its indicators. */
    readonly chart?: string;
}

/** One thing wrong with a manifest: the field (`backtestr.sdk`) and what to do about it. */
export interface ManifestProblem {
    readonly field: string;
    readonly message: string;
}

export const PLUGIN_ID_PATTERN = /^[a-z0-9][a-z0-9._-]*$/;
