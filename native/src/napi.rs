//! The N-API binding: the only module that talks to node and the only one with `unsafe`.
//!
//! N-API functions are declared by hand (no crates) and resolved when node loads the
//! addon. Every exported function runs inside `catch_unwind`: a panic becomes a JS
//! exception, never an abort. Engines are JS externals whose pointers are registered, so
//! a foreign external passed by mistake is rejected.

#![allow(non_camel_case_types)]

use std::ffi::{c_char, c_void, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr::{null, null_mut, NonNull};
use std::sync::Arc;

use crate::engine::{Batch, Engine, Options, PriceSource};
use crate::execution::{self, Commission, ExecOptions, FillModel, Slippage};

#[path = "napi_engine.rs"]
mod napi_engine;
#[path = "napi_execution.rs"]
mod napi_execution;
#[path = "napi_duckdb.rs"]
mod napi_duckdb;
use crate::layout;
use crate::session::Session;
use crate::zone_table::ZoneTable;

type napi_env = *mut c_void;
type napi_value = *mut c_void;
type napi_callback_info = *mut c_void;
type napi_ref = *mut c_void;
type napi_status = i32;

#[repr(C)]
struct napi_type_tag {
    lower: u64,
    upper: u64,
}
type napi_callback = unsafe extern "C" fn(napi_env, napi_callback_info) -> napi_value;
type napi_finalize = unsafe extern "C" fn(napi_env, *mut c_void, *mut c_void);

const NAPI_OK: napi_status = 0;
// napi_valuetype
const T_UNDEFINED: i32 = 0;
const T_NULL: i32 = 1;
const T_BOOLEAN: i32 = 2;
const T_STRING: i32 = 4;
const T_OBJECT: i32 = 6;
const T_FUNCTION: i32 = 7;
const T_BIGINT: i32 = 9;
// napi_typedarray_type
const TA_INT32: i32 = 5;
const TA_FLOAT64: i32 = 8;
const TA_BIGINT64: i32 = 9;
const TA_NAMES: [&str; 11] = [
    "Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array",
    "Uint32Array", "Float32Array", "Float64Array", "BigInt64Array", "BigUint64Array",
];

thread_local! {
    /// Addresses of the live engines of this thread (one JS environment per thread). A
    /// pointer from an external is dereferenced only if it is listed here, so an external
    /// of another addon passed by mistake is rejected without being touched.
    static LIVE: std::cell::RefCell<Vec<usize>> = const { std::cell::RefCell::new(Vec::new()) };
}

thread_local! {
    /// The builtin getters `ArrayBuffer.prototype.resizable` and
    /// `SharedArrayBuffer.prototype.growable` of this thread's environment, taken when the module
    /// loads (see `refuse_resizable`); None where the runtime has no such buffers.
    static BUFFER_GETTERS: std::cell::RefCell<[Option<usize>; 2]> = const { std::cell::RefCell::new([None, None]) };
}

fn is_live(p: usize) -> bool {
    LIVE.try_with(|l| l.borrow().contains(&p)).unwrap_or(false)
}

extern "C" {
    fn napi_create_function(env: napi_env, name: *const c_char, len: usize, cb: napi_callback, data: *mut c_void, result: *mut napi_value) -> napi_status;
    fn napi_set_named_property(env: napi_env, object: napi_value, name: *const c_char, value: napi_value) -> napi_status;
    fn napi_get_named_property(env: napi_env, object: napi_value, name: *const c_char, result: *mut napi_value) -> napi_status;
    fn napi_get_cb_info(env: napi_env, info: napi_callback_info, argc: *mut usize, argv: *mut napi_value, this: *mut napi_value, data: *mut *mut c_void) -> napi_status;
    fn napi_typeof(env: napi_env, value: napi_value, result: *mut i32) -> napi_status;
    fn napi_get_value_double(env: napi_env, value: napi_value, result: *mut f64) -> napi_status;
    fn napi_get_value_bool(env: napi_env, value: napi_value, result: *mut bool) -> napi_status;
    fn napi_get_value_bigint_int64(env: napi_env, value: napi_value, result: *mut i64, lossless: *mut bool) -> napi_status;
    fn napi_get_value_string_utf8(env: napi_env, value: napi_value, buf: *mut c_char, bufsize: usize, result: *mut usize) -> napi_status;
    fn napi_is_typedarray(env: napi_env, value: napi_value, result: *mut bool) -> napi_status;
    fn napi_get_typedarray_info(env: napi_env, value: napi_value, kind: *mut i32, length: *mut usize, data: *mut *mut c_void, arraybuffer: *mut napi_value, byte_offset: *mut usize) -> napi_status;
    fn napi_is_array(env: napi_env, value: napi_value, result: *mut bool) -> napi_status;
    fn napi_get_array_length(env: napi_env, value: napi_value, result: *mut u32) -> napi_status;
    fn napi_get_element(env: napi_env, object: napi_value, index: u32, result: *mut napi_value) -> napi_status;
    fn napi_create_external(env: napi_env, data: *mut c_void, finalize: napi_finalize, hint: *mut c_void, result: *mut napi_value) -> napi_status;
    fn napi_get_value_external(env: napi_env, value: napi_value, result: *mut *mut c_void) -> napi_status;
    fn napi_create_external_arraybuffer(env: napi_env, data: *mut c_void, byte_length: usize, finalize: napi_finalize, hint: *mut c_void, result: *mut napi_value) -> napi_status;
    fn napi_create_arraybuffer(env: napi_env, byte_length: usize, data: *mut *mut c_void, result: *mut napi_value) -> napi_status;
    fn napi_adjust_external_memory(env: napi_env, change: i64, adjusted: *mut i64) -> napi_status;
    fn napi_is_detached_arraybuffer(env: napi_env, value: napi_value, result: *mut bool) -> napi_status;
    fn napi_is_arraybuffer(env: napi_env, value: napi_value, result: *mut bool) -> napi_status;
    fn napi_get_global(env: napi_env, result: *mut napi_value) -> napi_status;
    fn napi_call_function(env: napi_env, recv: napi_value, func: napi_value, argc: usize, argv: *const napi_value, result: *mut napi_value) -> napi_status;
    fn napi_create_reference(env: napi_env, value: napi_value, count: u32, result: *mut napi_ref) -> napi_status;
    fn napi_delete_reference(env: napi_env, r: napi_ref) -> napi_status;
    fn napi_get_reference_value(env: napi_env, r: napi_ref, result: *mut napi_value) -> napi_status;
    fn napi_throw_error(env: napi_env, code: *const c_char, msg: *const c_char) -> napi_status;
    fn napi_throw_type_error(env: napi_env, code: *const c_char, msg: *const c_char) -> napi_status;
    fn napi_throw_range_error(env: napi_env, code: *const c_char, msg: *const c_char) -> napi_status;
    fn napi_create_double(env: napi_env, value: f64, result: *mut napi_value) -> napi_status;
    fn napi_create_string_utf8(env: napi_env, s: *const c_char, len: usize, result: *mut napi_value) -> napi_status;
    fn napi_create_object(env: napi_env, result: *mut napi_value) -> napi_status;
    fn napi_create_array_with_length(env: napi_env, len: usize, result: *mut napi_value) -> napi_status;
    fn napi_set_element(env: napi_env, object: napi_value, index: u32, value: napi_value) -> napi_status;
    fn napi_get_undefined(env: napi_env, result: *mut napi_value) -> napi_status;
    fn napi_check_object_type_tag(env: napi_env, value: napi_value, tag: *const napi_type_tag, result: *mut bool) -> napi_status;
}

enum JsError {
    Type(String),
    Range(String),
    Plain(String),
}
type JsResult<T> = Result<T, JsError>;

impl From<String> for JsError {
    fn from(s: String) -> Self {
        JsError::Plain(s)
    }
}

fn check(status: napi_status, what: &str) -> JsResult<()> {
    if status == NAPI_OK {
        Ok(())
    } else {
        Err(JsError::Plain(format!("N-API call failed ({}), status {}", what, status)))
    }
}

fn throw(env: napi_env, e: JsError) {
    let (kind, msg) = match e {
        JsError::Type(m) => (0, m),
        JsError::Range(m) => (1, m),
        JsError::Plain(m) => (2, m),
    };
    let msg = CString::new(msg.replace('\0', " ")).unwrap_or_default();
    // SAFETY: env is the live environment of the current call; msg is a valid C string.
    unsafe {
        match kind {
            0 => napi_throw_type_error(env, null(), msg.as_ptr()),
            1 => napi_throw_range_error(env, null(), msg.as_ptr()),
            _ => napi_throw_error(env, null(), msg.as_ptr()),
        };
    }
}

/// Runs a callback body, turning errors and panics into JS exceptions.
fn guard(env: napi_env, body: impl FnOnce() -> JsResult<napi_value>) -> napi_value {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(v)) => v,
        Ok(Err(e)) => {
            throw(env, e);
            null_mut()
        }
        Err(panic) => {
            let what = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            throw(env, JsError::Plain(format!("internal error in the native engine: {}", what)));
            null_mut()
        }
    }
}

