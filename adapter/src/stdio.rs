//! Standard streams: fetched from the host on first use and cached in the
//! descriptor.

use crate::descriptors::{kind, Descriptor};
use crate::wasi::{cli, io};

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
