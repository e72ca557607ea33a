//! The observable result of one run, identical in shape for the native and
//! the adapted run.

use crate::sandbox::Snapshot;
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExitStatus {
    /// Normal return from `_start`/`run` (0) or an explicit exit.
    Code(i32),
    /// The guest trapped; the message is wasmtime's trap description.
    Trap(String),
    /// The host reported an error that is neither an exit nor a trap.
    HostError(String),
}

impl fmt::Display for ExitStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExitStatus::Code(n) => write!(f, "exit {n}"),
            ExitStatus::Trap(msg) => write!(f, "trap: {msg}"),
            ExitStatus::HostError(msg) => write!(f, "host error: {msg}"),
        }
    }
}

impl ExitStatus {
    /// Classifies the error a guest call ended with.
    pub fn from_error(err: &wasmtime::Error) -> ExitStatus {
        if let Some(exit) = err.downcast_ref::<wasmtime_wasi::I32Exit>() {
            ExitStatus::Code(exit.0)
        } else if let Some(trap) = err.downcast_ref::<wasmtime::Trap>() {
            // Trap's Display reads "wasm trap: <what>"; keep only <what>.
            let text = trap.to_string();
            ExitStatus::Trap(
                text.strip_prefix("wasm trap: ")
                    .unwrap_or(&text)
                    .to_string(),
            )
        } else {
            ExitStatus::HostError(format!("{err:?}"))
        }
    }
}

#[derive(Clone)]
pub struct Outcome {
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub exit: ExitStatus,
    pub files: Snapshot,
}
