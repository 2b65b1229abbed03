//! Copies the columns of a materialized DuckDB result straight into typed arrays, for the data
//! layer's reads. `@duckdb/node-bindings` hands a chunk out as a JS object and a column as a fresh
//! Buffer copy (its build allows no external buffers), which the data layer then copied again:
//! objects, Buffers and two copies per column of every 2,048 rows. Here one call per result copies
//! each column once.
//!
//! DuckDB's C API is resolved from the `libduckdb` that node-bindings already loaded in this
//! process (`dlopen` with RTLD_NOLOAD: never a second copy). A result is node-bindings' external
//! for a `duckdb_result`, recognised by its type tag before its pointer is used, and each column's
//! DuckDB type is checked against the typed array it is copied into. Part of the binding
//! module (`napi`): the helpers and `unsafe` rules are its own.

use super::*;
use std::sync::OnceLock;

type DuckChunk = *mut c_void;
type DuckVector = *mut c_void;
type DuckType = *mut c_void;

/// `duckdb_result` of duckdb.h (passed by value to its C API).
#[repr(C)]
#[derive(Clone, Copy)]
struct DuckResult {
    column_count: u64,
    row_count: u64,
    rows_changed: u64,
    columns: *mut c_void,
    error_message: *mut c_char,
    internal_data: *mut c_void,
}

/// The C API functions this module calls.
struct DuckApi {
    chunk_size: unsafe extern "C" fn(DuckChunk) -> u64,
    column_count: unsafe extern "C" fn(DuckChunk) -> u64,
    get_vector: unsafe extern "C" fn(DuckChunk, u64) -> DuckVector,
    get_data: unsafe extern "C" fn(DuckVector) -> *mut c_void,
    get_validity: unsafe extern "C" fn(DuckVector) -> *mut u64,
    column_type: unsafe extern "C" fn(DuckVector) -> DuckType,
    type_id: unsafe extern "C" fn(DuckType) -> u32,
    destroy_type: unsafe extern "C" fn(*mut DuckType),
    result_chunk_count: unsafe extern "C" fn(DuckResult) -> u64,
    result_get_chunk: unsafe extern "C" fn(DuckResult, u64) -> DuckChunk,
    destroy_chunk: unsafe extern "C" fn(*mut DuckChunk),
}

// SAFETY: the table holds plain function pointers into a shared library that stays loaded.
unsafe impl Send for DuckApi {}
unsafe impl Sync for DuckApi {}

static API: OnceLock<DuckApi> = OnceLock::new();

extern "C" {
    fn dlopen(filename: *const c_char, flags: i32) -> *mut c_void;
    fn dlsym(handle: *mut c_void, symbol: *const c_char) -> *mut c_void;
}
const RTLD_LAZY: i32 = 0x1;
const RTLD_NOLOAD: i32 = 0x4;

// DUCKDB_TYPE values of duckdb.h.
const DUCKDB_TYPE_INTEGER: u32 = 4;
const DUCKDB_TYPE_BIGINT: u32 = 5;
const DUCKDB_TYPE_DOUBLE: u32 = 11;

/// node-bindings' type tag of its result externals (its interface for telling its externals apart).
const RESULT_TAG: napi_type_tag = napi_type_tag { lower: 0x08F7FE3AE12345E5, upper: 0x8733310DC29372D9 };

fn symbol(handle: *mut c_void, name: &str) -> JsResult<*mut c_void> {
    let c = CString::new(name).unwrap_or_default();
    // SAFETY: handle came from dlopen; c is a valid C string.
    let p = unsafe { dlsym(handle, c.as_ptr()) };
    if p.is_null() {
        return Err(JsError::Plain(format!("libduckdb has no symbol {}", name)));
    }
    Ok(p)
}

