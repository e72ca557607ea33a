//! Wrapping a main module's exported `cabi_realloc` (and
//! `cabi_export_realloc`) so that the adapter knows when the host is
//! allocating in the guest.
//!
//! The host calls such an allocator while it lowers a result into the main
//! module, and the component model forbids calling any import until it
//! returns. A Go allocator may run the garbage collector there, which reads
//! clocks and polls; the adapter can answer those without the host, but only
//! if it knows the allocation is in progress (adapter/src/pause.rs). Guests
//! built with componentize-go's newer runtime library announce it
//! themselves; every other guest gets this wrapper:
//!
//! ```wat
//! (func $wrapped (param i32 i32 i32 i32) (result i32)
//!   call $adapter_pause_begin
//!   (call $original (local.get 0) (local.get 1) (local.get 2) (local.get 3))
//!   call $adapter_pause_end)
//! ```
//!
//! The two adapter functions are new imports of the module (`rewrite`).

use crate::rewrite::{self, Edit, Layout, NewType, Wrapper};
use anyhow::{bail, Context, Result};
use wasmparser::{Parser, Payload};

pub use crate::rewrite::ADAPTER_MODULE;
pub const PAUSE_BEGIN: &str = "adapter_pause_begin";
pub const PAUSE_END: &str = "adapter_pause_end";
/// The allocators a host may call while lowering into the main module.
pub const REALLOC_EXPORTS: [&str; 2] = ["cabi_realloc", "cabi_export_realloc"];

/// The allocators to wrap, as (export name, function index, type index):
/// none when the module exports none, or already imports the pause
/// functions (wrapped before, or announcing itself).
fn allocators(layout: &Layout) -> Result<Vec<(String, u32, u32)>> {
    let already_wrapped = layout.adapter_import(PAUSE_BEGIN).is_some() || layout.adapter_import(PAUSE_END).is_some();
    let exports: Vec<_> =
        layout.func_exports.iter().filter(|(name, _)| REALLOC_EXPORTS.contains(&name.as_str())).collect();
    if already_wrapped || exports.is_empty() {
        return Ok(Vec::new());
    }
    exports
        .into_iter()
        .map(|(name, index)| {
            let ty = *layout.func_types.get(*index as usize).context("an allocator export names no function")?;
            Ok((name.clone(), *index, ty))
        })
        .collect()
}

/// Returns the module with its allocators wrapped, or `None` when it
/// exports none (nothing to do) or already imports the pause functions
/// (wrapped before, or announcing itself).
pub fn wrap_realloc(module: &[u8]) -> Result<Option<Vec<u8>>> {
    check_realloc_type(module)?;
    let layout = Layout::read(module)?;
    let allocators = allocators(&layout)?;
    if allocators.is_empty() {
        return Ok(None);
    }
    // One `() -> ()` type for both pause functions, imported right after
    // the module's own function imports.
    let unit = layout.types;
    let (begin, end) = (layout.imported_funcs, layout.imported_funcs + 1);
    let edit = Edit {
        new_types: vec![NewType { params: vec![], results: vec![] }],
        new_imports: vec![(PAUSE_BEGIN, unit), (PAUSE_END, unit)],
        wrappers: allocators
            .into_iter()
            .map(|(export, original, ty)| Wrapper { export, original, ty, params: 4, begin, end })
            .collect(),
        ..Edit::default()
    };
    rewrite::apply(module, &layout, &edit).map(Some)
}

/// Checks the allocator type before rewriting: `(i32 i32 i32 i32) -> i32`.
pub fn check_realloc_type(module: &[u8]) -> Result<()> {
    let layout = Layout::read(module)?;
    let allocators = allocators(&layout)?;
    let mut types = Vec::new();
    for payload in Parser::new(0).parse_all(module) {
        if let Payload::TypeSection(reader) = payload? {
            for ty in reader.into_iter_err_on_gc_types() {
                types.push(ty?);
            }
        }
    }
    for (name, _, ty) in &allocators {
        let func = types.get(*ty as usize).context("the allocator's type is missing")?;
        let i32 = wasmparser::ValType::I32;
        if func.params() != [i32, i32, i32, i32] || func.results() != [i32] {
            bail!("`{name}` is not (i32 i32 i32 i32) -> i32, so it is not a canonical-ABI allocator");
        }
    }
    Ok(())
}