fn args<const N: usize>(env: napi_env, info: napi_callback_info) -> JsResult<[napi_value; N]> {
    let mut argv = [null_mut(); N];
    let mut argc = N;
    // SAFETY: argv has room for argc values; missing arguments are filled with undefined.
    check(unsafe { napi_get_cb_info(env, info, &mut argc, argv.as_mut_ptr(), null_mut(), null_mut()) }, "get_cb_info")?;
    Ok(argv)
}

fn type_of(env: napi_env, v: napi_value) -> JsResult<i32> {
    let mut t = 0;
    // SAFETY: v is a value of the current call.
    check(unsafe { napi_typeof(env, v, &mut t) }, "typeof")?;
    Ok(t)
}

fn is_absent(env: napi_env, v: napi_value) -> JsResult<bool> {
    Ok(matches!(type_of(env, v)?, T_UNDEFINED | T_NULL))
}

fn undefined(env: napi_env) -> JsResult<napi_value> {
    let mut v = null_mut();
    // SAFETY: env is live.
    check(unsafe { napi_get_undefined(env, &mut v) }, "get_undefined")?;
    Ok(v)
}

fn number(env: napi_env, x: f64) -> JsResult<napi_value> {
    let mut v = null_mut();
    // SAFETY: env is live.
    check(unsafe { napi_create_double(env, x, &mut v) }, "create_double")?;
    Ok(v)
}

