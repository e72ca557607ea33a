//! wit-component learns the adapter's world from a `component-type*` custom
//! section; without one it cannot type the adapter's imports and exports.

use crate::facts::ModuleFacts;
use crate::{Build, Violation};

const COMPONENT_TYPE_PREFIX: &str = "component-type";

pub(super) fn check(facts: &ModuleFacts, _: Build, out: &mut Vec<Violation>) {
    let has_world = facts
        .custom_sections
        .iter()
        .any(|name| name.starts_with(COMPONENT_TYPE_PREFIX));
    if !has_world {
        out.push(Violation::MissingComponentType);
    }
}
