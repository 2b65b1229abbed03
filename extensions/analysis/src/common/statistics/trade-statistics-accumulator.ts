// *****************************************************************************
// Statistics of closed trades, O(1) per trade. Formulas: STATISTICS.md, "Trades".
// *****************************************************************************

import { RunningMoments } from './running-moments';
import { ClosedTrade, TradeStatistics, UndefinedReasons } from './statistics-types';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export class TradeStatisticsAccumulator {
    protected count = 0;
    protected winners = 0;
    protected losers = 0;
    protected netProfit = 0;
    protected grossProfit = 0;
    protected grossLoss = 0;
    protected largestWin = -Infinity;
    protected largestLoss = Infinity;
    protected winStreak = 0;
    protected lossStreak = 0;
    protected maxConsecutiveWins = 0;
    protected maxConsecutiveLosses = 0;
    protected barsHeld = 0;
    protected timeInTrade = 0;
    protected commission = 0;
    protected slippage = 0;
    protected maeSum = 0;
    protected maeMax = -Infinity;
    protected mfeSum = 0;
    protected mfeMax = -Infinity;
    protected readonly pnl = new RunningMoments();

    add(trade: ClosedTrade): void {
        const pnl = trade.pnl;
        this.count++;
        this.netProfit += pnl;
        this.pnl.add(pnl);
        if (pnl > 0) {
            this.winners++;
            this.grossProfit += pnl;
            if (pnl > this.largestWin) {
                this.largestWin = pnl;
            }
            this.winStreak++;
            this.lossStreak = 0;
            if (this.winStreak > this.maxConsecutiveWins) {
                this.maxConsecutiveWins = this.winStreak;
            }
        } else if (pnl < 0) {
            this.losers++;
            this.grossLoss += pnl;
            if (pnl < this.largestLoss) {
                this.largestLoss = pnl;
            }
            this.lossStreak++;
            this.winStreak = 0;
            if (this.lossStreak > this.maxConsecutiveLosses) {
                this.maxConsecutiveLosses = this.lossStreak;
            }
        } else {
            this.winStreak = 0;
            this.lossStreak = 0;
        }
        this.barsHeld += trade.barsHeld;
        this.timeInTrade += trade.exitTime - trade.entryTime;
        this.commission += trade.commission;
        this.slippage += trade.slippage;
        // Excursions are magnitudes (STATISTICS.md): the engine's trades carry a signed MAE (<= 0),
        // whose worst is the most negative, so both are taken as absolute values.
        const mae = Math.abs(trade.mae);
        const mfe = Math.abs(trade.mfe);
        this.maeSum += mae;
        if (mae > this.maeMax) {
            this.maeMax = mae;
        }
        this.mfeSum += mfe;
        if (mfe > this.mfeMax) {
            this.mfeMax = mfe;
        }
    }

    snapshot(): TradeStatistics {
        const reasons: Mutable<UndefinedReasons<TradeStatistics>> = {};
        const n = this.count;
        const noTrades = 'no closed trades';
        const averageWin = this.winners > 0 ? this.grossProfit / this.winners : undefined;
        const averageLoss = this.losers > 0 ? this.grossLoss / this.losers : undefined;
        const winRate = n > 0 ? this.winners / n : undefined;
        let winLossRatio: number | undefined;
        if (averageWin !== undefined && averageLoss !== undefined) {
            winLossRatio = averageWin / -averageLoss;
        } else {
            reasons.winLossRatio = n === 0 ? noTrades : averageWin === undefined ? 'no winning trades' : 'no losing trades';
        }
        let kelly: number | undefined;
        if (winRate !== undefined && winLossRatio !== undefined) {
            kelly = winRate - (1 - winRate) / winLossRatio;
        } else {
            reasons.kelly = n === 0 ? noTrades : `win/loss ratio undefined: ${reasons.winLossRatio}`;
        }
        let profitFactor: number | undefined;
        if (this.losers > 0) {
            profitFactor = this.grossProfit / -this.grossLoss;
        } else {
            reasons.profitFactor = n === 0 ? noTrades : 'no losing trades (gross loss is 0)';
        }
        let sqn: number | undefined;
        const variance = this.pnl.sampleVariance();
        if (variance === undefined) {
            reasons.sqn = 'fewer than two trades';
        } else if (variance === 0) {
            reasons.sqn = 'all trades have the same P&L (standard deviation 0)';
        } else {
            sqn = Math.sqrt(n) * this.pnl.mean / Math.sqrt(variance);
        }
        if (n === 0) {
            for (const key of ['expectancy', 'winRate', 'averageBarsHeld', 'averageTimeInTrade',
                'averageMae', 'maxMae', 'averageMfe', 'maxMfe'] as const) {
                reasons[key] = noTrades;
            }
        }
        if (averageWin === undefined) {
            reasons.averageWin = n === 0 ? noTrades : 'no winning trades';
            reasons.largestWin = reasons.averageWin;
        }
        if (averageLoss === undefined) {
            reasons.averageLoss = n === 0 ? noTrades : 'no losing trades';
            reasons.largestLoss = reasons.averageLoss;
        }
        if (!(this.mfeSum > 0)) {
            reasons.mfeEfficiency = n === 0 ? noTrades : 'no trade had a favourable excursion';
        }
        return {
            count: n,
            winners: this.winners,
            losers: this.losers,
            breakeven: n - this.winners - this.losers,
            netProfit: this.netProfit,
            grossProfit: this.grossProfit,
            grossLoss: this.grossLoss,
            profitFactor,
            expectancy: n > 0 ? this.netProfit / n : undefined,
            winRate,
            averageWin,
            averageLoss,
            winLossRatio,
            largestWin: this.winners > 0 ? this.largestWin : undefined,
            largestLoss: this.losers > 0 ? this.largestLoss : undefined,
            maxConsecutiveWins: this.maxConsecutiveWins,
            maxConsecutiveLosses: this.maxConsecutiveLosses,
            averageBarsHeld: n > 0 ? this.barsHeld / n : undefined,
            averageTimeInTrade: n > 0 ? this.timeInTrade / n : undefined,
            sqn,
            kelly,
            commission: this.commission,
            slippage: this.slippage,
            averageMae: n > 0 ? this.maeSum / n : undefined,
            maxMae: n > 0 ? this.maeMax : undefined,
            averageMfe: n > 0 ? this.mfeSum / n : undefined,
            maxMfe: n > 0 ? this.mfeMax : undefined,
            mfeEfficiency: this.mfeSum > 0 ? this.netProfit / this.mfeSum : undefined,
            reasons
        };
    }
}
