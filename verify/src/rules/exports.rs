//! The export set must be the drop-in surface exactly: nothing missing,
//! nothing extra, every signature identical.

use std::collections::HashMap;

use wasmparser::ExternalKind;

use crate::facts::ModuleFacts;
use crate::surface::{self, SurfaceExport};
use crate::{Build, Violation};

pub(super) fn check(facts: &ModuleFacts, build: Build, out: &mut Vec<Violation>) {
    let expected: HashMap<&str, &SurfaceExport> = surface::exports(build.flavour)
        .map(|export| (export.name, export))
        .collect();

    for export in &facts.exports {
        let Some(spec) = expected.get(export.name) else {
            out.push(Violation::UnexpectedExport {
                name: export.name.to_owned(),
                kind: kind_name(export.kind),
            });
            continue;
        };
        let Some(found) = &export.signature else {
            out.push(Violation::ExportNotAFunction {
                name: export.name.to_owned(),
                kind: kind_name(export.kind),
            });
            continue;
        };
        let wanted = spec.signature();
        if *found != wanted {
            out.push(Violation::MistypedExport {
                name: export.name.to_owned(),
                found: found.clone(),
                expected: wanted,
            });
        }
    }

    // Walk the surface table, not the map, so missing exports are reported
    // in a stable order.
    for spec in surface::exports(build.flavour) {
        if !facts.exports.iter().any(|export| export.name == spec.name) {
            out.push(Violation::MissingExport {
                name: spec.name.to_owned(),
            });
        }
    }
}

fn kind_name(kind: ExternalKind) -> &'static str {
    match kind {
        ExternalKind::Func | ExternalKind::FuncExact => "function",
        ExternalKind::Table => "table",
        ExternalKind::Memory => "memory",
        ExternalKind::Global => "global",
        ExternalKind::Tag => "tag",
    }
}
