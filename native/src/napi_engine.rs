//! N-API bindings of the MTF engine: options, create, state memory, batches, run,
//! subscriptions, levels, timers. Part of the binding module (`napi`): the helpers and
//! `unsafe` rules are its own (each `unsafe` block with a `// SAFETY:` line).

use super::*;

pub(super) fn read_options(env: napi_env, o: napi_value) -> JsResult<Options> {
    let mut opts = Options::default();
    if is_absent(env, o)? {
        return Ok(opts);
    }
    if type_of(env, o)? != T_OBJECT {
        return Err(JsError::Type("options must be an object".into()));
    }
    let v = property(env, o, "timeframes")?;
    if !is_absent(env, v)? {
        let mut is_arr = false;
        // SAFETY: v is a value of the current call.
        check(unsafe { napi_is_array(env, v, &mut is_arr) }, "is_array")?;
        if !is_arr {
            return Err(JsError::Type("options.timeframes must be an array of strings such as [\"1m\", \"1H\"]".into()));
        }
        let mut len = 0u32;
        // SAFETY: v is an array.
        check(unsafe { napi_get_array_length(env, v, &mut len) }, "get_array_length")?;
        let mut list = Vec::new();
        for i in 0..len {
            let mut e = null_mut();
            // SAFETY: i < len.
            check(unsafe { napi_get_element(env, v, i, &mut e) }, "get_element")?;
            list.push(get_string(env, e, &format!("options.timeframes[{}]", i))?);
        }
        opts.timeframes = list;
    }
    let v = property(env, o, "depth")?;
    if !is_absent(env, v)? {
        opts.depth = get_index(env, v, "options.depth")?;
    }
    let v = property(env, o, "priceSource")?;
    if !is_absent(env, v)? {
        opts.price_source = PriceSource::parse(&get_string(env, v, "options.priceSource")?).map_err(JsError::Range)?;
    }
    let choice = |name: &str, a: &str, b: &str| -> JsResult<bool> {
        let v = property(env, o, name)?;
        if is_absent(env, v)? {
            return Ok(false);
        }
        let s = get_string(env, v, &format!("options.{}", name))?;
        if s == a {
            Ok(false)
        } else if s == b {
            Ok(true)
        } else {
            Err(JsError::Range(format!("options.{} \"{}\": expected \"{}\" (default) or \"{}\"", name, s, a, b)))
        }
    };
    opts.bar_time_end = choice("barTime", "start", "end")?;
    opts.open_prev_close = choice("open", "firstTick", "previousClose")?;
    opts.fill_forward = choice("emptyPeriods", "skip", "fillForward")?;
    let v = property(env, o, "session")?;
    let table = read_zone_table(env, property(env, o, "sessionZone")?)?;
    if !is_absent(env, v)? {
        opts.session = Session::with_table(&get_string(env, v, "options.session")?, table).map_err(JsError::Range)?;
    } else if let Some(t) = table {
        return Err(JsError::Range(format!("options.sessionZone (of \"{}\") is given without options.session", t.name())));
    }
    Ok(opts)
}

/// `options.sessionZone`: `{ name, transitions }`, the offset table of a zone that is not built in.
fn read_zone_table(env: napi_env, z: napi_value) -> JsResult<Option<ZoneTable>> {
    if is_absent(env, z)? {
        return Ok(None);
    }
    if type_of(env, z)? != T_OBJECT {
        return Err(JsError::Type("options.sessionZone must be an object { name, transitions }".into()));
    }
    let name = get_string(env, property(env, z, "name")?, "options.sessionZone.name")?;
    let t = typed_array(env, property(env, z, "transitions")?, "options.sessionZone.transitions", TA_BIGINT64)?
        .ok_or_else(|| JsError::Type("options.sessionZone.transitions must be a BigInt64Array".into()))?;
    // The pairs are copied into the table before the call returns.
    ZoneTable::new(&name, as_slice::<i64>(t.ptr, t.len)).map(Some).map_err(JsError::Range)
}

/// `sessionTableZone(spec)`: the zone name of a session spec whose zone needs a table, or undefined.
pub(super) fn session_table_zone(env: napi_env, info: napi_callback_info) -> JsResult<napi_value> {
    let [v] = args::<1>(env, info)?;
    match Session::table_zone(&get_string(env, v, "session")?).map_err(JsError::Range)? {
        Some(zone) => string(env, &zone),
        None => undefined(env),
    }
}