fn string(env: napi_env, s: &str) -> JsResult<napi_value> {
    let mut v = null_mut();
    // SAFETY: s points to s.len() bytes of UTF-8.
    check(unsafe { napi_create_string_utf8(env, s.as_ptr() as *const c_char, s.len(), &mut v) }, "create_string")?;
    Ok(v)
}

fn get_string(env: napi_env, v: napi_value, name: &str) -> JsResult<String> {
    if type_of(env, v)? != T_STRING {
        return Err(JsError::Type(format!("{} must be a string", name)));
    }
    let mut len = 0;
    // SAFETY: a null buffer asks for the length only.
    check(unsafe { napi_get_value_string_utf8(env, v, null_mut(), 0, &mut len) }, "string length")?;
    let mut buf = vec![0u8; len + 1];
    // SAFETY: buf has len + 1 bytes, room for the string and its terminating zero.
    check(unsafe { napi_get_value_string_utf8(env, v, buf.as_mut_ptr() as *mut c_char, len + 1, &mut len) }, "string")?;
    buf.truncate(len);
    String::from_utf8(buf).map_err(|_| JsError::Type(format!("{} is not valid UTF-8", name)))
}

fn get_index(env: napi_env, v: napi_value, name: &str) -> JsResult<usize> {
    let mut x = 0.0;
    // SAFETY: v is a value of the current call; a non-number fails with a status.
    if unsafe { napi_get_value_double(env, v, &mut x) } != NAPI_OK {
        return Err(JsError::Type(format!("{} must be a number", name)));
    }
    if !(x >= 0.0 && x.fract() == 0.0 && x <= 9.0e15) {
        return Err(JsError::Range(format!("{} must be a whole number >= 0, got {}", name, x)));
    }
    Ok(x as usize)
}

fn get_bool(env: napi_env, v: napi_value, name: &str) -> JsResult<bool> {
    if type_of(env, v)? != T_BOOLEAN {
        return Err(JsError::Type(format!("{} must be a boolean", name)));
    }
    let mut b = false;
    // SAFETY: v is a boolean.
    check(unsafe { napi_get_value_bool(env, v, &mut b) }, "get_value_bool")?;
    Ok(b)
}

