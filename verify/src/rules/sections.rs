//! Sections the adapter must not have. wit-component cannot splice data or
//! element segments, tables or a start function into the component, and the
//! adapter has no use for exception tags.

use crate::facts::ModuleFacts;
use crate::{Build, Violation};

pub(super) fn check(facts: &ModuleFacts, _: Build, out: &mut Vec<Violation>) {
    if let Some(segments) = facts.data_segments {
        out.push(Violation::DataSection { segments });
    }
    if facts.has_data_count {
        out.push(Violation::DataCountSection);
    }
    if let Some(segments) = facts.element_segments {
        out.push(Violation::ElementSection { segments });
    }
    if facts.has_start {
        out.push(Violation::StartSection);
    }
    if facts.defined_tables > 0 {
        out.push(Violation::DefinesTable {
            count: facts.defined_tables,
        });
    }
    if facts.defined_tags > 0 {
        out.push(Violation::DefinesTag {
            count: facts.defined_tags,
        });
    }
}