/// `duckdbAttach(libraryPath)`: resolves the C API from the libduckdb node-bindings loaded.
pub(super) fn attach(env: napi_env, info: napi_callback_info) -> JsResult<napi_value> {
    let [path] = args::<1>(env, info)?;
    let path = get_string(env, path, "libraryPath")?;
    if API.get().is_none() {
        let c = CString::new(path.clone()).map_err(|_| JsError::Type("libraryPath contains a NUL".into()))?;
        // SAFETY: c is a valid C string; RTLD_NOLOAD only returns a library already loaded.
        let handle = unsafe { dlopen(c.as_ptr(), RTLD_LAZY | RTLD_NOLOAD) };
        if handle.is_null() {
            return Err(JsError::Plain(format!("{} is not loaded in this process (load @duckdb/node-api first)", path)));
        }
        // SAFETY: each symbol is the C API function of that name, whose signature duckdb.h gives as declared in DuckApi.
        let api = unsafe {
            DuckApi {
                chunk_size: std::mem::transmute::<*mut c_void, unsafe extern "C" fn(DuckChunk) -> u64>(symbol(handle, "duckdb_data_chunk_get_size")?),
                column_count: std::mem::transmute::<*mut c_void, unsafe extern "C" fn(DuckChunk) -> u64>(symbol(handle, "duckdb_data_chunk_get_column_count")?),
                get_vector: std::mem::transmute::<*mut c_void, unsafe extern "C" fn(DuckChunk, u64) -> DuckVector>(symbol(handle, "duckdb_data_chunk_get_vector")?),
                get_data: std::mem::transmute::<*mut c_void, unsafe extern "C" fn(DuckVector) -> *mut c_void>(symbol(handle, "duckdb_vector_get_data")?),
                get_validity: std::mem::transmute::<*mut c_void, unsafe extern "C" fn(DuckVector) -> *mut u64>(symbol(handle, "duckdb_vector_get_validity")?),
                column_type: std::mem::transmute::<*mut c_void, unsafe extern "C" fn(DuckVector) -> DuckType>(symbol(handle, "duckdb_vector_get_column_type")?),
                type_id: std::mem::transmute::<*mut c_void, unsafe extern "C" fn(DuckType) -> u32>(symbol(handle, "duckdb_get_type_id")?),
                destroy_type: std::mem::transmute::<*mut c_void, unsafe extern "C" fn(*mut DuckType)>(symbol(handle, "duckdb_destroy_logical_type")?),
                result_chunk_count: std::mem::transmute::<*mut c_void, unsafe extern "C" fn(DuckResult) -> u64>(symbol(handle, "duckdb_result_chunk_count")?),
                result_get_chunk: std::mem::transmute::<*mut c_void, unsafe extern "C" fn(DuckResult, u64) -> DuckChunk>(symbol(handle, "duckdb_result_get_chunk")?),
                destroy_chunk: std::mem::transmute::<*mut c_void, unsafe extern "C" fn(*mut DuckChunk)>(symbol(handle, "duckdb_destroy_data_chunk")?),
            }
        };
        let _ = API.set(api);
    }
    undefined(env)
}

/// The pointer of node-bindings' external `v`, after checking its type tag.
fn tagged_external(env: napi_env, v: napi_value, tag: &napi_type_tag, what: &str) -> JsResult<*mut c_void> {
    let mut tagged = false;
    // SAFETY: v is a value of the current call; tag is a valid napi_type_tag.
    let st = unsafe { napi_check_object_type_tag(env, v, tag, &mut tagged) };
    if st != NAPI_OK || !tagged {
        return Err(JsError::Type(format!("{} must be a DuckDB {} of @duckdb/node-bindings", what, what)));
    }
    let mut p = null_mut();
    // SAFETY: v is an external (its type tag says so).
    check(unsafe { napi_get_value_external(env, v, &mut p) }, "get_value_external")?;
    Ok(p)
}

/// A destination typed array.
struct Target {
    kind: i32,
    data: *mut c_void,
    len: usize,
}

fn read_targets(env: napi_env, targets: napi_value) -> JsResult<Vec<Option<Target>>> {
    let mut is_array = false;
    // SAFETY: targets is a value of the current call.
    check(unsafe { napi_is_array(env, targets, &mut is_array) }, "is_array")?;
    if !is_array {
        return Err(JsError::Type("targets must be an array".into()));
    }
    let mut count = 0u32;
    // SAFETY: targets is an array.
    check(unsafe { napi_get_array_length(env, targets, &mut count) }, "get_array_length")?;
    // All elements first: reading one may run JS (an accessor element), which could detach or
    // resize a target read before it. The pointers and lengths are taken after, with no JS between
    // them and the copy.
    let mut values = Vec::with_capacity(count as usize);
    for c in 0..count {
        let mut t = null_mut();
        // SAFETY: c < the array's length.
        check(unsafe { napi_get_element(env, targets, c, &mut t) }, "get_element")?;
        values.push(t);
    }
    let mut out = Vec::with_capacity(values.len());
    for (c, t) in values.into_iter().enumerate() {
        if is_absent(env, t)? {
            out.push(None);
            continue;
        }
        let mut is_ta = false;
        // SAFETY: t is a value of the current call.
        check(unsafe { napi_is_typedarray(env, t, &mut is_ta) }, "is_typedarray")?;
        if !is_ta {
            return Err(JsError::Type(format!("targets[{}] must be a typed array", c)));
        }
        let (mut kind, mut len, mut data, mut buffer, mut off) = (0, 0usize, null_mut(), null_mut(), 0usize);
        // SAFETY: t is a typed array; all out-pointers are valid.
        check(unsafe { napi_get_typedarray_info(env, t, &mut kind, &mut len, &mut data, &mut buffer, &mut off) }, "get_typedarray_info")?;
        // Refused here too (cheap next to a copy of a result); calls a builtin getter only (no JS
        // code), so the targets read before stay as they are.
        refuse_resizable(env, buffer, &format!("targets[{}]", c))?;
        out.push(Some(Target { kind, data, len }));
    }
    Ok(out)
}

