//! Bar completion: sessions and periods, completed-bar records, timers and level
//! crossings (see the `engine` module doc).

use super::*;

impl Engine {
    /// The session (day, start, end) containing `t`, cached: sessions change once a day.
    pub(super) fn session_at(&mut self, t: i64) -> (i64, i64, i64) {
        let (d, s, e) = self.session_cache;
        if s <= t && t < e {
            return (d, s, e);
        }
        let ses = &self.opts.session;
        let d = ses.day_of(t);
        let c = (d, ses.start(d), ses.start(d + 1));
        self.session_cache = c;
        c
    }

    /// Period of timeframe `i` containing `t`.
    pub(super) fn period(&mut self, i: usize, t: i64) -> (i64, i64) {
        let (d, ss, se) = self.session_at(t);
        let tf = &self.tfs[i].tf;
        if tf.days > 0 {
            let g = d.div_euclid(tf.days) * tf.days;
            if tf.days == 1 {
                (ss, se)
            } else {
                let s = &self.opts.session;
                (s.start(g), s.start(g + tf.days))
            }
        } else {
            let st = ss + (t - ss) / tf.micros * tf.micros;
            (st, (st + tf.micros).min(se))
        }
    }

    pub(super) fn write_record(&self, mem: &mut [u64], off: usize, b: &Bar, start: i64, end: i64) {
        let time = if self.opts.bar_time_end { end } else { start };
        let r: &mut [u64; RECORD] = (&mut mem[off..off + RECORD]).try_into().expect("record in bounds");
        r[R_OPEN] = b.open.to_bits();
        r[R_HIGH] = b.high.to_bits();
        r[R_LOW] = b.low.to_bits();
        r[R_CLOSE] = b.close.to_bits();
        r[R_VOLUME] = b.volume.to_bits();
        r[R_TICKS] = b.ticks.to_bits();
        r[R_TIME] = time as u64;
        r[R_START] = start as u64;
        r[R_END] = end as u64;
        r[R_LAST] = b.last as u64;
    }

    pub(super) fn push_completed(&mut self, mem: &mut [u64], i: usize, b: &Bar, start: i64, end: i64, at: i64) {
        let n = self.tfs.len();
        let c = self.tfs[i].completed;
        let off = ring(n, self.depth, i, (c % self.depth as u64) as usize);
        self.write_record(mem, off, b, start, end);
        let t = &mut self.tfs[i];
        t.completed = c + 1;
        t.last_end = end;
        t.has_prev = true;
        t.prev_close = b.close;
        t.prev_last = b.last;
        set_n(mem, tf_header(i) + T_COMPLETED, (c + 1) as i64);
        set_i(mem, tf_header(i) + T_CLOSED_AT, at);
    }

    /// Completes the open bar of timeframe `i` and folds it into the timeframes built from it.
    pub(super) fn complete(&mut self, mem: &mut [u64], i: usize, at: i64) {
        let (b, start, end) = {
            let t = &self.tfs[i];
            (t.bar, t.start, t.end)
        };
        self.push_completed(mem, i, &b, start, end, at);
        let t = &mut self.tfs[i];
        t.open = false;
        t.has_acc = false;
        set_n(mem, tf_header(i) + T_HAS_PARTIAL, 0);
        for j in i + 1..self.tfs.len() {
            if self.tfs[j].src == Some(i) {
                let p = &mut self.tfs[j];
                if p.has_acc {
                    p.bar.merge(&b);
                } else {
                    p.bar = b;
                    p.has_acc = true;
                }
            }
        }
    }