fn get_bigint(env: napi_env, v: napi_value, name: &str) -> JsResult<i64> {
    if type_of(env, v)? != T_BIGINT {
        return Err(JsError::Type(format!("{} must be a bigint (UTC microseconds)", name)));
    }
    let (mut x, mut lossless) = (0i64, false);
    // SAFETY: v is a bigint.
    check(unsafe { napi_get_value_bigint_int64(env, v, &mut x, &mut lossless) }, "get_value_bigint")?;
    if !lossless {
        return Err(JsError::Range(format!("{} does not fit in a signed 64-bit integer", name)));
    }
    Ok(x)
}

fn property(env: napi_env, obj: napi_value, name: &str) -> JsResult<napi_value> {
    let c = CString::new(name).unwrap_or_default();
    let mut v = null_mut();
    // SAFETY: obj is an object of the current call; c is a valid C string.
    check(unsafe { napi_get_named_property(env, obj, c.as_ptr(), &mut v) }, "get_named_property")?;
    Ok(v)
}

fn set_property(env: napi_env, obj: napi_value, name: &str, v: napi_value) -> JsResult<()> {
    let c = CString::new(name).unwrap_or_default();
    // SAFETY: obj is an object of the current call; c is a valid C string.
    check(unsafe { napi_set_named_property(env, obj, c.as_ptr(), v) }, "set_named_property")
}

/// A typed array's element pointer and length, the typed array and its buffer.
struct RawArray {
    ptr: *mut c_void,
    len: usize,
    value: napi_value,
    buffer: napi_value,
}

/// Keeps the builtin getters that tell resizable and growable buffers (`refuse_resizable`), taken
/// at module load: later JS cannot redefine what the addon calls, and calling a builtin runs no JS.
fn capture_buffer_getters(env: napi_env) -> JsResult<()> {
    let mut global = null_mut();
    // SAFETY: env is live.
    check(unsafe { napi_get_global(env, &mut global) }, "get_global")?;
    let object = property(env, global, "Object")?;
    let describe = property(env, object, "getOwnPropertyDescriptor")?;
    let mut getters = [None, None];
    for (slot, (class, name)) in [("ArrayBuffer", "resizable"), ("SharedArrayBuffer", "growable")].into_iter().enumerate() {
        let c = property(env, global, class)?;
        if type_of(env, c)? != T_FUNCTION {
            continue;
        }
        let argv = [property(env, c, "prototype")?, string(env, name)?];
        let mut desc = null_mut();
        // SAFETY: describe is Object.getOwnPropertyDescriptor; argv holds its two arguments.
        check(unsafe { napi_call_function(env, object, describe, 2, argv.as_ptr(), &mut desc) }, "getOwnPropertyDescriptor")?;
        if type_of(env, desc)? != T_OBJECT {
            continue;
        }
        let get = property(env, desc, "get")?;
        if type_of(env, get)? == T_FUNCTION {
            getters[slot] = Some(make_ref(env, get)? as usize);
        }
    }
    BUFFER_GETTERS.with(|g| *g.borrow_mut() = getters);
    Ok(())
}

