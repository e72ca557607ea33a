//! Checks that a built WASI Preview 1 -> Preview 2 adapter module is a
//! drop-in replacement for wasmtime's
//! `wasi_snapshot_preview1.{command,reactor,proxy}.wasm`, and that
//! wit-component can splice it into a component without rewriting it.
//!
//! The module must be a core module that imports `env.memory` and no other
//! memory; has no data, data count, element, start, table or tag section;
//! imports functions only from `wasi:*@0.2.0` interfaces and
//! `__main_module__` (the proxy flavour: no filesystem or environment);
//! defines exactly the expected globals under no name wit-component acts on;
//! exports exactly the [`surface`] for its flavour; and carries a
//! `component-type*` custom section. [`check`] reports every violation.
//!
//! ```no_run
//! use verify::{Build, Flavour};
//!
//! let wasm = std::fs::read("wasi_snapshot_preview1.command.wasm")?;
//! match verify::check(&wasm, Build::new(Flavour::Command)) {
//!     Ok(summary) => println!("{summary}"),
//!     Err(error) => eprintln!("{error}"),
//! }
//! # Ok::<(), std::io::Error>(())
//! ```

mod facts;
mod flavour;
mod rules;
pub mod surface;
mod violation;

use std::fmt;

use wasmparser::{BinaryReaderError, Parser};

pub use flavour::{Flavour, ParseFlavourError};
pub use violation::Violation;

/// What was built: the flavour, and whether it is the variant for hosts that
/// provide `wasi:cli/exit#exit-with-code`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Build {
    pub flavour: Flavour,
    pub exit_with_code: bool,
}

impl Build {
    pub fn new(flavour: Flavour) -> Self {
        Build {
            flavour,
            exit_with_code: false,
        }
    }

    pub fn with_exit_with_code(self) -> Self {
        Build {
            exit_with_code: true,
            ..self
        }
    }
}

/// What a passing adapter looks like from the outside.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    pub flavour: Flavour,
    pub exports: usize,
    pub imports: usize,
    /// Size of the module in bytes.
    pub size: usize,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ok: {} adapter, {} exports, {} imports, {} bytes",
            self.flavour, self.exports, self.imports, self.size
        )
    }
}

#[derive(Debug)]
pub enum VerifyError {
    /// Not a valid WebAssembly module or component at all.
    Malformed(BinaryReaderError),
    /// Valid WebAssembly, but not an acceptable adapter. Never empty.
    Violations(Vec<Violation>),
}

impl VerifyError {
    /// The violations found; empty for a malformed file.
    pub fn violations(&self) -> &[Violation] {
        match self {
            VerifyError::Malformed(_) => &[],
            VerifyError::Violations(violations) => violations,
        }
    }
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VerifyError::Malformed(error) => write!(f, "not valid WebAssembly: {error}"),
            VerifyError::Violations(violations) => {
                write!(f, "{} violation(s):", violations.len())?;
                for violation in violations {
                    write!(f, "\n  {violation}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for VerifyError {}

/// Verifies a built adapter, reporting every violation at once.
pub fn check(wasm: &[u8], build: Build) -> Result<Summary, VerifyError> {
    if Parser::is_component(wasm) {
        return Err(VerifyError::Violations(vec![Violation::NotACoreModule]));
    }
    let facts = facts::ModuleFacts::read(wasm).map_err(VerifyError::Malformed)?;
    let violations = rules::check_all(&facts, build);
    if !violations.is_empty() {
        return Err(VerifyError::Violations(violations));
    }
    Ok(Summary {
        flavour: build.flavour,
        exports: facts.exports.len(),
        imports: facts.imports.len(),
        size: wasm.len(),
    })
}
