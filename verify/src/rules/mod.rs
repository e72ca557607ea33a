//! The rules a built adapter must satisfy, one module per concern. Each rule
//! appends every violation it finds, so a single run reports all of them.

mod component_type;
mod entry;
mod exports;
mod globals;
pub(crate) mod imports;
mod memory;
mod sections;

use crate::facts::ModuleFacts;
use crate::{Build, Violation};

type Rule = fn(&ModuleFacts, Build, &mut Vec<Violation>);

const RULES: &[Rule] = &[
    memory::check,
    sections::check,
    imports::check,
    globals::check,
    exports::check,
    component_type::check,
    entry::check,
];

pub(crate) fn check_all(facts: &ModuleFacts, build: Build) -> Vec<Violation> {
    let mut violations = Vec::new();
    for rule in RULES {
        rule(facts, build, &mut violations);
    }
    violations
}
