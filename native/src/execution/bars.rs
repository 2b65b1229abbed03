//! The bar-data fill model's intrabar path: each bar is replayed as four points,
//! open -> nearer extreme -> farther extreme -> close (documented in native/README.md).

/// Points per bar in a replayed bar batch (`FillModel::Bar` relies on it: point 0 of
/// each bar, batch index % 4 == 0, is the open, the only point that can gap).
pub const PATH_POINTS: usize = 4;

/// The path of one bar: open, the extreme nearer to the open, the farther one, close.
/// When both extremes are as near, the high comes first.
pub fn bar_path(open: f64, high: f64, low: f64, close: f64) -> [f64; PATH_POINTS] {
    if high - open <= open - low {
        [open, high, low, close]
    } else {
        [open, low, high, close]
    }
}

/// Expands bar columns into path-point columns (`PATH_POINTS` per bar, all at the bar's
/// time; the bar's volume split evenly over the points).
pub fn expand(open: &[f64], high: &[f64], low: &[f64], close: &[f64], volume: Option<&[f64]>, price: &mut [f64], size: &mut [f64]) {
    for i in 0..open.len() {
        let p = bar_path(open[i], high[i], low[i], close[i]);
        price[i * PATH_POINTS..(i + 1) * PATH_POINTS].copy_from_slice(&p);
        let v = volume.map_or(0.0, |v| v[i] / PATH_POINTS as f64);
        size[i * PATH_POINTS..(i + 1) * PATH_POINTS].fill(v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_goes_to_the_nearer_extreme_first() {
        assert_eq!(bar_path(10.0, 11.0, 7.0, 9.0), [10.0, 11.0, 7.0, 9.0]);
        assert_eq!(bar_path(10.0, 13.0, 9.5, 12.0), [10.0, 9.5, 13.0, 12.0]);
        assert_eq!(bar_path(10.0, 11.0, 9.0, 10.0), [10.0, 11.0, 9.0, 10.0]);
    }
}
