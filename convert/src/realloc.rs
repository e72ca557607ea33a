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
//! The two adapter functions are new imports of the module, so every
//! function index of the module's own functions moves up by two; the
//! rewrite goes through `wasm_encoder::reencode`, which renumbers every
//! reference (calls, `ref.func`, element segments, exports, the start
//! function, the name section).

use anyhow::{bail, Context, Result};
use std::convert::Infallible;
use wasm_encoder::reencode::{Error as ReencodeError, Reencode, RoundtripReencoder};
use wasm_encoder::{CodeSection, EntityType, ExportSection, Function, FunctionSection, ImportSection, Instruction, TypeSection};
use wasmparser::{ExternalKind, Parser, Payload, TypeRef};

/// The module the adapter's exports are imported from.
pub const ADAPTER_MODULE: &str = "wasi_snapshot_preview1";
pub const PAUSE_BEGIN: &str = "adapter_pause_begin";
pub const PAUSE_END: &str = "adapter_pause_end";
/// The allocators a host may call while lowering into the main module.
pub const REALLOC_EXPORTS: [&str; 2] = ["cabi_realloc", "cabi_export_realloc"];

/// What a first pass over the module found.
struct Layout {
    types: u32,
    imported_funcs: u32,
    defined_funcs: u32,
    /// Per wrapped allocator: its export name, function index and type.
    reallocs: Vec<(String, u32, u32)>,
    /// Type index of every function, imported ones first.
    func_types: Vec<u32>,
}

/// Returns the module with its allocators wrapped, or `None` when it
/// exports none (nothing to do) or already imports the pause functions
/// (wrapped before, or announcing itself).
pub fn wrap_realloc(module: &[u8]) -> Result<Option<Vec<u8>>> {
    check_realloc_type(module)?;
    let layout = scan(module)?;
    if layout.reallocs.is_empty() {
        return Ok(None);
    }
    let mut rewriter = Rewriter { layout };
    let mut out = wasm_encoder::Module::new();
    rewriter
        .parse_core_module(&mut out, Parser::new(0), module)
        .map_err(|e| anyhow::anyhow!("rewriting the module: {e:?}"))?;
    Ok(Some(out.finish()))
}

fn scan(module: &[u8]) -> Result<Layout> {
    let mut layout =
        Layout { types: 0, imported_funcs: 0, defined_funcs: 0, reallocs: Vec::new(), func_types: Vec::new() };
    let mut already_wrapped = false;
    let mut exports = Vec::new();
    for payload in Parser::new(0).parse_all(module) {
        match payload.context("reading the module")? {
            Payload::Version { encoding: wasmparser::Encoding::Component, .. } => {
                bail!("this is already a component, not a core module")
            }
            Payload::TypeSection(reader) => layout.types = reader.count(),
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    let import = import?;
                    if let TypeRef::Func(ty) | TypeRef::FuncExact(ty) = import.ty {
                        layout.imported_funcs += 1;
                        layout.func_types.push(ty);
                        if import.module == ADAPTER_MODULE && (import.name == PAUSE_BEGIN || import.name == PAUSE_END) {
                            already_wrapped = true;
                        }
                    }
                }
            }
            Payload::FunctionSection(reader) => {
                for ty in reader {
                    layout.func_types.push(ty?);
                    layout.defined_funcs += 1;
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export?;
                    if export.kind == ExternalKind::Func && REALLOC_EXPORTS.contains(&export.name) {
                        exports.push((export.name.to_string(), export.index));
                    }
                }
            }
            _ => {}
        }
    }
    if already_wrapped || exports.is_empty() {
        return Ok(layout);
    }
    if layout.types == 0 || layout.imported_funcs == 0 {
        bail!("the module imports no functions, so it is no wasi_snapshot_preview1 module");
    }
    for (name, index) in exports {
        let ty = *layout.func_types.get(index as usize).context("an allocator export names no function")?;
        layout.reallocs.push((name, index, ty));
    }
    Ok(layout)
}

/// Re-encodes the module with two more imports and one wrapper per
/// allocator.
struct Rewriter {
    layout: Layout,
}

/// The two new imports come right after the existing function imports.
const ADDED_IMPORTS: u32 = 2;

impl Rewriter {
    /// Index of the `() -> ()` type appended to the type section.
    fn unit_type(&self) -> u32 {
        self.layout.types
    }

    fn begin_index(&self) -> u32 {
        self.layout.imported_funcs
    }

