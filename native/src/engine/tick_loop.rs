//! The tick loop: applies a batch to the root timeframe, checks level crossings and the
//! broker's trigger prices, and stops for subscribed events (see the `engine` module doc).

use super::*;

impl Engine {
    /// Processes ticks `from..` of a validated batch until the end or a subscribed event.
    /// Returns the index to resume from (the batch length when done); the event is in the
    /// header (H_EVENT, 0 when the batch was finished without one).
    pub fn run(&mut self, mem: &mut [u64], b: &Batch, from: usize) -> Result<usize, String> {
        self.check_mem(mem)?;
        let n = b.time.len();
        if from > n {
            return Err(format!("from ({}) is past the end of the batch ({} ticks)", from, n));
        }
        Self::clear_event(mem);
        if from == n {
            self.sync(mem);
            return Ok(n);
        }
        if b.time[from] < self.clock {
            return Err(format!(
                "ticks must be sorted by time: tick {} ({}) is earlier than the engine clock ({}), \
                 the last tick applied or advanceTo",
                from, b.time[from], self.clock
            ));
        }
        let size = b.size.map(|s| &s[..n]);
        self.broker.sized = size.is_some();
        let t = &b.time[..n];
        let quotes = if self.broker.quotes() {
            match (b.bid, b.ask) {
                (Some(bi), Some(a)) => Some((&bi[..n], &a[..n])),
                _ => return Err("the quote fill model needs bid and ask columns".into()),
            }
        } else {
            None
        };
        macro_rules! go {
            ($price:expr) => {
                match (size, quotes) {
                    (Some(s), None) => self.run_loop::<_, false>(mem, t, from, |k| ($price(k), s[k]), &[], &[]),
                    (None, None) => self.run_loop::<_, false>(mem, t, from, |k| ($price(k), 0.0), &[], &[]),
                    (Some(s), Some((qb, qa))) => self.run_loop::<_, true>(mem, t, from, |k| ($price(k), s[k]), qb, qa),
                    (None, Some((qb, qa))) => self.run_loop::<_, true>(mem, t, from, |k| ($price(k), 0.0), qb, qa),
                }
            };
        }
        fn need(c: Option<&[f64]>, n: usize) -> Result<&[f64], String> {
            c.map(|c| &c[..n]).ok_or_else(|| "batch is missing a price column".to_string())
        }
        let k = match self.opts.price_source {
            PriceSource::Last => {
                let p = need(b.price, n)?;
                go!(|k: usize| p[k])
            }
            PriceSource::Bid => {
                let p = need(b.bid, n)?;
                go!(|k: usize| p[k])
            }
            PriceSource::Ask => {
                let p = need(b.ask, n)?;
                go!(|k: usize| p[k])
            }
            PriceSource::Mid => {
                let (bi, a) = (need(b.bid, n)?, need(b.ask, n)?);
                go!(|k: usize| (bi[k] + a[k]) * 0.5)
            }
        };
        Ok(k)
    }

