// *****************************************************************************
// Chart colours from Theia's CSS variables, so the panels follow the dark and light themes.
// *****************************************************************************

export interface ChartColors {
    readonly background: string;
    readonly text: string;
    readonly grid: string;
    readonly border: string;
    readonly up: string;
    readonly down: string;
    /** Fill of the forming (partial) bar: translucent, with a solid border. */
    readonly partialUp: string;
    readonly partialDown: string;
    readonly cursor: string;
}

function cssVar(style: CSSStyleDeclaration, name: string, fallback: string): string {
    const v = style.getPropertyValue(name).trim();
    return v.length > 0 ? v : fallback;
}

/** `#rrggbb` or `rgb(...)` with an alpha, for the partial bar; other forms unchanged. */
export function withAlpha(color: string, alpha: number): string {
    const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})/i.exec(color);
    if (hex) {
        return `rgba(${parseInt(hex[1], 16)}, ${parseInt(hex[2], 16)}, ${parseInt(hex[3], 16)}, ${alpha})`;
    }
    const rgb = /^rgba?\((\d+)[, ]+(\d+)[, ]+(\d+)/.exec(color);
    return rgb ? `rgba(${rgb[1]}, ${rgb[2]}, ${rgb[3]}, ${alpha})` : color;
}

export function readChartColors(element: HTMLElement = document.body): ChartColors {
    const style = getComputedStyle(element);
    const up = cssVar(style, '--theia-terminal-ansiGreen', '#26a69a');
    const down = cssVar(style, '--theia-terminal-ansiRed', '#ef5350');
    return {
        background: cssVar(style, '--theia-editor-background', '#1e1e1e'),
        text: cssVar(style, '--theia-foreground', '#cccccc'),
        grid: withAlpha(cssVar(style, '--theia-panel-border', '#80808059'), 0.35),
        border: cssVar(style, '--theia-panel-border', '#808080'),
        up, down,
        partialUp: withAlpha(up, 0.25),
        partialDown: withAlpha(down, 0.25),
        cursor: cssVar(style, '--theia-focusBorder', '#007fd4')
    };
}
