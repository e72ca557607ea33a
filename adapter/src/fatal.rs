//! Reporting corrupted adapter state: a sentence on stderr, then a trap.
//!
//! This is the only place the adapter traps on purpose. The adapter has no
//! static data, so a message cannot sit in memory as a string: `fatal!`
//! appends it to a `Line` on the stack eight bytes at a time, each word an
//! immediate in the code (`adapter_macros::push_text!`).

use crate::wasi::cli::stderr;
use crate::wasi::io::streams;

/// A line of text being built on the stack.
pub struct Line {
    bytes: [u8; 384],
    len: usize,
}

impl Line {
    /// An empty line.
    #[inline(always)]
    pub fn new() -> Line {
        Line { bytes: [0; 384], len: 0 }
    }

    /// Appends the eight bytes of `word` (little-endian); `push_text!`
    /// sets the true length after the last word.
    #[inline(never)]
    pub fn word(&mut self, word: u64) {
        if let Some(slot) = self.bytes.get_mut(self.len..self.len + 8) {
            slot.copy_from_slice(&word.to_le_bytes());
            self.len += 8;
        }
    }

    /// Sets the length after a `push_text!` that started at `start`.
    #[inline(always)]
    pub fn end_text(&mut self, start: usize, len: usize) {
        self.len = (start + len).min(self.len);
    }

    fn push_byte(&mut self, byte: u8) {
        if let Some(slot) = self.bytes.get_mut(self.len) {
            *slot = byte;
            self.len += 1;
        }
    }

    fn push_hex(&mut self, value: usize) {
        let mut shift = usize::BITS;
        while shift > 0 {
            shift -= 4;
            let nibble = ((value >> shift) & 0xf) as u8;
            self.push_byte(if nibble < 10 { b'0' + nibble } else { b'a' + nibble - 10 });
        }
    }

    /// Appends ` 0x<value>`.
    #[inline(never)]
    pub fn value(&mut self, value: usize) {
        self.push_byte(b' ');
        self.push_byte(b'0');
        self.push_byte(b'x');
        self.push_hex(value);
    }

    /// Bytes in the line so far.
    pub fn len(&self) -> usize {
        self.len
    }

    /// The line so far.
    pub fn text(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or(&self.bytes)
    }
}

/// Starts a report: the line with the adapter's name in front.
#[inline(never)]
pub fn begin(line: &mut Line) {
    adapter_macros::push_text!(*line, "wasi-preview1-adapter: ");
}

/// Writes the line and a newline to stderr, and traps.
#[cold]
#[inline(never)]
pub fn end(line: &mut Line) -> ! {
    line.push_byte(b'\n');
    let _ = streams::output_stream_blocking_write_and_flush(stderr::get_stderr(), line.text());
    core::arch::wasm32::unreachable()
}

/// `fatal!("message")`, `fatal!("message", value)`,
/// `fatal!("message", value, "detail")`: writes
/// `wasi-preview1-adapter: message 0x<value>detail` to stderr and traps.
#[macro_export]
macro_rules! fatal {
    ($message:literal $(, $value:expr $(, $detail:literal)?)?) => {{
        let mut line = $crate::fatal::Line::new();
        $crate::fatal::begin(&mut line);
        adapter_macros::push_text!(line, $message);
        $(
            line.value($value as usize);
            $(adapter_macros::push_text!(line, $detail);)?
        )?
        $crate::fatal::end(&mut line)
    }};
}
