//! Re-encoding a main module so that it calls functions of the adapter it
//! did not call before: the two edits the converter makes (`realloc`: a
//! wrapper around the module's allocators; `interpose`: its `memory.size`
//! and `memory.grow` become calls) are both described as an [`Edit`] and
//! applied here.
//!
//! The new functions are imported from `wasi_snapshot_preview1`, which
//! wit-component resolves to the adapter's exports of those names. They
//! come right after the module's own function imports, so every index of
//! the module's own functions moves up by their number;
//! `wasm_encoder::reencode` renumbers every reference (calls, `ref.func`,
//! element segments, exports, the start function, the name section).

use anyhow::{bail, Context, Result};
use std::convert::Infallible;
use wasm_encoder::reencode::{Error as ReencodeError, Reencode, RoundtripReencoder};
use wasm_encoder::{
    CodeSection, EntityType, ExportSection, Function, FunctionSection, ImportSection, Instruction, SectionId, TypeSection,
    ValType,
};
use wasmparser::{ExternalKind, MemoryType, Parser, Payload, TypeRef};

/// The module the adapter's exports are imported from.
pub const ADAPTER_MODULE: &str = "wasi_snapshot_preview1";

/// What one pass over a module found.
pub(crate) struct Layout {
    pub types: u32,
    pub imported_funcs: u32,
    pub defined_funcs: u32,
    /// Type index of every function, imported ones first.
    pub func_types: Vec<u32>,
    /// Functions imported from the adapter: (name, function index).
    pub adapter_imports: Vec<(String, u32)>,
    /// Function exports: (name, function index).
    pub func_exports: Vec<(String, u32)>,
    /// Memories the module defines, and how many it imports.
    pub memories: Vec<MemoryType>,
    pub imported_memories: u32,
    /// The start function, if the module has one.
    pub start: Option<u32>,
}