pub(super) fn create(env: napi_env, info: napi_callback_info) -> JsResult<napi_value> {
    let [o] = args::<1>(env, info)?;
    let opts = read_options(env, o)?;
    let engine = Engine::new(opts).map_err(JsError::Range)?;
    let slots = engine.state_slots();
    let (mut data, mut buf) = (null_mut(), null_mut());
    let mem = Arc::new(StateMem::new(slots));
    let hint = Arc::into_raw(Arc::clone(&mem)) as *mut c_void;
    // BACKTESTR_NATIVE_V8_STATE forces the fallback (V8-owned state) so that tests reach it.
    let st = if std::env::var_os("BACKTESTR_NATIVE_V8_STATE").is_some() {
        -1
    } else {
        // SAFETY: mem.ptr points to slots * 8 bytes that stay allocated while the Arc leaked
        // into `hint` lives; finalize_state releases that Arc.
        unsafe { napi_create_external_arraybuffer(env, mem.ptr as *mut c_void, slots * 8, finalize_state, hint, &mut buf) }
    };
    let owned = if st == NAPI_OK {
        data = mem.ptr as *mut c_void;
        let mut total = 0;
        // SAFETY: tells V8 about the memory it does not allocate, so that garbage
        // collection runs in time; undone in finalize_state.
        unsafe { napi_adjust_external_memory(env, (slots * 8) as i64, &mut total) };
        Some(mem)
    } else {
        // SAFETY: the ArrayBuffer was not created, so the finalizer will not run: take the Arc back.
        drop(unsafe { Arc::from_raw(hint as *const StateMem) });
        // SAFETY: creates a zeroed ArrayBuffer of slots * 8 bytes owned by V8.
        check(unsafe { napi_create_arraybuffer(env, slots * 8, &mut data, &mut buf) }, "create_arraybuffer")?;
        None
    };
    if data.is_null() || (data as usize) % 8 != 0 {
        return Err(JsError::Plain("could not allocate the engine state".into()));
    }
    let state_ref = make_ref(env, buf)?;
    let mut h = Box::new(Handle {
        engine,
        state_ref,
        state_ptr: data as *mut u64,
        state_len: slots,
        owned,
        batch_refs: Vec::new(),
        cols: [Col::default(); 5],
        batch_copy: Vec::new(),
        batch_runs: 0,
    });
    let (engine, mem) = h.split();
    engine.init_state(mem);
    let raw = Box::into_raw(h) as *mut c_void;
    let mut ext = null_mut();
    // SAFETY: raw is a leaked Box<Handle>, freed by finalize_handle when ext is collected.
    let st = unsafe { napi_create_external(env, raw, finalize_handle, null_mut(), &mut ext) };
    if st != NAPI_OK {
        // SAFETY: the external was not created, so raw is still ours to free.
        drop(unsafe { Box::from_raw(raw as *mut Handle) });
        drop_ref(env, state_ref);
        return Err(JsError::Plain("could not create the engine object".into()));
    }
    LIVE.with(|l| l.borrow_mut().push(raw as usize));
    Ok(ext)
}

pub(super) fn state_buffer(env: napi_env, info: napi_callback_info) -> JsResult<napi_value> {
    let [e] = args::<1>(env, info)?;
    let h = handle(env, e)?;
    let mut v = null_mut();
    // SAFETY: state_ref is a live strong reference.
    check(unsafe { napi_get_reference_value(env, h.state_ref, &mut v) }, "get_reference_value")?;
    Ok(v)
}

pub(super) fn timeframes(env: napi_env, info: napi_callback_info) -> JsResult<napi_value> {
    let [e] = args::<1>(env, info)?;
    let labels = handle(env, e)?.engine.timeframe_labels();
    let mut arr = null_mut();
    // SAFETY: env is live.
    check(unsafe { napi_create_array_with_length(env, labels.len(), &mut arr) }, "create_array")?;
    for (i, l) in labels.iter().enumerate() {
        let s = string(env, l)?;
        // SAFETY: arr is an array of the current call.
        check(unsafe { napi_set_element(env, arr, i as u32, s) }, "set_element")?;
    }
    Ok(arr)
}

pub(super) fn timeframe_index(env: napi_env, info: napi_callback_info) -> JsResult<napi_value> {
    let [e, label] = args::<2>(env, info)?;
    let h = handle(env, e)?;
    let label = get_string(env, label, "timeframe")?;
    let i = h.engine.timeframe_index(&label).map_err(JsError::Range)?;
    number(env, i as f64)
}

