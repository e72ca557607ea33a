//! Standard streams: fetched from the host on first use and cached in the
//! descriptor; writing to an output stream.

use crate::descriptors::{kind, Descriptor};
use crate::errno::{self, Errno};
use crate::wasi::io::UnitStreamResult;
use crate::wasi::{cli, io, ReturnArea};

/// The input stream of a STDIN descriptor.
pub fn input_stream(d: &mut Descriptor) -> u32 {
    if d.handle == 0 {
        // SAFETY: plain import call.
        d.handle = unsafe { cli::get_stdin() };
    }
    d.handle
}

/// The output stream of a STDOUT/STDERR descriptor.
pub fn output_stream(d: &mut Descriptor) -> u32 {
    if d.stream == 0 {
        // SAFETY: plain import calls.
        d.stream = unsafe {
            if d.kind == kind::STDOUT {
                cli::get_stdout()
            } else {
                cli::get_stderr()
            }
        };
    }
    d.stream
}

/// `blocking-write-and-flush` accepts at most this many bytes per call.
const STREAM_WRITE_CHUNK: usize = 4096;

/// Writes all of `[buf, buf + len)` to a stream, in chunks the host accepts.
pub fn write_stream(stream: u32, buf: usize, len: usize) -> Result<usize, Errno> {
    let mut done = 0;
    while done < len {
        let chunk = (len - done).min(STREAM_WRITE_CHUNK);
        write_chunk(stream, buf + done, chunk)?;
        done += chunk;
    }
    Ok(done)
}

/// One `blocking-write-and-flush` (also of zero bytes, which still reaches
/// the file behind an append stream and meets its errors).
pub fn write_chunk(stream: u32, buf: usize, len: usize) -> Result<(), Errno> {
    let mut ret = ReturnArea::new();
    // SAFETY: the guest's buffer (bounds checked by the caller), passed to
    // the host as a list.
    unsafe { io::output_blocking_write_and_flush(stream, buf as *const u8, len, ret.ptr()) };
    let result: UnitStreamResult = ret.get();
    if result.is_err != 0 {
        return Err(errno::from_stream_error(result.error_tag, result.error_handle));
    }
    Ok(())
}

/// Releases the streams a descriptor holds.
pub fn drop_streams(d: &Descriptor) {
    // SAFETY: handles owned by this descriptor, dropped once.
    unsafe {
        if d.kind == kind::STDIN && d.handle != 0 {
            io::drop_input_stream(d.handle);
        }
        if d.stream != 0 {
            io::drop_output_stream(d.stream);
        }
    }
}

/// P1 filetype of a standard stream, as the native host reports it:
/// CHARACTER_DEVICE when it is a terminal, UNKNOWN otherwise.
#[cfg(not(feature = "proxy"))]
pub fn filetype(d: &mut Descriptor) -> u8 {
    use crate::descriptors::flag;
    use crate::errno::filetype;
    if d.flags & flag::FILETYPE_KNOWN == 0 {
        let mut ret = crate::wasi::ReturnArea::new();
        // SAFETY: plain import calls; the terminal handle is dropped at once.
        let terminal: cli::terminal::OptionHandle = unsafe {
            match d.kind {
                kind::STDIN => cli::terminal::get_terminal_stdin(ret.ptr()),
                kind::STDOUT => cli::terminal::get_terminal_stdout(ret.ptr()),
                _ => cli::terminal::get_terminal_stderr(ret.ptr()),
            }
            ret.get()
        };
        if terminal.is_some != 0 {
            // SAFETY: an own handle just returned.
            unsafe {
                if d.kind == kind::STDIN {
                    cli::terminal::drop_terminal_input(terminal.handle)
                } else {
                    cli::terminal::drop_terminal_output(terminal.handle)
                }
            }
        }
        d.filetype = if terminal.is_some != 0 { filetype::CHARACTER_DEVICE } else { filetype::UNKNOWN };
        d.flags |= flag::FILETYPE_KNOWN;
    }
    d.filetype
}

#[cfg(feature = "proxy")]
pub fn filetype(_d: &mut Descriptor) -> u8 {
    crate::errno::filetype::UNKNOWN
}
