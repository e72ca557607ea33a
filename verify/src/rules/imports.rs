//! Function imports come only from WASI 0.2.0 interfaces or from the main
//! module; the adapter imports no tables, globals or tags.

use std::collections::HashSet;

use wasmparser::TypeRef;

use crate::facts::ModuleFacts;
use crate::{Build, Flavour, Violation};

/// wit-component's name for the module being adapted.
const MAIN_MODULE: &str = "__main_module__";
const WASI_VERSION: &str = "0.2.0";

/// `exit-with-code` is not part of WASI 0.2.0; only hosts that enable the
/// `cli-exit-with-code` feature provide it, so only the adapter build made
/// for them may import it.
pub(crate) const EXIT_MODULE: &str = "wasi:cli/exit@0.2.0";
pub(crate) const EXIT_WITH_CODE: &str = "exit-with-code";

pub(super) fn check(facts: &ModuleFacts, build: Build, out: &mut Vec<Violation>) {
    // Module-level problems are reported once per module, not per function.
    let mut seen_modules = HashSet::new();
    let mut imports_exit_with_code = false;

    for import in &facts.imports {
        let kind = match import.ty {
            TypeRef::Func(_) | TypeRef::FuncExact(_) => None,
            // The memory rule owns memory imports.
            TypeRef::Memory(_) => continue,
            TypeRef::Table(_) => Some("table"),
            TypeRef::Global(_) => Some("global"),
            TypeRef::Tag(_) => Some("tag"),
        };
        if let Some(kind) = kind {
            out.push(Violation::DisallowedImportKind {
                kind,
                module: import.module.to_owned(),
                name: import.name.to_owned(),
            });
            continue;
        }
        if import.module == MAIN_MODULE {
            continue;
        }
        let Some(interface) = WasiInterface::parse(import.module) else {
            out.push(Violation::DisallowedImportModule {
                module: import.module.to_owned(),
                name: import.name.to_owned(),
            });
            continue;
        };
        if import.module == EXIT_MODULE && import.name == EXIT_WITH_CODE {
            imports_exit_with_code = true;
        }
        if !seen_modules.insert(import.module) {
            continue;
        }
        if interface.version != Some(WASI_VERSION) {
            out.push(Violation::WrongWasiVersion {
                module: import.module.to_owned(),
            });
        }
        if build.flavour == Flavour::Proxy && !interface.is_in_proxy_world() {
            out.push(Violation::ProxyImportsInterface {
                module: import.module.to_owned(),
            });
        }
    }

    match (build.exit_with_code, imports_exit_with_code) {
        (false, true) => out.push(Violation::UnexpectedExitWithCode),
        (true, false) => out.push(Violation::MissingExitWithCode),
        _ => {}
    }
}

/// An import module name of the form `wasi:<package>/<interface>[@<version>]`.
#[derive(Debug, PartialEq, Eq)]
struct WasiInterface<'a> {
    package: &'a str,
    interface: &'a str,
    version: Option<&'a str>,
}

impl<'a> WasiInterface<'a> {
    fn parse(module: &'a str) -> Option<Self> {
        let (package, rest) = module.strip_prefix("wasi:")?.split_once('/')?;
        let (interface, version) = match rest.split_once('@') {
            Some((interface, version)) => (interface, Some(version)),
            None => (rest, None),
        };
        (is_wit_name(package) && is_wit_name(interface)).then_some(WasiInterface {
            package,
            interface,
            version,
        })
    }

    /// The proxy world offers neither a filesystem nor `wasi:cli/environment`
    /// (arguments and environment variables).
    fn is_in_proxy_world(&self) -> bool {
        let environment = self.package == "cli" && self.interface == "environment";
        self.package != "filesystem" && !environment
    }
}

fn is_wit_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_wasi_interfaces() {
        assert_eq!(
            WasiInterface::parse("wasi:io/streams@0.2.0"),
            Some(WasiInterface {
                package: "io",
                interface: "streams",
                version: Some("0.2.0"),
            })
        );
        assert_eq!(
            WasiInterface::parse("wasi:cli/terminal-stdout"),
            Some(WasiInterface {
                package: "cli",
                interface: "terminal-stdout",
                version: None,
            })
        );
        for not_wasi in [
            "env",
            "wasi_snapshot_preview1",
            "wasi:cli",
            "wasi:/x@0.2.0",
            "foo:cli/run@0.2.0",
        ] {
            assert_eq!(WasiInterface::parse(not_wasi), None, "{not_wasi}");
        }
    }

    #[test]
    fn proxy_world_excludes_filesystem_and_environment() {
        let parse = |module| WasiInterface::parse(module).unwrap();
        assert!(parse("wasi:io/streams@0.2.0").is_in_proxy_world());
        assert!(parse("wasi:cli/stdout@0.2.0").is_in_proxy_world());
        assert!(!parse("wasi:filesystem/preopens@0.2.0").is_in_proxy_world());
        assert!(!parse("wasi:cli/environment@0.2.0").is_in_proxy_world());
    }
}
