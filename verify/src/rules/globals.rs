//! The adapter's own globals: exactly the ones its design needs, and none
//! under the names wit-component treats specially.

use wasmparser::{GlobalType, ValType};

use crate::facts::ModuleFacts;
use crate::{Build, Violation};

#[path = "../../../provider/src/placement_hint.rs"]
#[allow(dead_code)]
mod placement_hint;

/// The globals the adapter defines, in index order: the stack pointer, the
/// state address, the placement hint. Update this table when the adapter's
/// design changes.
const EXPECTED_GLOBALS: &[GlobalType] = &[MUT_I32, MUT_I32, MUT_I32];

/// wit-component looks these names up in the `name` section; finding both a
/// mutable i32 `__stack_pointer` and `allocation_state` makes it inject a
/// lazy stack allocation that calls the main module's `cabi_realloc`, which
/// breaks Go >= 1.24.
const FORBIDDEN_GLOBAL_NAMES: &[&str] = &["__stack_pointer", "allocation_state"];

const MUT_I32: GlobalType = GlobalType {
    content_type: ValType::I32,
    mutable: true,
    shared: false,
};

pub(super) fn check(facts: &ModuleFacts, _: Build, out: &mut Vec<Violation>) {
    let defined = &facts.defined_globals;
    if defined.len() != EXPECTED_GLOBALS.len() {
        out.push(Violation::GlobalCount {
            found: defined.len(),
            expected: EXPECTED_GLOBALS.len(),
        });
    }
    // Global indices count imported globals first; the imports rule rejects
    // those, but the reported index should still be the real one.
    let first_defined = facts.imported_global_count();
    for (offset, (found, expected)) in defined.iter().zip(EXPECTED_GLOBALS).enumerate() {
        if found != expected {
            out.push(Violation::GlobalType {
                index: first_defined + offset as u32,
                found: *found,
                expected: *expected,
            });
        }
    }
    // A converter finds the placement hint by its initial value, so exactly
    // one global may have it.
    let hints = facts.global_i32_inits.iter().filter(|init| **init == Some(placement_hint::UNKNOWN)).count();
    if hints != 1 {
        out.push(Violation::PlacementHintGlobals { found: hints });
    }
    for global in &facts.global_names {
        if FORBIDDEN_GLOBAL_NAMES.contains(&global.name) {
            out.push(Violation::ForbiddenGlobalName {
                index: global.index,
                name: global.name.to_owned(),
            });
        }
    }
}