pub(super) fn set_batch(env: napi_env, info: napi_callback_info) -> JsResult<napi_value> {
    let [e, time, price, size, bid, ask] = args::<6>(env, info)?;
    let h = handle(env, e)?;
    let time = typed_array(env, time, "time", TA_BIGINT64)?
        .ok_or_else(|| JsError::Type("time must be a BigInt64Array (UTC microseconds)".into()))?;
    let mut raws = vec![Some(time)];
    for (v, name) in [(price, "price"), (size, "size"), (bid, "bid"), (ask, "ask")] {
        raws.push(typed_array(env, v, name, TA_FLOAT64)?);
    }
    // The columns are kept until the next setBatch: their buffers must not shrink meanwhile.
    for (r, name) in raws.iter().zip(["time", "price", "size", "bid", "ask"]) {
        if let Some(r) = r {
            refuse_resizable(env, r.buffer, name)?;
        }
    }
    let mut cols = [Col::default(); 5];
    for (c, r) in cols.iter_mut().zip(&raws) {
        if let Some(r) = r {
            *c = Col { ptr: r.ptr as usize, len: r.len, set: true };
        }
    }
    let state = (h.state_ptr as usize, h.state_ptr as usize + h.state_len * 8);
    for (c, name) in cols.iter().zip(["time", "price", "size", "bid", "ask"]) {
        if c.set && c.len > 0 && c.ptr < state.1 && state.0 < c.ptr + c.len * 8 {
            return Err(JsError::Range(format!("{} must not be a view of the engine's state buffer", name)));
        }
    }
    h.release_batch(env);
    h.cols = cols;
    if let Err(m) = h.engine.validate(&batch_of(h.cols)) {
        h.cols = [Col::default(); 5];
        return Err(JsError::Range(m));
    }
    // A reference to each column (its buffer stays alive), and the pointer and length that
    // check_live compares with before each use.
    for (r, name) in raws.iter().zip(["time", "price", "size", "bid", "ask"]) {
        if let Some(r) = r {
            let rf = make_ref(env, r.value)?;
            h.batch_refs.push(ColRef { r: rf, ptr: r.ptr as usize, len: r.len, name });
        }
    }
    undefined(env)
}

pub(super) fn run(env: napi_env, info: napi_callback_info) -> JsResult<napi_value> {
    let [e, from] = args::<2>(env, info)?;
    let h = handle(env, e)?;
    let from = get_index(env, from, "from")?;
    h.check_live(env)?;
    if !h.cols[0].set {
        return Err(JsError::Plain("no batch: call setBatch first".into()));
    }
    h.note_run(env, from);
    // The columns were checked in setBatch not to overlap the state memory, and
    // check_live made sure that each still has the pointer and length it had then (none
    // was detached or resized), or they are the Rust-owned copy of note_run, which cannot be.
    let b = batch_of(h.cols);
    let (engine, mem) = h.split();
    let k = engine.run(mem, &b, from).map_err(JsError::Range)?;
    number(env, k as f64)
}

pub(super) fn subscribe(env: napi_env, info: napi_callback_info) -> JsResult<napi_value> {
    let [e, mask, every] = args::<3>(env, info)?;
    let h = handle(env, e)?;
    let mask = get_index(env, mask, "barCloseMask")? as u64;
    let every = get_bool(env, every, "everyTick")?;
    h.engine.subscribe(mask, every);
    undefined(env)
}

pub(super) fn set_levels(env: napi_env, info: napi_callback_info) -> JsResult<napi_value> {
    let [e, levels] = args::<2>(env, info)?;
    let h = handle(env, e)?;
    let l = typed_array(env, levels, "levels", TA_FLOAT64)?;
    let v: Vec<f64> = l.map(|r| as_slice::<f64>(r.ptr, r.len).to_vec()).unwrap_or_default();
    h.engine.set_levels(&v).map_err(JsError::Range)?;
    undefined(env)
}

pub(super) fn set_timers(env: napi_env, info: napi_callback_info) -> JsResult<napi_value> {
    let [e, timers] = args::<2>(env, info)?;
    let h = handle(env, e)?;
    let t = typed_array(env, timers, "timers", TA_BIGINT64)?;
    let v: Vec<i64> = t.map(|r| as_slice::<i64>(r.ptr, r.len).to_vec()).unwrap_or_default();
    h.engine.set_timers(&v);
    undefined(env)
}

pub(super) fn advance_to(env: napi_env, info: napi_callback_info) -> JsResult<napi_value> {
    let [e, t] = args::<2>(env, info)?;
    let h = handle(env, e)?;
    let t = get_bigint(env, t, "time")?;
    h.check_live(env)?;
    let (engine, mem) = h.split();
    engine.advance_to(mem, t).map_err(JsError::Range)?;
    undefined(env)
}

pub(super) fn flush(env: napi_env, info: napi_callback_info) -> JsResult<napi_value> {
    let [e] = args::<1>(env, info)?;
    let h = handle(env, e)?;
    h.check_live(env)?;
    let (engine, mem) = h.split();
    engine.flush(mem).map_err(JsError::Plain)?;
    undefined(env)
}

pub(super) fn reset(env: napi_env, info: napi_callback_info) -> JsResult<napi_value> {
    let [e] = args::<1>(env, info)?;
    let h = handle(env, e)?;
    h.check_live(env)?;
    h.release_batch(env);
    let (engine, mem) = h.split();
    engine.reset(mem).map_err(JsError::Plain)?;
    undefined(env)
}

pub(super) fn layout_object(env: napi_env, _info: napi_callback_info) -> JsResult<napi_value> {
    let mut o = null_mut();
    // SAFETY: env is live.
    check(unsafe { napi_create_object(env, &mut o) }, "create_object")?;
    for (name, v) in layout::CONSTANTS {
        let n = number(env, *v as f64)?;
        set_property(env, o, name, n)?;
    }
    Ok(o)
}

