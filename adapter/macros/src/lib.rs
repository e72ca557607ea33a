//! Procedural macros for the adapter.
//!
//! The adapter may not contain data segments, so a string literal can never
//! be placed in memory by the compiler. `push_text!` turns a literal into
//! calls that append its bytes, eight at a time, each word an immediate.

use proc_macro::{Delimiter, Literal, TokenStream, TokenTree};

/// `push_text!(line, "...")` appends the literal to a `fatal::Line`: one
/// `line.word(..)` call per eight bytes, each word an immediate, then the
/// true length. Nothing is built on the side and copied.
#[proc_macro]
pub fn push_text(input: TokenStream) -> TokenStream {
    let mut tokens: Vec<TokenTree> = input.into_iter().collect();
    let Some(comma) = tokens.iter().position(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == ',')) else {
        return "compile_error!(\"push_text! takes a line and a string literal\")".parse().unwrap();
    };
    let literal: TokenStream = tokens.split_off(comma + 1).into_iter().collect();
    tokens.pop();
    let line: TokenStream = tokens.into_iter().collect();
    let text = match parse_string_literal(literal) {
        Ok(text) => text,
        Err(message) => return format!("compile_error!({message:?})").parse().unwrap(),
    };
    let mut code = format!("{{ let line = &mut {line}; let start = line.len(); ");
    for chunk in text.as_bytes().chunks(8) {
        let mut word = [0u8; 8];
        word[..chunk.len()].copy_from_slice(chunk);
        code.push_str(&format!("line.word({:#x}u64); ", u64::from_le_bytes(word)));
    }
    code.push_str(&format!("line.end_text(start, {}usize); }}", text.len()));
    code.parse().unwrap()
}

fn parse_string_literal(input: TokenStream) -> Result<String, String> {
    let mut tokens = input.into_iter();
    match (tokens.next(), tokens.next()) {
        (Some(TokenTree::Literal(literal)), None) => unquote(&literal),
        // A literal forwarded by `macro_rules!` arrives in an invisible group.
        (Some(TokenTree::Group(group)), None) if group.delimiter() == Delimiter::None => {
            parse_string_literal(group.stream())
        }
        _ => Err("text! takes exactly one string literal".into()),
    }
}

/// Decodes a plain (non-raw) string literal with the escapes messages need.
fn unquote(literal: &Literal) -> Result<String, String> {
    let source = literal.to_string();
    let inner = source
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .ok_or("text! takes a plain string literal")?;
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('\\') => out.push('\\'),
            Some('"') => out.push('"'),
            Some('\'') => out.push('\''),
            other => return Err(format!("unsupported escape \\{other:?} in text!")),
        }
    }
    Ok(out)
}
