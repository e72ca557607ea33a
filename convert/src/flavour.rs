//! The adapter flavours, which one a module needs, and the built-in
//! adapters (from the provider crate).

use crate::inspect::ModuleInfo;
use anyhow::{bail, Result};

/// The adapter flavours.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavour {
    /// Programs with `_start`; the component exports `wasi:cli/run`.
    Command,
    /// Libraries and `//go:wasmexport` reactors (`_initialize` or exports
    /// only).
    Reactor,
    /// `wasi:http/proxy` components: no filesystem, arguments, environment
    /// or exit. Never detected; chosen with `--proxy`.
    Proxy,
}

impl Flavour {
    pub fn name(self) -> &'static str {
        match self {
            Flavour::Command => "command",
            Flavour::Reactor => "reactor",
            Flavour::Proxy => "proxy",
        }
    }

    /// `_start` makes a command; anything else a reactor.
    pub fn detect(module: &ModuleInfo) -> Flavour {
        if module.exports_func("_start") {
            Flavour::Command
        } else {
            Flavour::Reactor
        }
    }
}

/// This project's adapter for `flavour` (built in). The proxy flavour has
/// no `exit-with-code` variant: `wasi:http/proxy` has no `wasi:cli/exit`.
pub fn adapter(flavour: Flavour, exit_with_code: bool) -> Result<&'static [u8]> {
    use wasi_preview1_adapter_provider::*;
    Ok(match (flavour, exit_with_code) {
        (Flavour::Command, false) => WASI_SNAPSHOT_PREVIEW1_COMMAND_ADAPTER,
        (Flavour::Command, true) => WASI_SNAPSHOT_PREVIEW1_COMMAND_EXIT_WITH_CODE_ADAPTER,
        (Flavour::Reactor, false) => WASI_SNAPSHOT_PREVIEW1_REACTOR_ADAPTER,
        (Flavour::Reactor, true) => WASI_SNAPSHOT_PREVIEW1_REACTOR_EXIT_WITH_CODE_ADAPTER,
        (Flavour::Proxy, false) => WASI_SNAPSHOT_PREVIEW1_PROXY_ADAPTER,
        (Flavour::Proxy, true) => {
            bail!("the proxy flavour cannot pass an exit code (wasi:http/proxy has no wasi:cli/exit)")
        }
    })
}

/// Every built-in adapter with its file name, in the layout
/// `ci/build-adapters.sh` leaves in `target/adapters/`.
pub fn built_in_adapters() -> [(&'static str, &'static [u8]); 5] {
    wasi_preview1_adapter_provider::ADAPTERS
}