    /// The clock reached `t` (a tick at `t` with price `p`, or `advance_to`): completes
    /// ended bars, fills empty periods, fires timers; returns whether to stop before the
    /// tick. If not stopping and `p` is given, opens the periods containing `t`.
    pub(super) fn on_time(&mut self, mem: &mut [u64], t: i64, p: Option<f64>, tick: i64) -> bool {
        let n = self.tfs.len();
        let mut closed: u64 = 0;
        for i in 0..n {
            if self.tfs[i].open && t >= self.tfs[i].end {
                self.complete(mem, i, t);
                closed |= 1 << i;
            }
            if self.opts.fill_forward && !self.tfs[i].open && self.tfs[i].has_prev {
                while self.tfs[i].last_end <= t {
                    let (ps, pe) = self.period(i, self.tfs[i].last_end);
                    if pe > t {
                        break;
                    }
                    let tf = &self.tfs[i];
                    let c = tf.prev_close;
                    let flat = Bar { open: c, high: c, low: c, close: c, volume: 0.0, ticks: 0.0, last: tf.prev_last };
                    self.push_completed(mem, i, &flat, ps, pe, t);
                    closed |= 1 << i;
                }
            }
        }
        let mut fired = 0;
        while self.timer_idx < self.timers.len() && self.timers[self.timer_idx] <= t {
            set_i(mem, H_TIMER_TIME, self.timers[self.timer_idx]);
            self.timer_idx += 1;
            fired += 1;
        }
        let mut ev = 0;
        if closed & self.sub_close_mask != 0 {
            ev |= EV_BAR_CLOSE;
        }
        if fired > 0 {
            ev |= EV_TIMER;
            set_n(mem, H_TIMER_COUNT, fired);
        }
        if ev != 0 || p.is_none() {
            set_n(mem, H_EVENT, get_n(mem, H_EVENT) | ev);
            set_n(mem, H_EVENT_TICK, tick);
            set_n(mem, H_CLOSED_MASK, closed as i64);
            if t > self.clock {
                self.clock = t;
            }
            self.next_check = i64::MIN;
            return true;
        }
        let p = p.unwrap_or(0.0);
        for i in 0..n {
            if !self.tfs[i].open {
                let (s, e) = self.period(i, t);
                let open_prev = self.opts.open_prev_close;
                let tf = &mut self.tfs[i];
                tf.open = true;
                tf.start = s;
                tf.end = e;
                tf.has_acc = false;
                tf.period_dirty = true;
                if tf.src.is_none() {
                    let o = if open_prev && tf.has_prev { tf.prev_close } else { p };
                    tf.bar = Bar { open: o, high: o, low: o, close: o, volume: 0.0, ticks: 0.0, last: t };
                }
                set_n(mem, tf_header(i) + T_HAS_PARTIAL, 1);
            }
        }
        let mut next = self.timers.get(self.timer_idx).copied().unwrap_or(i64::MAX);
        for tf in &self.tfs {
            next = next.min(tf.end);
        }
        self.next_check = next;
        false
    }

    /// After a tick is applied with price `p`: every-tick and level-crossing events.
    #[cold]
    pub(super) fn on_price(&mut self, mem: &mut [u64], p: f64, k: usize) -> bool {
        let mut ev = 0;
        if self.every_tick {
            ev |= EV_TICK;
        }
        if !self.levels.is_empty() {
            let idx = self.levels.partition_point(|l| *l <= p);
            if self.has_price && idx != self.level_idx {
                ev |= EV_CROSS;
                let (dir, first, count) = if idx > self.level_idx {
                    (1, self.level_idx, idx - self.level_idx)
                } else {
                    (-1, self.level_idx - 1, self.level_idx - idx)
                };
                set_n(mem, H_CROSS_DIR, dir);
                set_n(mem, H_CROSS_FIRST, first as i64);
                set_n(mem, H_CROSS_COUNT, count as i64);
            }
            self.level_idx = idx;
            self.has_price = true;
        }
        self.update_triggers();
        if ev != 0 {
            set_n(mem, H_EVENT, get_n(mem, H_EVENT) | ev);
            set_n(mem, H_EVENT_TICK, k as i64);
            true
        } else {
            false
        }
    }
}