    #[inline(always)]
    pub(super) fn run_loop<F: Fn(usize) -> (f64, f64), const Q: bool>(
        &mut self,
        mem: &mut [u64],
        time: &[i64],
        from: usize,
        get: F,
        qb: &[f64],
        qa: &[f64],
    ) -> usize {
        let n = time.len();
        let r = self.roots[0];
        let extra = self.roots.len() > 1;
        let mut bar = self.tfs[r].bar;
        let mut next_check = self.next_check;
        let (mut up, mut down) = (self.up_trig, self.down_trig);
        // Broker triggers (see execution::Broker): buys watch the ask, sells the bid.
        let (mut bh, mut bl, mut sh, mut sl) = (self.broker.buy_hi, self.broker.buy_lo, self.broker.sell_hi, self.broker.sell_lo);
        let (mut xh, mut xl) = (bh.min(sh), bl.max(sl));
        // Trade model: one check per tick covers the level crossings and the broker.
        let merge = |u: f64, d: f64, xh: f64, xl: f64| if Q { (u, d) } else { (u.min(xh), d.max(next_up(xl))) };
        let (mut cu, mut cd) = merge(up, down, xh, xl);
        let mut ext = self.broker.ext;
        // Same length as `time`: lets the compiler drop the bounds checks in the loop.
        let (qb, qa) = if Q { (&qb[..n], &qa[..n]) } else { (qb, qa) };
        let quote = |k: usize, p: f64| if Q { (qb[k], qa[k]) } else { (p, p) };
        let mut k = from;
        let mut applied_from = from;
        macro_rules! leave {
            ($applied_to:expr, $ret:expr) => {{
                self.tfs[r].bar = bar;
                self.account(applied_from, $applied_to, time, &get);
                self.exec_leave(Self::trade_ext::<Q>(ext), $applied_to, |j| quote(j, get(j).0));
                self.sync(mem);
                return $ret;
            }};
        }
        while k < n {
            let t = time[k];
            if t >= next_check {
                self.tfs[r].bar = bar;
                self.account(applied_from, k, time, &get);
                applied_from = k;
                let (p, _) = get(k);
                if self.on_time(mem, t, Some(p), k as i64) {
                    self.exec_leave(Self::trade_ext::<Q>(ext), k, |j| quote(j, get(j).0));
                    self.sync(mem);
                    return k;
                }
                if self.broker.next_time <= t {
                    self.broker.ext = Self::trade_ext::<Q>(ext);
                    ext = Extremes::EMPTY;
                    self.broker.seq = self.ticks;
                    self.broker.bars = self.tfs[r].completed;
                    if self.broker.on_time(t) && self.broker.options().wake {
                        self.order_event(mem, t, k as i64);
                        leave!(k, k);
                    }
                    ext = self.broker.ext;
                    bh = self.broker.buy_hi;
                    bl = self.broker.buy_lo;
                    sh = self.broker.sell_hi;
                    sl = self.broker.sell_lo;
                    xh = bh.min(sh);
                    xl = bl.max(sl);
                    (cu, cd) = merge(up, down, xh, xl);
                }
                self.next_check = self.next_check.min(self.broker.next_time);
                bar = self.tfs[r].bar;
                next_check = self.next_check;
            }
            let (p, s) = get(k);
            bar.absorb(p, s, t);
            if extra {
                self.apply_extra_roots(p, s, t);
            }
            let (bq, aq) = quote(k, p);
            // Quote model: every tick since the last fold stayed inside the triggers (a tick
            // that reached one called the broker, which folds; the broker folds before it
            // moves a trigger), so only a tick that sets a new extreme can reach one.
            let mut qhit = false;
            if Q {
                if (aq < ext.ask_lo) | (aq > ext.ask_hi) | (bq < ext.bid_lo) | (bq > ext.bid_hi) {
                    qhit = Self::quote_extreme(&mut ext, bq, aq, (bh, bl, sh, sl));
                }
            } else {
                if aq < ext.ask_lo {
                    ext.ask_lo = aq;
                }
                if aq > ext.ask_hi {
                    ext.ask_hi = aq;
                }
            }
            let hit = if Q { qhit } else { p >= cu || p < cd };
            if hit && (Q || p >= xh || p <= xl) {
                self.broker.ext = Self::trade_ext::<Q>(ext);
                ext = Extremes::EMPTY;
                self.broker.seq = self.ticks + (k + 1 - applied_from) as u64;
                self.broker.bars = self.tfs[r].completed;
                if self.broker.on_tick(t, k, bq, aq, s) && self.broker.options().wake {
                    self.order_event(mem, t, k as i64);
                    leave!(k + 1, k + 1);
                }
                ext = self.broker.ext;
                bh = self.broker.buy_hi;
                bl = self.broker.buy_lo;
                sh = self.broker.sell_hi;
                sl = self.broker.sell_lo;
                xh = bh.min(sh);
                xl = bl.max(sl);
                next_check = next_check.min(self.broker.next_time);
                self.next_check = next_check;
                (cu, cd) = merge(up, down, xh, xl);
            }
            if (!Q && hit || Q) && (p >= up || p < down) {
                if self.on_price(mem, p, k) {
                    leave!(k + 1, k + 1);
                }
                up = self.up_trig;
                down = self.down_trig;
                (cu, cd) = merge(up, down, xh, xl);
            }
            k += 1;
        }
        leave!(n, n);
    }

    /// Quote model: a tick set a new extreme; records it and tells whether it reached a trigger.
    #[inline(never)]
    pub(super) fn quote_extreme(ext: &mut Extremes, bq: f64, aq: f64, (bh, bl, sh, sl): (f64, f64, f64, f64)) -> bool {
        let mut hit = false;
        if aq < ext.ask_lo {
            ext.ask_lo = aq;
            hit |= aq <= bl;
        }
        if aq > ext.ask_hi {
            ext.ask_hi = aq;
            hit |= aq >= bh;
        }
        if bq < ext.bid_lo {
            ext.bid_lo = bq;
            hit |= bq <= sl;
        }
        if bq > ext.bid_hi {
            ext.bid_hi = bq;
            hit |= bq >= sh;
        }
        hit
    }

    /// In the trade model only the ask extremes are tracked in the loop: the bid's are the same.
    #[inline(always)]
    pub(super) fn trade_ext<const Q: bool>(mut e: Extremes) -> Extremes {
        if !Q {
            e.bid_lo = e.ask_lo;
            e.bid_hi = e.ask_hi;
        }
        e
    }

    /// Control returns to JS with ticks applied up to `applied_to` (exclusive): the broker
    /// keeps the running extremes and marks the position at the last applied tick.
    #[cold]
    pub(super) fn exec_leave<G: Fn(usize) -> (f64, f64)>(&mut self, ext: Extremes, applied_to: usize, quote: G) {
        self.broker.ext = ext;
        if applied_to > 0 && self.ticks > 0 {
            let (b, a) = quote(applied_to - 1);
            self.broker.set_marks(b, a);
        }
    }

    #[cold]
    pub(super) fn order_event(&mut self, mem: &mut [u64], t: i64, k: i64) {
        set_n(mem, H_EVENT, get_n(mem, H_EVENT) | EV_ORDER);
        set_n(mem, H_EVENT_TICK, k);
        if t > self.clock {
            self.clock = t;
        }
    }

    /// Books ticks `a..b` as applied: count, clock and last price.
    pub(super) fn account<F: Fn(usize) -> (f64, f64)>(&mut self, a: usize, b: usize, time: &[i64], get: &F) {
        if b > a {
            self.ticks += (b - a) as u64;
            self.clock = time[b - 1];
            self.last_price = get(b - 1).0;
        }
    }

    #[cold]
    pub(super) fn apply_extra_roots(&mut self, p: f64, s: f64, t: i64) {
        for idx in 1..self.roots.len() {
            self.tfs[self.roots[idx]].bar.absorb(p, s, t);
        }
    }
}
