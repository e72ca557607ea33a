//! `wasi:cli/*@0.2.0`.

#[cfg(not(feature = "proxy"))]
#[link(wasm_import_module = "wasi:cli/environment@0.2.0")]
extern "C" {
    /// `get-arguments: func() -> list<string>`; writes a `ListRef` of
    /// `ListRef`s.
    #[link_name = "get-arguments"]
    pub fn get_arguments(ret: *mut u8);
    /// `get-environment: func() -> list<tuple<string, string>>`; writes a
    /// `ListRef` of `[ListRef; 2]`.
    #[link_name = "get-environment"]
    pub fn get_environment(ret: *mut u8);
}

#[cfg(not(feature = "proxy"))]
#[link(wasm_import_module = "wasi:cli/exit@0.2.0")]
extern "C" {
    /// `exit: func(status: result)`; 0 is ok, 1 is err.
    pub fn exit(status: u32) -> !;
    /// `exit-with-code: func(status-code: u8)`, only where the host enables
    /// WASI's `cli-exit-with-code`.
    #[cfg(feature = "exit-with-code")]
    #[link_name = "exit-with-code"]
    pub fn exit_with_code(code: u32) -> !;
}

#[link(wasm_import_module = "wasi:cli/stdin@0.2.0")]
extern "C" {
    #[link_name = "get-stdin"]
    pub fn get_stdin() -> u32;
}

#[link(wasm_import_module = "wasi:cli/stdout@0.2.0")]
extern "C" {
    #[link_name = "get-stdout"]
    pub fn get_stdout() -> u32;
}

#[link(wasm_import_module = "wasi:cli/stderr@0.2.0")]
extern "C" {
    #[link_name = "get-stderr"]
    pub fn get_stderr() -> u32;
}

#[cfg(not(feature = "proxy"))]
pub mod terminal {
    /// `option<own<terminal-*>>` return area.
    #[repr(C)]
    #[derive(Clone, Copy)]
    pub struct OptionHandle {
        pub is_some: u8,
        pub handle: u32,
    }

    #[link(wasm_import_module = "wasi:cli/terminal-stdin@0.2.0")]
    extern "C" {
        #[link_name = "get-terminal-stdin"]
        pub fn get_terminal_stdin(ret: *mut u8);
    }
    #[link(wasm_import_module = "wasi:cli/terminal-stdout@0.2.0")]
    extern "C" {
        #[link_name = "get-terminal-stdout"]
        pub fn get_terminal_stdout(ret: *mut u8);
    }
    #[link(wasm_import_module = "wasi:cli/terminal-stderr@0.2.0")]
    extern "C" {
        #[link_name = "get-terminal-stderr"]
        pub fn get_terminal_stderr(ret: *mut u8);
    }
    #[link(wasm_import_module = "wasi:cli/terminal-input@0.2.0")]
    extern "C" {
        #[link_name = "[resource-drop]terminal-input"]
        pub fn drop_terminal_input(handle: u32);
    }
    #[link(wasm_import_module = "wasi:cli/terminal-output@0.2.0")]
    extern "C" {
        #[link_name = "[resource-drop]terminal-output"]
        pub fn drop_terminal_output(handle: u32);
    }
}
