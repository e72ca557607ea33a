//! Exactly one memory: the main module's, imported as `env.memory`.

use wasmparser::TypeRef;

use crate::facts::ModuleFacts;
use crate::{Build, Violation};

const MEMORY_MODULE: &str = "env";
const MEMORY_NAME: &str = "memory";

pub(super) fn check(facts: &ModuleFacts, _: Build, out: &mut Vec<Violation>) {
    if facts.defined_memories > 0 {
        out.push(Violation::DefinesMemory {
            count: facts.defined_memories,
        });
    }
    let mut env_memory_imports = 0;
    for import in &facts.imports {
        if !matches!(import.ty, TypeRef::Memory(_)) {
            continue;
        }
        if import.module == MEMORY_MODULE && import.name == MEMORY_NAME {
            env_memory_imports += 1;
        } else {
            out.push(Violation::DisallowedImportKind {
                kind: "memory",
                module: import.module.to_owned(),
                name: import.name.to_owned(),
            });
        }
    }
    match env_memory_imports {
        0 => out.push(Violation::MissingMemoryImport),
        1 => {}
        count => out.push(Violation::DuplicateMemoryImport { count }),
    }
}
