//! N-API bindings of the execution engine (the simulated broker): options, order
//! commands, event / trade / account / position records, the bar path. Part of the
//! binding module (`napi`): the helpers and `unsafe` rules are its own.

use super::*;
use crate::execution::bars;

pub(super) fn read_exec_options(env: napi_env, o: napi_value) -> JsResult<ExecOptions> {
    let mut x = ExecOptions::default();
    if is_absent(env, o)? {
        return Ok(x);
    }
    if type_of(env, o)? != T_OBJECT {
        return Err(JsError::Type("execution options must be an object".into()));
    }
    let opt_num = |obj: napi_value, name: &str, full: &str| -> JsResult<Option<f64>> {
        let v = property(env, obj, name)?;
        if is_absent(env, v)? {
            Ok(None)
        } else {
            get_number(env, v, full).map(Some)
        }
    };
    let opt_str = |obj: napi_value, name: &str| -> JsResult<Option<String>> {
        let v = property(env, obj, name)?;
        if is_absent(env, v)? {
            Ok(None)
        } else {
            get_string(env, v, &format!("execution.{}", name)).map(Some)
        }
    };
    match opt_str(o, "fill")?.as_deref() {
        None | Some("trade") => x.fill = FillModel::Trade,
        Some("quote") => x.fill = FillModel::Quote,
        Some("bar") => x.fill = FillModel::Bar,
        Some(s) => return Err(JsError::Range(format!("execution.fill \"{}\": expected \"trade\", \"quote\" or \"bar\"", s))),
    }
    match opt_str(o, "limitFill")?.as_deref() {
        None | Some("touch") => x.limit_through = false,
        Some("through") => x.limit_through = true,
        Some(s) => return Err(JsError::Range(format!("execution.limitFill \"{}\": expected \"touch\" or \"through\"", s))),
    }
    let mut max_entries = None;
    for (name, slot) in [
        ("tickSize", &mut x.tick_size),
        ("lotSize", &mut x.lot_size),
        ("multiplier", &mut x.multiplier),
        ("initialCash", &mut x.initial_cash),
        ("participation", &mut x.participation),
        ("leverage", &mut x.leverage),
    ] {
        if let Some(v) = opt_num(o, name, &format!("execution.{}", name))? {
            *slot = v;
        }
    }
    if let Some(v) = opt_num(o, "latencyMicros", "execution.latencyMicros")? {
        if !(v.is_finite() && v >= 0.0 && v.fract() == 0.0) {
            return Err(JsError::Range(format!("execution.latencyMicros is {}; it must be a whole number >= 0", v)));
        }
        x.latency = v as i64;
    }
    if let Some(v) = opt_num(o, "maxEntries", "execution.maxEntries")? {
        if !(v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v <= 1.0e6) {
            return Err(JsError::Range(format!("execution.maxEntries is {}; it must be a whole number >= 0 (0 = no limit)", v)));
        }
        max_entries = Some(v as u32);
    }
    x.max_entries = max_entries.unwrap_or(0);
    for (name, slot) in [("wake", &mut x.wake), ("hedging", &mut x.hedging)] {
        let w = property(env, o, name)?;
        if !is_absent(env, w)? {
            *slot = get_bool(env, w, &format!("execution.{}", name))?;
        }
    }
    let c = property(env, o, "commission")?;
    if !is_absent(env, c)? {
        let mut m = Commission::default();
        for (name, slot) in [("perUnit", &mut m.per_unit), ("perOrder", &mut m.per_order), ("percent", &mut m.percent), ("minimum", &mut m.minimum)] {
            if let Some(v) = opt_num(c, name, &format!("execution.commission.{}", name))? {
                *slot = v;
            }
        }
        x.commission = m;
    }
    let sl = property(env, o, "slippage")?;
    if !is_absent(env, sl)? {
        let kind = opt_str(sl, "kind")?.unwrap_or_else(|| "none".into());
        let value = opt_num(sl, "value", "execution.slippage.value")?.unwrap_or(0.0);
        x.slippage = match kind.as_str() {
            "none" => Slippage::None,
            "ticks" => Slippage::Ticks(value),
            "percent" => Slippage::Percent(value),
            "random" => {
                let max = opt_num(sl, "maxTicks", "execution.slippage.maxTicks")?.unwrap_or(1.0);
                let seed = opt_num(sl, "seed", "execution.slippage.seed")?.unwrap_or(0.0);
                if !(max >= 0.0 && max.fract() == 0.0 && max <= 1.0e6) || !(seed >= 0.0 && seed.fract() == 0.0 && seed <= 9.0e15) {
                    return Err(JsError::Range("execution.slippage: maxTicks and seed must be whole numbers >= 0".into()));
                }
                Slippage::Random { max_ticks: max as u32, seed: seed as u64 }
            }
            s => return Err(JsError::Range(format!("execution.slippage.kind \"{}\": expected none, ticks, percent or random", s))),
        };
    }
    x.check().map_err(JsError::Range)?;
    Ok(x)
}


pub(super) fn configure_execution(env: napi_env, info: napi_callback_info) -> JsResult<napi_value> {
    let [e, o] = args::<2>(env, info)?;
    let h = handle(env, e)?;
    let x = read_exec_options(env, o)?;
    h.engine.configure_execution(x).map_err(JsError::Plain)?;
    h.write_account(env)?;
    undefined(env)
}