/// Refuses a view of a resizable ArrayBuffer or a growable SharedArrayBuffer (`buffer`, of the
/// typed array `name`) where the addon keeps the pointer beyond the call (the batch columns,
/// from setBatch to run) and would read by the length it was given: memory that a resize gives
/// back would be read after that, a crash. (Detached buffers and lengths changed anyway, e.g.
/// by a getter redefined before this module loaded, are caught by the checks of the length at
/// each use: `Handle::check_live`.) Calls that use a typed array only while they run take any
/// buffer: no JS runs between taking the pointer and its last use. The check costs a call of a
/// builtin (~100 ns), too much for the calls made at every wake-up.
fn refuse_resizable(env: napi_env, buffer: napi_value, name: &str) -> JsResult<()> {
    let mut plain = false;
    // SAFETY: buffer is the ArrayBuffer or SharedArrayBuffer of a typed array of the current call.
    check(unsafe { napi_is_arraybuffer(env, buffer, &mut plain) }, "is_arraybuffer")?;
    let slot = if plain { 0 } else { 1 };
    let Some(r) = BUFFER_GETTERS.try_with(|g| g.borrow()[slot]).ok().flatten() else {
        return Ok(());
    };
    let mut get = null_mut();
    // SAFETY: r is the strong reference made by capture_buffer_getters, never deleted.
    check(unsafe { napi_get_reference_value(env, r as napi_ref, &mut get) }, "get_reference_value")?;
    let mut out = null_mut();
    // SAFETY: get is the builtin getter for this kind of buffer; buffer is its receiver.
    check(unsafe { napi_call_function(env, buffer, get, 0, null(), &mut out) }, if plain { "resizable" } else { "growable" })?;
    if get_bool(env, out, name)? {
        let what = if plain { "a resizable ArrayBuffer" } else { "a growable SharedArrayBuffer" };
        return Err(JsError::Type(format!(
            "{} is a view of {}: the engine keeps pointers into its typed arrays, so their buffers must have a fixed length \
             (copy it into one with .slice())",
            name, what
        )));
    }
    Ok(())
}

fn typed_array(env: napi_env, v: napi_value, name: &str, kind: i32) -> JsResult<Option<RawArray>> {
    if is_absent(env, v)? {
        return Ok(None);
    }
    let want = TA_NAMES[kind as usize];
    let mut is_ta = false;
    // SAFETY: v is a value of the current call.
    check(unsafe { napi_is_typedarray(env, v, &mut is_ta) }, "is_typedarray")?;
    if !is_ta {
        return Err(JsError::Type(format!("{} must be a {}", name, want)));
    }
    let (mut k, mut len, mut data, mut buffer, mut off) = (0, 0usize, null_mut(), null_mut(), 0usize);
    // SAFETY: v is a typed array; all out-pointers are valid.
    check(unsafe { napi_get_typedarray_info(env, v, &mut k, &mut len, &mut data, &mut buffer, &mut off) }, "get_typedarray_info")?;
    if k != kind {
        let got = TA_NAMES.get(k as usize).copied().unwrap_or("another typed array");
        return Err(JsError::Type(format!("{} must be a {}, got a {}", name, want, got)));
    }
    Ok(Some(RawArray { ptr: data, len, value: v, buffer }))
}

/// Views a raw array as a slice.
///
/// Callers guarantee (see each SAFETY comment) that the memory is alive and not detached.
fn as_slice<'a, T>(ptr: *const c_void, len: usize) -> &'a [T] {
    let p = if len == 0 || ptr.is_null() { NonNull::<T>::dangling().as_ptr() as *const T } else { ptr as *const T };
    // SAFETY: p points to len elements of T inside a live ArrayBuffer (typed arrays of
    // 8-byte elements are 8-byte aligned) or a Rust-owned batch copy (Handle::copy_batch),
    // or is a dangling aligned pointer for len 0.
    unsafe { std::slice::from_raw_parts(p, if ptr.is_null() { 0 } else { len }) }
}

/// Views a raw array as a mutable slice.
///
/// Callers guarantee that the memory is alive, not detached, and not otherwise borrowed.
fn as_slice_mut<'a, T>(ptr: *mut c_void, len: usize) -> &'a mut [T] {
    let p = if len == 0 || ptr.is_null() { NonNull::<T>::dangling().as_ptr() } else { ptr as *mut T };
    // SAFETY: p points to len elements of T inside a live ArrayBuffer of the current call
    // (8-byte typed arrays are 8-byte aligned), or is a dangling aligned pointer for len 0;
    // nothing else borrows that memory during the call.
    unsafe { std::slice::from_raw_parts_mut(p, if ptr.is_null() { 0 } else { len }) }
}

fn get_number(env: napi_env, v: napi_value, name: &str) -> JsResult<f64> {
    let mut x = 0.0;
    // SAFETY: v is a value of the current call; a non-number fails with a status.
    if unsafe { napi_get_value_double(env, v, &mut x) } != NAPI_OK {
        return Err(JsError::Type(format!("{} must be a number", name)));
    }
    Ok(x)
}