    fn end_index(&self) -> u32 {
        self.layout.imported_funcs + 1
    }

    /// Index of the wrapper of the `n`th allocator (after every defined
    /// function, shifted).
    fn wrapper_index(&self, n: usize) -> u32 {
        self.layout.imported_funcs + ADDED_IMPORTS + self.layout.defined_funcs + n as u32
    }
}

impl Reencode for Rewriter {
    type Error = Infallible;

    fn function_index(&mut self, func: u32) -> Result<u32, ReencodeError<Infallible>> {
        Ok(if func >= self.layout.imported_funcs { func + ADDED_IMPORTS } else { func })
    }

    fn parse_type_section(
        &mut self,
        types: &mut TypeSection,
        section: wasmparser::TypeSectionReader<'_>,
    ) -> Result<(), ReencodeError<Infallible>> {
        RoundtripReencoder.parse_type_section(types, section)?;
        types.ty().function([], []);
        Ok(())
    }

    fn parse_import_section(
        &mut self,
        imports: &mut ImportSection,
        section: wasmparser::ImportSectionReader<'_>,
    ) -> Result<(), ReencodeError<Infallible>> {
        // Function imports keep their indices; the new ones follow them,
        // so they go after the last function import. Imports of other
        // kinds have index spaces of their own and keep their order.
        for import in section.into_imports() {
            let import = import?;
            let ty = self.entity_type(import.ty)?;
            imports.import(import.module, import.name, ty);
        }
        imports.import(ADAPTER_MODULE, PAUSE_BEGIN, EntityType::Function(self.unit_type()));
        imports.import(ADAPTER_MODULE, PAUSE_END, EntityType::Function(self.unit_type()));
        Ok(())
    }

    fn parse_function_section(
        &mut self,
        functions: &mut FunctionSection,
        section: wasmparser::FunctionSectionReader<'_>,
    ) -> Result<(), ReencodeError<Infallible>> {
        RoundtripReencoder.parse_function_section(functions, section)?;
        for (_, _, ty) in &self.layout.reallocs {
            functions.function(*ty);
        }
        Ok(())
    }

    fn parse_export_section(
        &mut self,
        exports: &mut ExportSection,
        section: wasmparser::ExportSectionReader<'_>,
    ) -> Result<(), ReencodeError<Infallible>> {
        for export in section {
            let export = export?;
            let wrapped = self.layout.reallocs.iter().position(|(name, _, _)| name == export.name);
            let index = match (export.kind, wrapped) {
                (ExternalKind::Func, Some(n)) => self.wrapper_index(n),
                (ExternalKind::Func, None) => self.function_index(export.index)?,
                _ => export.index,
            };
            exports.export(export.name, self.export_kind(export.kind)?, index);
        }
        Ok(())
    }

    fn parse_code_section(
        &mut self,
        code: &mut CodeSection,
        section: wasmparser::CodeSectionReader<'_>,
    ) -> Result<(), ReencodeError<Infallible>> {
        for body in section {
            self.parse_function_body(code, body?)?;
        }
        for n in 0..self.layout.reallocs.len() {
            let original = self.function_index(self.layout.reallocs[n].1)?;
            let mut wrapper = Function::new([]);
            wrapper.instruction(&Instruction::Call(self.begin_index()));
            for param in 0..4 {
                wrapper.instruction(&Instruction::LocalGet(param));
            }
            wrapper.instruction(&Instruction::Call(original));
            wrapper.instruction(&Instruction::Call(self.end_index()));
            wrapper.instruction(&Instruction::End);
            code.function(&wrapper);
        }
        Ok(())
    }
}

/// Checks the allocator type before rewriting: `(i32 i32 i32 i32) -> i32`.
pub fn check_realloc_type(module: &[u8]) -> Result<()> {
    let layout = scan(module)?;
    let mut types = Vec::new();
    for payload in Parser::new(0).parse_all(module) {
        if let Payload::TypeSection(reader) = payload? {
            for ty in reader.into_iter_err_on_gc_types() {
                types.push(ty?);
            }
        }
    }
    for (name, _, ty) in &layout.reallocs {
        let func = types.get(*ty as usize).context("the allocator's type is missing")?;
        let i32 = wasmparser::ValType::I32;
        if func.params() != [i32, i32, i32, i32] || func.results() != [i32] {
            bail!("`{name}` is not (i32 i32 i32 i32) -> i32, so it is not a canonical-ABI allocator");
        }
    }
    Ok(())
}