/// Copies the columns of chunk `p` into the targets from element `offset`; returns its row count.
///
/// The caller guarantees that `p` is a live duckdb_data_chunk and that the targets' memory stays
/// alive and unaliased during the call (typed arrays of the current call; JS does not run meanwhile).
fn copy_into(api: &DuckApi, p: DuckChunk, offset: usize, targets: &[Option<Target>]) -> JsResult<usize> {
    // SAFETY: p is a live chunk (caller).
    let (rows, columns) = unsafe { ((api.chunk_size)(p) as usize, (api.column_count)(p) as usize) };
    if targets.len() > columns {
        return Err(JsError::Range(format!("{} targets for a chunk of {} columns", targets.len(), columns)));
    }
    for (c, target) in targets.iter().enumerate() {
        let Some(t) = target else { continue };
        if offset + rows > t.len {
            return Err(JsError::Range(format!("targets[{}] holds {} elements; {} rows at {} do not fit", c, t.len, rows, offset)));
        }
        if rows == 0 {
            continue;
        }
        // SAFETY: c < the chunk's column count; the vector, its data and validity live as long as the chunk.
        let (vector, type_id) = unsafe {
            let vector = (api.get_vector)(p, c as u64);
            let mut ty = (api.column_type)(vector);
            let id = (api.type_id)(ty);
            (api.destroy_type)(&mut ty);
            (vector, id)
        };
        // SAFETY: as above.
        let (src, validity) = unsafe { ((api.get_data)(vector), (api.get_validity)(vector)) };
        let valid = |i: usize| -> bool {
            // SAFETY: a non-null validity mask holds a bit per row of the chunk.
            validity.is_null() || unsafe { *validity.add(i >> 6) } & (1u64 << (i & 63)) != 0
        };
        match (type_id, t.kind) {
            (DUCKDB_TYPE_DOUBLE, TA_FLOAT64) | (DUCKDB_TYPE_BIGINT, TA_BIGINT64) => {
                let dst = as_slice_mut::<u64>(t.data, t.len);
                dst[offset..offset + rows].copy_from_slice(as_slice::<u64>(src, rows));
                if !validity.is_null() {
                    let none = if t.kind == TA_FLOAT64 { f64::NAN.to_bits() } else { 0 };
                    for i in (0..rows).filter(|&i| !valid(i)) {
                        dst[offset + i] = none;
                    }
                }
            }
            (DUCKDB_TYPE_INTEGER, TA_INT32) => {
                let dst = as_slice_mut::<i32>(t.data, t.len);
                dst[offset..offset + rows].copy_from_slice(as_slice::<i32>(src, rows));
                if !validity.is_null() {
                    for i in (0..rows).filter(|&i| !valid(i)) {
                        dst[offset + i] = 0;
                    }
                }
            }
            (DUCKDB_TYPE_BIGINT, TA_FLOAT64) => {
                let dst = as_slice_mut::<f64>(t.data, t.len);
                for (i, x) in as_slice::<i64>(src, rows).iter().enumerate() {
                    dst[offset + i] = if valid(i) { *x as f64 } else { f64::NAN };
                }
            }
            _ => {
                let got = TA_NAMES.get(t.kind as usize).copied().unwrap_or("another typed array");
                return Err(JsError::Type(format!("column {} (DuckDB type {}) cannot be copied into a {}", c, type_id, got)));
            }
        }
    }
    Ok(rows)
}

/// `duckdbCopyResult(result, offset, targets)`: copies column `i` of every chunk of a materialized result, in
/// order, into `targets[i]` from element `offset` (columns whose target is undefined are skipped); returns the rows
/// copied. DOUBLE columns go to Float64Array (NULL -> NaN), INTEGER to Int32Array (NULL -> 0), BIGINT to
/// BigInt64Array (NULL -> 0) or to Float64Array as numbers (exact below 2^53; NULL -> NaN).
pub(super) fn copy_result(env: napi_env, info: napi_callback_info) -> JsResult<napi_value> {
    let api = API.get().ok_or_else(|| JsError::Plain("duckdbAttach(libraryPath) was not called".into()))?;
    let [result, offset, targets] = args::<3>(env, info)?;
    let p = tagged_external(env, result, &RESULT_TAG, "result")? as *const DuckResult;
    let mut at = get_index(env, offset, "offset")?;
    let targets = read_targets(env, targets)?;
    // SAFETY: p is the duckdb_result of a live node-bindings external (the argument keeps it alive).
    let result = unsafe { *p };
    // SAFETY: result is a live materialized result.
    let chunks = unsafe { (api.result_chunk_count)(result) };
    let start = at;
    for k in 0..chunks {
        // SAFETY: k < the result's chunk count; the chunk is destroyed below whatever the copy did.
        let mut chunk = unsafe { (api.result_get_chunk)(result, k) };
        if chunk.is_null() {
            continue;
        }
        let copied = copy_into(api, chunk, at, &targets);
        // SAFETY: chunk came from duckdb_result_get_chunk and is destroyed once.
        unsafe { (api.destroy_chunk)(&mut chunk) };
        at += copied?;
    }
    number(env, (at - start) as f64)
}