/// The current batch's columns as slices (valid while the Handle's batch references are).
fn batch_of<'a>(cols: [Col; 5]) -> Batch<'a> {
    let f = |c: Col| if c.set { Some(as_slice::<f64>(c.ptr as *const c_void, c.len)) } else { None };
    Batch {
        time: as_slice::<i64>(cols[0].ptr as *const c_void, cols[0].len),
        price: f(cols[1]),
        size: f(cols[2]),
        bid: f(cols[3]),
        ask: f(cols[4]),
    }
}

fn make_ref(env: napi_env, v: napi_value) -> JsResult<napi_ref> {
    let mut r = null_mut();
    // SAFETY: v is a value of the current call; a count of 1 keeps it alive.
    check(unsafe { napi_create_reference(env, v, 1, &mut r) }, "create_reference")?;
    Ok(r)
}

fn drop_ref(env: napi_env, r: napi_ref) {
    if !r.is_null() {
        // SAFETY: r was created by make_ref and is deleted once.
        unsafe { napi_delete_reference(env, r) };
    }
}

/// The element pointer and length a referenced typed array has now.
fn view_now(env: napi_env, r: napi_ref) -> JsResult<(usize, usize)> {
    let mut v = null_mut();
    // SAFETY: r is a live strong reference to a typed array.
    check(unsafe { napi_get_reference_value(env, r, &mut v) }, "get_reference_value")?;
    let (mut k, mut len, mut data, mut buffer, mut off) = (0, 0usize, null_mut(), null_mut(), 0usize);
    // SAFETY: v is the typed array held by r; all out-pointers are valid.
    check(unsafe { napi_get_typedarray_info(env, v, &mut k, &mut len, &mut data, &mut buffer, &mut off) }, "get_typedarray_info")?;
    Ok((data as usize, len))
}

fn is_detached(env: napi_env, r: napi_ref) -> JsResult<bool> {
    let mut v = null_mut();
    let mut d = false;
    // SAFETY: r is a live strong reference to an ArrayBuffer.
    check(unsafe { napi_get_reference_value(env, r, &mut v) }, "get_reference_value")?;
    // SAFETY: v is the ArrayBuffer held by r.
    check(unsafe { napi_is_detached_arraybuffer(env, v, &mut d) }, "is_detached_arraybuffer")?;
    Ok(d)
}

/// A strong reference to a column of the current batch, with the pointer and length it had at
/// setBatch (what `cols` and the engine go by).
struct ColRef {
    r: napi_ref,
    ptr: usize,
    len: usize,
    name: &'static str,
}

#[derive(Default, Clone, Copy)]
struct Col {
    ptr: usize,
    len: usize,
    set: bool,
}

/// State memory allocated by Rust, freed when both the engine and the ArrayBuffer over it
/// are gone (each holds an Arc).
struct StateMem {
    ptr: *mut u64,
    len: usize,
}

impl StateMem {
    fn new(len: usize) -> StateMem {
        let b: Box<[u64]> = vec![0u64; len].into_boxed_slice();
        StateMem { len, ptr: Box::into_raw(b) as *mut u64 }
    }
}

impl Drop for StateMem {
    fn drop(&mut self) {
        // SAFETY: ptr and len come from the Box<[u64]> leaked in `new`, freed once here.
        drop(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(self.ptr, self.len)) });
    }
}

unsafe extern "C" fn finalize_state(env: napi_env, _data: *mut c_void, hint: *mut c_void) {
    let _ = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: hint is the Arc<StateMem> leaked for the ArrayBuffer in `create`; node
        // calls this finalizer once, when the ArrayBuffer's memory is released.
        let mem = unsafe { Arc::from_raw(hint as *const StateMem) };
        let mut total = 0;
        // SAFETY: env is the environment the ArrayBuffer belonged to; this only updates
        // V8's count of external memory (added in `create`).
        unsafe { napi_adjust_external_memory(env, -((mem.len * 8) as i64), &mut total) };
        drop(mem);
    }));
}

