// *****************************************************************************
// Drawdowns of the equity curve (every sample), O(1) per sample.
// Formulas: STATISTICS.md, "Drawdown". The running peak starts at the initial capital.
// *****************************************************************************

import { DrawdownStatistics, UndefinedReasons, UnixMicros } from './statistics-types';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export class DrawdownTracker {
    protected peak: number;
    protected peakTime: UnixMicros | undefined;
    protected lastTime: UnixMicros | undefined;
    protected underwater = false;
    /** The current (or last) episode: its deepest fall, in money and as a fraction. */
    protected episodeDepth = 0;
    protected episodeDepthPercent = 0;
    protected episodes = 0;
    protected closedDepthSum = 0;
    protected closedDepthPercentSum = 0;
    protected closedMaxDuration = 0;
    protected maxDrawdown = 0;
    protected maxDrawdownPercent = 0;
    /** Number (1-based) of the episode holding the max percent drawdown, and its trough time. */
    protected maxEpisode = 0;
    protected maxTroughTime: UnixMicros = 0;
    protected maxRecoveryTime: UnixMicros | undefined;

    constructor(initialCapital: number) {
        this.peak = initialCapital;
    }

    add(time: UnixMicros, equity: number): void {
        if (this.peakTime === undefined) {
            this.peakTime = time;
        }
        this.lastTime = time;
        if (equity >= this.peak) {
            if (this.underwater) {
                this.underwater = false;
                this.closedDepthSum += this.episodeDepth;
                this.closedDepthPercentSum += this.episodeDepthPercent;
                const duration = time - this.peakTime;
                if (duration > this.closedMaxDuration) {
                    this.closedMaxDuration = duration;
                }
                if (this.maxEpisode === this.episodes) {
                    this.maxRecoveryTime = time - this.maxTroughTime;
                }
            }
            this.peak = equity;
            this.peakTime = time;
            return;
        }
        const depth = this.peak - equity;
        const depthPercent = depth / this.peak;
        if (!this.underwater) {
            this.underwater = true;
            this.episodes++;
            this.episodeDepth = 0;
            this.episodeDepthPercent = 0;
        }
        if (depth > this.episodeDepth) {
            this.episodeDepth = depth;
            this.episodeDepthPercent = depthPercent;
        }
        if (depth > this.maxDrawdown) {
            this.maxDrawdown = depth;
        }
        if (depthPercent > this.maxDrawdownPercent) {
            this.maxDrawdownPercent = depthPercent;
            this.maxEpisode = this.episodes;
            this.maxTroughTime = time;
            this.maxRecoveryTime = undefined;
        }
    }

    /** Ulcer index is filled in by the caller (it is computed on daily closes). */
    snapshot(ulcerIndex: number | undefined, ulcerReason: string | undefined): DrawdownStatistics {
        const reasons: Mutable<UndefinedReasons<DrawdownStatistics>> = {};
        let depthSum = this.closedDepthSum;
        let depthPercentSum = this.closedDepthPercentSum;
        let maxDuration = this.closedMaxDuration;
        if (this.underwater) {
            depthSum += this.episodeDepth;
            depthPercentSum += this.episodeDepthPercent;
            const ongoing = this.lastTime! - this.peakTime!;
            if (ongoing > maxDuration) {
                maxDuration = ongoing;
            }
        }
        if (this.maxEpisode === 0) {
            reasons.recoveryTime = 'no drawdown';
        } else if (this.maxRecoveryTime === undefined) {
            reasons.recoveryTime = 'the max drawdown has not recovered by the end of the run';
        }
        if (this.episodes === 0) {
            reasons.averageDrawdown = 'no drawdown';
            reasons.averageDrawdownPercent = 'no drawdown';
        }
        if (ulcerReason !== undefined) {
            reasons.ulcerIndex = ulcerReason;
        }
        return {
            maxDrawdown: this.maxDrawdown,
            maxDrawdownPercent: this.maxDrawdownPercent,
            maxDrawdownDuration: maxDuration,
            recoveryTime: this.maxRecoveryTime,
            averageDrawdown: this.episodes > 0 ? depthSum / this.episodes : undefined,
            averageDrawdownPercent: this.episodes > 0 ? depthPercentSum / this.episodes : undefined,
            drawdownCount: this.episodes,
            ulcerIndex,
            reasons
        };
    }
}
