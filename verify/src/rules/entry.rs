//! Entry discipline: an exported function must not touch the stack pointer
//! before it calls into the adapter's entry code. The adapter places its
//! stack on the first call, so a wrapper that set up a stack frame first
//! would write through an unset stack pointer (docs/reentrancy.md). The
//! stack pointer is recognised by how prologues lower it; a module with no
//! frames at all has none to recognise, and then no global may be touched.

use crate::facts::{is_function, ModuleFacts};
use crate::{Build, Violation};

/// Runs inside an adapter call (the host lowers results through it while an
/// import made by the adapter is in progress), so a frame there is fine.
const RUNS_INSIDE_A_CALL: &[&str] = &["cabi_import_realloc"];

pub(super) fn check(facts: &ModuleFacts, _: Build, out: &mut Vec<Violation>) {
    let first_defined = facts.imported_function_count();
    for export in &facts.exports {
        if !is_function(export.kind) || RUNS_INSIDE_A_CALL.contains(&export.name) {
            continue;
        }
        let Some(defined) = export.index.checked_sub(first_defined) else { continue };
        let touched = facts.globals_before_call.get(defined as usize).map_or(&[][..], Vec::as_slice);
        let violates = match facts.stack_pointer() {
            Some(stack_pointer) => touched.contains(&stack_pointer),
            None => !touched.is_empty(),
        };
        if violates {
            out.push(Violation::GlobalBeforeEntry { name: export.name.to_owned() });
        }
    }
}
