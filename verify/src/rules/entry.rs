//! Entry discipline: an exported function must not touch the stack pointer
//! (or any global) before it calls into the adapter's entry code. The
//! adapter places its stack on the first call, so a wrapper that set up a
//! stack frame first would write through an unset stack pointer
//! (docs/reentrancy.md). The exports' bodies start with a call to the
//! global accessor instead.

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
        if facts.touches_global_before_call.get(defined as usize) == Some(&true) {
            out.push(Violation::GlobalBeforeEntry { name: export.name.to_owned() });
        }
    }
}