impl Layout {
    pub fn read(module: &[u8]) -> Result<Layout> {
        let mut layout = Layout {
            types: 0,
            imported_funcs: 0,
            defined_funcs: 0,
            func_types: Vec::new(),
            adapter_imports: Vec::new(),
            func_exports: Vec::new(),
            memories: Vec::new(),
            imported_memories: 0,
            start: None,
        };
        for payload in Parser::new(0).parse_all(module) {
            match payload.context("reading the module")? {
                Payload::Version { encoding: wasmparser::Encoding::Component, .. } => {
                    bail!("this is already a component, not a core module")
                }
                // Types, not recursion groups (a group may hold several).
                Payload::TypeSection(reader) => {
                    for group in reader {
                        layout.types += group?.types().len() as u32;
                    }
                }
                Payload::StartSection { func, .. } => layout.start = Some(func),
                Payload::ImportSection(reader) => {
                    for import in reader.into_imports() {
                        let import = import?;
                        match import.ty {
                            TypeRef::Func(ty) | TypeRef::FuncExact(ty) => {
                                if import.module == ADAPTER_MODULE {
                                    layout.adapter_imports.push((import.name.to_string(), layout.imported_funcs));
                                }
                                layout.imported_funcs += 1;
                                layout.func_types.push(ty);
                            }
                            TypeRef::Memory(_) => layout.imported_memories += 1,
                            _ => {}
                        }
                    }
                }
                Payload::FunctionSection(reader) => {
                    for ty in reader {
                        layout.func_types.push(ty?);
                        layout.defined_funcs += 1;
                    }
                }
                Payload::MemorySection(reader) => {
                    for memory in reader {
                        layout.memories.push(memory?);
                    }
                }
                Payload::ExportSection(reader) => {
                    for export in reader {
                        let export = export?;
                        if matches!(export.kind, ExternalKind::Func | ExternalKind::FuncExact) {
                            layout.func_exports.push((export.name.to_string(), export.index));
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(layout)
    }

    /// The index of the function imported from the adapter as `name`.
    pub fn adapter_import(&self, name: &str) -> Option<u32> {
        self.adapter_imports.iter().find(|(n, _)| n == name).map(|(_, index)| *index)
    }
}

/// A core function type to append to the type section.
pub(crate) struct NewType {
    pub params: Vec<ValType>,
    pub results: Vec<ValType>,
}

/// A function appended after the module's own that calls `begin`, then the
/// module's function `original` with all its parameters, then `end`, and
/// returns what `original` returned; the export of the same name is
/// pointed at it.
pub(crate) struct Wrapper {
    pub export: String,
    /// Index in the module as read.
    pub original: u32,
    pub ty: u32,
    pub params: u32,
    /// Indices of the functions it calls around the original, in the
    /// rewritten module.
    pub begin: u32,
    pub end: u32,
}

/// Everything an edit changes. Indices of new imports are those of the
/// rewritten module: the `k`th new import is function
/// `layout.imported_funcs + k`.
#[derive(Default)]
pub(crate) struct Edit {
    pub new_types: Vec<NewType>,
    /// Imported from the adapter, in order: (name, type index).
    pub new_imports: Vec<(&'static str, u32)>,
    /// `memory.size` / `memory.grow` of memory 0 become calls of these
    /// functions (indices of the rewritten module).
    pub memory_calls: Option<(u32, u32)>,
    /// Memory 0's type in the rewritten module.
    pub memory: Option<MemoryType>,
    pub wrappers: Vec<Wrapper>,
}

/// Applies `edit` to `module`, which `layout` was read from.
pub(crate) fn apply(module: &[u8], layout: &Layout, edit: &Edit) -> Result<Vec<u8>> {
    let mut rewriter = Rewriter {
        layout,
        edit,
        types_pending: !edit.new_types.is_empty(),
        imports_pending: !edit.new_imports.is_empty(),
    };
    let mut out = wasm_encoder::Module::new();
    rewriter
        .parse_core_module(&mut out, Parser::new(0), module)
        .map_err(|e| anyhow::anyhow!("rewriting the module: {e:?}"))?;
    Ok(out.finish())
}

struct Rewriter<'a> {
    layout: &'a Layout,
    edit: &'a Edit,
    /// New types and imports not written yet: a module without a type or
    /// import section gets one where it would have been.
    types_pending: bool,
    imports_pending: bool,
}

impl Rewriter<'_> {
    fn added_imports(&self) -> u32 {
        self.edit.new_imports.len() as u32
    }

    fn add_types(&mut self, types: &mut TypeSection) {
        for ty in &self.edit.new_types {
            types.ty().function(ty.params.iter().copied(), ty.results.iter().copied());
        }
        self.types_pending = false;
    }

    fn add_imports(&mut self, imports: &mut ImportSection) {
        for (name, ty) in &self.edit.new_imports {
            imports.import(ADAPTER_MODULE, name, EntityType::Function(*ty));
        }
        self.imports_pending = false;
    }

    /// Index of the `n`th wrapper: after every defined function, shifted.
    fn wrapper_index(&self, n: usize) -> u32 {
        self.layout.imported_funcs + self.added_imports() + self.layout.defined_funcs + n as u32
    }
}

impl Reencode for Rewriter<'_> {
    type Error = Infallible;

    fn function_index(&mut self, func: u32) -> Result<u32, ReencodeError<Infallible>> {
        Ok(if func >= self.layout.imported_funcs { func + self.added_imports() } else { func })
    }

    fn instruction<'a>(
        &mut self,
        op: wasmparser::Operator<'a>,
    ) -> Result<Instruction<'a>, ReencodeError<Infallible>> {
        if let Some((size, grow)) = self.edit.memory_calls {
            match op {
                wasmparser::Operator::MemorySize { mem: 0 } => return Ok(Instruction::Call(size)),
                wasmparser::Operator::MemoryGrow { mem: 0 } => return Ok(Instruction::Call(grow)),
                _ => {}
            }
        }
        wasm_encoder::reencode::utils::instruction(self, op)
    }

    fn parse_type_section(
        &mut self,
        types: &mut TypeSection,
        section: wasmparser::TypeSectionReader<'_>,
    ) -> Result<(), ReencodeError<Infallible>> {
        RoundtripReencoder.parse_type_section(types, section)?;
        self.add_types(types);
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
        self.add_imports(imports);
        Ok(())
    }

    /// Called before each section (custom ones aside) and at the end: the
    /// first one after where the type or import section belongs finds
    /// whether it was there.
    fn intersperse_section_hook(
        &mut self,
        module: &mut wasm_encoder::Module,
        _after: Option<SectionId>,
        before: Option<SectionId>,
    ) -> Result<(), ReencodeError<Infallible>> {
        if self.types_pending && before != Some(SectionId::Type) {
            let mut types = TypeSection::new();
            self.add_types(&mut types);
            module.section(&types);
        }
        if self.imports_pending && !matches!(before, Some(SectionId::Type | SectionId::Import)) {
            let mut imports = ImportSection::new();
            self.add_imports(&mut imports);
            module.section(&imports);
        }
        Ok(())
    }

    fn memory_type(&mut self, memory: MemoryType) -> Result<wasm_encoder::MemoryType, ReencodeError<Infallible>> {
        // Only the module's one defined memory comes here: the edits that
        // change it refuse imported memories and several memories.
        Ok(wasm_encoder::reencode::utils::memory_type(self, self.edit.memory.unwrap_or(memory)))
    }

    fn parse_function_section(
        &mut self,
        functions: &mut FunctionSection,
        section: wasmparser::FunctionSectionReader<'_>,
    ) -> Result<(), ReencodeError<Infallible>> {
        RoundtripReencoder.parse_function_section(functions, section)?;
        for wrapper in &self.edit.wrappers {
            functions.function(wrapper.ty);
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
            let wrapped = self.edit.wrappers.iter().position(|w| w.export == export.name);
            let index = match (export.kind, wrapped) {
                (ExternalKind::Func | ExternalKind::FuncExact, Some(n)) => self.wrapper_index(n),
                (ExternalKind::Func | ExternalKind::FuncExact, None) => self.function_index(export.index)?,
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
        for wrapper in &self.edit.wrappers {
            let original = self.function_index(wrapper.original)?;
            let mut body = Function::new([]);
            body.instruction(&Instruction::Call(wrapper.begin));
            for param in 0..wrapper.params {
                body.instruction(&Instruction::LocalGet(param));
            }
            body.instruction(&Instruction::Call(original));
            body.instruction(&Instruction::Call(wrapper.end));
            body.instruction(&Instruction::End);
            code.function(&body);
        }
        Ok(())
    }
}
