//! Reporting corrupted adapter state: a sentence on stderr, then a trap.
//!
//! This is the only place the adapter traps on purpose. Messages are built
//! on the stack (see `adapter_macros::text!`) because the adapter has no
//! static data.

use crate::wasi::cli::stderr;
use crate::wasi::io::streams;

/// Writes `message`, optionally followed by ` 0x<value>` and `detail`, and
/// traps.
#[cold]
#[inline(never)]
pub fn fatal(message: &[u8], value: Option<usize>, detail: &[u8]) -> ! {
    let mut line = Line { bytes: [0; 384], len: 0 };
    let (prefix, prefix_len) = adapter_macros::text!("wasi-preview1-adapter: ");
    line.push(bytes_of(&prefix, prefix_len));
    line.push(message);
    if let Some(value) = value {
        line.push_byte(b' ');
        line.push_byte(b'0');
        line.push_byte(b'x');
        line.push_hex(value);
    }
    line.push(detail);
    line.push_byte(b'\n');
    let text = line.bytes.get(..line.len).unwrap_or(&line.bytes);
    let _ = streams::output_stream_blocking_write_and_flush(stderr::get_stderr(), text);
    core::arch::wasm32::unreachable()
}

struct Line {
    bytes: [u8; 384],
    len: usize,
}

impl Line {
    fn push(&mut self, text: &[u8]) {
        for &byte in text {
            self.push_byte(byte);
        }
    }

    fn push_byte(&mut self, byte: u8) {
        if self.len < self.bytes.len() {
            self.bytes[self.len] = byte;
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
}

/// `fatal!("message")`, `fatal!("message", value)`,
/// `fatal!("message", value, "detail")`.
#[macro_export]
macro_rules! fatal {
    ($message:literal) => {{
        let (words, len) = adapter_macros::text!($message);
        $crate::fatal::fatal($crate::fatal::bytes_of(&words, len), None, &[])
    }};
    ($message:literal, $value:expr) => {{
        let (words, len) = adapter_macros::text!($message);
        $crate::fatal::fatal($crate::fatal::bytes_of(&words, len), Some($value as usize), &[])
    }};
    ($message:literal, $value:expr, $detail:literal) => {{
        let (words, len) = adapter_macros::text!($message);
        let (detail_words, detail_len) = adapter_macros::text!($detail);
        $crate::fatal::fatal(
            $crate::fatal::bytes_of(&words, len),
            Some($value as usize),
            $crate::fatal::bytes_of(&detail_words, detail_len),
        )
    }};
}

/// Views the words produced by `text!` as bytes.
#[inline(always)]
pub fn bytes_of<const N: usize>(words: &[u64; N], len: usize) -> &[u8] {
    // SAFETY: `len` never exceeds `N * 8`, as produced by `text!`.
    unsafe { core::slice::from_raw_parts(words.as_ptr().cast::<u8>(), len.min(N * 8)) }
}