/// An engine and the JS memory it works on, owned by a JS external.
struct Handle {
    engine: Engine,
    state_ref: napi_ref,
    state_ptr: *mut u64,
    state_len: usize,
    /// Rust-owned state memory (shared with the external ArrayBuffer over it), so a
    /// detached buffer cannot free it. None when the runtime refuses external buffers
    /// (e.g. Electron's memory cage): then the memory is V8's and is checked per call.
    owned: Option<Arc<StateMem>>,
    /// Strong references to the current batch's columns (none once copied).
    batch_refs: Vec<ColRef>,
    cols: [Col; 5],
    /// The current batch's columns copied into Rust memory (`cols` then point here), once its
    /// wake-ups turned out dense; empty otherwise.
    batch_copy: Vec<Box<[u64]>>,
    /// `run` calls on the current batch.
    batch_runs: usize,
}

/// A batch is copied (see `Handle::copy_batch`) at the `run` call number COPY_AFTER_RUNS or
/// later, if the runs so far advanced by at most DENSE_TICKS_PER_RUN ticks on average and at
/// least COPY_MIN_TICKS ticks remain: then a copy (~3 ns per tick) is cheaper than the checks
/// of the JS columns in every later call (~25 ns per call for three columns). Sparse
/// wake-ups (a bar-close strategy on ticks) never copy.
const COPY_AFTER_RUNS: usize = 32;
const DENSE_TICKS_PER_RUN: usize = 16;
const COPY_MIN_TICKS: usize = 4096;

impl Handle {
    /// The engine and its state memory, borrowed together.
    fn split(&mut self) -> (&mut Engine, &mut [u64]) {
        // SAFETY: state_ptr points to state_len u64 slots (8-byte aligned, checked in
        // `create`), either Rust-owned (`owned` keeps them alive) or of an ArrayBuffer that
        // state_ref keeps alive and callers check not to be detached (check_live). The memory is disjoint from `self`.
        let mem = unsafe { std::slice::from_raw_parts_mut(self.state_ptr, self.state_len) };
        (&mut self.engine, mem)
    }

    fn check_live(&self, env: napi_env) -> JsResult<()> {
        if self.owned.is_none() && is_detached(env, self.state_ref)? {
            return Err(JsError::Plain("the engine's state buffer was detached (transferred); it must stay with the engine".into()));
        }
        // The pointer and length of every column again: a detached (transferred) buffer has
        // none, a resized one another length (a view past its end: 0), and the engine must not
        // read by the old ones.
        for c in &self.batch_refs {
            let (ptr, len) = view_now(env, c.r)?;
            if len != c.len || (len > 0 && ptr != c.ptr) {
                return Err(JsError::Plain(format!(
                    "the {} column of the current batch was detached (transferred) or resized since setBatch ({} elements then, {} now); call setBatch again",
                    c.name, c.len, len
                )));
            }
        }
        Ok(())
    }

    /// Rewrites the account block of the state memory (after order commands), unless the
    /// state buffer was detached (then JS cannot read it anyway).
    fn write_account(&mut self, env: napi_env) -> JsResult<()> {
        if self.owned.is_none() && is_detached(env, self.state_ref)? {
            return Ok(());
        }
        let (engine, mem) = self.split();
        engine.write_account(mem);
        Ok(())
    }

    fn release_batch(&mut self, env: napi_env) {
        for c in self.batch_refs.drain(..) {
            drop_ref(env, c.r);
        }
        self.cols = [Col::default(); 5];
        self.batch_copy.clear();
        self.batch_runs = 0;
    }

    /// Counts a `run` call on the current batch (resuming at `from`) and copies the batch when
    /// its wake-ups are dense (see COPY_AFTER_RUNS). Call after `check_live` succeeded.
    fn note_run(&mut self, env: napi_env, from: usize) {
        self.batch_runs += 1;
        let n = self.cols[0].len;
        if self.batch_copy.is_empty()
            && !self.batch_refs.is_empty()
            && self.batch_runs >= COPY_AFTER_RUNS
            && from <= self.batch_runs * DENSE_TICKS_PER_RUN
            && n.saturating_sub(from) >= COPY_MIN_TICKS
        {
            self.copy_batch(env);
        }
    }

