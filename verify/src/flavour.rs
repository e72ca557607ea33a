//! The three adapter flavours wasmtime ships, and their command-line names.

use std::fmt;
use std::str::FromStr;

/// Which of wasmtime's `wasi_snapshot_preview1.<flavour>.wasm` files an
/// adapter stands in for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Flavour {
    /// Exports `wasi:cli/run` and calls the main module's `_start`.
    Command,
    /// A library-style adapter: no `run` export.
    Reactor,
    /// For `wasi:http/proxy` components: no filesystem, arguments or environment.
    Proxy,
}

impl Flavour {
    pub const ALL: [Flavour; 3] = [Flavour::Command, Flavour::Reactor, Flavour::Proxy];

    pub fn name(self) -> &'static str {
        match self {
            Flavour::Command => "command",
            Flavour::Reactor => "reactor",
            Flavour::Proxy => "proxy",
        }
    }
}

impl fmt::Display for Flavour {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The string given was not `command`, `reactor` or `proxy`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseFlavourError(pub String);

impl fmt::Display for ParseFlavourError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown flavour `{}` (expected command, reactor or proxy)",
            self.0
        )
    }
}

impl std::error::Error for ParseFlavourError {}

impl FromStr for Flavour {
    type Err = ParseFlavourError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Flavour::ALL
            .into_iter()
            .find(|flavour| flavour.name() == s)
            .ok_or_else(|| ParseFlavourError(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for flavour in Flavour::ALL {
            assert_eq!(flavour.name().parse::<Flavour>(), Ok(flavour));
        }
        assert_eq!(
            "Command".parse::<Flavour>(),
            Err(ParseFlavourError("Command".into()))
        );
    }
}
