//! Reads a core module once and keeps only what the rules look at.

use wasmparser::types::Types;
use wasmparser::{
    BinaryReaderError, ExternalKind, GlobalType, KnownCustom, Name, Operator, Parser, Payload, TypeRef,
    Validator,
};

use crate::surface::Signature;

pub(crate) struct Import<'a> {
    pub module: &'a str,
    pub name: &'a str,
    pub ty: TypeRef,
}

pub(crate) struct Export<'a> {
    pub name: &'a str,
    pub kind: ExternalKind,
    pub index: u32,
    /// Present for function exports only.
    pub signature: Option<Signature>,
}

/// A `(index, name)` pair from the `name` section's global subsection.
pub(crate) struct GlobalName<'a> {
    pub index: u32,
    pub name: &'a str,
}

/// The parts of a validated core module the rules need.
#[derive(Default)]
pub(crate) struct ModuleFacts<'a> {
    pub imports: Vec<Import<'a>>,
    pub exports: Vec<Export<'a>>,
    pub defined_memories: u32,
    pub defined_tables: u32,
    pub defined_tags: u32,
    pub defined_globals: Vec<GlobalType>,
    /// Segment counts; `None` when the section is absent.
    pub data_segments: Option<u32>,
    pub element_segments: Option<u32>,
    pub has_data_count: bool,
    pub has_start: bool,
    pub custom_sections: Vec<&'a str>,
    pub global_names: Vec<GlobalName<'a>>,
    /// For each defined function, in order: does its body read or write a
    /// global before its first call?
    pub touches_global_before_call: Vec<bool>,
}

impl<'a> ModuleFacts<'a> {
    /// Validates `wasm` as a core module and collects its facts. Validation
    /// first means every index read below is known to be in range.
    pub fn read(wasm: &'a [u8]) -> Result<Self, BinaryReaderError> {
        let types = Validator::new().validate_all(wasm)?;
        let mut facts = ModuleFacts::default();
        for payload in Parser::new(0).parse_all(wasm) {
            match payload? {
                Payload::ImportSection(reader) => {
                    for import in reader.into_imports() {
                        let import = import?;
                        facts.imports.push(Import {
                            module: import.module,
                            name: import.name,
                            ty: import.ty,
                        });
                    }
                }
                Payload::MemorySection(reader) => facts.defined_memories = reader.count(),
                Payload::TableSection(reader) => facts.defined_tables = reader.count(),
                Payload::TagSection(reader) => facts.defined_tags = reader.count(),
                Payload::GlobalSection(reader) => {
                    for global in reader {
                        facts.defined_globals.push(global?.ty);
                    }
                }
                Payload::ExportSection(reader) => {
                    for export in reader {
                        let export = export?;
                        facts.exports.push(Export {
                            name: export.name,
                            kind: export.kind,
                            index: export.index,
                            signature: is_function(export.kind)
                                .then(|| function_signature(&types, export.index)),
                        });
                    }
                }
                Payload::StartSection { .. } => facts.has_start = true,
                Payload::CodeSectionEntry(body) => {
                    facts.touches_global_before_call.push(touches_global_before_call(&body)?)
                }
                Payload::ElementSection(reader) => facts.element_segments = Some(reader.count()),
                Payload::DataCountSection { .. } => facts.has_data_count = true,
                Payload::DataSection(reader) => facts.data_segments = Some(reader.count()),
                Payload::CustomSection(reader) => {
                    facts.custom_sections.push(reader.name());
                    if let KnownCustom::Name(names) = reader.as_known() {
                        for subsection in names {
                            if let Name::Global(map) = subsection? {
                                for naming in map {
                                    let naming = naming?;
                                    facts.global_names.push(GlobalName {
                                        index: naming.index,
                                        name: naming.name,
                                    });
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(facts)
    }

    pub fn imported_function_count(&self) -> u32 {
        let count = self
            .imports
            .iter()
            .filter(|import| matches!(import.ty, TypeRef::Func(_) | TypeRef::FuncExact(_)))
            .count();
        count as u32
    }

    pub fn imported_global_count(&self) -> u32 {
        let count = self
            .imports
            .iter()
            .filter(|import| matches!(import.ty, TypeRef::Global(_)))
            .count();
        count as u32
    }
}

fn touches_global_before_call(body: &wasmparser::FunctionBody<'_>) -> Result<bool, BinaryReaderError> {
    for op in body.get_operators_reader()? {
        match op? {
            Operator::Call { .. } | Operator::ReturnCall { .. } => return Ok(false),
            Operator::GlobalGet { .. } | Operator::GlobalSet { .. } => return Ok(true),
            _ => {}
        }
    }
    Ok(false)
}

pub(crate) fn is_function(kind: ExternalKind) -> bool {
    matches!(kind, ExternalKind::Func | ExternalKind::FuncExact)
}

fn function_signature(types: &Types, function_index: u32) -> Signature {
    let func = types[types.as_ref().core_function_at(function_index)].unwrap_func();
    Signature::new(func.params(), func.results())
}
