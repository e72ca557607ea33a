//! Every way a built adapter can fail verification, each with its own message.

use std::fmt;

use wasmparser::GlobalType;

use crate::rules::imports::{EXIT_MODULE, EXIT_WITH_CODE};
use crate::surface::Signature;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Violation {
    /// The file is a component; wit-component wants the core adapter module.
    NotACoreModule,

    // Memory.
    DefinesMemory {
        count: u32,
    },
    MissingMemoryImport,
    DuplicateMemoryImport {
        count: usize,
    },

    // Sections that would make wit-component reject or rewrite the adapter.
    DataSection {
        segments: u32,
    },
    DataCountSection,
    ElementSection {
        segments: u32,
    },
    StartSection,
    DefinesTable {
        count: u32,
    },
    DefinesTag {
        count: u32,
    },

    // Imports.
    /// A table, global, tag, or any memory but `env.memory`.
    DisallowedImportKind {
        kind: &'static str,
        module: String,
        name: String,
    },
    /// A function imported from neither a WASI interface nor `__main_module__`.
    DisallowedImportModule {
        module: String,
        name: String,
    },
    WrongWasiVersion {
        module: String,
    },
    /// The proxy world has no filesystem, arguments or environment.
    ProxyImportsInterface {
        module: String,
    },
    UnexpectedExitWithCode,
    MissingExitWithCode,

    // Globals.
    GlobalCount {
        found: usize,
        expected: usize,
    },
    GlobalType {
        index: u32,
        found: GlobalType,
        expected: GlobalType,
    },
    ForbiddenGlobalName {
        index: u32,
        name: String,
    },
    PlacementHintGlobals {
        found: usize,
    },

    // Exports.
    MissingExport {
        name: String,
    },
    UnexpectedExport {
        name: String,
        kind: &'static str,
    },
    ExportNotAFunction {
        name: String,
        kind: &'static str,
    },
    MistypedExport {
        name: String,
        found: Signature,
        expected: Signature,
    },

    MissingComponentType,

    /// An export reads or writes the stack pointer before its first call,
    /// i.e. before the adapter's entry code has placed the stack.
    GlobalBeforeEntry {
        name: String,
    },
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Violation::*;
        match self {
            NotACoreModule => f.write_str("is a component, not a core module"),
            DefinesMemory { count } => write!(f, "defines a memory ({count} in the memory section)"),
            MissingMemoryImport => f.write_str("does not import memory `env.memory`"),
            DuplicateMemoryImport { count } => {
                write!(f, "imports memory `env.memory` {count} times")
            }
            DataSection { segments } => write!(f, "data section present ({segments} segments)"),
            DataCountSection => f.write_str("data count section present"),
            ElementSection { segments } => {
                write!(f, "element section present ({segments} segments)")
            }
            StartSection => f.write_str("start section present"),
            DefinesTable { count } => write!(f, "defines a table ({count} in the table section)"),
            DefinesTag { count } => write!(f, "defines a tag ({count} in the tag section)"),
            DisallowedImportKind { kind, module, name } => {
                write!(f, "{kind} import `{name}` from module `{module}` is not allowed")
            }
            DisallowedImportModule { module, name } => write!(
                f,
                "function import `{name}` from module `{module}` is not allowed"
            ),
            WrongWasiVersion { module } => {
                write!(f, "import module `{module}` is not WASI 0.2.0")
            }
            ProxyImportsInterface { module } => {
                write!(f, "proxy adapter must not import from `{module}`")
            }
            UnexpectedExitWithCode => write!(
                f,
                "imports `{EXIT_WITH_CODE}` from `{EXIT_MODULE}`, which only an exit-with-code build may do"
            ),
            MissingExitWithCode => write!(
                f,
                "exit-with-code build does not import `{EXIT_WITH_CODE}` from `{EXIT_MODULE}`"
            ),
            GlobalCount { found, expected } => {
                write!(f, "defines {found} globals, expected {expected}")
            }
            GlobalType {
                index,
                found,
                expected,
            } => write!(
                f,
                "global {index} has type {}, expected {}",
                global_type(found),
                global_type(expected)
            ),
            ForbiddenGlobalName { index, name } => write!(
                f,
                "name section names global {index} `{name}`, a name wit-component looks up to inject a stack allocation"
            ),
            PlacementHintGlobals { found } => write!(
                f,
                "{found} globals start at the placement hint's UNKNOWN value, expected exactly 1 (converters set the hint there)"
            ),
            MissingExport { name } => write!(f, "missing export `{name}`"),
            UnexpectedExport { name, kind } => write!(f, "unexpected {kind} export `{name}`"),
            ExportNotAFunction { name, kind } => {
                write!(f, "export `{name}` is a {kind}, expected a function")
            }
            MistypedExport {
                name,
                found,
                expected,
            } => write!(f, "export `{name}` has type {found}, expected {expected}"),
            MissingComponentType => {
                f.write_str("no `component-type*` custom section (wit-component needs the adapter's world)")
            }
            GlobalBeforeEntry { name } => write!(
                f,
                "export `{name}` touches the stack pointer before calling the adapter's entry code (a stack frame before the stack exists)"
            ),
        }
    }
}

/// Formats a global type like WAT, e.g. `i32` or `(mut i32)`, prefixing
/// `shared ` for shared-everything globals.
fn global_type(ty: &GlobalType) -> String {
    let shared = if ty.shared { "shared " } else { "" };
    if ty.mutable {
        format!("({shared}mut {})", ty.content_type)
    } else {
        format!("{shared}{}", ty.content_type)
    }
}
