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
    /// For each defined global, its initial value if that is an `i32.const`.
    pub global_i32_inits: Vec<Option<i32>>,
    /// Segment counts; `None` when the section is absent.
    pub data_segments: Option<u32>,
    pub element_segments: Option<u32>,
    pub has_data_count: bool,
    pub has_start: bool,
    pub custom_sections: Vec<&'a str>,
    pub global_names: Vec<GlobalName<'a>>,
    /// For each defined function, in order: the globals its body reads or
    /// writes before its first call.
    pub globals_before_call: Vec<Vec<u32>>,
    /// How many times each global is lowered the way a stack frame's
    /// prologue lowers the stack pointer (`global.get; i32.const; i32.sub`).
    pub lowered_like_a_stack: std::collections::BTreeMap<u32, u32>,
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
                        let global = global?;
                        facts.defined_globals.push(global.ty);
                        let mut ops = global.init_expr.get_operators_reader();
                        let init = match (ops.read()?, ops.read()?) {
                            (wasmparser::Operator::I32Const { value }, wasmparser::Operator::End) => Some(value),
                            _ => None,
                        };
                        facts.global_i32_inits.push(init);
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
                    facts.globals_before_call.push(globals_before_call(&body)?);
                    count_stack_lowering(&body, &mut facts.lowered_like_a_stack)?;
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

impl ModuleFacts<'_> {
    /// The stack pointer: the global that function prologues lower (the
    /// linker's `__stack_pointer`, whose name is stripped), if any function
    /// has a frame.
    pub fn stack_pointer(&self) -> Option<u32> {
        self.lowered_like_a_stack.iter().max_by_key(|(_, count)| **count).map(|(global, _)| *global)
    }
}

fn globals_before_call(body: &wasmparser::FunctionBody<'_>) -> Result<Vec<u32>, BinaryReaderError> {
    let mut touched = Vec::new();
    for op in body.get_operators_reader()? {
        match op? {
            Operator::Call { .. } | Operator::ReturnCall { .. } => break,
            Operator::GlobalGet { global_index } | Operator::GlobalSet { global_index } => touched.push(global_index),
            _ => {}
        }
    }
    Ok(touched)
}

fn count_stack_lowering(
    body: &wasmparser::FunctionBody<'_>,
    counts: &mut std::collections::BTreeMap<u32, u32>,
) -> Result<(), BinaryReaderError> {
    let ops: Vec<Operator<'_>> = body.get_operators_reader()?.into_iter().collect::<Result<_, _>>()?;
    for window in ops.windows(3) {
        if let [Operator::GlobalGet { global_index }, Operator::I32Const { .. }, Operator::I32Sub] = window {
            *counts.entry(*global_index).or_default() += 1;
        }
    }
    Ok(())
}

pub(crate) fn is_function(kind: ExternalKind) -> bool {
    matches!(kind, ExternalKind::Func | ExternalKind::FuncExact)
}

fn function_signature(types: &Types, function_index: u32) -> Signature {
    let func = types[types.as_ref().core_function_at(function_index)].unwrap_func();
    Signature::new(func.params(), func.results())
}