    /// Copies the current batch's columns into Rust memory and drops the references to the
    /// JS buffers: later `run` calls need no detach check (the copy cannot be detached) and the
    /// JS buffers may be transferred or collected. The values are those validated by setBatch.
    fn copy_batch(&mut self, env: napi_env) {
        for c in self.cols.iter_mut().filter(|c| c.set) {
            // SAFETY (via as_slice): the caller ran check_live in this call, so every column
            // still has its pointer and length, held by batch_refs; no JS runs during this call.
            let copy: Box<[u64]> = as_slice::<u64>(c.ptr as *const c_void, c.len).into();
            // A boxed slice does not move when the Box does: the pointer stays valid until
            // release_batch clears batch_copy.
            c.ptr = copy.as_ptr() as usize;
            self.batch_copy.push(copy);
        }
        for c in self.batch_refs.drain(..) {
            drop_ref(env, c.r);
        }
    }
}

unsafe extern "C" fn finalize_handle(env: napi_env, data: *mut c_void, _hint: *mut c_void) {
    // A finalizer must not unwind into node either.
    let _ = catch_unwind(AssertUnwindSafe(|| {
        // try_with: at thread exit the registry may already be gone.
        let _ = LIVE.try_with(|l| l.borrow_mut().retain(|p| *p != data as usize));
        // SAFETY: data is the Box<Handle> leaked in `create`; node calls this finalizer once.
        let mut h = unsafe { Box::from_raw(data as *mut Handle) };
        h.release_batch(env);
        drop_ref(env, h.state_ref);
    }));
}

fn handle<'a>(env: napi_env, v: napi_value) -> JsResult<&'a mut Handle> {
    let mut p = null_mut();
    // SAFETY: v is a value of the current call; a non-external fails with a status.
    let st = unsafe { napi_get_value_external(env, v, &mut p) };
    if st != NAPI_OK || !is_live(p as usize) {
        return Err(JsError::Type("the first argument must be an engine created by create()".into()));
    }
    // SAFETY: p is listed as a live Box<Handle> (added in `create`, removed by its
    // finalizer); JS runs one call at a time on this thread and no call re-enters JS
    // while holding the reference.
    Ok(unsafe { &mut *(p as *mut Handle) })
}

macro_rules! exports {
    ($($js:literal => $f:path),* $(,)?) => {
        fn register(env: napi_env, exports: napi_value) -> JsResult<napi_value> {
            $(
                {
                    unsafe extern "C" fn cb(env: napi_env, info: napi_callback_info) -> napi_value {
                        guard(env, || $f(env, info))
                    }
                    let mut f = null_mut();
                    // SAFETY: the name is a valid UTF-8 literal of the given length.
                    check(unsafe { napi_create_function(env, $js.as_ptr() as *const c_char, $js.len(), cb, null_mut(), &mut f) }, "create_function")?;
                    set_property(env, exports, $js, f)?;
                }
            )*
            Ok(exports)
        }
    };
}

exports! {
    "layout" => napi_engine::layout_object,
    "create" => napi_engine::create,
    "stateBuffer" => napi_engine::state_buffer,
    "timeframes" => napi_engine::timeframes,
    "timeframeIndex" => napi_engine::timeframe_index,
    "setBatch" => napi_engine::set_batch,
    "run" => napi_engine::run,
    "subscribe" => napi_engine::subscribe,
    "setLevels" => napi_engine::set_levels,
    "setTimers" => napi_engine::set_timers,
    "advanceTo" => napi_engine::advance_to,
    "flush" => napi_engine::flush,
    "reset" => napi_engine::reset,
    "sessionTableZone" => napi_engine::session_table_zone,
    "executionLayout" => napi_execution::execution_layout_object,
    "configureExecution" => napi_execution::configure_execution,
    "submit" => napi_execution::submit,
    "readEvents" => napi_execution::read_events,
    "readTrades" => napi_execution::read_trades,
    "readAccount" => napi_execution::read_account,
    "readPositions" => napi_execution::read_positions,
    "barPath" => napi_execution::bar_path,
    "duckdbAttach" => napi_duckdb::attach,
    "duckdbCopyResult" => napi_duckdb::copy_result,
}

/// Module entry point, found by node when it loads the `.node` file.
///
/// # Safety
/// Called by node with a live environment and the module's exports object.
#[no_mangle]
pub unsafe extern "C" fn napi_register_module_v1(env: napi_env, exports: napi_value) -> napi_value {
    guard(env, || {
        capture_buffer_getters(env)?;
        register(env, exports)
    })
}