pub(super) fn submit(env: napi_env, info: napi_callback_info) -> JsResult<napi_value> {
    let [e, orders] = args::<2>(env, info)?;
    let h = handle(env, e)?;
    let r = typed_array(env, orders, "orders", TA_FLOAT64)?
        .ok_or_else(|| JsError::Type("orders must be a Float64Array of ORDER_SLOTS-slot records".into()))?;
    // The records are copied before the engine runs: the buffer may be anything, even
    // a view of the state memory.
    let recs: Vec<u64> = as_slice::<u64>(r.ptr, r.len).to_vec();
    let n = h.engine.submit(&recs).map_err(JsError::Range)?;
    // Open orders (and rejections) changed: the account block stays current.
    h.write_account(env)?;
    number(env, n as f64)
}

/// Copies records `from..` of `src` into `out` (whole records); returns how many.
fn copy_records<const N: usize>(env: napi_env, src: &[[u64; N]], from: napi_value, out: napi_value) -> JsResult<napi_value> {
    let from = get_index(env, from, "from")?;
    let o = typed_array(env, out, "out", TA_FLOAT64)?.ok_or_else(|| JsError::Type("out must be a Float64Array".into()))?;
    let dst = as_slice_mut::<u64>(o.ptr, o.len);
    let avail = src.len().saturating_sub(from);
    let n = avail.min(dst.len() / N);
    for i in 0..n {
        dst[i * N..(i + 1) * N].copy_from_slice(&src[from + i]);
    }
    number(env, n as f64)
}

pub(super) fn read_events(env: napi_env, info: napi_callback_info) -> JsResult<napi_value> {
    let [e, from, out] = args::<3>(env, info)?;
    let h = handle(env, e)?;
    copy_records(env, &h.engine.broker.events, from, out)
}

pub(super) fn read_trades(env: napi_env, info: napi_callback_info) -> JsResult<napi_value> {
    let [e, from, out] = args::<3>(env, info)?;
    let h = handle(env, e)?;
    copy_records(env, &h.engine.broker.trades, from, out)
}

pub(super) fn read_account(env: napi_env, info: napi_callback_info) -> JsResult<napi_value> {
    let [e, out] = args::<2>(env, info)?;
    let h = handle(env, e)?;
    let o = typed_array(env, out, "out", TA_FLOAT64)?.ok_or_else(|| JsError::Type("out must be a Float64Array".into()))?;
    let a = h.engine.broker.account();
    let dst = as_slice_mut::<f64>(o.ptr, o.len);
    if dst.len() < a.len() {
        return Err(JsError::Range(format!("out has {} elements; the account needs ACCOUNT_SLOTS ({})", dst.len(), a.len())));
    }
    dst[..a.len()].copy_from_slice(&a);
    undefined(env)
}

pub(super) fn execution_layout_object(env: napi_env, _info: napi_callback_info) -> JsResult<napi_value> {
    let mut o = null_mut();
    // SAFETY: env is live.
    check(unsafe { napi_create_object(env, &mut o) }, "create_object")?;
    for (name, v) in execution::layout::CONSTANTS {
        let n = number(env, *v as f64)?;
        set_property(env, o, name, n)?;
    }
    Ok(o)
}


pub(super) fn read_positions(env: napi_env, info: napi_callback_info) -> JsResult<napi_value> {
    let [e, out] = args::<2>(env, info)?;
    let h = handle(env, e)?;
    let recs = h.engine.broker.position_records();
    let from = number(env, 0.0)?;
    copy_records(env, &recs, from, out)
}

/// `barPath(open, high, low, close, volume | undefined, price, size)`: writes the path
/// points of each bar (`bars::PATH_POINTS` per bar) into `price` and the volume share into
/// `size`; returns the number of points.
pub(super) fn bar_path(env: napi_env, info: napi_callback_info) -> JsResult<napi_value> {
    let [o, h, l, c, v, p, s] = args::<7>(env, info)?;
    let col = |x: napi_value, name: &str| -> JsResult<RawArray> {
        typed_array(env, x, name, TA_FLOAT64)?.ok_or_else(|| JsError::Type(format!("{} must be a Float64Array", name)))
    };
    let (o, h, l, c) = (col(o, "open")?, col(h, "high")?, col(l, "low")?, col(c, "close")?);
    let n = o.len;
    if h.len != n || l.len != n || c.len != n {
        return Err(JsError::Range("open, high, low and close must have the same length".into()));
    }
    let v = typed_array(env, v, "volume", TA_FLOAT64)?;
    if let Some(v) = &v {
        if v.len != n {
            return Err(JsError::Range("volume must have as many elements as open".into()));
        }
    }
    let (p, s) = (col(p, "price")?, col(s, "size")?);
    if p.len != n * bars::PATH_POINTS || s.len != n * bars::PATH_POINTS {
        return Err(JsError::Range(format!("price and size must have {} elements per bar", bars::PATH_POINTS)));
    }
    let (fo, fh, fl, fc) = (as_slice::<f64>(o.ptr, n), as_slice::<f64>(h.ptr, n), as_slice::<f64>(l.ptr, n), as_slice::<f64>(c.ptr, n));
    for i in 0..n {
        if !(fl[i] <= fo[i].min(fc[i]) && fh[i] >= fo[i].max(fc[i])) {
            return Err(JsError::Range(format!("bar {}: low <= open, close <= high does not hold", i)));
        }
    }
    // The inputs are copied first: the outputs may share their buffers.
    let (fo, fh, fl, fc) = (fo.to_vec(), fh.to_vec(), fl.to_vec(), fc.to_vec());
    let vol = v.map(|v| as_slice::<f64>(v.ptr, n).to_vec());
    bars::expand(&fo, &fh, &fl, &fc, vol.as_deref(), as_slice_mut::<f64>(p.ptr, p.len), as_slice_mut::<f64>(s.ptr, s.len));
    number(env, (n * bars::PATH_POINTS) as f64)
}
