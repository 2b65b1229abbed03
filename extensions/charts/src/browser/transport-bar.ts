// *****************************************************************************
// The replay transport bar: play/pause, tick and bar steps, speed, seek slider, cursor read-out.
// Plain DOM; the chart view owns the behaviour through the callbacks.
// *****************************************************************************

import { CHART_TIMEFRAMES, REPLAY_SPEEDS } from '../common/chart-protocol';

export interface TransportActions {
    togglePlay(): void;
    stepTick(direction: 1 | -1): void;
    stepBar(direction: 1 | -1): void;
    seek(tickIndex: number, final: boolean): void;
    toStart(): void;
    toEnd(): void;
    setSpeed(speed: string): void;
    setStepTimeframe(timeframe: string): void;
    /** To the run's next (1) or previous (-1) order event. */
    jumpEvent(direction: 1 | -1): void;
    /** To the entry tick of the run's next (1) or previous (-1) trade. */
    jumpTrade(direction: 1 | -1): void;
}

function button(icon: string, title: string, testId: string, onClick: () => void): HTMLButtonElement {
    const b = document.createElement('button');
    b.className = `theia-button secondary backtestr-transport-button codicon codicon-${icon}`;
    b.title = title;
    b.dataset.testid = testId;
    b.addEventListener('click', onClick);
    return b;
}

function select(options: readonly string[], value: string, title: string, testId: string, onChange: (v: string) => void): HTMLSelectElement {
    const s = document.createElement('select');
    s.className = 'theia-select';
    s.title = title;
    s.dataset.testid = testId;
    for (const o of options) {
        const opt = document.createElement('option');
        opt.value = o;
        opt.textContent = o;
        s.append(opt);
    }
    s.value = value;
    s.addEventListener('change', () => onChange(s.value));
    return s;
}

export class TransportBar {
    readonly node: HTMLDivElement;
    protected readonly playButton: HTMLButtonElement;
    protected readonly slider: HTMLInputElement;
    protected readonly readout: HTMLSpanElement;
    protected readonly speedSelect: HTMLSelectElement;
    protected readonly stepSelect: HTMLSelectElement;

    constructor(actions: TransportActions, speed: string, stepTimeframe: string) {
        this.node = document.createElement('div');
        this.node.className = 'backtestr-transport';
        this.node.dataset.testid = 'chart-transport';
        this.playButton = button('play', 'Play / pause (Space)', 'transport-play', () => actions.togglePlay());
        this.slider = document.createElement('input');
        this.slider.type = 'range';
        this.slider.min = '0';
        this.slider.value = '0';
        this.slider.className = 'backtestr-transport-slider';
        this.slider.dataset.testid = 'transport-seek';
        this.slider.title = 'Seek (Home / End)';
        this.slider.addEventListener('input', () => actions.seek(Number(this.slider.value), false));
        this.slider.addEventListener('change', () => actions.seek(Number(this.slider.value), true));
        this.readout = document.createElement('span');
        this.readout.className = 'backtestr-transport-readout';
        this.readout.dataset.testid = 'transport-readout';
        this.speedSelect = select(REPLAY_SPEEDS, speed, 'Speed: a multiple of real time, or ticks per second', 'transport-speed', v => actions.setSpeed(v));
        this.stepSelect = select(CHART_TIMEFRAMES, stepTimeframe, 'Timeframe of the bar steps', 'transport-step-timeframe', v => actions.setStepTimeframe(v));
        this.node.append(
            button('debug-reverse-continue', 'First tick (Home)', 'transport-start', () => actions.toStart()),
            button('arrow-left', 'One bar back (Shift+Left)', 'transport-bar-back', () => actions.stepBar(-1)),
            button('chevron-left', 'One tick back (Left)', 'transport-tick-back', () => actions.stepTick(-1)),
            this.playButton,
            button('chevron-right', 'One tick forward (Right)', 'transport-tick-forward', () => actions.stepTick(1)),
            button('arrow-right', 'One bar forward (Shift+Right)', 'transport-bar-forward', () => actions.stepBar(1)),
            button('debug-continue', 'Last tick (End)', 'transport-end', () => actions.toEnd()),
            button('triangle-left', 'Previous order event of the run ([)', 'transport-event-back', () => actions.jumpEvent(-1)),
            button('triangle-right', 'Next order event of the run (])', 'transport-event-forward', () => actions.jumpEvent(1)),
            button('arrow-circle-left', 'Previous trade entry of the run (Shift+[)', 'transport-trade-back', () => actions.jumpTrade(-1)),
            button('arrow-circle-right', 'Next trade entry of the run (Shift+])', 'transport-trade-forward', () => actions.jumpTrade(1)),
            this.stepSelect, this.speedSelect, this.slider, this.readout
        );
    }

    setPlaying(playing: boolean): void {
        this.playButton.classList.toggle('codicon-play', !playing);
        this.playButton.classList.toggle('codicon-debug-pause', playing);
        this.playButton.dataset.playing = String(playing);
    }

    setRange(tickCount: number): void {
        this.slider.max = String(Math.max(0, tickCount - 1));
    }

    show(tickIndex: number, tickCount: number, time: number, price: number): void {
        this.slider.value = String(tickIndex);
        const iso = new Date(time / 1000).toISOString().replace('T', ' ').replace('Z', '');
        this.readout.textContent = `tick ${tickIndex + 1} / ${tickCount}  ${iso} UTC  ${Number(price.toPrecision(10))}`;
    }

    setEnabled(enabled: boolean): void {
        for (const el of Array.from(this.node.querySelectorAll('button, input, select'))) {
            (el as HTMLButtonElement).disabled = !enabled;
        }
    }
}
